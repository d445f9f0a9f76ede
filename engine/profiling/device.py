"""The device layer: everything the profiler needs from a CPU or a CUDA GPU, behind one interface.

    device = open_device("cuda")          # or "cpu"
    device.torch_device                   # where tensors go
    device.synchronize()                  # wait for queued work
    device.timer()                        # CUDA-event timer on a GPU, wall clock on the CPU
    device.energy.meter()                 # a fresh energy meter (see energy.py): a window of
    device.energy.monitor                 #   this EnergyMonitor (monitor.py: GPU, CPU package, DRAM)
    device.energy.method                  # nvml_energy_counter / nvml_power_sampling / rapl / not_measured
    device.idle_power(seconds)            # watts while nothing runs (None when energy is not measured)
    device.memory                         # peak-memory monitor (see memory.py)
    device.info()                         # a `hardware` row: names, versions, clocks
    device.close()

NVML is reached only through engine.profiling.nvml.Nvml; tests inject a fake one.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import SegroiError
from engine.profiling import energy as en
from engine.profiling import hardware, memory, monitor, rapl, timing
from engine.profiling.nvml import Nvml, NvmlError
from engine.profiling.sampler import ProcessPowerSampler, SamplerError

DEFAULT_SAMPLE_INTERVAL = 0.02  # seconds between power samples when the energy counter is missing


class NvmlEnergySource:
    """GPU energy through an EnergyMonitor (monitor.py): NVML's total-energy counter, else the board's
    power sampled by a separate process (sampler.py); the CPU packages and DRAM beside it through RAPL
    when readable. `sampler_factory(index, uuid, kind, interval)` makes the sampling process (tests
    give one that loads a fake NVML); `short_window` is monitor.SHORT_WINDOW_S unless a test says."""

    def __init__(
        self,
        nvml: Nvml,
        sample_interval: float = DEFAULT_SAMPLE_INTERVAL,
        rapl_reader: rapl.RaplReader | None = None,
        sampler_factory=ProcessPowerSampler.for_gpu,
        short_window: float = monitor.SHORT_WINDOW_S,
    ):
        self.nvml = nvml
        self.error: str | None = None
        self.power_kind: str | None = None  # the power reading sampled, when the counter is missing
        kind, read_watts = nvml.power_reader()
        gpu: monitor.GpuMeter
        if nvml.energy_counter_supported():
            gpu = monitor.CounterGpu(nvml.total_energy_joules, read_watts, short_window)
        else:
            self.power_kind = kind
            sampler = sampler_factory(nvml.index, nvml.uuid, kind, sample_interval)
            try:
                sampler.start()
            except SamplerError as exc:  # no energy then, never a guess
                self.error, self.method = str(exc), en.NOT_MEASURED
                self.monitor = monitor.EnergyMonitor(rapl=rapl_reader)
                return
            gpu = monitor.SampledGpu(sampler)
        self.method = gpu.method
        self.monitor = monitor.EnergyMonitor({0: gpu}, rapl_reader)

    def meter(self):
        if self.method == en.NOT_MEASURED:
            return en.NullMeter()
        return en.WindowMeter(self.monitor, "gpu", self.method)

    def close(self) -> None:
        self.monitor.close()


class RaplEnergySource:
    """CPU packages and DRAM through RAPL (an EnergyMonitor with no GPU)."""

    method = en.RAPL

    def __init__(self, reader: rapl.RaplReader):
        self.reader = reader
        self.monitor = monitor.EnergyMonitor(rapl=reader)

    def meter(self):
        return en.WindowMeter(self.monitor, "cpu", en.RAPL)

    def close(self) -> None:
        pass


class NoEnergySource:
    method = en.NOT_MEASURED

    def meter(self):
        return en.NullMeter()

    def close(self) -> None:
        pass


class Device:
    """Common behaviour; CpuDevice and CudaDevice fill in the parts."""

    type = "cpu"

    def __init__(self, torch_device, energy_source, memory_monitor):
        self.torch_device = torch_device
        self.energy = energy_source
        self.memory = memory_monitor

    def synchronize(self) -> None:
        pass

    def timer(self):
        return timing.WallTimer(self.synchronize)

    def idle_power(self, seconds: float = 2.0) -> float | None:
        if self.energy.method == en.NOT_MEASURED:
            return None
        self.synchronize()
        return en.idle_power(self.energy.meter(), seconds)

    def name(self) -> str:
        raise NotImplementedError

    def info(self) -> dict:
        raise NotImplementedError

    def close(self) -> None:
        self.energy.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CpuDevice(Device):
    type = "cpu"

    def __init__(self, rapl_root: Path | str = rapl.DEFAULT_ROOT, energy_source=None, memory_monitor=None):
        import torch

        if energy_source is None:
            zones = rapl.find_zones(rapl_root)
            energy_source = RaplEnergySource(rapl.RaplReader(zones)) if zones else NoEnergySource()
        super().__init__(torch.device("cpu"), energy_source, memory_monitor or memory.ProcessPeakRss())

    def name(self) -> str:
        return hardware.cpu_name()

    def info(self) -> dict:
        import torch

        row = hardware.base_row("cpu")
        row.update(
            {"device_name": self.name(), "cuda_version": None, "clocks": {"torch_threads": torch.get_num_threads()}}
        )
        if isinstance(self.energy, RaplEnergySource):
            row["clocks"]["rapl_zones"] = self.energy.reader.names
        return row


class CudaDevice(Device):
    type = "cuda"

    def __init__(
        self,
        index: int = 0,
        nvml: Nvml | None = None,
        sample_interval: float = DEFAULT_SAMPLE_INTERVAL,
        rapl_root: Path | str = rapl.DEFAULT_ROOT,
    ):
        import torch

        if not torch.cuda.is_available():
            raise SegroiError(
                "--device cuda: no CUDA GPU is visible to PyTorch here "
                f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); "
                "use --device cpu, or run on a machine with an NVIDIA GPU and driver"
            )
        if index >= torch.cuda.device_count():
            raise SegroiError(f"no CUDA device {index}; {torch.cuda.device_count()} visible")
        torch_device = torch.device("cuda", index)
        torch.cuda.init()
        self.props = torch.cuda.get_device_properties(index)
        self.nvml_error = None
        if nvml is None:
            try:
                nvml = Nvml(index=index, uuid=str(getattr(self.props, "uuid", "") or "") or None)
            except NvmlError as exc:  # no NVML: time and memory still measured, energy not
                nvml, self.nvml_error = None, str(exc)
        self.nvml = nvml
        zones = rapl.find_zones(rapl_root)  # the host's CPU packages and DRAM, measured beside the GPU
        source = (
            NvmlEnergySource(nvml, sample_interval, rapl.RaplReader(zones) if zones else None)
            if nvml is not None
            else NoEnergySource()
        )
        super().__init__(torch_device, source, memory.CudaPeakMemory(torch_device))
        self.torch = torch

    def synchronize(self) -> None:
        self.torch.cuda.synchronize(self.torch_device)

    def timer(self):
        return timing.CudaEventTimer(self.torch_device)

    def name(self) -> str:
        return self.nvml.name() if self.nvml is not None else self.props.name

    def info(self) -> dict:
        row = hardware.base_row("cuda")
        clocks = {
            "compute_capability": f"{self.props.major}.{self.props.minor}",
            "gpu_memory_bytes": int(self.props.total_memory),
            "cudnn_version": self.torch.backends.cudnn.version(),
        }
        row["device_name"] = self.name()
        if self.nvml is not None:
            row["driver_version"] = self.nvml.driver_version()
            clocks.update(self.nvml.clocks())
            clocks["driver_cuda_version"] = self.nvml.cuda_driver_version()
            clocks["energy_method"] = self.energy.method
            clocks["nvml_match"] = getattr(self.nvml, "match", None)
            if getattr(self.energy, "power_kind", None):
                clocks["sampled_power"] = self.energy.power_kind
            if getattr(self.energy, "error", None):
                clocks["energy_error"] = self.energy.error
            rapl_reader = getattr(self.energy.monitor, "rapl", None) if hasattr(self.energy, "monitor") else None
            if rapl_reader is not None:
                clocks["rapl_zones"] = rapl_reader.names
        else:
            clocks["nvml"] = self.nvml_error
        row["clocks"] = clocks
        return row

    def close(self) -> None:
        self.energy.close()
        if self.nvml is not None:
            self.nvml.close()


def open_device(kind: str = "cpu", index: int = 0, **kwargs) -> Device:
    """A Device for "cpu" or "cuda" (GPU `index`); a clear SegroiError when it is not there."""
    if kind == "cpu":
        return CpuDevice(**kwargs)
    if kind == "cuda":
        return CudaDevice(index, **kwargs)
    raise SegroiError(f"unknown device {kind!r}; use cpu or cuda")
