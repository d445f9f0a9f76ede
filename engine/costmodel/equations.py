"""The cost equations of docs/design.md, written once for scalars and numpy arrays alike.

``p`` maps each dotted field to a float or to an array (Monte Carlo draws, tornado rows,
sweeps); every function broadcasts, so one call evaluates thousands of scenarios.

Per study and option the equations reduce to a few terms (``option_terms``):
    annual(V) = V * (labour_per_study + gpu_rental_per_study + energy_per_study)
                + maintenance + server * share(V)
with share(V) = 1 for a dedicated on-prem server, min(1, V * share_per_study) for a shared
one, and server = 0 in the cloud. Present cost = setup + A * annual(V).

Each option is costed on its own hardware block (or the scenario's). A hybrid runs its automatic
option on every image and its prompted option on the structures the automatic one fails, as one
workload on the hybrid's hardware (one server); it carries both options' upkeep and setup besides
its own.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from engine.costmodel.fields import BREAK_EVEN_LIMIT, MAX_HORIZON_YEARS

SECONDS_PER_HOUR = 3600.0
JOULES_PER_KWH = 3.6e6
HOURS_PER_YEAR = 8760.0
_YEARS = np.arange(1, MAX_HORIZON_YEARS + 1, dtype=float)


def discount_factors(r: Any) -> np.ndarray:
    """(1 + r)^-y for y = 1..MAX_HORIZON_YEARS, on a new last axis."""
    return (1.0 + np.asarray(r, dtype=float))[..., None] ** -_YEARS


def annuity(r: Any, horizon: Any) -> np.ndarray:
    """A = sum_{y=1..H} (1+r)^-y."""
    factors = discount_factors(r)
    h = np.asarray(horizon, dtype=float)[..., None]
    return np.where(_YEARS <= h, factors, 0.0).sum(axis=-1)


def option_terms(p: Mapping[str, Any], options: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Per-study, per-year and one-off terms of each option (see the module docstring).

    `options` are the scenario's Option records (name, kind, hardware block, mode, hybrid parts).
    """
    frames = p["workload.frames_per_study"]
    structures = p["workload.structures_per_frame"]
    manual = next(o.name for o in options if o.kind == "manual")
    t_trace = p[f"options.{manual}.seconds_per_structure"]
    loaded = 1.0 + p["labour.overhead_fraction"]
    wage = p["labour.clinician_wage_per_hour"] * loaded
    wage_eng = p["labour.engineer_wage_per_hour"] * loaded
    structures_per_study = frames * structures

    def f(name: str, key: str) -> Any:
        return p[f"options.{name}.{key}"]

    out: dict[str, dict[str, Any]] = {}
    for o in options:
        if o.kind == "manual":
            manual_seconds = structures_per_study * t_trace
            out[o.name] = {
                "human_seconds_per_study": manual_seconds,
                "labour_per_study": manual_seconds / SECONDS_PER_HOUR * wage,
                "gpu_rental_per_study": 0.0,
                "energy_per_study": 0.0,
                "server": 0.0,
                "share_per_study": None,
                "maintenance": 0.0,
                "engineering": 0.0,
                "labelling": 0.0,
                "training": 0.0,
            }
            continue
        if o.kind == "hybrid":
            a, q = o.automatic, o.prompted
            fa, fp = f(a, "failure_rate"), f(q, "failure_rate")
            embedded = 1.0 - (1.0 - fa) ** structures  # share of images the prompted model embeds
            human = structures_per_study * fa * (f(q, "prompt_seconds_per_structure") + fp * t_trace) + f(
                o.name, "review_seconds_per_study"
            )
            busy = (
                frames * f(a, "profile.seconds_per_image")
                + structures_per_study * f(a, "profile.seconds_per_prompt")
                + frames * embedded * f(q, "profile.seconds_per_image")
                + structures_per_study * fa * f(q, "profile.seconds_per_prompt")
            )
            joules = (
                frames * f(a, "profile.joules_per_image")
                + structures_per_study * f(a, "profile.joules_per_prompt")
                + frames * embedded * f(q, "profile.joules_per_image")
                + structures_per_study * fa * f(q, "profile.joules_per_prompt")
            )
            parts, per_gpu_hour = _compute(p, o, busy, joules)
            out[o.name] = {
                "human_seconds_per_study": human,
                "labour_per_study": human / SECONDS_PER_HOUR * wage,
                **parts,
                "maintenance": (
                    f(a, "maintenance_hours_per_year")
                    + f(q, "maintenance_hours_per_year")
                    + f(o.name, "maintenance_hours_per_year")
                )
                * wage_eng,
                "engineering": (f(a, "engineering_hours") + f(q, "engineering_hours") + f(o.name, "engineering_hours"))
                * wage_eng,
                "labelling": (f(a, "label_images") + f(q, "label_images"))
                * structures
                * t_trace
                / SECONDS_PER_HOUR
                * wage,
                "training": (
                    f(a, "training_gpu_hours") * per_gpu_hour(f(a, "profile.average_power_watts"))
                    + f(q, "training_gpu_hours") * per_gpu_hour(f(q, "profile.average_power_watts"))
                ),
            }
            continue
        prompt = p.get(f"options.{o.name}.prompt_seconds_per_structure", 0.0)
        human = structures_per_study * (prompt + f(o.name, "failure_rate") * t_trace) + f(
            o.name, "review_seconds_per_study"
        )
        busy = frames * f(o.name, "profile.seconds_per_image") + structures_per_study * f(
            o.name, "profile.seconds_per_prompt"
        )
        joules = frames * f(o.name, "profile.joules_per_image") + structures_per_study * f(
            o.name, "profile.joules_per_prompt"
        )
        parts, per_gpu_hour = _compute(p, o, busy, joules)
        out[o.name] = {
            "human_seconds_per_study": human,
            "labour_per_study": human / SECONDS_PER_HOUR * wage,
            **parts,
            "maintenance": f(o.name, "maintenance_hours_per_year") * wage_eng,
            "engineering": f(o.name, "engineering_hours") * wage_eng,
            "labelling": f(o.name, "label_images") * structures * t_trace / SECONDS_PER_HOUR * wage,
            "training": f(o.name, "training_gpu_hours") * per_gpu_hour(f(o.name, "profile.average_power_watts")),
        }
    return out


