"""A whole measured setting on CPU compute with NVML energy from a fake: the windows line up."""

from __future__ import annotations

import pytest
import torch

from engine.profiling import memory
from engine.profiling.device import Device, NvmlEnergySource
from engine.profiling.nvml import Nvml
from engine.profiling.profiler import ProfileOptions, measure
from engine.profiling.settings import Setting
from engine.profiling.workloads import SslUnetModel


class FakeGpu(Device):
    """CPU compute, energy from a (fake) NVML: what CudaDevice does, minus CUDA. Windows of 50 ms and
    longer take the counter's difference (the tests' windows are short; the fake counter is exact)."""

    type = "cuda"

    def __init__(self, nvml, sampler_factory=None):
        extra = {"sampler_factory": sampler_factory} if sampler_factory else {}
        super().__init__(
            torch.device("cpu"),
            NvmlEnergySource(nvml, sample_interval=0.002, short_window=0.05, **extra),
            memory.ProcessPeakRss(),
        )

    def name(self):
        return "Fake GPU 80GB"


@pytest.fixture(scope="module")
def tiny_unet():
    torch.set_num_threads(1)
    return SslUnetModel(torch.device("cpu"), input_size=32, width=4)


@pytest.mark.parametrize("counter", [True, False], ids=["energy-counter", "power-sampling"])
def test_energy_per_image_is_power_times_time(fake_nvml, fake_sampler_factory, tiny_unet, counter):
    watts = 300.0
    device = FakeGpu(
        Nvml(module=fake_nvml(watts=watts, counter_supported=counter)), None if counter else fake_sampler_factory(watts)
    )
    setting = Setting("full", "fp32", "fp32", 2, "plain")
    options = ProfileOptions(seconds=0.15, warmup_seconds=0.02)
    with device:
        row = measure(device, tiny_unet, setting, options, idle_watts=100.0)
    assert row["energy_method"] == ("nvml_energy_counter" if counter else "nvml_power_sampling")
    assert (row["power_samples"] is None) == counter
    # The energy window contains the timed window and is barely longer.
    assert row["energy_window_seconds"] >= row["window_seconds"]
    assert row["energy_window_seconds"] < row["window_seconds"] * 1.05 + 0.01
    assert row["average_power_watts"] == pytest.approx(watts, rel=1e-3)
    images = row["iterations"] * row["batch"]
    assert row["joules_per_image"] == pytest.approx(watts * row["energy_window_seconds"] / images, rel=1e-3)
    assert row["joules_per_image"] == pytest.approx(watts * row["seconds_per_image"], rel=0.06)
    # Idle subtraction removes 100 W over the same window: 2/3 of the energy remains.
    assert row["joules_per_image_idle_subtracted"] == pytest.approx(row["joules_per_image"] * 2 / 3, rel=1e-3)
    assert row["idle_power_watts"] == 100.0
    assert row["images_per_second"] == pytest.approx(1 / row["seconds_per_image"])
    assert row["device"] == "cuda" and row["device_name"] == "Fake GPU 80GB"
    assert row["flops_per_image"] > 0 and row["parameters"] > 0


def test_without_idle_power_the_idle_subtracted_figure_is_null(fake_nvml, tiny_unet):
    device = FakeGpu(Nvml(module=fake_nvml(watts=200.0)))
    row = measure(
        device,
        tiny_unet,
        Setting("full", "fp32", "fp32", 1, "plain"),
        ProfileOptions(seconds=0.05, warmup_seconds=0.0),
        idle_watts=None,
    )
    assert row["joules_per_image"] > 0
    assert row["joules_per_image_idle_subtracted"] is None


class RecordingMemory:
    """Notes the order of the profiler's calls around the setting's preparation."""

    method = "recording"

    def __init__(self, model):
        self.calls = []
        model_prepare = model.prepare

        def prepare(setting):
            self.calls.append("prepare")
            return model_prepare(setting)

        model.prepare = prepare

    def mark(self):
        self.calls.append("mark")

    def reset(self):
        self.calls.append("reset")

    def peak(self):
        self.calls.append("peak")
        return 123


