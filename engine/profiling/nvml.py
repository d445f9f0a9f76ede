"""The only place segroi talks to NVML (pynvml, from the nvidia-ml-py package).

`Nvml` wraps one GPU's handle and returns plain Python numbers in SI units. Tests pass a fake
module with the same function names (`module=`), so the energy arithmetic is checked without a GPU.
"""

from __future__ import annotations

import importlib
from typing import Any

# NVML return codes (nvml.h) that mean "this GPU or driver cannot do that".
_NOT_SUPPORTED = 3
_FUNCTION_NOT_FOUND = 13


class NvmlError(Exception):
    """NVML could not be loaded or answered with an error."""


class NvmlUnsupported(NvmlError):
    """The GPU or driver does not support this query (e.g. the energy counter before Volta)."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Nvml:
    """One GPU seen through NVML. Pick it by `uuid` (as CUDA reports it) or by NVML `index`."""

    def __init__(self, module=None, index: int = 0, uuid: str | None = None):
        if module is None:
            try:
                module = importlib.import_module("pynvml")
            except ImportError as exc:
                raise NvmlError("pynvml (nvidia-ml-py) is not installed") from exc
        self.nv = module
        try:
            self.nv.nvmlInit()
        except Exception as exc:  # noqa: BLE001 - NVMLError or a loader error: no NVML here
            raise NvmlError(f"NVML did not start: {exc}") from exc
        self._open = True
        self.match = None  # how the handle was found: "uuid", or "index" with the reason
        try:
            self.handle = self._handle(index, uuid)
        except BaseException:
            self.close()
            raise

    def _handle(self, index: int, uuid: str | None):
        if uuid:
            want = uuid if uuid.startswith(("GPU-", "MIG-")) else f"GPU-{uuid}"
            try:
                handle = self._call("nvmlDeviceGetHandleByUUID", want)
                self.match = "uuid"
                return handle
            except NvmlError as exc:  # fall back to the index (e.g. a fake or an older driver)
                reason = f"uuid {want} not found: {exc}"
        else:
            reason = "no uuid given"
        handle = self._call("nvmlDeviceGetHandleByIndex", index)
        self.match = f"index {index} ({reason})"
        return handle

    def _call(self, name: str, *args):
        fn = getattr(self.nv, name, None)
        if fn is None:
            raise NvmlUnsupported(f"this NVML has no {name}")
        try:
            return fn(*args)
        except self.nv.NVMLError as exc:
            if getattr(exc, "value", None) in (_NOT_SUPPORTED, _FUNCTION_NOT_FOUND):
                raise NvmlUnsupported(f"{name}: not supported on this GPU/driver") from exc
            raise NvmlError(f"{name}: {exc}") from exc

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self.nv.nvmlShutdown()
            except Exception:  # noqa: BLE001 - shutting down is best effort
                pass

    def __enter__(self) -> "Nvml":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- readings --------------------------------------------------------------------------------
    def total_energy_joules(self) -> float:
        """The board's energy counter since the driver loaded (NVML reports millijoules)."""
        return self._call("nvmlDeviceGetTotalEnergyConsumption", self.handle) / 1000.0

    def power_watts(self) -> float:
        """Board power draw (NVML reports milliwatts; on Ampere and newer a 1 s running average)."""
        return self._call("nvmlDeviceGetPowerUsage", self.handle) / 1000.0

    def instant_power_watts(self) -> float:
        """Instantaneous board power (field NVML_FI_DEV_POWER_INSTANT), where the driver has it."""
        field = getattr(self.nv, "NVML_FI_DEV_POWER_INSTANT", None)
        if field is None:
            raise NvmlUnsupported("this NVML has no instant-power field")
        value = self._call("nvmlDeviceGetFieldValues", self.handle, [field])[0]
        if getattr(value, "nvmlReturn", 0) != 0:
            raise NvmlUnsupported("instant power: not supported on this GPU/driver")
        return value.value.uiVal / 1000.0

    def power_reader(self) -> tuple[str, object]:
        """("instant" | "average", a function returning watts): the best power reading available.

        Sampling the 1 s average lags the load by up to a second, so the instant field is preferred.
        """
        try:
            if self.instant_power_watts() > 0:
                return "instant", self.instant_power_watts
        except NvmlError:
            pass
        return "average", self.power_watts

    def name(self) -> str:
        return _text(self._call("nvmlDeviceGetName", self.handle))

    def driver_version(self) -> str | None:
        try:
            return _text(self._call("nvmlSystemGetDriverVersion"))
        except NvmlError:
            return None

    def cuda_driver_version(self) -> str | None:
        """The CUDA version the driver supports, e.g. "13.0"."""
        for fn in ("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"):
            try:
                v = int(self._call(fn))
            except NvmlError:
                continue
            return f"{v // 1000}.{(v % 1000) // 10}"
        return None

    def clocks(self) -> dict:
        """Current and maximum SM/memory clocks (MHz), power limit (W), P-state, temperature (C)."""
        nv, out = self.nv, {}
        queries = {
            "sm_mhz": ("nvmlDeviceGetClockInfo", getattr(nv, "NVML_CLOCK_SM", 1)),
            "memory_mhz": ("nvmlDeviceGetClockInfo", getattr(nv, "NVML_CLOCK_MEM", 2)),
            "sm_max_mhz": ("nvmlDeviceGetMaxClockInfo", getattr(nv, "NVML_CLOCK_SM", 1)),
            "memory_max_mhz": ("nvmlDeviceGetMaxClockInfo", getattr(nv, "NVML_CLOCK_MEM", 2)),
            "temperature_c": ("nvmlDeviceGetTemperature", getattr(nv, "NVML_TEMPERATURE_GPU", 0)),
        }
        for key, (fn, arg) in queries.items():
            try:
                out[key] = int(self._call(fn, self.handle, arg))
            except (NvmlError, TypeError, ValueError):
                out[key] = None
        try:
            out["power_limit_w"] = self._call("nvmlDeviceGetEnforcedPowerLimit", self.handle) / 1000.0
        except (NvmlError, TypeError):
            out["power_limit_w"] = None
        try:
            out["pstate"] = int(self._call("nvmlDeviceGetPerformanceState", self.handle))
        except (NvmlError, TypeError, ValueError):
            out["pstate"] = None
        return out

    def memory_total_bytes(self) -> int | None:
        try:
            return int(self._call("nvmlDeviceGetMemoryInfo", self.handle).total)
        except (NvmlError, AttributeError):
            return None

    def energy_counter_supported(self) -> bool:
        try:
            self.total_energy_joules()
        except NvmlUnsupported:
            return False
        return True
