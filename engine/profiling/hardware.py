"""What the measurement ran on: one `hardware` row per profile run."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def host_memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def host_name() -> str:
    """The machine's name, as the store's runs record it; profile rows carry it so that machines
    can be told apart when their results meet in one store (segroi profile --ray, runs import)."""
    import socket

    return socket.gethostname()


def cpu_cores() -> int:
    """Cores this process may run on (the affinity mask), not the machine's total."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def base_row(device_type: str) -> dict:
    import torch

    return {
        "host": host_name(),
        "device_type": device_type,
        "torch_version": torch.__version__,
        "cpu_name": cpu_name(),
        "cpu_cores": cpu_cores(),
        "memory_bytes": host_memory_bytes(),
        "cuda_version": torch.version.cuda,
    }
