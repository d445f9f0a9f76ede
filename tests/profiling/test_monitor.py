"""EnergyMonitor: named, nestable windows; GPU, CPU-package and DRAM energy apart; short windows; the
sampling process. Expected joules are worked out by hand from the fake power and the window lengths."""

from __future__ import annotations

import os

import pytest

from engine.profiling import rapl
from engine.profiling.monitor import CounterGpu, EnergyMonitor
from engine.profiling.sampler import RECORD, ProcessPowerSampler, energy_between, read_samples


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += seconds


def stepped_counter(clock, watts, step=None, start=100.0):
    """A cumulative joule counter at constant `watts`; with `step`, it moves only every `step` s."""

    def read():
        elapsed = clock() - start
        if step:
            elapsed = int(round(elapsed / step, 9)) * step
        return 5_000.0 + watts * elapsed

    return read


def test_windows_are_named_and_nest():
    clock = Clock()
    monitor = EnergyMonitor({0: CounterGpu(stepped_counter(clock, 250.0), lambda: 250.0)}, clock=clock)
    monitor.begin_window("sweep")
    clock.advance(2.0)
    monitor.begin_window("one setting")
    clock.advance(3.0)
    inner = monitor.end_window("one setting")
    clock.advance(1.0)
    outer = monitor.end_window("sweep")
    assert inner.seconds == pytest.approx(3.0) and inner.gpu_joules == {0: pytest.approx(750.0)}
    assert outer.seconds == pytest.approx(6.0) and outer.gpu_total == pytest.approx(1500.0)
    assert outer.gpu_method == "nvml_energy_counter" and not outer.approximate
    assert outer.cpu_total is None and outer.dram_total is None  # no RAPL given: not measured, not 0


def test_names_must_be_open_once():
    monitor = EnergyMonitor()
    monitor.begin_window("a")
    with pytest.raises(ValueError, match="already open"):
        monitor.begin_window("a")
    monitor.end_window("a")
    with pytest.raises(ValueError, match="no window named 'a'"):
        monitor.end_window("a")


def test_the_context_manager_measures_a_block_that_raises():
    clock = Clock()
    monitor = EnergyMonitor({0: CounterGpu(stepped_counter(clock, 100.0))}, clock=clock)
    with pytest.raises(RuntimeError):
        with monitor.window("failing step") as w:
            clock.advance(2.0)
            raise RuntimeError("out of memory")
    assert w.measurement.gpu_total == pytest.approx(200.0)


def _zone(root, name, label, energy_uj):
    z = root / name
    z.mkdir(parents=True)
    (z / "name").write_text(label + "\n")
    (z / "energy_uj").write_text(f"{energy_uj}\n")
    (z / "max_energy_range_uj").write_text("262143328850\n")


def test_gpu_cpu_packages_and_dram_come_apart(tmp_path):
    root = tmp_path / "powercap"
    _zone(root, "intel-rapl:0", "package-0", 1_000_000)
    _zone(root, "intel-rapl:0/intel-rapl:0:1", "dram", 2_000_000)
    _zone(root, "intel-rapl:1", "package-1", 7_000_000)
    clock = Clock()
    monitor = EnergyMonitor(
        {0: CounterGpu(stepped_counter(clock, 400.0))}, rapl.RaplReader(rapl.find_zones(root)), clock=clock
    )
    monitor.begin_window("w")
    clock.advance(2.0)
    (root / "intel-rapl:0" / "energy_uj").write_text("31000000\n")  # +30 J
    (root / "intel-rapl:0" / "intel-rapl:0:1" / "energy_uj").write_text("6000000\n")  # +4 J
    (root / "intel-rapl:1" / "energy_uj").write_text("27000000\n")  # +20 J
    m = monitor.end_window("w")
    assert m.gpu_joules == {0: pytest.approx(800.0)}
    assert m.cpu_joules == {0: pytest.approx(30.0), 1: pytest.approx(20.0)}
    assert m.dram_joules == {0: pytest.approx(4.0)}
    assert (m.cpu_total, m.dram_total) == (pytest.approx(50.0), pytest.approx(4.0))


