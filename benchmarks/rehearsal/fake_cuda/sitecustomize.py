"""Rehearsal only: one pretend CUDA GPU whose work runs on the CPU.

Loaded (as `sitecustomize`) only when benchmarks/rehearsal/rehearse_gpu_check.sh puts this folder on
PYTHONPATH and sets SEGROI_FAKE_CUDA=1. It lets the CUDA branches of segroi and of the GPU check
run on a machine without a GPU, so that a wrong call, a missing import or a crash in a CUDA-only path
shows up here instead of in the one GPU run. Nothing it produces is a measurement:

- torch.cuda says one device is there ("Fake CUDA GPU (CPU compute)"), and tensors asked for on
  "cuda" are made on the CPU (a torch function mode rewrites the device argument);
- CUDA events read the host clock; synchronize does nothing; peak memory is the process's RSS;
- autocast to bf16 on "cuda" has no effect on the CPU tensors (the work runs in fp32);
- torch.compile generates C++ for the CPU (Triton is reported missing); CUDA graphs are skipped;
- pynvml is replaced by fake_pynvml.py beside this file (constant power, an energy counter that
  advances in 50 ms steps, an instant-power field, lookup by UUID).

Nothing in segroi imports this module; only the rehearsal's environment loads it.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time
from pathlib import Path

FAKE_NAME = "Fake CUDA GPU (CPU compute)"
FAKE_UUID = "GPU-00000000-fake-0000-0000-000000000000"


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _patch(torch) -> None:
    from types import SimpleNamespace

    from torch.overrides import TorchFunctionMode

    cpu = torch.device("cpu")

    def is_cuda(d) -> bool:
        if isinstance(d, torch.device):
            return d.type == "cuda"
        return isinstance(d, str) and (d == "cuda" or d.startswith("cuda:"))

    def fix(v):
        return cpu if is_cuda(v) else v

    class CpuForCuda(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = dict(kwargs or {})
            if func is torch.Tensor.cuda:
                return args[0]
            if func is torch.device:  # "cuda" device objects stay; tensors made for them do not
                return func(*args, **kwargs)
            if "device" in kwargs:
                kwargs["device"] = fix(kwargs["device"])
            args = tuple(fix(a) for a in args)
            return func(*args, **kwargs)

    class Event:
        def __init__(self, enable_timing=False, **_):
            self.t = None

        def record(self, stream=None):
            self.t = time.perf_counter()

        def synchronize(self):
            pass

        def query(self):
            return True

        def elapsed_time(self, end):
            return (end.t - self.t) * 1000.0

    peak = {"base": _rss("VmRSS")}

    def reset_peak_memory_stats(device=None):
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass

    props = SimpleNamespace(
        name=FAKE_NAME,
        major=9,
        minor=0,
        total_memory=80 * 2**30,
        multi_processor_count=132,
        uuid=FAKE_UUID[4:],
        clock_rate=1_980_000,
        L2_cache_size=50 * 2**20,
        is_integrated=0,
    )
    c = torch.cuda
    c.is_available = lambda: True
    c.device_count = lambda: 1
    c.init = lambda: None
    c.is_initialized = lambda: True
    c.current_device = lambda: 0
    c.set_device = lambda d: None
    c.synchronize = lambda device=None: None
    c.get_device_name = lambda device=None: FAKE_NAME
    c.get_device_properties = lambda device=None: props
    c.get_device_capability = lambda device=None: (9, 0)
    c.is_bf16_supported = lambda *a, **k: True
    c.empty_cache = lambda: None
    c.Event = Event
    c.reset_peak_memory_stats = reset_peak_memory_stats
    c.max_memory_allocated = lambda device=None: max(0, _rss("VmHWM") - peak["base"])
    c.memory_allocated = lambda device=None: max(0, _rss("VmRSS") - peak["base"])
    c.memory_reserved = c.memory_allocated
    c._sleep = lambda cycles: time.sleep(cycles / (props.clock_rate * 1000.0))
    c.manual_seed = lambda seed: None
    c.manual_seed_all = lambda seed: None
    c.get_rng_state = lambda device="cuda": torch.get_rng_state()
    c.set_rng_state = lambda state, device="cuda": None
    c.get_rng_state_all = lambda: [torch.get_rng_state()]
    c.set_rng_state_all = lambda states: None
    c.is_current_stream_capturing = lambda: False
    torch.accelerator.is_available = lambda: False  # the optimisers' CUDA-graph check stays away
    import torch.utils._triton as triton_utils  # Inductor: C++ kernels for the CPU tensors, no Triton

    triton_utils.has_triton = lambda: False
    triton_utils.has_triton_package = lambda: False
    triton_utils.triton_hash_with_backend = lambda: "fake-cuda"
    mode = CpuForCuda()
    mode.__enter__()  # stays on for the main thread for the life of the process
    c._segroi_fake = True


class _After(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch(module)


class _TorchHook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec("torch")
        finally:
            pass
        if spec is not None and spec.loader is not None:
            spec.loader = _After(spec.loader)
        return spec


if os.environ.get("SEGROI_FAKE_CUDA") == "1" and "torch" not in sys.modules:
    sys.meta_path.insert(0, _TorchHook())