def test_the_baseline_is_taken_before_the_setting_copies_its_weights(fake_nvml):
    model = SslUnetModel(torch.device("cpu"), input_size=32, width=4)
    device = FakeGpu(Nvml(module=fake_nvml()))
    device.memory = RecordingMemory(model)
    row = measure(
        device,
        model,
        Setting("full", "fp32", "fp32", 1, "plain"),
        ProfileOptions(seconds=0.02, warmup_seconds=0.0),
        idle_watts=None,
    )
    assert device.memory.calls == ["mark", "prepare", "reset", "peak"]
    assert row["peak_memory_bytes"] == 123


def test_rows_record_both_tf32_switches(fake_nvml, tiny_unet, monkeypatch):
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    row = measure(
        FakeGpu(Nvml(module=fake_nvml())),
        tiny_unet,
        Setting("full", "fp32", "fp32", 1, "plain"),
        ProfileOptions(seconds=0.02, warmup_seconds=0.0),
        idle_watts=None,
    )
    assert row["cudnn_allow_tf32"] is False
    assert row["matmul_allow_tf32"] is torch.backends.cuda.matmul.allow_tf32


def test_each_setting_works_on_its_own_copy_of_the_weights(tiny_unet):
    prepared = tiny_unet.prepare(Setting("full", "bf16", "weights", 1, "tuned", channels_last=True))
    prepared.step()
    assert next(tiny_unet.net.parameters()).dtype == torch.float32  # the master is untouched


def test_cuda_peak_is_counted_above_the_baseline(monkeypatch):
    from engine.profiling.memory import CudaPeakMemory

    state = {"allocated": 5_000, "peak": 5_000}
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    monkeypatch.setattr(torch.cuda, "memory_allocated", lambda device=None: state["allocated"])
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda device=None: state["peak"])
    monkeypatch.setattr(
        torch.cuda, "reset_peak_memory_stats", lambda device=None: state.update(peak=state["allocated"])
    )
    mem = CudaPeakMemory("cuda")
    mem.mark()  # 5,000 bytes held before: the master model
    state["allocated"] += 300  # the setting's own copy and input
    mem.reset()
    state["peak"] = state["allocated"] + 700  # activations during the window
    assert mem.peak() == 1_000
    assert mem.method == "cuda_peak_above_baseline"


class ClockZone:
    """A RAPL zone whose counter grows at `watts` on the monotonic clock (what the monitor reads)."""

    max_range_uj = 262_143_328_850

    def __init__(self, name, package, watts):
        import time

        self.name, self.package, self.dram, self.watts = name, package, name == "dram", watts
        self.clock, self.t0 = time.monotonic, time.monotonic()

    def read_uj(self):
        return int(self.watts * (self.clock() - self.t0) * 1e6)


def test_rows_keep_gpu_cpu_package_and_dram_energy_apart(fake_nvml, tiny_unet):
    from engine.profiling import rapl
    from engine.profiling.device import CpuDevice, RaplEnergySource

    options = ProfileOptions(seconds=0.15, warmup_seconds=0.02)
    setting = Setting("full", "fp32", "fp32", 1, "plain")
    gpu = measure(FakeGpu(Nvml(module=fake_nvml(watts=300.0))), tiny_unet, setting, options, idle_watts=None)
    assert gpu["gpu_joules"] == gpu["energy_joules"] == pytest.approx(300.0 * gpu["energy_window_seconds"], rel=1e-3)
    assert gpu["cpu_package_joules"] is None and gpu["dram_joules"] is None  # no RAPL given: not measured
    zones = [ClockZone("package-0", 0, 40.0), ClockZone("dram", 0, 6.0)]
    cpu = measure(
        CpuDevice(energy_source=RaplEnergySource(rapl.RaplReader(zones))), tiny_unet, setting, options, idle_watts=None
    )
    seconds = cpu["energy_window_seconds"]
    assert cpu["gpu_joules"] is None
    assert cpu["cpu_package_joules"] == pytest.approx(40.0 * seconds, rel=0.02)
    assert cpu["dram_joules"] == pytest.approx(6.0 * seconds, rel=0.02)
    assert cpu["energy_joules"] == pytest.approx(46.0 * seconds, rel=0.02)  # the CPU's figure: both parts
