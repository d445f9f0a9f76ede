"""`segroi cost`: evaluate an assumptions file (or a stored scenario) with the cost model."""

from __future__ import annotations

import json
import sys

from engine.errors import SegroiError


def register(sub) -> None:
    p = sub.add_parser(
        "cost",
        help="compare the cost of a scenario's options (manual, SAM, SSL, hybrids ...)",
        description="Evaluate a scenario: annual and setup cost, present cost, NPV savings, ROI and payback "
        "of every option, the cheapest one, and which option is cheapest at each yearly volume. "
        "The assumptions file format is in docs/assumptions.md.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--assumptions", metavar="FILE", help="assumptions file (.json, or .toml)")
    src.add_argument("--scenario", metavar="NAME", help="a scenario saved in the store")
    src.add_argument("--reference", action="store_true", help="the built-in reference scenario")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p.add_argument(
        "--monte-carlo",
        type=int,
        metavar="N",
        default=0,
        help="also draw N samples of every ranged assumption (percentiles, P(cheapest))",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed for --monte-carlo (default 0)")
    p.add_argument(
        "--tornado",
        action="store_true",
        help="also show the one-way sensitivity of present cost sam - ssl (files with those "
        "options), else of the cheapest non-manual option's NPV savings",
    )
    p.set_defaults(func=run)


def scenario_from(args):
    """(validated Scenario, where it came from) for --assumptions / --scenario / --reference."""
    from engine import costmodel
    from engine.scenario_sources import load_assumptions, stored_assumptions

    if args.reference:
        from engine.reference import reference_scenario

        raw, where = reference_scenario(), "reference scenario"
    elif args.scenario is not None:
        raw, where = stored_assumptions(args.scenario), f"scenario {args.scenario!r}"
    else:
        raw, where = load_assumptions(args.assumptions), args.assumptions
    try:
        return costmodel.validate(raw), where
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"{where}: {exc}") from None


def run(args) -> int:
    from engine import costmodel

    scenario, where = scenario_from(args)
    out = costmodel.evaluate(scenario)
    try:
        if args.monte_carlo:
            out["monte_carlo"] = costmodel.monte_carlo(scenario, n=args.monte_carlo, seed=args.seed)
        if args.tornado:
            out["tornado"] = costmodel.tornado(scenario)
    except costmodel.AssumptionError as exc:
        option = (
            "--monte-carlo"
            if exc.field == "monte_carlo.draws"
            else "--seed"
            if exc.field == "monte_carlo.seed"
            else "--tornado"
        )
        raise SegroiError(f"{option}: {exc.reason}") from None
    if args.format == "json":
        json.dump(out, sys.stdout, indent=1)
        print()
    else:
        print(table(scenario, out))
    return 0


_ROWS = [
    ("human_hours_per_year", "Human hours / year", "hours"),
    ("labour_cost_per_year", "Labour / year", "money"),
    ("compute_cost_per_year", "Compute / year", "money"),
    ("annual_cost", "Annual cost", "money"),
    ("setup_cost", "Setup (one-off)", "money"),
    ("present_cost", "Present cost", "money"),
    ("npv_savings_vs_manual", "NPV savings vs manual", "money"),
    ("roi", "ROI (savings / setup)", "ratio"),
    ("payback_months", "Payback (months)", "months"),
    ("cost_per_study", "Cost per study", "money_fine"),
]


def _cell(x, kind: str) -> str:
    from engine.report import i18n  # amounts grouped as everywhere else (the table names the currency once)

    if x is None:
        return "-"
    if kind == "money":
        return i18n.number(x, "en", 0)
    if kind == "money_fine":
        return i18n.number(x, "en", 2)
    if kind == "ratio":
        return f"{x:.2f}x"
    return f"{x:,.1f}"


def table(scenario, out: dict) -> str:
    names = scenario.option_names
    cur = scenario.currency
    hw = (
        scenario.mode
        if scenario.mode == "cloud"
        else ("on-prem, dedicated server" if scenario.dedicated else "on-prem, shared server")
    )
    lines = [
        f"Scenario {scenario.name!r}: money in {cur}, {hw}, {scenario.horizon_years} years "
        f"discounted at {scenario.discount_rate * 100:.1f} %/yr"
    ]
    own = [o for o in scenario.options if o.hardware != "hardware" and o.kind != "manual"]
    if own:
        lines.append(
            "On their own hardware: "
            + "; ".join(
                f"{o.name} ({o.mode if o.mode == 'cloud' else 'on-prem, ' + ('dedicated' if o.dedicated else 'shared')})"
                for o in own
            )
        )
    hybrids = [o for o in scenario.options if o.kind == "hybrid"]
    if hybrids:
        lines.append(
            "Hybrids: " + "; ".join(f"{o.name} = {o.automatic}, then {o.prompted} for its failures" for o in hybrids)
        )
    lines.append("")
    width = 28
    lines.append(f"{'':{width}}" + "".join(f"{o[:13]:>14}" for o in names))
    for key, label, kind in _ROWS:
        unit = f" ({cur})" if kind.startswith("money") else ""
        lines.append(f"{label + unit:{width}}" + "".join(f"{_cell(out['options'][o][key], kind):>14}" for o in names))
    mc = out.get("monte_carlo")
    if mc:
        lines.append("")
        lines.append(
            f"Monte Carlo, {mc['draws']:,} draws (seed {mc['seed']}), {len(mc['uncertain_fields'])} ranged assumptions:"
        )
        for key, label in (("present_cost", "Present cost p5"), ("present_cost", "Present cost p95")):
            q = "p5" if label.endswith("p5") else "p95"
            lines.append(
                f"{label + f' ({cur})':{width}}"
                + "".join(f"{_cell(mc['percentiles'][o][key][q], 'money'):>14}" for o in names)
            )
        lines.append(f"{'P(cheapest)':{width}}" + "".join(f"{mc['p_cheapest'][o]:>14.1%}" for o in names))
    lines.append("")
    lines.append(f"Cheapest over the horizon: {out['cheapest']}.")
    if "break_even_studies_per_year" in out:
        be = out["break_even_studies_per_year"]
        lines.append(
            "SAM and SSL cost the same at "
            + (f"{be:,.0f} studies/year." if be is not None else "no volume up to 100,000,000 studies/year.")
        )
    lines.append(
        "Cheapest by yearly volume (everything else fixed): "
        + "; ".join(
            f"{p['option']} from {p['from_studies_per_year']:,.0f}"
            + (f" to {p['to_studies_per_year']:,.0f}" if p["to_studies_per_year"] is not None else " up")
            for p in out["cheapest_by_volume"]
        )
        + " studies/year."
    )
    tor = out.get("tornado")
    if tor:
        lines.append("")
        what = tor[0]["output"].replace("_minus_", " - ")
        lines.append(
            f"Sensitivity of {'present cost ' if ' - ' in what else ''}{what} ({cur}; base {tor[0]['base']:,.0f}):"
        )
        for row in tor[:10]:
            lo = _cell(row["output_at_low"], "money")
            hi = _cell(row["output_at_high"], "money")
            lines.append(f"  {row['field']:44} {lo:>12} .. {hi:>12}")
    return "\n".join(lines)
