"""Back-off after wrong passwords, so a password cannot be guessed at the speed of the network.

One `Throttle` counts consecutive wrong passwords for one key (a browser session, or the whole server).
After `free` of them every further wrong password locks the key for `base` seconds, doubling with each
one, up to `cap`. While a key is locked no password is checked at all, the right one included; an
attempt made then is answered with the time left and is not counted. A right password clears a session's
count; the server's count is forgotten only after `forget` seconds without a wrong password, so opening
new sessions does not reset it. The clock is injectable (`now`), so tests need not sleep.

`attempt(check, session, server)` is the one way a password is checked: looking at the locks, comparing
and counting a failure happen as one step for the whole process, so a burst of parallel attempts cannot
all pass the lock before the first of them is counted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


_CHECKING = threading.Lock()  # one password check at a time, in the whole process (it takes microseconds)


@dataclass(frozen=True)
class Policy:
    free: int  # wrong passwords allowed before the first lockout
    base: float  # seconds of the first lockout
    cap: float  # longest lockout, seconds
    forget: float  # a count left alone this long starts again from zero


# A person who mistypes gets three tries at once, then waits 5 s, 10 s, 20 s ... at most 5 min.
SESSION = Policy(free=3, base=5.0, cap=300.0, forget=3600.0)
# Everyone together: ten wrong passwords in any sessions, then 5 s, 10 s ... at most 15 min for every
# visitor. Someone guessing can lock real users out for a while, but cannot guess quickly.
SERVER = Policy(free=10, base=5.0, cap=900.0, forget=3600.0)


class Throttle:
    def __init__(self, policy: Policy, now: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.now = now
        self.failures = 0
        self.locked_until = 0.0
        self.last_failure: float | None = None
        self._lock = threading.Lock()

    def _expire(self, t: float) -> None:
        if self.last_failure is not None and t - self.last_failure >= self.policy.forget and t >= self.locked_until:
            self.failures, self.last_failure, self.locked_until = 0, None, 0.0

    def wait(self) -> float:
        """Seconds until a password may be checked again (0: now)."""
        with self._lock:
            t = self.now()
            self._expire(t)
            return max(0.0, self.locked_until - t)

    def failed(self) -> float:
        """Count one wrong password; returns the lockout it starts (0 while still within `free`)."""
        with self._lock:
            t = self.now()
            self._expire(t)
            self.failures += 1
            self.last_failure = t
            over = self.failures - self.policy.free
            if over <= 0:
                return 0.0
            seconds = min(self.policy.cap, self.policy.base * 2 ** min(over - 1, 30))
            self.locked_until = max(self.locked_until, t + seconds)
            return seconds

    def succeeded(self) -> None:
        with self._lock:
            self.failures, self.last_failure, self.locked_until = 0, None, 0.0


@dataclass(frozen=True)
class Outcome:
    ok: bool  # the password was right
    wait: float = 0.0  # > 0: locked, nothing was checked (seconds left)
    lock: float = 0.0  # the lockout this wrong password started (0 while within the free tries)


def attempt(check: Callable[[], bool], session: Throttle, server: Throttle) -> Outcome:
    """Check a password (`check()` compares it) unless `session` or `server` is locked; a wrong one is
    counted on both, a right one clears `session` only. Atomic: see the module's docstring."""
    with _CHECKING:
        wait = max(session.wait(), server.wait())
        if wait > 0:
            return Outcome(False, wait=wait)
        if check():
            session.succeeded()
            return Outcome(True)
        return Outcome(False, lock=max(session.failed(), server.failed()))
