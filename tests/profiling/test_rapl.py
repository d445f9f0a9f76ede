"""RAPL reading against a fake /sys/class/powercap tree."""

from __future__ import annotations

import pytest

from engine.profiling import rapl
from engine.profiling.device import CpuDevice

MAX = 262_143_328_850  # a typical max_energy_range_uj


def _zone(root, name, label, energy_uj, max_uj=MAX):
    z = root / name
    z.mkdir(parents=True)
    (z / "name").write_text(label + "\n")
    (z / "energy_uj").write_text(f"{energy_uj}\n")
    (z / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return z


@pytest.fixture
def powercap(tmp_path):
    root = tmp_path / "powercap"
    _zone(root, "intel-rapl:0", "package-0", 1_000_000)
    _zone(root, "intel-rapl:0/intel-rapl:0:0", "core", 500_000)
    _zone(root, "intel-rapl:0/intel-rapl:0:1", "dram", 2_000_000)
    _zone(root, "intel-rapl:1", "psys", 9_000_000)
    _zone(root, "intel-rapl:2", "package-1", MAX - 1_000_000)
    return root


def _set(root, name, value):
    (root / name / "energy_uj").write_text(f"{value}\n")


def test_finds_packages_and_dram_not_core_or_psys(powercap):
    names = [z.name for z in rapl.find_zones(powercap)]
    assert names == ["package-0", "dram", "package-1"]


def test_reader_sums_zones_and_unwraps_a_wrapped_counter(powercap):
    reader = rapl.RaplReader(rapl.find_zones(powercap))
    assert reader.read_joules() == 0.0
    _set(powercap, "intel-rapl:0", 1_000_000 + 3_000_000)  # +3 J
    _set(powercap, "intel-rapl:0/intel-rapl:0:1", 2_000_000 + 500_000)  # +0.5 J
    _set(powercap, "intel-rapl:2", 2_000_000)  # wrapped: +3 J
    assert reader.read_joules() == pytest.approx(6.5)
    _set(powercap, "intel-rapl:2", 2_500_000)  # +0.5 J more
    assert reader.read_joules() == pytest.approx(7.0)


def test_delta_allows_one_wrap():
    assert rapl.delta_uj(10, 30, 100) == 20
    assert rapl.delta_uj(90, 5, 100) == 15


def test_no_or_unreadable_rapl_means_energy_not_measured(tmp_path, powercap):
    assert rapl.find_zones(tmp_path / "absent") == []
    assert CpuDevice(rapl_root=tmp_path / "absent").energy.method == "not_measured"
    assert CpuDevice(rapl_root=tmp_path / "absent").idle_power(0.01) is None
    # A counter that cannot be read (root-only on most kernels since 2020) is skipped.
    (powercap / "intel-rapl:0" / "energy_uj").unlink()
    assert [z.name for z in rapl.find_zones(powercap)] == ["package-1"]


def test_cpu_device_measures_with_rapl_when_readable(powercap):
    device = CpuDevice(rapl_root=powercap)
    assert device.energy.method == "rapl"
    meter = device.energy.meter()
    meter.start()
    _set(powercap, "intel-rapl:0", 1_000_000 + 10_000_000)
    reading = meter.stop()
    assert reading.method == "rapl" and reading.joules == pytest.approx(10.0)
    info = device.info()
    assert info["device_type"] == "cpu" and info["clocks"]["rapl_zones"] == ["package-0", "dram", "package-1"]
