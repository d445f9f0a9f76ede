"""Timing a steady-state window: warm-up first, then one timed stretch of many steps.

On a GPU the window is timed with CUDA events recorded on the stream before the first and after
the last step, with no synchronisation in between, so the host never stalls the queue. On the
CPU it is wall-clock (`time.perf_counter`). The energy meter is started just before and stopped
just after the timed stretch, so energy and time cover the same window.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable

from engine.profiling.energy import EnergyReading


class WallTimer:
    method = "wall_clock"

    def __init__(self, synchronize: Callable[[], None] = lambda: None, clock: Callable[[], float] = time.perf_counter):
        self.synchronize = synchronize
        self.clock = clock
        self._t0: float | None = None

    def start(self) -> None:
        self._t0 = self.clock()

    def stop(self) -> float:
        self.synchronize()
        if self._t0 is None:
            raise RuntimeError("stop() before start()")
        return self.clock() - self._t0


class CudaEventTimer:
    method = "cuda_events"

    def __init__(self, device=None):
        import torch

        self.torch = torch
        self.device = device
        self._start = None

    def start(self) -> None:
        self._start = self.torch.cuda.Event(enable_timing=True)
        self._start.record()

    def stop(self) -> float:
        end = self.torch.cuda.Event(enable_timing=True)
        end.record()
        end.synchronize()
        if self._start is None:
            raise RuntimeError("stop() before start()")
        return self._start.elapsed_time(end) / 1000.0


@dataclass
class Window:
    iterations: int
    seconds: float  # the timed stretch (CUDA events or wall clock)
    host_seconds: float  # the energy meter's window (host clock), contains `seconds`
    energy: EnergyReading
    warmup_iterations: int
    warmup_seconds: float
    first_step_seconds: float  # the very first call: includes compilation and autotuning
    timing_method: str
    attempts: int


def steady_state(
    step: Callable[[], object],
    *,
    seconds: float,
    timer,
    synchronize: Callable[[], None],
    meter,
    warmup_seconds: float = 1.0,
    min_warmup: int = 2,
    max_attempts: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> Window:
    """Warm `step` up, then time `iterations` calls lasting at least about `seconds`.

    The number of timed calls is chosen from the warm-up's per-call time; if the timed stretch
    comes out shorter than 90 % of `seconds` (the warm-up overestimated the cost), it is run
    again with more calls, up to `max_attempts` times. `seconds` is a minimum: a step slower
    than the window still runs twice.
    """
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    synchronize()
    t0 = clock()
    durations: list[float] = []
    while len(durations) < max(1, min_warmup) or clock() - t0 < warmup_seconds:
        s = clock()
        step()
        synchronize()
        durations.append(clock() - s)
    warm = clock() - t0
    steady = durations[1:] or durations
    per_call = max(statistics.median(steady[-5:]), 1e-9)
    iterations = max(2, math.ceil(seconds / per_call * (1 - 1e-9)))
    for attempt in range(1, max_attempts + 1):
        synchronize()
        meter.start()
        timer.start()
        for _ in range(iterations):
            step()
        elapsed = timer.stop()
        energy = meter.stop()
        if energy.seconds >= 0.9 * seconds or attempt == max_attempts:
            break
        iterations = math.ceil(iterations * seconds / max(elapsed, 1e-9) * 1.05)
    return Window(
        iterations, elapsed, energy.seconds, energy, len(durations), warm, durations[0], timer.method, attempt
    )
