"""Rehearsal only: a stand-in for pynvml (nvidia-ml-py) describing the pretend GPU of sitecustomize.py.

On the rehearsal's PYTHONPATH it shadows the real package, which finds no driver on a CPU machine.
Readings are made up from this process's CPU time, so that "busy" draws more than "idle" and the
energy code paths have something to integrate: 70 W plus 300 W per CPU-second per second. The
energy counter moves in 50 ms steps, as real counters move in steps. None of it is a measurement.
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

NVML_CLOCK_SM = 1
NVML_CLOCK_MEM = 2
NVML_TEMPERATURE_GPU = 0
NVML_FI_DEV_POWER_INSTANT = 186
NVML_ERROR_NOT_SUPPORTED = 3
NVML_ERROR_NOT_FOUND = 6
UUID = "GPU-00000000-fake-0000-0000-000000000000"
IDLE_W, PER_CPU_W, STEP_S = 70.0, 300.0, 0.05
_T0 = time.perf_counter()
_state = {"t": None, "mj": 0}


class NVMLError(Exception):
    def __init__(self, value):
        super().__init__(f"NVML error {value}")
        self.value = value


def _joules_now() -> float:
    wall = time.perf_counter() - _T0
    cpu = sum(os.times()[:2])
    return IDLE_W * wall + PER_CPU_W * cpu


def nvmlInit():
    pass


def nvmlShutdown():
    pass


def nvmlDeviceGetHandleByUUID(uuid):
    if uuid != UUID:
        raise NVMLError(NVML_ERROR_NOT_FOUND)
    return ("fake", 0)


def nvmlDeviceGetHandleByIndex(index):
    return ("fake", index)


def nvmlDeviceGetTotalEnergyConsumption(handle):
    now = time.perf_counter()
    if _state["t"] is None or now - _state["t"] >= STEP_S:
        _state["t"] = now
        _state["mj"] = int(1_000_000 + _joules_now() * 1000)
    return _state["mj"]


def _power() -> float:
    t0, e0 = time.perf_counter(), _joules_now()
    time.sleep(0.002)
    return (_joules_now() - e0) / max(time.perf_counter() - t0, 1e-6)


def nvmlDeviceGetFieldValues(handle, fields):
    value = SimpleNamespace(uiVal=int(_power() * 1000))
    return [SimpleNamespace(fieldId=f, nvmlReturn=0, value=value) for f in fields]


def nvmlDeviceGetPowerUsage(handle):
    return int(_power() * 1000)


def nvmlDeviceGetName(handle):
    return "Fake CUDA GPU (CPU compute)"


def nvmlSystemGetDriverVersion():
    return "000.00 (fake)"


def nvmlSystemGetCudaDriverVersion_v2():
    return 13000


def nvmlDeviceGetClockInfo(handle, kind):
    return {NVML_CLOCK_SM: 1980, NVML_CLOCK_MEM: 3201}[kind]


def nvmlDeviceGetMaxClockInfo(handle, kind):
    return {NVML_CLOCK_SM: 1980, NVML_CLOCK_MEM: 3201}[kind]


def nvmlDeviceGetTemperature(handle, kind):
    return 35


def nvmlDeviceGetEnforcedPowerLimit(handle):
    return 700_000


def nvmlDeviceGetPerformanceState(handle):
    return 0


def nvmlDeviceGetMemoryInfo(handle):
    return SimpleNamespace(total=80 * 2**30)
