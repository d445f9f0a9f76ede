"""The timing rule for one annotation item, as pure functions (no clock, no browser, no store).

An item is timed from its display (`start`) to its accept or reject (`end`). Everything in that
window is one of three things:

  compute  SAM is computing a mask after a prompt. That is the machine's time, not the
           annotator's, whatever the annotator does meanwhile.
  hidden   the page was not visible (another tab, a minimised window: the Page Visibility API
           in the browser). Hidden time is idle, however short.
  the rest is the annotator's time. It is split on *marks*: moments the annotator did
           something (every pointer event on the canvas, measured in the browser; every change
           that reached the server; the display, the tab being hidden or shown again, and the
           accept). A pause between two consecutive marks longer than the idle threshold
           (strictly greater) is idle, whole; every other pause is active.

Pauses are measured on the annotator's own time line, with compute and hidden spans cut out,
so a pause that SAM or another tab interrupts is one pause. Hence

    active + idle + compute == end - start,   hidden <= idle.

With marks only from server round-trips this is the rule segroi used before activity was
measured in the browser ("timed the old way"): a trace that reaches the server only when it is
closed is then one pause, and a trace slower than the threshold counted as idle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

Interval = tuple[float, float]


@dataclass(frozen=True)
class Split:
    active: float
    idle: float  # pauses longer than the threshold, plus hidden time
    hidden: float  # the part of idle when the page was hidden
    compute: float  # SAM computing: neither active nor idle

    @property
    def total(self) -> float:
        return self.active + self.idle + self.compute


def gaps_active_idle(marks: Sequence[float], threshold: float) -> tuple[float, float]:
    """(active, idle) of a sorted time line of marks: a gap longer than `threshold` is idle.

    Fewer than two marks give (0, 0); marks must not go backwards.
    """
    if threshold <= 0:
        raise ValueError("the idle threshold must be positive")
    active = idle = 0.0
    for earlier, later in zip(marks, marks[1:]):
        gap = later - earlier
        if gap < 0:
            raise ValueError("marks must be in time order")
        if gap > threshold:
            idle += gap
        else:
            active += gap
    return active, idle


def merge(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The intervals clipped to [start, end], empty ones dropped, overlaps joined, sorted."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in intervals)
    out: list[list[float]] = []
    for a, b in clipped:
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def subtract(intervals: Sequence[Interval], cut: Sequence[Interval]) -> list[Interval]:
    """The parts of merged `intervals` outside merged `cut`."""
    out = []
    for a, b in intervals:
        pieces = [(a, b)]
        for c, d in cut:
            pieces = [p for x, y in pieces for p in ((x, min(y, c)), (max(x, d), y)) if p[1] > p[0]]
        out.extend(pieces)
    return out


def length(intervals: Iterable[Interval]) -> float:
    return sum(b - a for a, b in intervals)


def split(
    start: float,
    end: float,
    marks: Iterable[float],
    threshold: float,
    *,
    hidden: Iterable[Interval] = (),
    compute: Iterable[Interval] = (),
) -> Split:
    """The item's time from `start` to `end` under the rule above.

    `marks` outside the window are ignored; `hidden` and `compute` spans are clipped to it.
    """
    if threshold <= 0:
        raise ValueError("the idle threshold must be positive")
    if end < start:
        raise ValueError("an item cannot end before it starts")
    busy = merge(compute, start, end)
    away = subtract(merge(hidden, start, end), busy)
    cut = merge(busy + away, start, end)

    def own_time(t: float) -> float:
        """Seconds of the annotator's time line from start to t (cut spans removed); a mark
        inside a cut span lands on its start."""
        return (t - start) - sum(min(b, t) - a for a, b in cut if a < t)

    line = {0.0, own_time(end)}
    line.update(own_time(t) for t in marks if start <= t <= end)
    line.update(own_time(a) for a, _ in away)  # leaving the page, and coming back, are marks
    active, paused = gaps_active_idle(sorted(line), threshold)
    hidden_s = length(away)
    return Split(active=active, idle=paused + hidden_s, hidden=hidden_s, compute=length(busy))