def test_a_window_shorter_than_the_counters_steps_takes_power_times_time():
    clock = Clock()
    # The counter moves every 100 ms: over 250 ms it shows 2 or 3 steps (40 or 60 J at 200 W).
    gpu = CounterGpu(stepped_counter(clock, 200.0, step=0.1), lambda: 200.0, short_window=1.0)
    monitor = EnergyMonitor({0: gpu}, clock=clock)
    clock.advance(0.03)
    monitor.begin_window("short")
    clock.advance(0.25)
    m = monitor.end_window("short")
    assert m.gpu_total == pytest.approx(50.0)  # 200 W x 0.25 s
    assert m.gpu_method == "nvml_power_x_time" and m.approximate
    # A window of 20 steps keeps the counter's difference, off by at most a step at either end.
    monitor.begin_window("long")
    clock.advance(2.0)
    m = monitor.end_window("long")
    assert m.gpu_method == "nvml_energy_counter" and not m.approximate
    assert abs(m.gpu_total - 400.0) <= 200.0 * 0.1 + 1e-9


def test_a_counter_that_did_not_move_is_not_read_as_zero_energy():
    clock = Clock()
    gpu = CounterGpu(lambda: 9_000.0, lambda: 75.0, short_window=1.0)  # stuck counter, 75 W drawn
    monitor = EnergyMonitor({0: gpu}, clock=clock)
    monitor.begin_window("w")
    clock.advance(4.0)
    m = monitor.end_window("w")
    assert m.gpu_total == pytest.approx(300.0) and m.gpu_method == "nvml_power_x_time"


def test_energy_between_samples_interpolates_the_ends():
    times, watts = [0.0, 1.0, 2.0], [0.0, 100.0, 200.0]
    # Power 50 W at 0.5 s, 100 W at 1 s, 150 W at 1.5 s: trapezoids 37.5 J + 62.5 J.
    assert energy_between(times, watts, 0.5, 1.5) == (pytest.approx(100.0), 1)
    # Outside the samples the nearest sample's power holds: 100 W for 2 s.
    assert energy_between([1.0, 2.0], [100.0, 100.0], 0.0, 3.0) == (pytest.approx(300.0), 2)
    assert energy_between(times, watts, 1.0, 1.0) == (0.0, 0)


def test_a_half_written_record_is_not_read(tmp_path):
    path = tmp_path / "samples.bin"
    path.write_bytes(RECORD.pack(1.0, 50.0) + RECORD.pack(2.0, 70.0) + b"\x00\x01\x02")
    assert read_samples(path) == ([1.0, 2.0], [50.0, 70.0])


def test_the_sampling_process_stops_when_closed(fake_sampler_factory):
    sampler = fake_sampler_factory(60.0)(0, None, "average", 0.005)
    sampler.start()
    pid, path = sampler.proc.pid, sampler.path
    assert read_samples(path)[1][0] == 60.0
    sampler.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # exited and reaped
    assert not path.exists()


def test_a_child_that_stops_sampling_is_an_error_not_zero_joules():
    import sys

    # Writes nothing past its first record, then exits: a window after it cannot be measured.
    script = (
        "import struct, sys, time; f = open(sys.argv[sys.argv.index('--out') + 1], 'ab');"
        "f.write(struct.pack('<dd', time.monotonic(), 10.0)); f.close()"
    )
    sampler = ProcessPowerSampler([sys.executable, "-c", script], 0.005)
    sampler.start()
    import time

    from engine.profiling.sampler import SamplerError

    start = time.monotonic()
    time.sleep(0.05)
    with pytest.raises(SamplerError, match="stopped sampling"):
        sampler.energy(start, time.monotonic())
    sampler.close()
