"""Timed annotation sessions: the item clock, and sessions/items in the store.

The timing rule is engine/annotation/timing.py: from an item's display to its accept, SAM's
compute time is the machine's, time with the page hidden is idle, and of the rest a pause
between two of the annotator's actions longer than ``idle_threshold_seconds`` is idle and
everything else active. The actions ("marks") come from two places:

  the browser  every pointer event on the canvas and every change of page visibility, with the
               browser's own timestamps (engine/annotation/activity.py: checked, and put on
               the server's clock);
  the server   the display, every change of the drawing and every widget that reached it,
               and the accept/reject.

The item is on screen from the moment the canvas it was first shown on appeared in the browser
(the server's display time when that canvas reported nothing), and ends when Accept (or the
review decision) was pressed in the browser (the server's time of it when no press was
reported in the PRESS_LATENCY_SECONDS before). An item is stored with
``timing`` = "browser" when the browser's activity was measured for it,
"server" when only server round-trips were seen (every item stored before segroi measured
activity in the browser, marked so by migration 0005: a trace reached the server only when it
was closed, so a trace slower than the threshold counted as idle), or "simulated".

Items are written one by one with `Store.insert` (its own short transaction) as soon as
they complete, so closing the browser loses at most the item on screen. A session is
resumed by loading it and skipping the (frame, structure) pairs it already holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Sequence

from engine.annotation.activity import BrowserActivity
from engine.annotation.timing import Split, gaps_active_idle
from engine.annotation.timing import split as split_item
from engine.errors import SegroiError
from engine.store import annotation as stored

TASKS = ("manual", "sam", "ssl")
DEFAULT_IDLE_THRESHOLD_S = 30.0
TIMING_BROWSER = "browser"  # activity measured in the browser
TIMING_SERVER = "server"  # server round-trips only: the old way
TIMING_SIMULATED = "simulated"  # the simulated annotator's time model


def split_active_idle(events: Sequence[float], threshold: float) -> tuple[float, float]:
    """(active, idle) seconds of a sorted stream of marks, first the display, last the accept,
    with no hidden or compute spans (timing.gaps_active_idle)."""
    return gaps_active_idle(events, threshold)


class ItemClock:
    """What one item's timing needs: server marks, SAM's compute spans and the browser's
    reports. `now` is injectable so tests need not sleep."""

    def __init__(self, threshold: float = DEFAULT_IDLE_THRESHOLD_S, now: Callable[[], float] = time.time):
        if threshold <= 0:
            raise ValueError("the idle threshold must be positive")
        self.threshold = float(threshold)
        self.now = now
        self.events: list[float] = []
        self.compute: list[tuple[float, float]] = []
        self.browser = BrowserActivity()
        self.canvas: str | None = None  # the canvas the item was first shown on
        self.decision_at: int | None = None  # index of the review decision event, if any

    @property
    def started(self) -> bool:
        return bool(self.events)

    def start(self, at: float | None = None, canvas: str | None = None) -> None:
        """The item is on screen, on the canvas named `canvas`. Starting again restarts the clock."""
        self.canvas = canvas
        self.events = [self.now() if at is None else at]
        self.compute = []
        self.browser = BrowserActivity()
        self.decision_at = None

    def mark(self, at: float | None = None) -> None:
        """An interaction reached the server now."""
        if not self.events:
            raise RuntimeError("mark() before start()")
        t = self.now() if at is None else at
        self.events.append(max(t, self.events[-1]))  # a clock step back counts as no time

    def decide(self, at: float | None = None) -> None:
        """The reviewer decided (accept, or start correcting); remembered for review_seconds."""
        self.mark(at)
        self.decision_at = len(self.events) - 1

    def computing(self, start: float, end: float) -> None:
        """SAM computed from `start` to `end` (server clock): not the annotator's time."""
        if end > start:
            self.compute.append((start, end))

    def report(self, canvas: str, value, at: float | None = None) -> bool:
        """A report of the browser's activity from canvas `canvas`, received now
        (activity.BrowserActivity.add); True when it was new and passed the checks."""
        if not self.events:
            raise RuntimeError("report() before start()")
        return self.browser.add(canvas, value, self.now() if at is None else at, self.events[0])

    @property
    def timing(self) -> str:
        return TIMING_BROWSER if self.browser.measured else TIMING_SERVER

    def split(self, upto: int | None = None) -> Split:
        """The item's time from display to its last server mark (or to mark number `upto`)."""
        if not self.events:
            return Split(0.0, 0.0, 0.0, 0.0)
        events = self.events if upto is None else self.events[: upto + 1]
        start, end = events[0], events[-1]
        pressed = self.browser.pressed(end)
        if pressed is not None:  # the button as the annotator pressed it, not as the server saw it
            end = max(pressed, start)
        appeared = None if self.canvas is None else self.browser.shown(self.canvas)
        if appeared is not None:  # on screen when its canvas appeared, not when the server sent it
            start = min(max(start, appeared), end)
        return split_item(
            start,
            end,
            [*events, *self.browser.marks()],
            self.threshold,
            hidden=self.browser.hidden(end),
            compute=self.compute,
        )

    def review_seconds(self) -> float | None:
        if self.decision_at is None:
            return None
        return self.split(self.decision_at).active