def _compute(p: Mapping[str, Any], option: Any, busy: Any, joules: Any) -> tuple[dict[str, Any], Any]:
    """Compute terms per study from busy seconds and joules per study on the option's hardware (one
    server), and the price of one training GPU-hour at a given average power."""
    hw = option.hardware
    if option.mode == "cloud":
        price = p[f"{hw}.gpu_price_per_hour"]
        gpu_rental = busy / SECONDS_PER_HOUR / p[f"{hw}.utilization"] * price
        parts = {"gpu_rental_per_study": gpu_rental, "energy_per_study": 0.0, "server": 0.0, "share_per_study": None}
        return parts, lambda watts: price
    kwh_price = p[f"{hw}.pue"] * p[f"{hw}.energy_price_per_kwh"]
    share = None if option.dedicated else busy / SECONDS_PER_HOUR / (HOURS_PER_YEAR * p[f"{hw}.utilization"])
    parts = {
        "gpu_rental_per_study": 0.0,
        "energy_per_study": joules / JOULES_PER_KWH * kwh_price,
        "server": p[f"{hw}.server_capex"] / p[f"{hw}.amortization_years"],
        "share_per_study": share,
    }
    return parts, lambda watts: watts / 1000.0 * kwh_price


def server_share(t: Mapping[str, Any], volume: Any) -> Any:
    if t["share_per_study"] is None:
        return 1.0
    return np.minimum(1.0, volume * t["share_per_study"])


def annual_parts(t: Mapping[str, Any], volume: Any) -> dict[str, Any]:
    gpu_rental = volume * t["gpu_rental_per_study"]
    energy = volume * t["energy_per_study"]
    server = t["server"] * server_share(t, volume)
    labour = volume * t["labour_per_study"]
    compute = gpu_rental + energy + server
    return {
        "labour": labour,
        "compute": compute,
        "maintenance": t["maintenance"],
        "annual": labour + compute + t["maintenance"],
        "gpu_rental": gpu_rental,
        "energy": energy,
        "server": server,
    }


def setup_cost(t: Mapping[str, Any]) -> Any:
    return t["engineering"] + t["labelling"] + t["training"]


