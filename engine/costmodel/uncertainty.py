"""Monte Carlo and tornado (one-way) sensitivity, both one vectorised pass of the equations."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from engine.costmodel import distributions
from engine.costmodel.equations import has_legacy_pair, outputs
from engine.costmodel.errors import AssumptionError
from engine.costmodel.evaluate import number
from engine.costmodel.fields import OUTPUTS
from engine.costmodel.scenario import Scenario

MAX_DRAWS = 1_000_000
PERCENTILES = (5.0, 50.0, 95.0)


def uncertain_fields(scenario: Scenario) -> list[dict]:
    """Every field given as a range, in schema order."""
    return [{"field": f, **scenario.uncertain[f].to_dict()} for f in _ranged(scenario)]


def _ranged(scenario: Scenario) -> list[str]:
    """The ranged fields in schema order: the same seed gives the same draws."""
    return [f for f in scenario.fields if f in scenario.uncertain]


def _draw(scenario: Scenario, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for f in _ranged(scenario):
        u = scenario.uncertain[f]
        spec = scenario.fields[f]
        x = distributions.draw(rng, n, spec, u.value, u.low, u.high, u.dist, u.params)
        if spec.integer:
            x = np.round(x)
        out[f] = x
    return out


def _percentiles(stack: np.ndarray, method: Literal["linear", "inverted_cdf"] = "linear") -> np.ndarray:
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
    full_res = outputs(p, scenario.options)
    res = full_res["options"]
    names = scenario.option_names

    def full(x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,))

    present = np.stack([full(res[o]["present_cost"]) for o in names])
    winners = np.bincount(np.argmin(present, axis=0), minlength=len(names)) / n

    plain = [k for k in OUTPUTS if k not in ("roi", "payback_months")]
    stack = np.stack([full(res[o][k]) for o in names for k in plain])
    table = _percentiles(stack)  # (3 percentiles, options * outputs)
    percentiles: dict[str, dict] = {o: {} for o in names}
    for i, (o, k) in enumerate((o, k) for o in names for k in plain):
        percentiles[o][k] = _triple(table[:, i])
    for o in names:
        roi = full(res[o]["roi"])
        roi = roi[np.isfinite(roi)]
        percentiles[o]["roi"] = _triple(_percentiles(roi)) if roi.size else _triple([np.nan] * 3)
        # Undefined payback = never pays back: +inf, so it sorts last and shows as None.
        payback = np.where(np.isnan(full(res[o]["payback_months"])), np.inf, full(res[o]["payback_months"]))
        percentiles[o]["payback_months"] = _triple(_percentiles(payback, "inverted_cdf"))
        percentiles[o] = {k: percentiles[o][k] for k in OUTPUTS}

    out = {
        "draws": n,
        "seed": int(seed),
        "uncertain_fields": _ranged(scenario),
        "p_cheapest": {o: float(w) for o, w in zip(names, winners)},
        "percentiles": percentiles,
    }
    if "break_even" in full_res:
        be = full(full_res["break_even"])
        be_found = be[np.isfinite(be)]
        be_summary = _triple(_percentiles(be_found)) if be_found.size else _triple([np.nan] * 3)
        be_summary["p_exists"] = be_found.size / n
        out["break_even_studies_per_year"] = be_summary
    return out


def tornado_outputs(scenario: Scenario) -> list[str]:
    """Outputs a tornado can show: `<option>.<output>`, `<a>_minus_<b>` (present cost of a minus b),
    and with options named sam and ssl the break-even volume."""
    names = scenario.option_names
    out = [f"{a}_minus_{b}" for a in names for b in names if a != b]
    if has_legacy_pair(scenario.options):
        out.append("break_even_studies_per_year")
    return out + [f"{o}.{k}" for o in names for k in OUTPUTS]


def default_tornado_output(scenario: Scenario) -> str:
    """sam_minus_ssl for files with options sam and ssl (as before named options); otherwise the
    NPV savings vs manual of the cheapest option that is not manual."""
    if has_legacy_pair(scenario.options):
        return "sam_minus_ssl"
    res = outputs(scenario.point, scenario.options)["options"]
    others = [o for o in scenario.option_names if o != scenario.manual]
    best = min(others, key=lambda o: float(res[o]["present_cost"]))
    return f"{best}.npv_savings_vs_manual"


def _pick(res: dict, output: str, names: tuple[str, ...]) -> Any:
    if output == "break_even_studies_per_year":
        return res["break_even"]
    if "." in output:
        opt, _, metric = output.partition(".")
        return res["options"][opt][metric]
    for a in names:
        if output.startswith(f"{a}_minus_") and output[len(a) + 7 :] in names:
            b = output[len(a) + 7 :]
            return res["options"][a]["present_cost"] - res["options"][b]["present_cost"]
    raise KeyError(output)


def tornado(scenario: Scenario, output: str | None = None, top: int | None = None) -> list[dict]:
    """Each uncertain field at its low and its high (others at point values), sorted by swing.

    Default output: `default_tornado_output` (sam_minus_ssl in today's files: > 0 means ssl is cheaper).
    """
    output = default_tornado_output(scenario) if output is None else output
    if output not in tornado_outputs(scenario):
        raise AssumptionError(
            "tornado.output",
            "must be <option>_minus_<option>, <option>.<output> or, "
            "with options sam and ssl, break_even_studies_per_year; "
            f"got {output!r:.60}",
        )
    fields = _ranged(scenario)
    m = 2 * len(fields)
    p: dict[str, Any] = dict(scenario.point)
    for i, f in enumerate(fields):
        u = scenario.uncertain[f]
        col = np.full(m + 1, u.value)  # the last row is the base case
        col[2 * i], col[2 * i + 1] = u.low, u.high
        p[f] = col
    res = outputs(p, scenario.options)
    y = np.broadcast_to(np.asarray(_pick(res, output, scenario.option_names), dtype=float), (m + 1,))
    base = number(y[-1])
    rows: list[dict[str, Any]] = []
    for i, f in enumerate(fields):
        u = scenario.uncertain[f]
        at_low, at_high = number(y[2 * i]), number(y[2 * i + 1])
        swing = abs(at_high - at_low) if at_low is not None and at_high is not None else None
        rows.append(
            {
                "field": f,
                "low": u.low,
                "high": u.high,
                "dist": u.dist,
                "output": output,
                "output_at_low": at_low,
                "output_at_high": at_high,
                "base": base,
                "swing": swing,
            }
        )
    rows.sort(key=lambda r: (r["swing"] is None, -(r["swing"] or 0.0)))
    return rows[:top] if top is not None else rows
