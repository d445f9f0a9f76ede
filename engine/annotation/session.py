"""Timed annotation sessions: the timing rule, and sessions/items in the store.

Timing rule (one item = one structure on one frame):
  The clock keeps an *events stream* of wall-clock timestamps: the item's display, every
  interaction the annotator makes (a closed polygon, a box drag, a click point, a button),
  and the final accept/reject. Consecutive events make gaps. A gap longer than
  ``idle_threshold_seconds`` (strictly greater) is *idle* and is excluded whole; every other
  gap is *active*. So ``active_seconds + idle_seconds == accept time - display time``.
  In the browser the server sees an interaction only when the page reruns (a polygon when
  it is closed, a box when the mouse is released), so a single interaction that takes
  longer than the threshold counts as idle: choose the threshold above the slowest single
  action (default 30 s; a manual LV trace takes 11.6 +/- 4.5 s in Chao et al.).

Items are written one by one with `Store.insert` (its own short transaction) as soon as
they complete, so closing the browser loses at most the item on screen. A session is
resumed by loading it and skipping the (frame, structure) pairs it already holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Sequence

from engine.errors import SegroiError

TASKS = ("manual", "sam", "ssl")
DEFAULT_IDLE_THRESHOLD_S = 30.0


def split_active_idle(events: Sequence[float], threshold: float) -> tuple[float, float]:
    """(active, idle) seconds of an events stream under the rule above.

    ``events`` are timestamps in seconds, first the display, last the accept; they must not
    go backwards. Fewer than two events give (0, 0).
    """
    if threshold <= 0:
        raise ValueError("the idle threshold must be positive")
    active = idle = 0.0
    for earlier, later in zip(events, events[1:]):
        gap = later - earlier
        if gap < 0:
            raise ValueError("events must be in time order")
        if gap > threshold:
            idle += gap
        else:
            active += gap
    return active, idle


class ItemClock:
    """The events stream of one item. `now` is injectable so tests need not sleep."""

    def __init__(self, threshold: float = DEFAULT_IDLE_THRESHOLD_S,
                 now: Callable[[], float] = time.time):
        if threshold <= 0:
            raise ValueError("the idle threshold must be positive")
        self.threshold = float(threshold)
        self.now = now
        self.events: list[float] = []
        self.decision_at: int | None = None  # index of the review decision event, if any

    @property
    def started(self) -> bool:
        return bool(self.events)

    def start(self, at: float | None = None) -> None:
        """The item is on screen. Starting again restarts the stream."""
        self.events = [self.now() if at is None else at]
        self.decision_at = None

    def mark(self, at: float | None = None) -> None:
        """An interaction happened now."""
        if not self.events:
            raise RuntimeError("mark() before start()")
        t = self.now() if at is None else at
        self.events.append(max(t, self.events[-1]))  # a clock step back counts as no time

    def decide(self, at: float | None = None) -> None:
        """The reviewer decided (accept, or start correcting); remembered for review_seconds."""
        self.mark(at)
        self.decision_at = len(self.events) - 1

    def split(self) -> tuple[float, float]:
        return split_active_idle(self.events, self.threshold)

    def review_seconds(self) -> float | None:
        if self.decision_at is None:
            return None
        return split_active_idle(self.events[: self.decision_at + 1], self.threshold)[0]


def pseudonym(label: str) -> str:
    """A stable pseudonymous annotator id for whatever the annotator typed (never stored as typed)."""
    text = (label or "").strip().lower()
    if not text:
        raise SegroiError("an annotator pseudonym is needed (any word; it is hashed before storing)")
    return "ann-" + hashlib.sha256(f"segroi-annotator:{text}".encode()).hexdigest()[:10]


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

    def row(self, session: Session) -> dict:
        out = asdict(self)
        out.update(session_id=session.id, simulated=session.simulated, completed_at=_now())
        return out


def new_session(annotator: str, task: str, *, dataset: str | None, frames_planned: int | None,
                idle_threshold_seconds: float = DEFAULT_IDLE_THRESHOLD_S, simulated: bool = False,
                settings: dict | None = None, session_id: str | None = None) -> Session:
    if task not in TASKS:
        raise SegroiError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    if idle_threshold_seconds <= 0:
        raise SegroiError("the idle threshold must be a positive number of seconds")
    return Session(id=session_id or str(uuid.uuid4()), annotator=annotator, task=task,
                   dataset=dataset, frames_planned=frames_planned,
                   idle_threshold_seconds=float(idle_threshold_seconds), simulated=simulated,
                   settings=dict(settings or {}))


def start_session(store, annotator: str, task: str, **kwargs) -> Session:
    """Create a human session and write its row now (status open)."""
    session = new_session(annotator, task, **kwargs)
    store.insert("annotation_sessions", [session.row()])
    return session


def load_session(store, session_id: str) -> Session:
    rows = store.query("SELECT * FROM annotation_sessions WHERE id = ?", [session_id])
    if not rows:
        raise SegroiError(f"no annotation session {session_id!r} in the store")
    r = rows[0]
    settings = r.get("settings")
    return Session(id=r["id"], annotator=r["annotator"], task=r["task"], dataset=r["dataset"],
                   frames_planned=r["frames_planned"],
                   idle_threshold_seconds=r["idle_threshold_seconds"], simulated=r["simulated"],
                   settings=json.loads(settings) if isinstance(settings, str) else (settings or {}),
                   created_at=r["created_at"], status=r["status"], run_id=r.get("run_id"))


def open_sessions(store, annotator: str | None = None) -> list[dict]:
    """Human sessions still open (resumable), newest first, with how many items they hold."""
    sql = ("SELECT s.id, s.annotator, s.task, s.dataset, s.frames_planned, s.created_at, "
           "count(i.frame) AS items FROM annotation_sessions s "
           "LEFT JOIN annotation_items i ON i.session_id = s.id "
           "WHERE s.status = 'open' AND NOT s.simulated {extra} "
           "GROUP BY ALL ORDER BY s.created_at DESC")
    if annotator:
        return store.query(sql.format(extra="AND s.annotator = ?"), [annotator])
    return store.query(sql.format(extra=""))


def human_sessions(store) -> list[dict]:
    """Every human (not simulated) session, newest first, with its item count."""
    return store.query(
        "SELECT s.id, s.annotator, s.task, s.dataset, s.status, s.created_at, count(i.frame) AS items "
        "FROM annotation_sessions s LEFT JOIN annotation_items i ON i.session_id = s.id "
        "WHERE NOT s.simulated GROUP BY ALL ORDER BY s.created_at DESC")


def completed_pairs(store, session_id: str) -> set[tuple[str, str]]:
    rows = store.query("SELECT frame, structure FROM annotation_items WHERE session_id = ?",
                       [session_id])
    return {(r["frame"], r["structure"]) for r in rows}


def pending(plan: Iterable[tuple[str, str]], done: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The plan's (frame, structure) pairs not yet done, in plan order."""
    return [pair for pair in plan if pair not in done]


def record_item(store, session: Session, item: Item) -> None:
    """Write one completed item now, in its own short transaction."""
    if item.task != session.task:
        raise ValueError(f"item task {item.task!r} does not match session task {session.task!r}")
    store.insert("annotation_items", [item.row(session)])


def finish_session(store, session: Session) -> None:
    store.execute("UPDATE annotation_sessions SET status = 'done' WHERE id = ?", [session.id])
    session.status = "done"


def session_items(store, session_ids: Sequence[str]) -> list[dict]:
    """Items of the given sessions, with the session's annotator, SAM weights ("random", a checkpoint
    name, or None) and SAM variant (vit_b, vit_l, vit_h, or None)."""
    if not session_ids:
        return []
    marks = ", ".join("?" for _ in session_ids)
    return store.query(
        "SELECT i.*, s.annotator, s.created_at AS session_created_at, "
        "json_extract_string(s.settings, '$.sam_weights') AS sam_weights, "
        "json_extract_string(s.settings, '$.sam_variant') AS sam_variant FROM annotation_items i "
        f"JOIN annotation_sessions s ON s.id = i.session_id WHERE i.session_id IN ({marks}) "
        "ORDER BY i.completed_at", list(session_ids))
