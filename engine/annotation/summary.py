"""Cost-model inputs from annotation items, each with a 95 % confidence interval.

Intervals:
  means (seconds)   Student t-interval: mean +/- t(0.975, n-1) * sd / sqrt(n), sd with n-1.
                    Items are treated as independent draws (several structures of one frame
                    are not modelled as correlated). One item gives a mean and no interval.
  rates (failures)  Wilson score interval for a binomial proportion (z = 1.959964), which
                    stays inside [0, 1] and is sensible at 0 or n failures.

What each input is, from which items:
  options.manual.seconds_per_structure        active seconds of manual items
  options.sam.prompt_seconds_per_structure    active seconds of every sam item (failed prompts
                                              cost their time too; the cost model adds a manual
                                              trace for the failed share)
  options.sam.failure_rate                    share of sam items rejected (items whose session ran
                                              SAM with random weights are left out: rejecting a
                                              random mask says nothing about SAM)
  options.ssl.failure_rate                    share of ssl proposals rejected (corrected by tracing)
  options.ssl.review_seconds_per_study        review seconds per structure (ssl items: display to
                                              the accept/correct decision) x structures per frame
                                              x frames per study of the scenario it goes into

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
from typing import Iterable, Mapping, Sequence

from engine.annotation.session import TIMING_SERVER
from engine.costmodel import get_field, set_field
from engine.errors import SegroiError

Z95 = 1.959963984540054
T_METHOD = "95% Student t-interval of the mean"
WILSON_METHOD = "95% Wilson score interval"


@dataclass(frozen=True)
class Estimate:
    field: str                 # dotted cost-model field, or a descriptive name
    value: float
    low: float | None
    high: float | None
    n: int
    sd: float | None
    method: str
    unit: str
    provenance: str            # measured or simulated
    source: str

    def as_dict(self) -> dict:
        return asdict(self)


def t_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float | None, float | None, float | None]:
    """(mean, low, high, sd); low/high/sd are None for fewer than two values."""
    from scipy import stats

    xs = [float(v) for v in values]
    n = len(xs)
    if n == 0:
        raise ValueError("no values")
    mean = sum(xs) / n
    if n < 2:
        return mean, None, None, None
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, sd


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """(p, low, high): the share and its Wilson score interval."""
    if n <= 0:
        raise ValueError("no trials")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie in 0..n")
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def provenance_of(items: Sequence[Mapping]) -> str:
    kinds = {bool(i["simulated"]) for i in items}
    if len(kinds) > 1:
        raise SegroiError("these items mix simulated and measured (human) annotation; "
                          "summarise them separately")
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
    what = ("timed the old way (server round-trips only; a trace slower than the idle threshold "
            "counted as idle, so these times are biased low)")
    if not include_old:
        return [i for i in items if i.get("timing") != TIMING_SERVER], f"{old} item(s) {what} left out"
    if old == len(items):
        return list(items), f"all {old} item(s) {what}"
    return list(items), (f"mixed: {len(items) - old} item(s) timed in the browser and {old} item(s) "
                         f"{what}")


def _mean_estimate(field, values, unit, provenance, source) -> Estimate:
    mean, low, high, sd = t_interval(values)
    return Estimate(field, mean, low, high, len(values), sd, T_METHOD, unit, provenance, source)


def _rate_estimate(field, failures, n, provenance, source) -> Estimate:
    p, low, high = wilson(failures, n)
    sd = math.sqrt(p * (1 - p) / n)
    return Estimate(field, p, low, high, n, sd, WILSON_METHOD, "fraction", provenance, source)


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
        put(_mean_estimate("options.manual.seconds_per_structure",
                           [i["active_seconds"] for i in manual], "s/structure", prov, source))
    sam = by_task.get("sam", [])
    if sam:
        put(_mean_estimate("options.sam.prompt_seconds_per_structure",
                           [i["active_seconds"] for i in sam], "s/structure", prov, source))
        real = [i for i in sam if i.get("sam_weights") != "random"]
        if real:
            put(_rate_estimate("options.sam.failure_rate",
                               sum(1 for i in real if not i["accepted"]), len(real), prov, source))
    ssl = by_task.get("ssl", [])
    if ssl:
        reviews = [i["review_seconds"] if i.get("review_seconds") is not None else i["active_seconds"]
                   for i in ssl]
        put(_mean_estimate("ssl.review_seconds_per_structure", reviews, "s/structure", prov, source))
        put(_rate_estimate("options.ssl.failure_rate",
                           sum(1 for i in ssl if not i["accepted"]), len(ssl), prov, source))
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
        rows.append({
            "task": task, "structure": structure, "n": n, "mean_s": mean, "sd_s": sd,
            "median_s": median, "min_s": secs[0], "max_s": secs[-1], "ci_low_s": low,
            "ci_high_s": high, "accepted_share": sum(1 for i in group if i["accepted"]) / n,
            "mean_dice": sum(dices) / len(dices) if dices else None,
        })
    return rows


def _point(node) -> float:
    return float(node["value"]) if isinstance(node, Mapping) else float(node)


def _leaf(est: Estimate, scale: float = 1.0):
    """A number when there is no interval, else a {value, low, high, dist: normal} range whose
    low..high is the 95 % interval (clipped at 0 for times and to [0, 1] for rates)."""
    value = est.value * scale
    if est.low is None or est.high is None:
        return round(value, 6)
    low = max(0.0, est.low * scale)
    high = est.high * scale
    if est.unit == "fraction":
        high = min(1.0, high)
    return {"value": round(value, 6), "low": round(min(low, value), 6),
            "high": round(max(high, value), 6), "dist": "normal"}


def scenario_update(base: Mapping, estimates: Mapping[str, Estimate],
                    name: str) -> tuple[dict, dict, list[str]]:
    """(assumptions, provenance, changed fields): `base` with the estimated fields replaced.

    Provenance entries name the kind (measured/simulated) and the source (session ids, n,
    interval method). The review time per study needs the base's workload: review seconds
    per structure x structures_per_frame x frames_per_study (point values).
    """
    import copy

    out = copy.deepcopy(dict(base))
    out["name"] = name
    prov = dict(out.get("provenance") or {})
    changed = []
    for field, est in estimates.items():
        if field == "ssl.review_seconds_per_structure":
            try:
                s = _point(get_field(out, "workload.structures_per_frame"))
                f = _point(get_field(out, "workload.frames_per_study"))
            except KeyError as exc:
                raise SegroiError("the base scenario has no workload.structures_per_frame / "
                                  "frames_per_study to turn review seconds into per study") from exc
            target = "options.ssl.review_seconds_per_study"
            set_field(out, target, _leaf(est, s * f))
            note = (f"; {est.value:.2f} s per structure x {s:g} structures/frame x {f:g} frames/study "
                    "(workload of the base scenario)")
        else:
            target, note = field, ""
            set_field(out, target, _leaf(est))
        interval = "" if est.low is None else f", {est.method}"
        prov[target] = {"kind": est.provenance,
                        "source": f"{est.source}: n = {est.n}{interval}{note}"}
        changed.append(target)
    out["provenance"] = prov
    return out, prov, changed
