"""Password back-off (engine.access.throttle) with an injected clock: no sleeps."""

from __future__ import annotations

from engine.access.throttle import Policy, Throttle


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_free_attempts_then_doubling_lockouts_up_to_the_cap():
    clock = Clock()
    th = Throttle(Policy(free=3, base=5, cap=40, forget=3600), now=clock)
    assert [th.failed() for _ in range(3)] == [0, 0, 0] and th.wait() == 0
    locks = []
    for _ in range(5):
        locks.append(th.failed())
        clock.t += locks[-1]  # wait out each lockout
    assert locks == [5, 10, 20, 40, 40]


def test_locked_means_locked_until_the_time_is_up():
    clock = Clock()
    th = Throttle(Policy(free=1, base=30, cap=60, forget=3600), now=clock)
    th.failed()
    assert th.failed() == 30
    clock.t += 29.5
    assert 0 < th.wait() <= 0.5
    clock.t += 0.5
    assert th.wait() == 0


def test_success_clears_and_old_failures_are_forgotten():
    clock = Clock()
    th = Throttle(Policy(free=2, base=5, cap=60, forget=600), now=clock)
    th.failed(), th.failed()
    th.succeeded()
    assert th.failures == 0 and th.failed() == 0
    th.failed()
    assert th.failed() == 5
    clock.t += 601
    assert th.wait() == 0 and th.failed() == 0  # counting starts again
