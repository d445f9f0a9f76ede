"""Energy over named measurement windows: GPU, CPU-package and DRAM energy, each on its own.

    monitor = EnergyMonitor(gpus={0: CounterGpu(nvml)}, rapl=RaplReader(find_zones()))
    monitor.begin_window("sweep")
    with monitor.window("one setting") as w:    # windows nest and overlap freely, by name
        ...
    w.measurement.gpu_joules                    # {0: J}
    total = monitor.end_window("sweep")         # Measurement(seconds, gpu_joules, cpu_joules, dram_joules, ...)

A window keeps only its starting readings, so any number may be open at once (the shape
ml-energy/zeus uses: `begin_window` / `end_window` returning a measurement per device). Nothing
runs while a window is open, in this process or any other, except the sampling process of a GPU
without an energy counter.

Where each part comes from:
  GPU   NVML's total-energy counter, read at each end (Volta and newer: `CounterGpu`); else power
        sampled by a separate process and integrated (`SampledGpu`, engine/profiling/sampler.py), so
        no thread of the measured process takes the GIL in the middle of its loop.
  CPU   RAPL's package zones, per package; DRAM: the dram zone under each package. RAPL's counters
        move about every millisecond; read at each end.

Windows shorter than the GPU counter's steps: NVML's counter moves in steps of about 20-100 ms
(docs/profiling.md), so over a window of a few steps the difference of two readings may be off by a
whole step, or zero. A window shorter than SHORT_WINDOW_S (or one over which the counter did not
move) therefore takes the board's power at its end times the window's length instead, and says so:
its `gpu_method` is "nvml_power_x_time" and `approximate` is True. Longer windows keep the counter's
difference; their error is at most a step at each end.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

NVML_COUNTER = "nvml_energy_counter"
NVML_SAMPLING = "nvml_power_sampling"
NVML_POWER_X_TIME = "nvml_power_x_time"
SHORT_WINDOW_S = 1.0


@dataclass(frozen=True)
class Measurement:
    """One window: its length and the energy of each part that was measured (joules; empty dicts for
    parts not watched or not readable), keyed by GPU index or CPU package."""

    seconds: float
    gpu_joules: dict[int, float] = field(default_factory=dict)
    cpu_joules: dict[int, float] = field(default_factory=dict)
    dram_joules: dict[int, float] = field(default_factory=dict)
    gpu_method: str | None = None  # how the GPU energy was had; None when no GPU is watched
    samples: int | None = None  # power samples inside the window (sampled GPUs)
    approximate: bool = False  # a GPU window shorter than its counter's steps (power x time)

    @staticmethod
    def _sum(part: dict[int, float]) -> float | None:
        return sum(part.values()) if part else None

    @property
    def gpu_total(self) -> float | None:
        return self._sum(self.gpu_joules)

    @property
    def cpu_total(self) -> float | None:
        return self._sum(self.cpu_joules)

    @property
    def dram_total(self) -> float | None:
        return self._sum(self.dram_joules)


class GpuMeter(Protocol):
    method: str

    def begin(self, at: float) -> object: ...

    def end(self, state: object, start: float, end: float) -> tuple[float, int | None, str, bool]:
        """(joules, samples or None, method, approximate)."""
        ...


class CounterGpu:
    """A GPU with NVML's energy counter: its difference over the window (see SHORT_WINDOW_S)."""

    method = NVML_COUNTER

    def __init__(
        self,
        read_joules: Callable[[], float],
        read_watts: Callable[[], float] | None = None,
        short_window: float = SHORT_WINDOW_S,
    ):
        self.read_joules = read_joules
        self.read_watts = read_watts
        self.short_window = short_window

    def begin(self, at: float) -> float:
        return self.read_joules()

    def end(self, state: object, start: float, end: float) -> tuple[float, int | None, str, bool]:
        assert isinstance(state, float)
        joules = self.read_joules() - state
        seconds = end - start
        if self.read_watts is not None and (seconds < self.short_window or joules <= 0):
            return self.read_watts() * seconds, None, NVML_POWER_X_TIME, True
        return joules, None, NVML_COUNTER, False


class SampledGpu:
    """A GPU without the counter: power sampled in another process (engine/profiling/sampler.py)."""

    method = NVML_SAMPLING

    def __init__(self, sampler):
        self.sampler = sampler

    def begin(self, at: float) -> None:
        return None

    def end(self, state: object, start: float, end: float) -> tuple[float, int | None, str, bool]:
        joules, samples = self.sampler.energy(start, end)
        return joules, samples, NVML_SAMPLING, False

    def close(self) -> None:
        self.sampler.close()


@dataclass
class _Open:
    at: float
    gpus: dict[int, object]
    rapl: list[float] | None


class Window:
    """What `EnergyMonitor.window` yields: the measurement, once the block has ended."""

    measurement: Measurement | None = None


class EnergyMonitor:
    """Named, nestable energy windows over the GPUs and RAPL zones given (see the module's docstring)."""

    def __init__(self, gpus: dict[int, GpuMeter] | None = None, rapl=None, clock: Callable[[], float] = time.monotonic):
        self.gpus = dict(gpus or {})
        self.rapl = rapl
        self.clock = clock
        self._open: dict[str, _Open] = {}

    @property
    def gpu_method(self) -> str | None:
        methods = {g.method for g in self.gpus.values()}
        return methods.pop() if len(methods) == 1 else ("mixed" if methods else None)

    def begin_window(self, name: str) -> None:
        if name in self._open:
            raise ValueError(f"a window named {name!r} is already open")
        at = self.clock()
        self._open[name] = _Open(
            at,
            {i: g.begin(at) for i, g in self.gpus.items()},
            self.rapl.read_zones() if self.rapl is not None else None,
        )

    def end_window(self, name: str) -> Measurement:
        try:
            opened = self._open.pop(name)
        except KeyError:
            raise ValueError(f"no window named {name!r} is open") from None
        rapl_now = self.rapl.read_zones() if self.rapl is not None else None
        end = self.clock()
        gpu: dict[int, float] = {}
        samples: int | None = None
        methods: set[str] = set()
        approximate = False
        for i, g in self.gpus.items():
            joules, n, method, approx = g.end(opened.gpus[i], opened.at, end)
            gpu[i] = joules
            methods.add(method)
            approximate |= approx
            if n is not None:
                samples = (samples or 0) + n
        cpu: dict[int, float] = {}
        dram: dict[int, float] = {}
        if rapl_now is not None and opened.rapl is not None:
            for zone, before, after in zip(self.rapl.zones, opened.rapl, rapl_now):
                part = dram if zone.dram else cpu
                part[zone.package] = part.get(zone.package, 0.0) + (after - before)
        gpu_method = None if not methods else methods.pop() if len(methods) == 1 else "mixed"
        return Measurement(end - opened.at, gpu, cpu, dram, gpu_method, samples, approximate)

    @contextlib.contextmanager
    def window(self, name: str) -> Iterator[Window]:
        """A window over the block; the yielded object's `measurement` is set when the block ends
        (also when it raises, so a failed step still has its energy)."""
        holder = Window()
        self.begin_window(name)
        try:
            yield holder
        finally:
            holder.measurement = self.end_window(name)

    def close(self) -> None:
        for g in self.gpus.values():
            close = getattr(g, "close", None)
            if close is not None:
                close()
