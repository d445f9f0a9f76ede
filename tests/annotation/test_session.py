"""Timing rules, pseudonyms, and sessions/items in the store (resume, partial sessions)."""

from __future__ import annotations

import pytest

from engine.annotation.session import (
    Item,
    ItemClock,
    completed_pairs,
    finish_session,
    human_sessions,
    load_session,
    open_sessions,
    pending,
    pseudonym,
    record_item,
    split_active_idle,
    start_session,
)
from engine.errors import SegroiError
from engine.store import open_store


def test_gaps_over_the_threshold_are_idle_and_the_rest_active():
    # gaps: 2, 40 (idle), 3, 30 (exactly the threshold: active), 31 (idle)
    events = [0, 2, 42, 45, 75, 106]
    active, idle = split_active_idle(events, threshold=30)
    assert active == pytest.approx(2 + 3 + 30)
    assert idle == pytest.approx(40 + 31)
    assert active + idle == pytest.approx(events[-1] - events[0])


def test_no_gap_or_single_event_is_zero_and_bad_input_is_refused():
    assert split_active_idle([5.0], 10) == (0.0, 0.0)
    assert split_active_idle([], 10) == (0.0, 0.0)
    with pytest.raises(ValueError):
        split_active_idle([0, 5, 3], 10)
    with pytest.raises(ValueError):
        split_active_idle([0, 1], 0)


def test_clock_with_injected_time_and_review_decision():
    t = iter([100.0, 103.0, 190.0, 191.5, 194.0])
    clock = ItemClock(threshold=20, now=lambda: next(t))
    clock.start()  # 100 display
    clock.mark()  # 103: looked, clicked
    clock.decide()  # 190: decided after an 87 s pause (idle)
    clock.mark()  # 191.5
    clock.mark()  # 194 accept
    timed = clock.split()
    assert (timed.active, timed.idle) == (pytest.approx(3 + 1.5 + 2.5), pytest.approx(87))
    assert clock.timing == "server"  # nothing came from the browser
    assert clock.review_seconds() == pytest.approx(3)


def test_clock_ignores_a_clock_step_backwards():
    clock = ItemClock(threshold=10)
    clock.start(at=50)
    clock.mark(at=49)  # wall clock stepped back: no negative time
    clock.mark(at=52)
    timed = clock.split()
    assert (timed.active, timed.idle) == (pytest.approx(2), 0.0)


def test_mark_before_start_is_an_error():
    with pytest.raises(RuntimeError):
        ItemClock().mark()
    with pytest.raises(RuntimeError):
        ItemClock().report("canvas", {})


def test_the_item_starts_when_its_canvas_appeared_and_the_browser_marks_count():
    clock = ItemClock(threshold=5)
    clock.start(at=100.0, canvas="c")
    report = {
        "v": 1,
        "t0": 100_400.0,
        "sent": 9_600.0,
        "events": [[0, "visible"], [1_600, "down"], [5_600, "down"], [9_600, "down"]],
    }
    assert clock.report("c", report, at=110.0)  # sent at 110.0 by the browser, received then
    clock.mark(at=111.0)  # accept
    timed = clock.split()
    # the canvas appeared at 100.4; clicks at 102, 106, 110; accept 111: gaps 1.6, 4, 4, 1
    assert clock.timing == "browser" and timed.active == pytest.approx(10.6) and timed.idle == 0
    # Accept pressed in the browser at 110.7; the server handled it at 111.4 (a busy server)
    report = dict(report, sent=10_300.0, events=report["events"] + [[10_300, "press"]])
    assert clock.report("c", report, at=110.7)
    clock.mark(at=111.4)
    assert clock.split().active == pytest.approx(10.3)


def test_pseudonym_is_stable_and_hides_the_name():
    a = pseudonym("  Dr Example ")
    assert a == pseudonym("dr example")
    assert "example" not in a.lower() and a.startswith("ann-")
    assert a != pseudonym("someone else")
    with pytest.raises(SegroiError):
        pseudonym("   ")


def _item(frame, structure, seconds=5.0):
    return Item(
        frame=frame,
        structure=structure,
        task="manual",
        active_seconds=seconds,
        vertices=12,
        clicks=13,
        dice=0.9,
        prompt="polygon",
        timing="browser",
    )


def test_items_are_written_one_by_one_and_a_session_resumes():
    store = open_store()
    s = start_session(
        store, pseudonym("tester"), "manual", dataset="phantom", frames_planned=2, idle_threshold_seconds=25
    )
    plan = [("f_000", "LV"), ("f_000", "LA"), ("f_001", "LV"), ("f_001", "LA")]
    record_item(store, s, _item("f_000", "LV", 4.0))
    record_item(store, s, _item("f_000", "LA", 6.0))
    # the browser closes here: a new page loads the session and finds what is left
    again = load_session(store, s.id)
    assert again.status == "open" and again.idle_threshold_seconds == 25 and not again.simulated
    done = completed_pairs(store, again.id)
    assert pending(plan, done) == [("f_001", "LV"), ("f_001", "LA")]
    assert [o["id"] for o in open_sessions(store)] == [s.id]
    assert [(h["id"], h["items"], h["status"]) for h in human_sessions(store)] == [(s.id, 2, "open")]
    assert open_sessions(store)[0]["items"] == 2
    rows = store.query("SELECT * FROM annotation_items WHERE session_id = ? ORDER BY frame, structure", [s.id])
    assert [r["active_seconds"] for r in rows] == [6.0, 4.0]
    assert all(r["simulated"] is False and r["task"] == "manual" for r in rows)
    for pair in pending(plan, done):
        record_item(store, again, _item(*pair))
    finish_session(store, again)
    assert load_session(store, s.id).status == "done"
    assert open_sessions(store) == []


def test_item_of_another_task_is_refused_and_unknown_session_is_a_readable_error():
    store = open_store()
    s = start_session(store, "ann-x", "sam", dataset=None, frames_planned=1)
    with pytest.raises(ValueError):
        record_item(store, s, _item("f", "LV"))
    with pytest.raises(SegroiError, match="no annotation session"):
        load_session(store, "nope")
    with pytest.raises(SegroiError):
        start_session(store, "ann-x", "paint", dataset=None, frames_planned=1)
