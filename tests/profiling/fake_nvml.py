"""A stand-in for the pynvml module: the same function names, numbers the test controls.

Plain Python (no pytest), so that a sampling process started by a test can load it as its `pynvml`.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

NVML_ERROR_NOT_SUPPORTED = 3
NVML_ERROR_UNKNOWN = 999
NVML_CLOCK_SM = 1
NVML_CLOCK_MEM = 2
NVML_TEMPERATURE_GPU = 0


class NVMLError(Exception):
    def __init__(self, value):
        super().__init__(f"NVML error {value}")
        self.value = value


class FakeNvml:
    """Power `watts` drawn since `t0` on `clock`; the energy counter integrates it exactly.

    counter_supported=False makes nvmlDeviceGetTotalEnergyConsumption answer NOT_SUPPORTED,
    as on GPUs before Volta; instant_supported says whether the instant-power field answers.
    """

    NVMLError = NVMLError
    NVML_CLOCK_SM = NVML_CLOCK_SM
    NVML_CLOCK_MEM = NVML_CLOCK_MEM
    NVML_TEMPERATURE_GPU = NVML_TEMPERATURE_GPU
    NVML_FI_DEV_POWER_INSTANT = 186

    def __init__(
        self,
        watts: float = 200.0,
        counter_supported: bool = True,
        clock=time.perf_counter,
        name=b"Fake GPU 80GB",
        instant_supported: bool = False,
    ):
        self.watts = watts
        self.counter_supported = counter_supported
        self.instant_supported = instant_supported
        self.instant_calls = 0
        self.clock = clock
        self.t0 = clock()
        self._name = name
        self.inits = 0
        self.shutdowns = 0
        self.power_calls = 0
        self.offset_mj = 123_456_789  # the counter counts since the driver loaded, not from 0

    def nvmlInit(self):
        self.inits += 1

    def nvmlShutdown(self):
        self.shutdowns += 1

    def nvmlDeviceGetHandleByIndex(self, index):
        return ("handle", index)

    def nvmlDeviceGetHandleByUUID(self, uuid):
        raise NVMLError(NVML_ERROR_UNKNOWN)  # make the wrapper fall back to the index

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):
        if not self.counter_supported:
            raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
        return int(self.offset_mj + self.watts * (self.clock() - self.t0) * 1000)

    def nvmlDeviceGetFieldValues(self, handle, fields):
        if not self.instant_supported:
            raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
        self.instant_calls += 1
        assert fields == [self.NVML_FI_DEV_POWER_INSTANT]
        value = SimpleNamespace(uiVal=int(round(self.watts * 1000)))
        return [SimpleNamespace(fieldId=fields[0], nvmlReturn=0, value=value)]

    def nvmlDeviceGetPowerUsage(self, handle):
        self.power_calls += 1
        return int(round(self.watts * 1000))

    def nvmlDeviceGetName(self, handle):
        return self._name

    def nvmlSystemGetDriverVersion(self):
        return "580.12"

    def nvmlSystemGetCudaDriverVersion_v2(self):
        return 13000

    def nvmlDeviceGetClockInfo(self, handle, kind):
        return {NVML_CLOCK_SM: 1980, NVML_CLOCK_MEM: 2619}[kind]

    def nvmlDeviceGetMaxClockInfo(self, handle, kind):
        return {NVML_CLOCK_SM: 1980, NVML_CLOCK_MEM: 2619}[kind]

    def nvmlDeviceGetTemperature(self, handle, kind):
        return 41

    def nvmlDeviceGetEnforcedPowerLimit(self, handle):
        return 700_000

    def nvmlDeviceGetPerformanceState(self, handle):
        return 0

    def nvmlDeviceGetMemoryInfo(self, handle):
        return SimpleNamespace(total=80 * 2**30)
