"""Monte Carlo and tornado (one-way) sensitivity, both one vectorised pass of the equations."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.costmodel.equations import outputs
from engine.costmodel.errors import AssumptionError
from engine.costmodel.evaluate import number
from engine.costmodel.fields import FIELDS, OPTIONS, OUTPUTS
from engine.costmodel.scenario import Scenario

Z95 = 1.959963984540054  # a normal's 95 % range is mean +- Z95 * sd
MAX_DRAWS = 1_000_000
PERCENTILES = (5.0, 50.0, 95.0)


def uncertain_fields(scenario: Scenario) -> list[dict]:
    """Every field given as a range, in schema order."""
    return [{"field": f, **scenario.uncertain[f].to_dict()} for f in FIELDS if f in scenario.uncertain]


def _draw(scenario: Scenario, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for f in FIELDS:  # schema order: the same seed gives the same draws
        u = scenario.uncertain.get(f)
        if u is None:
            continue
        spec = FIELDS[f]
        if u.low == u.high:
            x = np.full(n, u.value)
        elif u.dist == "uniform":
            x = rng.uniform(u.low, u.high, n)
        elif u.dist == "normal":
            # low..high is the 95 % range; draws outside the field's allowed range are clipped.
            x = np.clip(rng.normal(u.value, (u.high - u.low) / (2 * Z95), n), spec.minimum, spec.maximum)
        else:
            x = rng.triangular(u.low, u.value, u.high, n)
        if spec.integer:
            x = np.round(x)
        out[f] = x
    return out


def _percentiles(stack: np.ndarray, method: str = "linear") -> np.ndarray:
    return np.percentile(stack, PERCENTILES, axis=-1, method=method)


def _triple(values: Any) -> dict:
    return {f"p{int(q)}": number(v) for q, v in zip(PERCENTILES, values)}


def monte_carlo(scenario: Scenario, n: int = 10_000, seed: int = 0) -> dict:
    """Percentiles (5/50/95) of every output and P(each option is cheapest), from n seeded draws
    of all uncertain fields at once."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_DRAWS:
        raise AssumptionError("monte_carlo.draws", f"must be a whole number from 1 to {MAX_DRAWS:,}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise AssumptionError("monte_carlo.seed", "must be a whole number >= 0")
    rng = np.random.default_rng(int(seed))
    p: dict[str, Any] = dict(scenario.point)
    p.update(_draw(scenario, n, rng))
    res = outputs(p, scenario.mode, scenario.dedicated)

    def full(x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,))

    present = np.stack([full(res[o]["present_cost"]) for o in OPTIONS])
    winners = np.bincount(np.argmin(present, axis=0), minlength=len(OPTIONS)) / n

    plain = [k for k in OUTPUTS if k not in ("roi", "payback_months")]
    stack = np.stack([full(res[o][k]) for o in OPTIONS for k in plain])
    table = _percentiles(stack)  # (3 percentiles, options * outputs)
    percentiles: dict[str, dict] = {o: {} for o in OPTIONS}
    for i, (o, k) in enumerate((o, k) for o in OPTIONS for k in plain):
        percentiles[o][k] = _triple(table[:, i])
    for o in OPTIONS:
        roi = full(res[o]["roi"])
        roi = roi[np.isfinite(roi)]
        percentiles[o]["roi"] = _triple(_percentiles(roi)) if roi.size else _triple([np.nan] * 3)
        # Undefined payback = never pays back: +inf, so it sorts last and shows as None.
        payback = np.where(np.isnan(full(res[o]["payback_months"])), np.inf, full(res[o]["payback_months"]))
        percentiles[o]["payback_months"] = _triple(_percentiles(payback, "inverted_cdf"))
        percentiles[o] = {k: percentiles[o][k] for k in OUTPUTS}

    be = full(res["break_even_studies_per_year"])
    be_found = be[np.isfinite(be)]
    be_summary = _triple(_percentiles(be_found)) if be_found.size else _triple([np.nan] * 3)
    be_summary["p_exists"] = be_found.size / n
    return {"draws": n, "seed": int(seed), "uncertain_fields": [f for f in FIELDS if f in scenario.uncertain],
            "p_cheapest": {o: float(w) for o, w in zip(OPTIONS, winners)},
            "percentiles": percentiles, "break_even_studies_per_year": be_summary}


def tornado_outputs() -> list[str]:
    return ["sam_minus_ssl", "break_even_studies_per_year"] + [f"{o}.{k}" for o in OPTIONS for k in OUTPUTS]


def _pick(res: dict, output: str) -> Any:
    if output == "sam_minus_ssl":
        return res["sam"]["present_cost"] - res["ssl"]["present_cost"]
    if output == "break_even_studies_per_year":
        return res[output]
    opt, _, metric = output.partition(".")
    return res[opt][metric]


def tornado(scenario: Scenario, output: str = "sam_minus_ssl", top: int | None = None) -> list[dict]:
    """Each uncertain field at its low and its high (others at point values), sorted by swing.

    Default output: present cost of sam minus present cost of ssl (> 0: ssl is cheaper).
    """
    if output not in tornado_outputs():
        raise AssumptionError("tornado.output", "must be sam_minus_ssl, break_even_studies_per_year "
                                                f"or <option>.<output>, got {output!r:.60}")
    fields = [f for f in FIELDS if f in scenario.uncertain]
    m = 2 * len(fields)
    p: dict[str, Any] = dict(scenario.point)
    for i, f in enumerate(fields):
        u = scenario.uncertain[f]
        col = np.full(m + 1, u.value)  # the last row is the base case
        col[2 * i], col[2 * i + 1] = u.low, u.high
        p[f] = col
    res = outputs(p, scenario.mode, scenario.dedicated)
    y = np.broadcast_to(np.asarray(_pick(res, output), dtype=float), (m + 1,))
    base = number(y[-1])
    rows = []
    for i, f in enumerate(fields):
        u = scenario.uncertain[f]
        at_low, at_high = number(y[2 * i]), number(y[2 * i + 1])
        swing = abs(at_high - at_low) if at_low is not None and at_high is not None else None
        rows.append({"field": f, "low": u.low, "high": u.high, "dist": u.dist, "output": output,
                     "output_at_low": at_low, "output_at_high": at_high, "base": base, "swing": swing})
    rows.sort(key=lambda r: (r["swing"] is None, -(r["swing"] or 0.0)))
    return rows[:top] if top is not None else rows
