"""One scenario's figures, computed once and shared by the dashboard and the PDF.

`summarize(raw)` runs the cost model (evaluate, Monte Carlo, tornado, cumulative, breakdown) on a
validated scenario; `headline(summary, lang)` turns it into the plain sentence and the headline
numbers. The answer is the cost model's `cheapest` option over the horizon (ties: the first in the
scenario's order): the headline tells how much it saves against manual tracing, or says to keep
manual tracing when that is the cheapest. Both the Overview page and the PDF print exactly these
strings, so the two never disagree.
"""

from __future__ import annotations

import json
import math
import time

from engine import costmodel
from engine.report import i18n
from engine.report.i18n import t

MC_DRAWS = 10_000
MC_SEED = 0


def summarize(raw: dict, draws: int = MC_DRAWS, seed: int = MC_SEED, focus: str | None = None) -> dict:
    """Everything the Overview and the PDF need for one scenario. Raises costmodel.AssumptionError.

    The savings story is about `best`, the cheapest option that is not manual. `focus` is the option
    the tornado is about: `best` by default, or any other option that is not manual.
    """
    started = time.perf_counter()
    scenario = costmodel.validate(raw)
    result = costmodel.evaluate(scenario)
    uncertain = costmodel.uncertain_fields(scenario)
    mc = costmodel.monte_carlo(scenario, n=draws, seed=seed) if uncertain and draws else None
    best = best_option(result, scenario.manual)
    if focus is None or focus not in result["options"] or focus == scenario.manual:
        focus = best
    return {
        "name": scenario.name,
        "currency": scenario.currency,
        "horizon_years": scenario.horizon_years,
        "mode": scenario.mode,
        "volume": scenario.point["workload.studies_per_year"],
        "options": [
            {"name": o.name, "kind": o.kind, "label": o.label, "automatic": o.automatic, "prompted": o.prompted}
            for o in scenario.options
        ],
        "manual": scenario.manual,
        "scenario": scenario,
        "assumptions": scenario.to_dict(),
        "provenance": field_provenance(scenario),
        "result": result,
        "monte_carlo": mc,
        "best": best,
        "focus": focus,
        "tornado": tornado_for(scenario, focus),
        "cumulative": costmodel.cumulative(scenario),
        "breakdown": costmodel.breakdown(scenario),
        "seconds": time.perf_counter() - started,
    }


def field_provenance(scenario) -> dict[str, dict]:
    """Every assumption's {kind, source}: its own entry, else its option's profile provenance, else assumed."""
    raw = scenario.to_dict()
    out = {}
    for field in scenario.point:
        entry = scenario.provenance.get(field)
        if entry is None and ".profile." in field:
            option = field.split(".")[1]
            prof = raw.get("options", {}).get(option, {}).get("profile", {}).get("provenance")
            if prof:
                extra = ", ".join(
                    str(prof[k]) for k in ("model", "hardware", "weights", "date", "run_id") if prof.get(k)
                )
                source = prof.get("source") or ""
                entry = {
                    "kind": prof["kind"],
                    "source": f"{source} ({extra})" if extra and source else (source or extra),
                }
        out[field] = entry or {"kind": "assumed", "source": f"scenario “{scenario.name}”"}
    for field, entry in scenario.provenance.items():
        out.setdefault(field, entry)
    return out


def figure_provenance(summary: dict) -> dict[str, dict]:
    """The provenance of the scenario's numeric inputs: what the figures' badges count (the same inputs as
    `default_count`)."""
    point = summary["scenario"].point
    return {f: p for f, p in summary["provenance"].items() if f in point}


def tornado_for(scenario, option: str) -> list[dict]:
    """The one-way sensitivity of `option`'s NPV savings vs manual (empty without ranges)."""
    if not scenario.uncertain:
        return []
    return costmodel.tornado(scenario, output=f"{option}.npv_savings_vs_manual")


def overview_figures(summary: dict, lang: str, focus: str | None = None) -> list[list]:
    """The Overview's figures, row by row: what each option costs; the cumulative cost beside the tornado
    of `focus` (default: the summary's focus; no tornado without ranges); the cheapest option by volume."""
    from engine.report import figures

    s, cur, prov, opts = summary, summary["currency"], figure_provenance(summary), summary["options"]
    focus = focus or s["focus"]
    middle = [figures.cumulative_cost(s["cumulative"], cur, lang, prov, highlight=s["best"], options=opts)]
    if s["tornado"]:
        rows = s["tornado"] if focus == s["focus"] else tornado_for(s["scenario"], focus)
        middle.append(figures.tornado(rows, focus, cur, lang, prov, options=opts))
    return [
        [figures.costs(s["result"], s["breakdown"], cur, lang, prov, opts)],
        middle,
        [figures.cheapest_by_volume(s["result"]["cheapest_by_volume"], s["volume"], lang, prov, opts)],
    ]


