"""What the GPU check runs on, before anything is measured: imports, versions, the GPU, NVML, idle power.

    python benchmarks/gpu_probe.py --out results.json --key probe [--device cuda] [--idle-seconds 3]

Prints a plain report (gpu_check.sh puts it in env.txt) and writes the same as JSON:
- every module a phase of the check imports, with its version or the import error (the GPU
  machine's image lacks some; they travel as wheels, benchmarks/fetch_gpu_wheels.sh);
- Python, torch, CUDA, cuDNN and Triton versions; PyTorch's TF32 switches as the check finds them;
- the GPU as CUDA and as NVML see it, and how NVML was matched to CUDA's device (by UUID, or by
  index when the UUID lookup failed: then the energy readings may belong to another GPU);
- the energy method, whether the instantaneous power field answers, how often the energy counter
  changes at idle, and the idle power over --idle-seconds (nothing else of the check running).
Exit status 0 when torch sees the requested device, 3 when it does not (nothing can be measured).
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys

from benchlib import error_text, now, write_json

# Every module a phase imports, directly or through segroi (engine.cli loads every command).
MODULES = (
    "torch",
    "torchvision",
    "triton",
    "numpy",
    "scipy",
    "skimage",
    "PIL",
    "pandas",
    "pyarrow",
    "tqdm",
    "pynvml",
    "pytest",
    "pytest_timeout",
    "hypothesis",
    "pydicom",
    "duckdb",
    "segment_anything",
    "platformdirs",
)
# segroi's own modules the phases use; importing them pulls in their third-party imports.
SEGROI = (
    "engine.cli",
    "engine.store",
    "engine.data.dicom",
    "engine.models.sam",
    "engine.models.ssl_net",
    "engine.profiling.workloads",
    "engine.commands.phantom",
    "engine.commands.train_ssl",
)


def check_imports() -> dict:
    out = {}
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
            out[name] = {"ok": True, "version": str(getattr(mod, "__version__", "") or "")}
        except Exception as exc:  # noqa: BLE001 - a missing or broken package is a finding
            out[name] = {"ok": False, "error": error_text(exc)}
    for name in SEGROI:
        try:
            mod = importlib.import_module(name)
            if name == "engine.cli":
                mod.build_parser()  # imports every command module
            out[name] = {"ok": True}
        except Exception as exc:  # noqa: BLE001
            out[name] = {"ok": False, "error": error_text(exc)}
    return out


def probe_gpu(device_type: str, idle_seconds: float) -> dict:
    import torch

    from engine.profiling import energy as en
    from engine.profiling.device import open_device
    from engine.profiling.profiler import tf32_flags

    info: dict = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
        "tf32": tf32_flags(),
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
        "cuda_available": torch.cuda.is_available(),
    }
    if device_type == "cuda" and not torch.cuda.is_available():
        return info
    device = open_device(device_type)
    try:
        hw = device.info()
        info["hardware"] = hw
        info["device_name"] = hw.get("device_name")
        info["energy_method"] = device.energy.method
        nvml = getattr(device, "nvml", None)
        if device_type == "cuda":
            props = device.props
            info.update(
                torch_device_name=props.name,
                uuid=str(getattr(props, "uuid", "") or ""),
                capability=f"{props.major}.{props.minor}",
                multiprocessors=getattr(props, "multi_processor_count", None),
                memory_bytes=int(props.total_memory),
            )
            info["nvml"] = (
                ("not available: " + str(device.nvml_error))
                if nvml is None
                else {
                    "name": device.name(),
                    "match": getattr(nvml, "match", None),
                    "driver": nvml.driver_version(),
                    "cuda_driver": nvml.cuda_driver_version(),
                }
            )
        if nvml is not None:
            try:
                info["instant_power_watts"] = nvml.instant_power_watts()
            except Exception as exc:  # noqa: BLE001 - unsupported field: the fallback reads the average
                info["instant_power_watts"] = f"not available: {error_text(exc)}"
            try:
                info["average_power_watts"] = nvml.power_watts()
            except Exception as exc:  # noqa: BLE001
                info["average_power_watts"] = f"not available: {error_text(exc)}"
            if device.energy.method == en.NVML_COUNTER:
                info["counter_update_idle"] = en.update_interval(nvml.total_energy_joules, 0.5)
        info["idle_seconds"] = idle_seconds
        info["idle_power_watts"] = device.idle_power(idle_seconds) if idle_seconds > 0 else None
    finally:
        device.close()
    return info


def report(probe: dict) -> list[str]:
    lines = [f"probe: {probe['date']}", f"python: {probe['python']} ({probe['executable']})"]
    for name, r in probe["imports"].items():
        lines.append(
            f"import {name}: " + (f"ok {r.get('version', '')}".rstrip() if r["ok"] else f"FAILED {r['error']}")
        )
    g = probe.get("gpu") or {}
    for key in (
        "torch",
        "cuda",
        "cudnn",
        "cuda_available",
        "device_name",
        "torch_device_name",
        "uuid",
        "capability",
        "multiprocessors",
        "memory_bytes",
        "nvml",
        "tf32",
        "float32_matmul_precision",
        "energy_method",
        "instant_power_watts",
        "average_power_watts",
        "counter_update_idle",
        "idle_seconds",
        "idle_power_watts",
    ):
        if key in g:
            lines.append(f"{key}: {g[key]}")
    if "error" in probe:
        lines.append(f"probe error: {probe['error']}")
    return lines


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--idle-seconds", type=float, default=3.0)
    p.add_argument("--out")
    p.add_argument("--key", default="probe")
    args = p.parse_args(argv)

    probe = {
        "date": now(),
        "python": platform.python_version(),
        "executable": sys.executable,
        "imports": check_imports(),
    }
    write_json(args.out, probe, key=args.key, quiet=True)
    status = 0
    try:
        probe["gpu"] = probe_gpu(args.device, args.idle_seconds)
        if args.device == "cuda" and not probe["gpu"].get("cuda_available"):
            status = 3
    except Exception as exc:  # noqa: BLE001 - the report says what failed
        probe["error"] = error_text(exc)
        status = 3
    write_json(args.out, probe, key=args.key, quiet=True)
    print("\n".join(report(probe)))
    return status


if __name__ == "__main__":
    sys.exit(main())
