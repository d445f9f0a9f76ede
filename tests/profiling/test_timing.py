"""The steady-state window: warm-up, enough calls to fill the window, energy over the same window."""

from __future__ import annotations

import pytest

from engine.profiling import energy as en
from engine.profiling.timing import WallTimer, steady_state


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def _fake_step(clock, costs):
    """A step that takes costs[i] seconds on the fake clock for call i, then the last cost."""
    calls = []

    def step():
        i = len(calls)
        calls.append(i)
        clock.t += costs[min(i, len(costs) - 1)]

    return step, calls


def test_window_lasts_at_least_the_requested_seconds():
    clock = Clock()
    step, calls = _fake_step(clock, [5.0, 0.1])  # the first call "compiles"
    meter = en.CounterMeter(lambda: 300.0 * clock.t, "fake", clock=clock)  # 300 W
    w = steady_state(
        step,
        seconds=2.0,
        timer=WallTimer(clock=clock),
        synchronize=lambda: None,
        meter=meter,
        warmup_seconds=1.0,
        clock=clock,
    )
    assert w.first_step_seconds == pytest.approx(5.0)
    assert w.warmup_iterations >= 2
    assert w.iterations == 20 and w.seconds == pytest.approx(2.0)
    assert w.energy.joules == pytest.approx(600.0) and w.energy.watts == pytest.approx(300.0)
    assert len(calls) == w.warmup_iterations + w.iterations


def test_window_is_rerun_longer_when_warmup_overestimated_the_cost():
    clock = Clock()
    # Warm-up calls look slow (1 s), the timed calls are fast (0.1 s): 3 calls fill 0.3 s only.
    costs = [1.0, 1.0, 1.0] + [0.1] * 1000
    step, _ = _fake_step(clock, costs)
    w = steady_state(
        step,
        seconds=3.0,
        timer=WallTimer(clock=clock),
        synchronize=lambda: None,
        meter=en.NullMeter(clock=clock),
        warmup_seconds=0.0,
        min_warmup=3,
        clock=clock,
    )
    assert w.attempts == 2
    assert w.seconds >= 0.9 * 3.0
    assert w.energy.joules is None and w.energy.method == "not_measured"


def test_slow_step_still_runs_twice():
    clock = Clock()
    step, _ = _fake_step(clock, [10.0])
    w = steady_state(
        step,
        seconds=1.0,
        timer=WallTimer(clock=clock),
        synchronize=lambda: None,
        meter=en.NullMeter(clock=clock),
        warmup_seconds=0.0,
        clock=clock,
    )
    assert w.iterations == 2 and w.seconds == pytest.approx(20.0)


def test_synchronize_is_called_before_the_window_closes():
    clock = Clock()
    pending = []

    def step():
        pending.append(0.25)  # queued device work, done only at synchronize

    def sync():
        clock.t += sum(pending)
        pending.clear()

    w = steady_state(
        step,
        seconds=1.0,
        timer=WallTimer(sync, clock=clock),
        synchronize=sync,
        meter=en.NullMeter(clock=clock),
        warmup_seconds=0.0,
        clock=clock,
    )
    assert w.seconds == pytest.approx(0.25 * w.iterations)
    assert w.seconds >= 0.9


def test_rejects_a_non_positive_window():
    with pytest.raises(ValueError):
        steady_state(lambda: None, seconds=0, timer=WallTimer(), synchronize=lambda: None, meter=en.NullMeter())
