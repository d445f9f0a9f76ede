"""Activity measured in the browser: what the annotation canvas reports, checked and put on the
server's clock.

The canvas (dashboard/components/annotation_canvas) keeps, for the item on screen, the time of
every pointer event on it (down, up, drag moves, and moves over it at most every
MOVE_INTERVAL_MS), of every press elsewhere on the page (a button such as Accept) and of every
change of page visibility, and sends the whole list with the drawing: at once when a shape is
finished or undone, on a press elsewhere (so the server has it before it handles that button),
when the page is hidden or shown again and when the pointer leaves the canvas; otherwise every
HEARTBEAT_SECONDS, and only while there is something new (no activity, no message). Each
report is cumulative, so a lost or overtaken report costs nothing.

A report is

    {"v": 1, "item": <the item token it was drawn for>, "t0": <ms since the epoch on the
     browser's clock when the canvas appeared>, "sent": <ms after t0>,
     "events": [[<ms after t0>, <kind>], ...], "shapes": {...}}

Times come from `performance.timeOrigin + performance.now()` (monotonic within the page).
The browser's clock need not agree with the server's: the offset is estimated as the smallest
(received - sent) over the item's reports, which is the true offset plus the shortest delivery
delay (milliseconds on a local network). A client can send anything, so a report is refused
whole, with one line saying why, unless: it is a JSON object of the shape above; every time is
a finite number; times never go backwards and none is after `sent`; there are at most
MAX_EVENTS events; the kinds are known; and on the server's clock every event falls inside the
item's display window (from SLACK_SECONDS before the display to the moment it was received);
and at most MAX_CANVASES canvases report for one item. A refused report leaves the item's
earlier reports as they were. Whatever a client sends, an item's active time cannot exceed the
time from its display to its accept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

from engine.errors import SegroiError

POINTER_KINDS = ("down", "up", "drag", "move", "press")  # press: a pointer down elsewhere on the page
VISIBILITY_KINDS = ("hidden", "visible")
KINDS = POINTER_KINDS + VISIBILITY_KINDS
MAX_EVENTS = 5000  # a report with more is refused (the canvas stops adding before that)
HEARTBEAT_SECONDS = 5.0  # while active, the canvas reports at least this often
MOVE_INTERVAL_MS = 250  # moves without a button pressed are recorded at most this often
SLACK_SECONDS = 2.0  # events may appear this much before the display (clock estimate)
PRESS_LATENCY_SECONDS = 3.0  # a press at most this long before the server saw a button is that button
MAX_CANVASES = 20  # canvases (or reloads of one) reporting for one item


class ActivityError(SegroiError):
    """A browser report failed a check; the message says which."""


@dataclass(frozen=True)
class Report:
    t0: float  # browser clock, seconds since the epoch
    sent: float  # browser clock, seconds since the epoch
    events: tuple[tuple[float, str], ...]  # (browser clock seconds, kind)
    received: float  # server clock, seconds

    @property
    def offset(self) -> float:
        """server clock - browser clock, as this report alone suggests (plus its delay)."""
        return self.received - self.sent


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ActivityError(f"the browser's activity report has a bad {what}: {str(value)[:40]!r}")
    return float(value)


def read_report(value, received: float, *, max_events: int = MAX_EVENTS) -> Report:
    """Check a report's shape and order (not yet its window) and convert ms to seconds."""
    if not isinstance(value, Mapping):
        raise ActivityError("the browser's activity report is not an object")
    if value.get("v") != 1:
        raise ActivityError(f"the browser's activity report has an unknown version {str(value.get('v'))[:20]!r}")
    t0 = _number(value.get("t0"), "start time")
    sent = _number(value.get("sent"), "send time")
    raw = value.get("events")
    if not isinstance(raw, list):
        raise ActivityError("the browser's activity report has no list of events")
    if len(raw) > max_events:
        raise ActivityError(
            f"the browser's activity report has {len(raw)} events, more than the {max_events} allowed for one item"
        )
    if t0 < 0 or sent < 0:
        raise ActivityError("the browser's activity report has a negative time")
    events = []
    last = 0.0
    for entry in raw:
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise ActivityError("the browser's activity report has an event that is not [time, kind]")
        at, kind = _number(entry[0], "event time"), entry[1]
        if kind not in KINDS:
            raise ActivityError(f"the browser's activity report has an unknown event {str(kind)[:20]!r}")
        if at < last:
            raise ActivityError("the browser's activity report has times that go backwards")
        if at > sent:
            raise ActivityError("the browser's activity report has an event after its send time")
        last = at
        events.append(((t0 + at) / 1000.0, kind))
    return Report(t0=t0 / 1000.0, sent=(t0 + sent) / 1000.0, events=tuple(events), received=float(received))