def best_option(result: dict, manual: str = "manual") -> str:
    """The option other than manual with the lowest present cost: the one the savings story is about."""
    opts = result["options"]
    return min(
        (o for o in opts if o != manual),
        key=lambda o: math.inf if opts[o]["present_cost"] is None else opts[o]["present_cost"],
    )


def option_names(summary: dict, lang: str, short: bool = False) -> dict[str, str]:
    """What to call each option of a summarised scenario, in its order (engine.report.figures)."""
    from engine.report.figures import option_names as names

    return names(summary["options"], lang, short)


def raw_option_names(raw: dict, lang: str, short: bool = False) -> dict[str, str]:
    """What to call each option of an assumptions dict, valid or not (the Scenario page edits both)."""
    from engine.annotation.options import kind_of
    from engine.report.figures import option_names as names

    opts = []
    for name, body in ((raw or {}).get("options") or {}).items():
        body = body if isinstance(body, dict) else {}
        label = body.get("label") if isinstance(body.get("label"), str) else None
        opts.append(
            {
                "name": name,
                "kind": kind_of(name, body),
                "label": label,
                "automatic": body.get("automatic"),
                "prompted": body.get("prompted"),
            }
        )
    return names(opts, lang, short)


def result_rows(summary: dict, lang: str, short: bool = False) -> dict[str, list[str]]:
    """The results table of the Scenario page: one row per option, formatted for `lang`."""
    res = summary["result"]["options"]
    cur, manual = summary["currency"], summary["manual"]
    names = option_names(summary, lang, short)
    return {
        t("pdf.col.option", lang): [names[o] for o in res],
        t("metric.cost_per_study", lang): [i18n.money(res[o]["cost_per_study"], cur, lang) for o in res],
        t("metric.annual_cost", lang): [i18n.money(res[o]["annual_cost"], cur, lang) for o in res],
        t("metric.setup_cost", lang): [i18n.money(res[o]["setup_cost"], cur, lang) for o in res],
        t("metric.present_cost", lang): [i18n.money(res[o]["present_cost"], cur, lang) for o in res],
        t("metric.npv_savings", lang): [i18n.money(res[o]["npv_savings_vs_manual"], cur, lang) for o in res],
        t("metric.payback_months", lang): [
            "" if o == manual else i18n.months(res[o]["payback_months"], lang) for o in res
        ],
        t("metric.roi", lang): ["" if res[o]["roi"] is None else i18n.percent(res[o]["roi"], lang) for o in res],
    }


def scenario_key(raw: dict) -> str:
    """A text key for caching a scenario's summary. Key order is kept: the order of a scenario's
    options is part of its meaning (display order, ties)."""
    return json.dumps(raw, default=str)


def headline(summary: dict, lang: str = "en") -> dict:
    """The recommendation sentence and the headline figures, formatted for `lang`: `sentence`, `option`
    (the cheapest option that is not manual, whom the figures describe), `savings` and `savings_range`
    (its 90 % range over the uncertainty draws, or None), `payback`, `p_cheapest` (share of uncertainty
    draws in which it is cheapest, or None), `cost_per_study` per option, `other` (the next best option),
    `break_even` and `defaults` (how many inputs are still segroi's defaults). Each is one whole
    sentence or figure of the catalogue; none is glued together here."""
    res = summary["result"]["options"]
    cur = summary["currency"]
    years = summary["horizon_years"]
    best, manual = summary["best"], summary["manual"]
    mc = summary["monte_carlo"]
    names = option_names(summary, lang)
    savings = res[best]["npv_savings_vs_manual"]
    payback = res[best]["payback_months"]
    p = mc["p_cheapest"][best] if mc else None
    figures = {
        "option": names[best],
        "savings": i18n.money_compact(savings, cur, lang),
        "savings_range": savings_range(summary, lang),
        "payback": i18n.months(payback, lang),
        "p_cheapest": i18n.percent(p, lang) if p is not None else None,
        "cost_per_study": {o: i18n.money(res[o]["cost_per_study"], cur, lang) for o in res},
    }
    others = [o for o in res if o != manual]
    if summary["result"]["cheapest"] == manual:  # the answer (when it is not manual, it is `best`)
        legacy = sorted(others) == ["sam", "ssl"] and manual == "manual"
        sentence = (
            t("rec.manual_best", lang, years=years)
            if legacy
            else t("rec.manual_best_any", lang, years=years, n=len(others))
        )
    else:
        key = "rec.saves_" + ("payback" if payback is not None else "never") + ("_share" if p is not None else "")
        sentence = t(
            key,
            lang,
            option=figures["option"],
            savings=figures["savings"],
            years=years,
            months=figures["payback"],
            share=figures["p_cheapest"],
        )
    rest = sorted((o for o in others if o != best), key=lambda o: res[o]["present_cost"])
    if not rest:
        figures["other"] = None
    else:  # the next best option besides manual (with two such options: the other one)
        key = "rec.vs_other" if len(others) == 2 else "rec.next_best"
        figures["other"] = t(
            key,
            lang,
            other=names[rest[0]],
            savings=i18n.money_compact(res[rest[0]]["npv_savings_vs_manual"], cur, lang),
        )
    be = summary["result"].get("break_even_studies_per_year")
    short = option_names(summary, lang, short=True)
    figures["break_even"] = (
        t("rec.break_even", lang, a=short["sam"], b=short["ssl"], volume=i18n.number(be, lang))
        if be is not None
        else None
    )
    n, total = default_count(summary)
    figures["defaults"] = (
        t("overview.defaults", lang, n=n, total=total) if n else t("overview.defaults_none", lang, total=total)
    )
    figures["sentence"] = sentence
    return figures


