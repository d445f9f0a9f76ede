"""Cost-model inputs from annotation items, each with a 95 % confidence interval.

Intervals (95 %), and the ranges they become in a scenario:
  means (seconds)   the interval of the mean on the log scale: mean * exp(+/- t(0.975, n-1) * cv / sqrt(n)),
                    cv = sd / mean (sd with n-1): the delta method for log(mean), so it stays positive
                    and is lopsided the way times are. It becomes a `lognormal` range whose 2.5th and
                    97.5th percentiles are its ends. Items are treated as independent draws (several
                    structures of one frame are not modelled as correlated). One item gives a mean and
                    no interval.
  rates (failures)  k failures of n: the Jeffreys interval, the 2.5th and 97.5th percentiles of
                    Beta(k + 1/2, n - k + 1/2); it becomes that `beta` range. The value stays k / n,
                    moved to the nearer end of the interval when k is 0 or n (k / n then lies just
                    outside it).
  `t_interval` (the plain Student t-interval) is the spread the Annotate page's table shows.
  The intervals come from scipy.stats (t, beta).

What each input is, from which items:
  options.manual.seconds_per_structure        active seconds of manual items
  options.sam.prompt_seconds_per_structure    active seconds of every sam item (failed prompts
                                              cost their time too; the cost model adds a manual
                                              trace for the failed share)
  options.sam.failure_rate                    share of sam items rejected
  (sam items whose session ran SAM with random weights feed neither: prompting and correcting a
  random mask is not the work SAM's masks need, and rejecting one says nothing about SAM)
  options.ssl.failure_rate                    share of ssl proposals rejected (corrected by tracing)
  options.ssl.review_seconds_per_study        review seconds per structure (ssl items: display to
                                              the accept/correct decision) x structures per frame
                                              x frames per study of the scenario it goes into

The estimates are keyed as in files from before named options (manual, sam, ssl); `scenario_update`
writes each into the options of a scenario it measures (engine.annotation.options.targets): manual
time into the manual option, prompting time into every prompted option, and so on.

Provenance: items from simulated sessions give "simulated" figures, browser sessions
"measured" ones; a summary refuses to mix the two.

Items timed the old way (timing = "server": server round-trips only, stored before segroi
measured activity in the browser; a trace slower than the idle threshold counted as idle, so
their times are biased low) are left out unless the caller asks for them (`include_old`); the
source of every estimate then says how many were left out, or that old and new were mixed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from engine.annotation.session import TIMING_SERVER
from engine.costmodel import get_field, set_field
from engine.errors import SegroiError

LOG_T_METHOD = "95% interval of the mean on the log scale (Student t, delta method), as a lognormal"
JEFFREYS_METHOD = "95% Jeffreys interval, Beta(k+1/2, n-k+1/2)"


@dataclass(frozen=True)
class Estimate:
    field: str  # dotted cost-model field, or a descriptive name
    value: float
    low: float | None
    high: float | None
    n: int
    sd: float | None
    method: str
    unit: str
    provenance: str  # measured or simulated
    source: str

    def as_dict(self) -> dict:
        return asdict(self)


def t_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float | None, float | None, float | None]:
    """(mean, low, high, sd): the Student t-interval of the mean (scipy.stats); low/high/sd are None
    for fewer than two values."""
    from scipy import stats

    xs = np.asarray(values, dtype=float)
    if xs.size == 0:
        raise ValueError("no values")
    mean = float(xs.mean())
    if xs.size < 2:
        return mean, None, None, None
    low, high = stats.t.interval(level, xs.size - 1, loc=mean, scale=stats.sem(xs))
    return mean, float(low), float(high), float(xs.std(ddof=1))


def log_t_interval(
    values: Sequence[float], level: float = 0.95
) -> tuple[float, float | None, float | None, float | None]:
    """(mean, low, high, sd): the interval of the mean on the log scale, mean * exp(+/- t * cv / sqrt(n));
    low/high/sd are None for fewer than two values, low/high also when the mean is not positive."""
    from scipy import stats

    mean, _, _, sd = t_interval(values, level)
    n = len(values)
    if sd is None or mean <= 0:
        return mean, None, None, sd
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * (sd / mean) / math.sqrt(n)
    return mean, mean * math.exp(-half), mean * math.exp(half), sd


def jeffreys(failures: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """(k / n, low, high): the share and its Jeffreys interval, the percentiles of Beta(k + 1/2, n - k + 1/2)."""
    from scipy import stats

    if n <= 0:
        raise ValueError("no trials")
    if not 0 <= failures <= n:
        raise ValueError("failures must lie in 0..n")
    a, b = failures + 0.5, n - failures + 0.5
    tail = (1.0 - level) / 2.0
    return failures / n, float(stats.beta.ppf(tail, a, b)), float(stats.beta.ppf(1.0 - tail, a, b))


def rate_leaf(failures: int, n: int) -> dict:
    """The scenario range of a rate measured as k failures of n: a Jeffreys beta."""
    p, low, high = jeffreys(failures, n)
    return {"value": _sig(min(max(p, low), high)), "low": _sig(low), "high": _sig(high), "dist": "beta"}


def _sig(x: float) -> float:
    """Six significant figures (keeps tiny Jeffreys bounds such as 5e-8 above zero)."""
    return float(f"{x:.6g}")


def usable_leaf(field: str, value) -> tuple[Any, str]:
    """(leaf, note): `value` when field `field` can hold its range, else its point value alone and a
    note saying why (a range from very few items can be too wide for the field's allowed values)."""
    from engine.costmodel import AssumptionError, check_leaf

    if not isinstance(value, dict):
        return value, ""
    try:
        check_leaf(field, value)
        return value, ""
    except AssumptionError as exc:
        return value["value"], f"; range left out, too wide to use ({exc.reason})"


def provenance_of(items: Sequence[Mapping]) -> str:
    kinds = {bool(i["simulated"]) for i in items}
    if len(kinds) > 1:
        raise SegroiError("these items mix simulated and measured (human) annotation; summarise them separately")
    return "simulated" if kinds == {True} else "measured"


def old_timed(items: Sequence[Mapping]) -> int:
    """How many items were timed the old way (server round-trips only)."""
    return sum(1 for i in items if i.get("timing") == TIMING_SERVER)


def timed_items(items: Sequence[Mapping], include_old: bool = False) -> tuple[list[Mapping], str]:
    """(the items measured inputs use, a note for their source; empty when there is nothing
    to say). Items timed the old way are used only when `include_old`."""
    old = old_timed(items)
    if not old:
        return list(items), ""
    what = (
        "timed the old way (server round-trips only; a trace slower than the idle threshold "
        "counted as idle, so these times are biased low)"
    )
    if not include_old:
        return [i for i in items if i.get("timing") != TIMING_SERVER], f"{old} item(s) {what} left out"
    if old == len(items):
        return list(items), f"all {old} item(s) {what}"
    return list(items), (f"mixed: {len(items) - old} item(s) timed in the browser and {old} item(s) {what}")


def _mean_estimate(field, values, unit, provenance, source) -> Estimate:
    mean, low, high, sd = log_t_interval(values)
    return Estimate(field, mean, low, high, len(values), sd, LOG_T_METHOD, unit, provenance, source)


def _rate_estimate(field, failures, n, provenance, source) -> Estimate:
    p, low, high = jeffreys(failures, n)
    sd = math.sqrt(p * (1 - p) / n)
    return Estimate(field, p, low, high, n, sd, JEFFREYS_METHOD, "fraction", provenance, source)


def summarize(items: Sequence[Mapping], source: str, include_old: bool = False) -> dict[str, Estimate]:
    """The cost-model inputs these items measure, keyed by field. Review time comes out per
    structure (`ssl.review_seconds_per_structure`); `scenario_update` turns it into per study.
    Items timed the old way count only with `include_old` (`timed_items`); the source says so."""
    items, note = timed_items(items, include_old)
    if note:
        source = f"{source} ({note})"
    if not items:
        return {}
    prov = provenance_of(items)
    by_task: dict[str, list[Mapping]] = {}
    for it in items:
        by_task.setdefault(it["task"], []).append(it)
    out: dict[str, Estimate] = {}

    def put(est: Estimate) -> None:
        out[est.field] = est

    manual = by_task.get("manual", [])
    if manual:
        put(
            _mean_estimate(
                "options.manual.seconds_per_structure",
                [i["active_seconds"] for i in manual],
                "s/structure",
                prov,
                source,
            )
        )
    # SAM with random weights gives meaningless masks: prompting and correcting them takes another time than
    # with SAM itself, and rejecting them says nothing about SAM. Such items feed neither times nor rates.
    sam = [i for i in by_task.get("sam", []) if i.get("sam_weights") != "random"]
    if sam:
        put(
            _mean_estimate(
                "options.sam.prompt_seconds_per_structure",
                [i["active_seconds"] for i in sam],
                "s/structure",
                prov,
                source,
            )
        )
        put(
            _rate_estimate("options.sam.failure_rate", sum(1 for i in sam if not i["accepted"]), len(sam), prov, source)
        )
    ssl = by_task.get("ssl", [])
    if ssl:
        reviews = [i["review_seconds"] if i.get("review_seconds") is not None else i["active_seconds"] for i in ssl]
        put(_mean_estimate("ssl.review_seconds_per_structure", reviews, "s/structure", prov, source))
        put(
            _rate_estimate("options.ssl.failure_rate", sum(1 for i in ssl if not i["accepted"]), len(ssl), prov, source)
        )
    return out


def by_structure(items: Iterable[Mapping]) -> list[dict]:
    """Seconds per structure per task with spread: n, mean, sd, median, min, max, 95 % CI,
    acceptance share and mean Dice (where ground truth existed)."""
    groups: dict[tuple[str, str], list[Mapping]] = {}
    for it in items:
        groups.setdefault((it["task"], it["structure"]), []).append(it)
    rows = []
    for (task, structure), group in sorted(groups.items()):
        secs = sorted(float(i["active_seconds"]) for i in group)
        mean, low, high, sd = t_interval(secs)
        n = len(secs)
        median = secs[n // 2] if n % 2 else (secs[n // 2 - 1] + secs[n // 2]) / 2
        dices = [float(i["dice"]) for i in group if i.get("dice") is not None]
        rows.append(
            {
                "task": task,
                "structure": structure,
                "n": n,
                "mean_s": mean,
                "sd_s": sd,
                "median_s": median,
                "min_s": secs[0],
                "max_s": secs[-1],
                "ci_low_s": low,
                "ci_high_s": high,
                "accepted_share": sum(1 for i in group if i["accepted"]) / n,
                "mean_dice": sum(dices) / len(dices) if dices else None,
            }
        )
    return rows


def _point(node) -> float:
    return float(node["value"]) if isinstance(node, Mapping) else float(node)


def leaf(est: Estimate, scale: float = 1.0):
    """A number when there is no interval, else the range its interval means: a beta for a rate
    (the Jeffreys interval's own distribution), a lognormal for a time; the value is the estimate,
    moved into the interval when it lies outside (a rate of 0 or 1)."""
    value = est.value * scale
    if est.low is None or est.high is None:
        return _sig(value)
    low, high = _sig(est.low * scale), _sig(est.high * scale)
    dist = "beta" if est.unit == "fraction" else "lognormal"
    return {"value": _sig(min(max(value, low), high)), "low": low, "high": high, "dist": dist}


def scenario_update(
    base: Mapping, estimates: Mapping[str, Estimate], name: str, sam_variant: str | None = None
) -> tuple[dict, dict, list[str]]:
    """(assumptions, provenance, changed fields): `base` with the estimated fields replaced in the
    options they measure (engine.annotation.options.targets: manual time in the manual option,
    prompting time in every prompted option, and so on).

    Provenance entries name the kind (measured/simulated) and the source (session ids, n,
    interval method). The review time per study needs the base's workload: review seconds
    per structure x structures_per_frame x frames_per_study (point values).
    """
    import copy

    from engine.annotation.options import targets

    out = copy.deepcopy(dict(base))
    out["name"] = name
    prov = dict(out.get("provenance") or {})
    changed = []
    for field, est in estimates.items():
        scale, note = 1.0, ""
        if field == "ssl.review_seconds_per_structure":
            try:
                s = _point(get_field(out, "workload.structures_per_frame"))
                f = _point(get_field(out, "workload.frames_per_study"))
            except KeyError as exc:
                raise SegroiError(
                    "the base scenario has no workload.structures_per_frame / "
                    "frames_per_study to turn review seconds into per study"
                ) from exc
            scale = s * f
            note = (
                f"; {est.value:.2f} s per structure x {s:g} structures/frame x {f:g} frames/study "
                "(workload of the base scenario)"
            )
        interval = "" if est.low is None else f", {est.method}"
        for target in targets(field, base, sam_variant):
            value, why = usable_leaf(target, leaf(est, scale))
            set_field(out, target, value)
            prov[target] = {"kind": est.provenance, "source": f"{est.source}: n = {est.n}{interval}{note}{why}"}
            changed.append(target)
    out["provenance"] = prov
    return out, prov, changed
