"""The timing rule (engine/annotation/timing.py) against time lines worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.annotation.timing import gaps_active_idle, merge, split, subtract


def test_steady_work_slower_than_the_threshold_is_all_active():
    # 14 vertices 1 s apart and the closing click, display at 0, accept 2 s after the close:
    # no pause is longer than 5 s, so all 17 s are active, however long the trace takes
    marks = [1.0 + k for k in range(15)]
    s = split(0.0, 17.0, marks, threshold=5)
    assert (s.active, s.idle, s.hidden, s.compute) == (pytest.approx(17), 0, 0, 0)


def test_a_pause_longer_than_the_threshold_is_idle_whole():
    # clicks at 1.0 .. 1.9 (10 clicks, 0.1 s apart), nothing for 20 s, clicks at 21.9 .. 22.8, accept 24
    first = [1.0 + 0.1 * k for k in range(10)]
    second = [21.9 + 0.1 * k for k in range(10)]
    s = split(0.0, 24.0, first + second, threshold=5)
    assert s.idle == pytest.approx(20.0)  # 1.9 -> 21.9
    assert s.active == pytest.approx(1.0 + 0.9 + 0.9 + 1.2)
    # a pause of exactly the threshold is active
    assert split(0.0, 10.0, [5.0], threshold=5).active == pytest.approx(10)


def test_hidden_time_is_idle_however_short_and_leaving_and_returning_are_marks():
    # clicks every second to 7, tab hidden 7.2 -> 17.2, clicks again from 18 to 25, accept 26
    marks = [float(k) for k in range(1, 8)] + [float(k) for k in range(18, 26)]
    s = split(0.0, 26.0, marks, threshold=30, hidden=[(7.2, 17.2)])
    assert s.hidden == pytest.approx(10.0) and s.idle == pytest.approx(10.0)
    assert s.active == pytest.approx(16.0)
    # a 2 s hidden span under a 30 s threshold is idle too
    assert split(0.0, 10.0, [1, 2, 5, 6], threshold=30, hidden=[(2.5, 4.5)]).idle == pytest.approx(2.0)


def test_a_pause_is_measured_without_the_hidden_span_inside_it():
    # click at 1, hidden 2 -> 12, click at 15: the annotator's own pause is 1 + 3 = 4 s < 5 s
    s = split(0.0, 16.0, [1.0, 15.0], threshold=5, hidden=[(2.0, 12.0)])
    assert s.hidden == pytest.approx(10) and s.active == pytest.approx(6) and s.idle == pytest.approx(10)


def test_sam_compute_is_nobodys_time_and_does_not_break_a_pause():
    # box at 2, SAM computes 2.0 -> 5.0, looks until the accept at 8: own time 8 - 3 = 5
    s = split(0.0, 8.0, [2.0], threshold=30, compute=[(2.0, 5.0)])
    assert (s.active, s.idle, s.compute) == (pytest.approx(5), 0, pytest.approx(3))
    # a pause of 6 s of own time around a 10 s computation, threshold 5: idle 6, not active 16
    s = split(0.0, 17.0, [1.0], threshold=5, compute=[(3.0, 13.0)])
    assert (s.active, s.idle, s.compute) == (pytest.approx(1), pytest.approx(6), pytest.approx(10))
    # hidden while SAM computes: the overlap is compute, not hidden
    s = split(0.0, 10.0, [1.0, 9.0], threshold=30, hidden=[(4.0, 8.0)], compute=[(2.0, 6.0)])
    assert (s.compute, s.hidden, s.active) == (pytest.approx(4), pytest.approx(2), pytest.approx(4))


def test_marks_and_spans_outside_the_window_do_not_count():
    s = split(10.0, 20.0, [5.0, 12.0, 25.0], threshold=30, hidden=[(0.0, 11.0)], compute=[(19.0, 30.0)])
    assert (s.hidden, s.compute) == (pytest.approx(1), pytest.approx(1))
    assert s.active == pytest.approx(8)
    with pytest.raises(ValueError):
        split(5.0, 4.0, [], threshold=5)
    with pytest.raises(ValueError):
        split(0.0, 4.0, [], threshold=0)


def test_interval_helpers():
    assert merge([(3, 5), (0, 1), (4, 8), (9, 9)], 0.5, 7) == [(0.5, 1), (3, 7)]
    assert subtract([(0, 10)], [(2, 3), (5, 6)]) == [(0, 2), (3, 5), (6, 10)]
    assert gaps_active_idle([0, 2, 42, 45], 30) == (pytest.approx(5), pytest.approx(40))


times = st.floats(0, 100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    marks=st.lists(times, max_size=30),
    hidden=st.lists(st.tuples(times, times), max_size=4),
    compute=st.lists(st.tuples(times, times), max_size=4),
    threshold=st.floats(0.5, 40),
    extra=times,
)
def test_the_parts_always_add_up_and_more_activity_never_lowers_active_time(marks, hidden, compute, threshold, extra):
    hidden = [tuple(sorted(h)) for h in hidden]
    compute = [tuple(sorted(c)) for c in compute]
    s = split(0.0, 100.0, marks, threshold, hidden=hidden, compute=compute)
    assert s.total == pytest.approx(100.0)
    assert 0 <= s.hidden <= s.idle + 1e-9 and s.active >= 0 and s.compute >= 0
    more = split(0.0, 100.0, marks + [extra], threshold, hidden=hidden, compute=compute)
    assert more.active >= s.active - 1e-9