def pseudonym(label: str, salt: str | None = None) -> str:
    """A stable pseudonymous annotator id for whatever the annotator typed (never stored as typed):
    'ann-' + 12 hex of HMAC-SHA256 keyed with the install's salt (`SEGROI_SALT` or the salt file,
    engine.data.privacy), so a name cannot be guessed back from the store without the salt.
    Pseudonyms stored before schema version 4 were replaced by random 'ann-x...' ids (0004)."""
    from engine.data.privacy import default_salt

    text = (label or "").strip().lower()
    if not text:
        raise SegroiError("an annotator pseudonym is needed (any word; it is hashed before storing)")
    key = (salt if salt is not None else default_salt()).encode()
    return "ann-" + hmac.new(key, f"segroi-annotator:{text}".encode(), hashlib.sha256).hexdigest()[:12]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class Session:
    id: str
    annotator: str
    task: str
    dataset: str | None
    frames_planned: int | None
    idle_threshold_seconds: float
    simulated: bool
    settings: dict = field(default_factory=dict)
    created_at: dt.datetime = field(default_factory=_now)
    status: str = "open"
    run_id: str | None = None

    def row(self) -> dict:
        out = asdict(self)
        if self.run_id is None:
            out.pop("run_id")
        return out


@dataclass
class Item:
    """One completed structure. `accepted` False: the model's mask was rejected (sam gave up,
    ssl proposal corrected by tracing); manual traces are accepted by definition."""

    frame: str
    structure: str
    task: str
    active_seconds: float
    idle_seconds: float = 0.0
    study: str | None = None
    clicks: int | None = None
    vertices: int | None = None
    corrections: int = 0
    accepted: bool = True
    dice: float | None = None
    review_seconds: float | None = None
    prompt: str | None = None
    hidden_seconds: float | None = None  # part of idle_seconds when the page was hidden
    compute_seconds: float | None = None  # SAM computing: in neither active nor idle
    timing: str | None = None  # browser, server (the old way) or simulated

    def row(self, session: Session) -> dict:
        out = asdict(self)
        out.update(session_id=session.id, simulated=session.simulated, completed_at=_now())
        if out["timing"] is None:
            out["timing"] = TIMING_SIMULATED if session.simulated else TIMING_SERVER
        return out


def new_session(
    annotator: str,
    task: str,
    *,
    dataset: str | None,
    frames_planned: int | None,
    idle_threshold_seconds: float = DEFAULT_IDLE_THRESHOLD_S,
    simulated: bool = False,
    settings: dict | None = None,
    session_id: str | None = None,
) -> Session:
    if task not in TASKS:
        raise SegroiError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    if idle_threshold_seconds <= 0:
        raise SegroiError("the idle threshold must be a positive number of seconds")
    return Session(
        id=session_id or str(uuid.uuid4()),
        annotator=annotator,
        task=task,
        dataset=dataset,
        frames_planned=frames_planned,
        idle_threshold_seconds=float(idle_threshold_seconds),
        simulated=simulated,
        settings=dict(settings or {}),
    )


def start_session(store, annotator: str, task: str, **kwargs) -> Session:
    """Create a human session and write its row now (status open)."""
    session = new_session(annotator, task, **kwargs)
    store.insert("annotation_sessions", [session.row()])
    return session


def load_session(store, session_id: str) -> Session:
    r = stored.session_row(store, session_id)
    if r is None:
        raise SegroiError(f"no annotation session {session_id!r} in the store")
    settings = r.get("settings")
    return Session(
        id=r["id"],
        annotator=r["annotator"],
        task=r["task"],
        dataset=r["dataset"],
        frames_planned=r["frames_planned"],
        idle_threshold_seconds=r["idle_threshold_seconds"],
        simulated=r["simulated"],
        settings=json.loads(settings) if isinstance(settings, str) else (settings or {}),
        created_at=r["created_at"],
        status=r["status"],
        run_id=r.get("run_id"),
    )


# Sessions and items in the store (engine/store/annotation.py), under the names the pages use.
open_sessions = stored.open_sessions
human_sessions = stored.human_sessions
completed_pairs = stored.completed_pairs
session_items = stored.session_items


def pending(plan: Iterable[tuple[str, str]], done: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The plan's (frame, structure) pairs not yet done, in plan order."""
    return [pair for pair in plan if pair not in done]


def record_item(store, session: Session, item: Item) -> None:
    """Write one completed item now, in its own short transaction."""
    if item.task != session.task:
        raise ValueError(f"item task {item.task!r} does not match session task {session.task!r}")
    store.insert("annotation_items", [item.row(session)])


def finish_session(store, session: Session) -> None:
    stored.mark_session_done(store, session.id)
    session.status = "done"
