"""Parallel wrong passwords cannot slip past the back-off. Checking the lock, comparing the password and
counting a failure were three separate steps, so attempts that arrive together could all pass the lock
before the first failure was counted. Against a real server the window is microseconds wide (a burst of
150 new sessions had no more passwords compared than the lockouts allowed), but nothing closed it; the
three steps are now one (engine.access.throttle.attempt). Here the comparison is made slow, so that
every thread would be inside it at once unless the steps are one."""

from __future__ import annotations

import threading
import time

from engine.access import throttle
from engine.access.throttle import Policy, Throttle


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_a_burst_of_parallel_wrong_passwords_gets_only_the_free_tries_checked():
    clock = Clock()
    server = Throttle(Policy(free=10, base=5, cap=900, forget=3600), now=clock)
    compared = []
    outcomes = []
    start = threading.Barrier(40)

    def wrong() -> bool:
        compared.append(1)
        time.sleep(0.02)  # a slow comparison: the window a race needs
        return False

    def visitor():
        mine = Throttle(Policy(free=3, base=5, cap=300, forget=3600), now=clock)  # a new session each
        start.wait()
        outcomes.append(throttle.attempt(wrong, mine, server))

    threads = [threading.Thread(target=visitor) for _ in range(40)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(compared) == 11, len(compared)
    assert sum(1 for o in outcomes if o.wait > 0) == 29 and not any(o.ok for o in outcomes)
    assert server.failures == 11 and server.wait() == 5


def test_the_right_password_clears_the_session_not_the_server():
    clock = Clock()
    mine = Throttle(Policy(free=3, base=5, cap=300, forget=3600), now=clock)
    server = Throttle(Policy(free=10, base=5, cap=900, forget=3600), now=clock)
    assert throttle.attempt(lambda: False, mine, server).lock == 0
    assert throttle.attempt(lambda: True, mine, server).ok
    assert mine.failures == 0 and server.failures == 1
    for _ in range(3):
        throttle.attempt(lambda: False, mine, server)
    locked = throttle.attempt(lambda: False, mine, server)
    assert locked.lock == 5 and not locked.ok
    refused = throttle.attempt(lambda: True, mine, server)  # locked: not even the right one is checked
    assert refused.wait == 5 and not refused.ok
