"""Fixtures of the profiling tests: a fake NVML (fake_nvml.py), in this process or in a sampling one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.profiling.sampler import ProcessPowerSampler
from fake_nvml import FakeNvml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


@pytest.fixture
def fake_nvml():
    """The FakeNvml class (call it with watts=, counter_supported=, clock=)."""
    return FakeNvml


@pytest.fixture
def fake_sampler_factory(tmp_path):
    """make(watts, instant_supported=False, average_watts=None) -> a sampler factory for
    NvmlEnergySource whose sampling process loads FakeNvml as its pynvml. `average_watts` makes the
    averaged power reading differ from the instant one."""

    def make(watts: float, instant_supported: bool = False, average_watts: float | None = None):
        folder = tmp_path / f"fake-pynvml-{len(list(tmp_path.glob('fake-pynvml-*')))}"
        folder.mkdir()
        (folder / "pynvml.py").write_text(
            "from fake_nvml import FakeNvml\n"
            "class _Fake(FakeNvml):\n"
            "    def nvmlDeviceGetPowerUsage(self, handle):\n"
            f"        return int(round({average_watts if average_watts is not None else watts!r} * 1000))\n"
            f"_fake = _Fake(watts={watts!r}, counter_supported=False, instant_supported={instant_supported!r})\n"
            "def __getattr__(name):\n"
            "    return getattr(_fake, name)\n"
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(HERE), str(REPO)]))

        def factory(index, uuid, kind, interval):
            return ProcessPowerSampler.for_gpu(index, uuid, kind, interval, env=env)

        return factory

    return make