def outputs(p: Mapping[str, Any], options: Sequence[Any]) -> dict[str, Any]:
    """Every per-option output of docs/design.md, as arrays or scalars::

        {"options": {name: {output: x}}, "annuity": A, "terms": option_terms(...),
         "break_even": sam/ssl break-even volume (NaN when none), only with options named sam and ssl}

    roi and payback_months are NaN where they are undefined (setup 0; no saving).
    """
    terms = option_terms(p, options)
    volume = p["workload.studies_per_year"]
    a = annuity(p["discount_rate"], p["horizon_years"])
    res: dict[str, Any] = {}
    for opt, t in terms.items():
        parts = annual_parts(t, volume)
        setup = setup_cost(t)
        res[opt] = {
            "human_hours_per_year": volume * t["human_seconds_per_study"] / SECONDS_PER_HOUR,
            "labour_cost_per_year": parts["labour"],
            "compute_cost_per_year": parts["compute"],
            "annual_cost": parts["annual"],
            "setup_cost": setup,
            "present_cost": setup + a * parts["annual"],
        }
    manual = res[next(o.name for o in options if o.kind == "manual")]
    # over="ignore": a subnormal setup or saving gives an infinite ratio, reported as None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for r in res.values():
            r["npv_savings_vs_manual"] = manual["present_cost"] - r["present_cost"]
            setup = np.asarray(r["setup_cost"], dtype=float)
            r["roi"] = np.where(setup > 0, r["npv_savings_vs_manual"] / setup, np.nan)
            saving = np.asarray(manual["annual_cost"] - r["annual_cost"], dtype=float)
            r["payback_months"] = np.where(saving > 0, 12.0 * setup / saving, np.nan)
            r["cost_per_study"] = r["annual_cost"] / volume
    out = {"options": res, "annuity": a, "terms": terms}
    if has_legacy_pair(options):
        out["break_even"] = break_even(terms, a)
    return out


def has_legacy_pair(options: Sequence[Any]) -> bool:
    """True when the scenario has options named sam and ssl (the break-even of today's files)."""
    kinds = {o.name: o.kind for o in options}
    return kinds.get("sam", "manual") != "manual" and kinds.get("ssl", "manual") != "manual"


def _present(t: Mapping[str, Any], volume: np.ndarray | float, a: np.ndarray | float) -> Any:
    return setup_cost(t) + a * annual_parts(t, volume)["annual"]


def break_even(terms: Mapping[str, Mapping[str, Any]], a: Any) -> np.ndarray | float:
    """Smallest V in (0, 1e8] with present_cost(sam) == present_cost(ssl); NaN when none.

    Present costs are affine in V except where a shared on-prem server's share saturates
    (min(1, V*c)), so the difference is piecewise affine with at most two kinks at V = 1/c.
    Each affine piece between consecutive kinks is solved exactly (closed form); the first
    piece whose ends change sign (or whose right end is a zero) holds the answer.
    """
    sam, ssl = terms["sam"], terms["ssl"]
    arrays = [np.asarray(v, dtype=float) for t in (sam, ssl) for v in t.values() if v is not None]
    shape = np.broadcast_shapes(np.shape(a), *(x.shape for x in arrays))
    if not shape:
        return _break_even_scalar(sam, ssl, float(a))
    n = int(np.prod(shape)) if shape else 1

    def col(x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape).reshape(n, 1)

    sam_c = {k: (None if v is None else col(v)) for k, v in sam.items()}
    ssl_c = {k: (None if v is None else col(v)) for k, v in ssl.items()}
    a_c = col(a)
    points = [np.zeros((n, 1)), np.full((n, 1), BREAK_EVEN_LIMIT)]
    with np.errstate(divide="ignore"):
        for t in (sam_c, ssl_c):
            if t["share_per_study"] is not None:
                kink = np.where(t["share_per_study"] > 0, 1.0 / t["share_per_study"], np.inf)
                points.append(np.clip(kink, 0.0, BREAK_EVEN_LIMIT))
    pts = np.sort(np.concatenate(points, axis=1), axis=1)
    diff = _present(sam_c, pts, a_c) - _present(ssl_c, pts, a_c)
    lo, hi = pts[:, :-1], pts[:, 1:]
    dlo, dhi = diff[:, :-1], diff[:, 1:]
    crosses = (dlo * dhi < 0) | ((dhi == 0) & (dlo != 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.where(dhi == 0, hi, lo + (hi - lo) * dlo / (dlo - dhi))
    first = np.argmax(crosses, axis=1)
    found = crosses[np.arange(n), first]
    result = np.where(found, roots[np.arange(n), first], np.nan)
    return result.reshape(shape) if shape else result[0]


def _break_even_scalar(sam: Mapping[str, Any], ssl: Mapping[str, Any], a: float) -> float:
    """The same piecewise solution for one scenario, in plain Python floats (fast for evaluate)."""
    points = {0.0, BREAK_EVEN_LIMIT}
    for t in (sam, ssl):
        c = t["share_per_study"]
        if c is not None and c > 0:
            points.add(min(BREAK_EVEN_LIMIT, 1.0 / float(c)))
    pts = sorted(points)
    diff = [float(_present(sam, v, a) - _present(ssl, v, a)) for v in pts]
    for lo, hi, dlo, dhi in zip(pts, pts[1:], diff, diff[1:]):
        if dlo * dhi < 0:
            return lo + (hi - lo) * dlo / (dlo - dhi)
        if dhi == 0 and dlo != 0:
            return hi
    return float("nan")