def default_count(summary: dict) -> tuple[int, int]:
    """(how many of the scenario's numeric inputs are still segroi's own assumptions - the reference data's
    assumed figures, unchanged in value and source - , how many numeric inputs it has)."""
    from engine.reference import default_sources

    sources = default_sources()
    prov = summary["provenance"]
    fields = list(summary["scenario"].point)
    n = sum(
        1
        for f in fields
        if (prov.get(f) or {}).get("kind") == "assumed" and (prov.get(f) or {}).get("source") in sources
    )
    return n, len(fields)


def savings_range(summary: dict, lang: str) -> str | None:
    """The 90% range, over the uncertainty draws, of the best option's NPV savings (None without ranges)."""
    mc = summary["monte_carlo"]
    if not mc:
        return None
    pct = mc["percentiles"][summary["best"]]["npv_savings_vs_manual"]
    cur = summary["currency"]
    return t(
        "overview.range",
        lang,
        low=i18n.money_compact(pct["p5"], cur, lang),
        high=i18n.money_compact(pct["p95"], cur, lang),
    )


def assumption_rows(summary: dict, lang: str) -> list[dict]:
    """Every assumption with its value and provenance, in the cost model's field order (PDF table)."""
    scenario = summary["scenario"]
    prov = summary["provenance"]
    labels = option_names(summary, lang, short=True)
    rows = []
    for field, spec in scenario.fields.items():
        if field not in scenario.point:
            continue
        value = scenario.point[field]
        text = _value_text(value, spec.unit, summary["currency"], lang)
        unc = scenario.uncertain.get(field)
        if unc is not None:
            text = i18n.t(
                "scenario.value_range",
                lang,
                value=text,
                low=_value_text(unc.low, spec.unit, summary["currency"], lang),
                high=_value_text(unc.high, spec.unit, summary["currency"], lang),
            )
        p = prov.get(field) or {}
        rows.append(
            {
                "field": field,
                "label": i18n.field_label(field, lang, labels),
                "value": text,
                "kind": p.get("kind", "assumed"),
                "source": p.get("source", ""),
            }
        )
    at = 0
    for o in scenario.options:  # what each option is, before its first field
        what = i18n.t(f"kind.{o.kind}", lang)
        if o.kind == "hybrid":
            what = i18n.t("scenario.hybrid_parts", lang, kind=what, a=labels[o.automatic], p=labels[o.prompted])
        mode = i18n.field_label(f"mode.{o.mode}", lang)
        where = (
            i18n.t("scenario.own_hardware_of", lang, mode=mode)
            if o.hardware != "hardware"
            else i18n.t("scenario.scenario_hardware", lang)
        )
        row = {
            "field": f"options.{o.name}.kind",
            "label": i18n.t("field.of_option", lang, option=labels[o.name], field=i18n.t("scenario.option_kind", lang)),
            "value": what if o.kind == "manual" else i18n.t("scenario.kind_where", lang, kind=what, where=where),
            "kind": (prov.get(f"options.{o.name}.kind") or {}).get("kind", "assumed"),
            "source": (prov.get(f"options.{o.name}.kind") or {}).get("source", ""),
        }
        first = next((i for i, r in enumerate(rows) if r["field"].startswith(f"options.{o.name}.")), len(rows))
        rows.insert(max(first, at), row)
        at = max(first, at) + 1
    rows.insert(
        0,
        {
            "field": "hardware.mode",
            "label": i18n.field_label("hardware.mode", lang),
            "value": (
                i18n.field_label(f"mode.{summary['mode']}", lang)
                if summary["mode"] == "cloud"
                else i18n.t(
                    "scenario.mode_dedicated",
                    lang,
                    mode=i18n.field_label(f"mode.{summary['mode']}", lang),
                    dedicated=i18n.field_label("hardware.dedicated", lang),
                    answer=i18n.t("scenario.yes" if scenario.dedicated else "scenario.no", lang),
                )
            ),
            "kind": (prov.get("hardware.mode") or {}).get("kind", "assumed"),
            "source": (prov.get("hardware.mode") or {}).get("source", ""),
        },
    )
    return rows


def _value_text(value: float, unit: str, currency: str, lang: str) -> str:
    return i18n.value_text(value, unit, currency, lang)
