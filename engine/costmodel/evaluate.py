"""Point evaluation of a Scenario and the views the dashboard and PDF draw from it."""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from engine.costmodel.equations import annual_parts, discount_factors, option_terms, outputs
from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import OUTPUTS
from engine.costmodel.scenario import Scenario
from engine.costmodel.volume import cheapest_by_volume

LABELS = {"manual": "manual tracing", "sam": "SAM", "ssl": "SSL"}


def number(x: Any) -> float | None:
    """A JSON-safe float: None for NaN and infinities."""
    x = float(x)
    return x if math.isfinite(x) else None


def evaluate(scenario: Scenario) -> dict:
    """Costs of every option at the scenario's point values (the `segroi cost` JSON)."""
    res = outputs(scenario.point, scenario.options)
    names = scenario.option_names
    options = {opt: {k: number(res["options"][opt][k]) for k in OUTPUTS} for opt in names}
    cheapest = min(names, key=lambda o: options[o]["present_cost"])
    out = {"options": options}
    if "break_even" in res:
        out["break_even_studies_per_year"] = number(res["break_even"])
    out["cheapest"] = cheapest
    out["cheapest_by_volume"] = cheapest_by_volume(res["terms"], float(res["annuity"]), names)
    return out


def breakdown(scenario: Scenario) -> dict:
    """Annual cost of each option split into labour, compute and maintenance, plus setup."""
    p = scenario.point
    terms = option_terms(p, scenario.options)
    out = {}
    for opt, t in terms.items():
        parts = annual_parts(t, p["workload.studies_per_year"])
        setup_parts = {k: number(t[k]) for k in ("engineering", "labelling", "training")}
        out[opt] = {
            "labour": number(parts["labour"]), "compute": number(parts["compute"]),
            "maintenance": number(parts["maintenance"]), "annual": number(parts["annual"]),
            "setup": number(sum(setup_parts.values())), "setup_parts": setup_parts,
            "compute_parts": {k: number(parts[k]) for k in ("gpu_rental", "energy", "server")},
        }
    return out


def cumulative(scenario: Scenario) -> dict:
    """Cost paid by the end of each year 0..H: setup at year 0, then the annual cost each year,
    undiscounted and discounted to today (discounted[H] == present_cost)."""
    h = scenario.horizon_years
    factors = discount_factors(scenario.discount_rate)[:h]
    cum_factor = np.concatenate([[0.0], np.cumsum(factors)])
    years = np.arange(h + 1, dtype=float)
    b = breakdown(scenario)
    options = {}
    for opt in scenario.option_names:
        setup, annual = b[opt]["setup"], b[opt]["annual"]
        options[opt] = {"undiscounted": [float(x) for x in setup + annual * years],
                        "discounted": [float(x) for x in setup + annual * cum_factor]}
    return {"years": list(range(h + 1)), "options": options}


def money(x: float | None, currency: str) -> str:
    if x is None:
        return "n/a"
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e9:
        body = f"{x / 1e9:.2f}B"
    elif x >= 1e6:
        body = f"{x / 1e6:.2f}M"
    elif x >= 1e4:
        body = f"{x / 1e3:.0f}k"
    else:
        body = f"{x:,.0f}"
    return f"{sign}{currency} {body}"


def _label(scenario: Scenario, name: str) -> str:
    option = scenario.option(name)
    if option.label:
        return option.label
    if option.kind == "manual":
        return LABELS["manual"]
    return LABELS.get(name, name)


def recommendation(scenario: Scenario, mc: dict | None = None) -> dict:
    """The executive answer: cheapest option over the horizon, by how much, and how sure."""
    ev = evaluate(scenario)
    names = scenario.option_names
    manual = scenario.manual
    pc = {opt: ev["options"][opt]["present_cost"] for opt in names}
    ranked = sorted(names, key=lambda o: pc[o])
    best, nxt = ranked[0], ranked[1]
    cur, h = scenario.currency, scenario.horizon_years
    vs_next = pc[nxt] - pc[best]
    vs_manual = pc[manual] - pc[best]
    payback = ev["options"][best]["payback_months"] if best != manual else None
    p_best = mc["p_cheapest"][best] if mc else None
    rate = f"{scenario.discount_rate * 100:.1f} %/yr"
    label = {n: _label(scenario, n) for n in names}
    if best == manual:
        text = (f"{label[manual][:1].upper() + label[manual][1:]} stays cheapest over {h} years: "
                f"{money(vs_next, cur)} less in present value ({rate}) than {label[nxt]}, the next best option.")
    else:
        text = (f"{label[best]} is cheapest over {h} years: {money(vs_manual, cur)} less in present "
                f"value ({rate}) than {label[manual]}")
        text += (", the next best option" if nxt == manual
                 else f" and {money(vs_next, cur)} less than {label[nxt]}")
        text += f"; its setup pays back in {payback:.1f} months." if payback is not None else "."
    if p_best is not None:
        text += f" It is cheapest in {p_best * 100:.0f} % of {mc['draws']:,} Monte Carlo draws."
    return {"cheapest": best, "next_best": nxt, "horizon_years": h, "currency": cur,
            "present_cost": pc, "savings_vs_next_best": vs_next, "savings_vs_manual": vs_manual,
            "payback_months": payback, "p_cheapest": p_best, "headline": text}


def sweep(scenario: Scenario, field: str = "workload.studies_per_year",
          values: Iterable[float] | None = None, output: str = "present_cost") -> dict:
    """One output of every option as one field varies over `values` (others at point values)."""
    if field not in scenario.fields or field not in scenario.point:
        raise AssumptionError(field, "is not an assumption of this scenario")
    if output not in OUTPUTS:
        raise AssumptionError("output", f"must be one of {', '.join(OUTPUTS)}, got {output!r:.40}")
    spec = scenario.fields[field]
    if values is None:
        lo = max(spec.minimum, scenario.point[field] / 10)
        values = np.geomspace(lo, min(spec.maximum, scenario.point[field] * 10), 50) \
            if scenario.point[field] > 0 else np.linspace(spec.minimum, spec.maximum, 50)
    arr = np.asarray(list(values), dtype=float)
    if arr.ndim != 1 or not arr.size or not np.all(np.isfinite(arr)):
        raise AssumptionError(field, "sweep values must be a non-empty list of finite numbers")
    bad = [v for v in arr if spec.check(v)]
    if bad:
        raise AssumptionError(field, spec.check(bad[0]) or "")
    p = dict(scenario.point)
    p[field] = arr
    res = outputs(p, scenario.options)["options"]
    return {"field": field, "values": [float(v) for v in arr],
            "options": {opt: [number(x) for x in np.broadcast_to(res[opt][output], arr.shape)]
                        for opt in scenario.option_names}}