def check_window(report: Report, shown: float, *, slack: float = SLACK_SECONDS) -> None:
    """Every event, on the server's clock by this report's own offset, lies between `shown` -
    `slack` and the moment the report was received."""
    if not report.events:
        return
    first = report.events[0][0] + report.offset
    if first < shown - slack:
        raise ActivityError(f"the browser reports activity {shown - first:.1f} s before the item was shown")
    # the last event cannot be later than `sent`, which maps onto `received`: nothing to check


@dataclass
class BrowserActivity:
    """The browser's reports for one item: the newest valid report of each canvas counts (an
    ssl item has a review canvas and a correction canvas; a canvas the browser had to load again
    starts a new list, told apart by its start time t0)."""

    reports: dict[tuple[str, float], Report] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    offset: float = 0.0  # server clock - browser clock: the smallest (received - sent) seen

    def add(self, canvas: str, value, received: float, shown: float) -> bool:
        """Take a report from canvas `canvas` received at `received` (server clock) for the item
        shown at `shown`. False when it is not new (a rerun returns the last report again) or
        refused (then `refused` gets the reason)."""
        try:
            report = read_report(value, received)
            key = (canvas, report.t0)
            old = self.reports.get(key)
            if old is not None and report.sent <= old.sent:
                return False
            if old is None and len(self.reports) >= MAX_CANVASES:
                raise ActivityError(f"more than {MAX_CANVASES} canvases reported activity for one item")
            check_window(report, shown)
        except ActivityError as exc:
            self.refused.append(str(exc))
            return False
        self.offset = report.offset if not self.reports else min(self.offset, report.offset)
        self.reports[key] = report
        return True

    @property
    def measured(self) -> bool:
        return bool(self.reports)

    def shown(self, canvas: str) -> float | None:
        """When canvas `canvas` first appeared in the browser, on the server's clock (None when
        it never reported)."""
        starts = [r.t0 for (name, _), r in self.reports.items() if name == canvas]
        return min(starts) + self.offset if starts else None

    def pressed(self, before: float, within: float = PRESS_LATENCY_SECONDS) -> float | None:
        """The last press elsewhere on the page in the `within` seconds up to `before` (server
        clock): the press on the button the server handled at `before`, as the browser timed it."""
        off = self.offset
        presses = [
            t + off
            for r in self.reports.values()
            for t, kind in r.events
            if kind == "press" and before - within <= t + off <= before
        ]
        return max(presses) if presses else None

    def marks(self) -> list[float]:
        """Times of every pointer event, on the server's clock."""
        off = self.offset
        return sorted(t + off for r in self.reports.values() for t, kind in r.events if kind in POINTER_KINDS)

    def hidden(self, until: float) -> list[tuple[float, float]]:
        """Spans when the page was hidden, on the server's clock (a span still open ends at
        `until`)."""
        off = self.offset
        spans = []
        for r in self.reports.values():
            since = None
            for t, kind in r.events:
                if kind == "hidden" and since is None:
                    since = t + off
                elif kind == "visible" and since is not None:
                    spans.append((since, t + off))
                    since = None
            if since is not None:
                spans.append((since, max(since, until)))
        return spans
