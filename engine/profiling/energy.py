"""Energy over a measurement window, as the profiler's timing loop sees it: a meter with `start()`
and `stop() -> EnergyReading`.

The profiler starts the meter right after the device is idle-synchronised and stops it right after
the last timed step has finished, so the energy window and the timing window are the same stretch
of time. A device's own meter (`WindowMeter`) is a window of its EnergyMonitor (monitor.py): the
reading is the device's energy (the GPU's on cuda, CPU packages + DRAM on cpu) and `parts` holds
the whole measurement (GPU, CPU package and DRAM apart).

Methods (the `energy_method` column):
- nvml_energy_counter   NVML's total-energy counter (mJ), read at start and stop.
- nvml_power_x_time     a window shorter than the counter's steps: the power at its end times its
                        length (monitor.py says when).
- nvml_power_sampling   NVML power (W) sampled by a separate process, trapezoid-integrated;
                        used when the GPU/driver does not support the counter (sampler.py).
- rapl                  Linux RAPL package (+dram) counters for the CPU path.
- not_measured          no readable source: energy is None, never a guess.

`CounterMeter` and `SampledPowerMeter` (a sampling thread in this process) remain for benchmarks
that compare methods; the profiler's own path does not use the thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from engine.profiling.monitor import NVML_COUNTER, NVML_POWER_X_TIME, NVML_SAMPLING, EnergyMonitor, Measurement

RAPL = "rapl"
NOT_MEASURED = "not_measured"
__all__ = [
    "NVML_COUNTER",
    "NVML_POWER_X_TIME",
    "NVML_SAMPLING",
    "RAPL",
    "NOT_MEASURED",
    "EnergyReading",
    "CounterMeter",
    "SampledPowerMeter",
    "NullMeter",
    "WindowMeter",
    "integrate_power",
    "update_interval",
    "idle_power",
    "per_item",
]


@dataclass
class EnergyReading:
    joules: float | None  # None when not measured
    seconds: float  # host wall-clock length of the window
    method: str
    samples: int | None = None  # power samples taken (sampling meter only)
    parts: Measurement | None = None  # GPU, CPU package and DRAM apart (a device's own meter)

    @property
    def watts(self) -> float | None:
        if self.joules is None or self.seconds <= 0:
            return None
        return self.joules / self.seconds


def integrate_power(times: Sequence[float], watts: Sequence[float]) -> float:
    """Trapezoid integral of power samples (seconds, watts) -> joules."""
    if len(times) != len(watts):
        raise ValueError("times and watts differ in length")
    total = 0.0
    for i in range(1, len(times)):
        dt = times[i] - times[i - 1]
        if dt < 0:
            raise ValueError("sample times must not decrease")
        total += 0.5 * (watts[i] + watts[i - 1]) * dt
    return total


class CounterMeter:
    """Energy as the difference of a cumulative joule counter read at start and stop."""

    def __init__(self, read_joules: Callable[[], float], method: str, clock: Callable[[], float] = time.perf_counter):
        self.read_joules = read_joules
        self.method = method
        self.clock = clock
        self._start: tuple[float, float] | None = None

    def start(self) -> None:
        self._start = (self.clock(), self.read_joules())

    def stop(self) -> EnergyReading:
        if self._start is None:
            raise RuntimeError("stop() before start()")
        joules = self.read_joules()
        t = self.clock()
        t0, e0 = self._start
        self._start = None
        return EnergyReading(joules - e0, t - t0, self.method)


class SampledPowerMeter:
    """Energy from power samples taken every `interval` seconds on a background thread.

    Samples are taken at start, periodically, and at stop, so the integral covers exactly the
    window. The thread only sleeps and reads power; it holds the GIL briefly per sample.
    """

    def __init__(
        self,
        read_watts: Callable[[], float],
        interval: float = 0.02,
        method: str = NVML_SAMPLING,
        clock: Callable[[], float] = time.perf_counter,
    ):
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.read_watts = read_watts
        self.interval = interval
        self.method = method
        self.clock = clock
        self._times: list[float] = []
        self._watts: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        w = self.read_watts()
        t = self.clock()
        with self._lock:
            self._times.append(t)
            self._watts.append(w)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("meter already running")
        self._times, self._watts = [], []
        self._stop.clear()
        self._sample()
        self._thread = threading.Thread(target=self._loop, name="segroi-power-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> EnergyReading:
        if self._thread is None:
            raise RuntimeError("stop() before start()")
        self._stop.set()
        self._thread.join()
        self._thread = None
        self._sample()
        with self._lock:
            times, watts = list(self._times), list(self._watts)
        return EnergyReading(integrate_power(times, watts), times[-1] - times[0], self.method, samples=len(times))


class WindowMeter:
    """A window of an EnergyMonitor as a meter: the device's part is the reading (`part` "gpu": the
    GPUs; "cpu": CPU packages and DRAM), the whole measurement its `parts`."""

    _count = 0

    def __init__(self, monitor: EnergyMonitor, part: str, method: str):
        self.monitor = monitor
        self.part = part
        self.method = method
        WindowMeter._count += 1
        self.name = f"meter-{WindowMeter._count}"
        self._running = False

    def start(self) -> None:
        self.monitor.begin_window(self.name)
        self._running = True

    def stop(self) -> EnergyReading:
        if not self._running:
            raise RuntimeError("stop() before start()")
        self._running = False
        m = self.monitor.end_window(self.name)
        if self.part == "gpu":
            return EnergyReading(m.gpu_total, m.seconds, m.gpu_method or NOT_MEASURED, m.samples, m)
        cpu = [x for x in (m.cpu_total, m.dram_total) if x is not None]
        return EnergyReading(sum(cpu) if cpu else None, m.seconds, RAPL if cpu else NOT_MEASURED, None, m)


class NullMeter:
    """No energy source: the window is timed, the energy is None."""

    method = NOT_MEASURED

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self._t0: float | None = None

    def start(self) -> None:
        self._t0 = self.clock()

    def stop(self) -> EnergyReading:
        if self._t0 is None:
            raise RuntimeError("stop() before start()")
        t0, self._t0 = self._t0, None
        return EnergyReading(None, self.clock() - t0, NOT_MEASURED)


def update_interval(
    read: Callable[[], float],
    seconds: float = 0.5,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
    poll: float = 0.001,
) -> dict:
    """How often a cumulative reading (an energy counter) changes, polled for `seconds`.

    Returns the median seconds between changes ("interval", None with fewer than two changes),
    the number of changes and of polls. A window much shorter than ~20 intervals cannot resolve
    energy to a few per cent: the counter's last step is up to one interval old at either end.
    """
    times, last, polls = [], read(), 0
    end = clock() + seconds
    while clock() < end:
        sleep(poll)
        value = read()
        polls += 1
        if value != last:
            times.append(clock())
            last = value
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    interval = gaps[len(gaps) // 2] if gaps else None
    return {"interval": interval, "changes": len(times), "polls": polls, "seconds": seconds}


def idle_power(meter, seconds: float = 2.0, sleep: Callable[[float], None] = time.sleep) -> float | None:
    """Average power over `seconds` while this process does nothing (None when not measurable)."""
    meter.start()
    sleep(seconds)
    reading = meter.stop()
    return reading.watts


def per_item(
    joules: float | None, items: int, idle_watts: float | None = None, seconds: float | None = None
) -> tuple[float | None, float | None]:
    """(raw joules per item, idle-subtracted joules per item) for `items` over the window.

    The idle-subtracted figure removes what the device would have drawn doing nothing for the
    same `seconds`; it is None when either the energy or the idle power is unknown.
    """
    if joules is None or items <= 0:
        return None, None
    raw = joules / items
    if idle_watts is None or seconds is None:
        return raw, None
    return raw, (joules - idle_watts * seconds) / items
