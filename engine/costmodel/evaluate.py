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


def number(x: Any) -> float | None:
    """A JSON-safe float: None for NaN and infinities."""
    x = float(x)
    return x if math.isfinite(x) else None


def _or_inf(x: float | None) -> float:
    return math.inf if x is None else x


def evaluate(scenario: Scenario) -> dict:
    """Costs of every option at the scenario's point values (the `segroi cost` JSON)."""
    res = outputs(scenario.point, scenario.options)
    names = scenario.option_names
    options = {opt: {k: number(res["options"][opt][k]) for k in OUTPUTS} for opt in names}
    cheapest = min(names, key=lambda o: _or_inf(options[o]["present_cost"]))
    out: dict[str, Any] = {"options": options}
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
            "labour": number(parts["labour"]),
            "compute": number(parts["compute"]),
            "maintenance": number(parts["maintenance"]),
            "annual": number(parts["annual"]),
            "setup": number(sum(setup_parts.values())),
            "setup_parts": setup_parts,
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
        options[opt] = {
            "undiscounted": [float(x) for x in setup + annual * years],
            "discounted": [float(x) for x in setup + annual * cum_factor],
        }
    return {"years": list(range(h + 1)), "options": options}


def sweep(
    scenario: Scenario,
    field: str = "workload.studies_per_year",
    values: Iterable[float] | None = None,
    output: str = "present_cost",
) -> dict:
    """One output of every option as one field varies over `values` (others at point values)."""
    if field not in scenario.fields or field not in scenario.point:
        raise AssumptionError(field, "is not an assumption of this scenario")
    if output not in OUTPUTS:
        raise AssumptionError("output", f"must be one of {', '.join(OUTPUTS)}, got {output!r:.40}")
    spec = scenario.fields[field]
    if values is None:
        lo = max(spec.minimum, scenario.point[field] / 10)
        values = (
            np.geomspace(lo, min(spec.maximum, scenario.point[field] * 10), 50)
            if scenario.point[field] > 0
            else np.linspace(spec.minimum, spec.maximum, 50)
        )
    arr = np.asarray(list(values), dtype=float)
    if arr.ndim != 1 or not arr.size or not np.all(np.isfinite(arr)):
        raise AssumptionError(field, "sweep values must be a non-empty list of finite numbers")
    bad = [v for v in arr if spec.check(v)]
    if bad:
        raise AssumptionError(field, spec.check(bad[0]) or "")
    p: dict[str, Any] = dict(scenario.point)
    p[field] = arr
    res = outputs(p, scenario.options)["options"]
    return {
        "field": field,
        "values": [float(v) for v in arr],
        "options": {
            opt: [number(x) for x in np.broadcast_to(res[opt][output], arr.shape)] for opt in scenario.option_names
        },
    }
