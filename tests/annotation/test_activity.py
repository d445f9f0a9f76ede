"""Reports of activity from the browser: checks against garbage, the clock offset, hidden spans."""

from __future__ import annotations

import math

import pytest

from engine.annotation.activity import (
    MAX_CANVASES,
    MAX_EVENTS,
    ActivityError,
    BrowserActivity,
    read_report,
)

T0 = 1_800_000_000_000.0  # the browser's clock, ms since the epoch


def report(events, sent=None, t0=T0, **extra):
    sent = sent if sent is not None else (events[-1][0] if events else 0)
    return {"v": 1, "item": "x", "t0": t0, "sent": sent, "events": events, "shapes": {}, **extra}


def test_a_report_comes_in_seconds_on_the_browser_clock():
    r = read_report(report([[0, "visible"], [1500, "down"], [1520, "up"]], sent=2000), received=99.0)
    assert r.t0 == T0 / 1000 and r.sent == T0 / 1000 + 2.0
    assert r.events[1] == (T0 / 1000 + 1.5, "down")
    assert r.offset == pytest.approx(99.0 - (T0 / 1000 + 2.0))


@pytest.mark.parametrize(
    "value, reason",
    [
        ("events", "not an object"),
        ({"v": 2, "t0": T0, "sent": 0, "events": []}, "unknown version"),
        (report([], sent=float("nan")), "bad send time"),
        (report([], t0="yesterday"), "bad start time"),
        (report([[10, "down"]], sent=5), "after its send time"),
        (report([[10, "down"], [5, "up"]], sent=20), "go backwards"),
        (report([[10, "keypress"]]), "unknown event"),
        (report([[10]]), "not \\[time, kind\\]"),
        (report([[math.inf, "down"]], sent=10), "bad event time"),
        (report([[True, "down"]], sent=10), "bad event time"),
        ({"v": 1, "t0": T0, "sent": 0, "events": "many"}, "no list of events"),
        (report([[k, "move"] for k in range(MAX_EVENTS + 1)]), "more than"),
        (report([], t0=-5.0), "negative time"),
    ],
)
def test_garbage_is_refused_with_one_line(value, reason):
    with pytest.raises(ActivityError, match=reason) as err:
        read_report(value, received=0.0)
    assert "\n" not in str(err.value)


def test_events_from_before_the_display_are_refused_and_earlier_reports_kept():
    # same machine: the browser's clock is the server's, a report sent at 1000.5 arrives at 1000.6
    a = BrowserActivity()
    t0 = 1_000_000.0  # ms
    assert a.add("c", report([[0, "visible"], [400, "down"]], sent=500, t0=t0), received=1000.6, shown=999.9)
    assert a.marks() == [pytest.approx(1000.5)]
    # then garbage claiming a click 30 s before the item was shown
    bad = report([[0, "visible"], [1, "down"], [31_000, "up"]], sent=31_000, t0=t0 - 30_000)
    assert not a.add("c", bad, received=1001.1, shown=999.9)
    assert "before the item was shown" in a.refused[0]
    assert a.marks() == [pytest.approx(1000.5)] and a.measured


def test_offset_is_the_smallest_received_minus_sent_and_stale_reports_are_ignored():
    a = BrowserActivity()
    # the browser's clock runs 100 s ahead of the server's; deliveries took 0.3 s, then 0.05 s
    t0 = (5000.0 + 100) * 1000
    assert a.add("c", report([[0, "visible"], [1000, "down"]], sent=1000, t0=t0), received=5001.3, shown=5000.0)
    assert a.offset == pytest.approx(-100 + 0.3)
    assert a.add(
        "c", report([[0, "visible"], [1000, "down"], [2000, "up"]], sent=2000, t0=t0), received=5002.05, shown=5000.0
    )
    assert a.offset == pytest.approx(-100 + 0.05)
    assert a.marks() == [pytest.approx(5001.05), pytest.approx(5002.05)]
    assert a.shown("c") == pytest.approx(5000.05) and a.shown("other") is None
    # a rerun hands back the same report later: not new, and it does not move the offset
    assert not a.add(
        "c", report([[0, "visible"], [1000, "down"], [2000, "up"]], sent=2000, t0=t0), received=5009.0, shown=5000.0
    )
    assert a.offset == pytest.approx(-100 + 0.05) and not a.refused


def test_hidden_spans_from_each_canvas_and_an_open_span_ends_at_the_accept():
    a = BrowserActivity()
    t0 = 2000.0 * 1000
    events = [[0, "visible"], [1000, "down"], [2000, "hidden"], [12000, "visible"], [13000, "down"], [14000, "hidden"]]
    assert a.add("review", report(events, sent=14000, t0=t0), received=2014.0, shown=2000.0)
    assert a.hidden(until=2020.0) == [
        (pytest.approx(2002.0), pytest.approx(2012.0)),
        (pytest.approx(2014.0), pytest.approx(2020.0)),
    ]
    assert a.add(
        "correct", report([[0, "visible"], [500, "down"]], sent=500, t0=t0 + 15000), received=2015.5, shown=2000.0
    )
    assert len(a.reports) == 2 and a.marks()[-1] == pytest.approx(2015.5)


def test_too_many_canvases_for_one_item_are_refused():
    a = BrowserActivity()
    for k in range(MAX_CANVASES):
        assert a.add(f"c{k}", report([[0, "visible"]], t0=1000.0 * 1000 + k), received=1000.1, shown=999.0)
    assert not a.add("one more", report([[0, "visible"]], t0=1000.0 * 1000), received=1000.1, shown=999.0)
    assert "canvases" in a.refused[-1]


def test_the_last_press_before_the_server_saw_a_button_is_that_button():
    a = BrowserActivity()
    t0 = 3000.0 * 1000
    events = [[0, "visible"], [1000, "press"], [5000, "down"], [9000, "press"], [9100, "press"]]
    assert a.add("c", report(events, sent=9100, t0=t0), received=3009.1, shown=3000.0)
    assert a.pressed(before=3009.5) == pytest.approx(3009.1)
    assert a.pressed(before=3009.05) == pytest.approx(3009.0)
    assert a.pressed(before=3020.0) is None  # nothing in the 3 s before: the server's time
