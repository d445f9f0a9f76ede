"""Helpers of the scale tests: the Ray environment, subprocesses that join a Ray, weights, files.

Every Ray here runs with RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 (nodes use 127.0.0.1) and
RAY_USAGE_STATS_ENABLED=0, and a marker in its environment so that a test that kills a worker
finds its own Ray's processes and nothing else.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

MARKER = "SEGROI_TEST_RAY"
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
# Ray reads these when it is first imported: set them before any test module imports it.
os.environ.update(RAY_ENV)


def ray_env() -> dict:
    """The environment for a Ray started by a test, and for subprocesses that join one."""
    env = dict(os.environ)
    env.update(RAY_ENV)
    env.setdefault(MARKER, uuid.uuid4().hex)
    root = str(Path(__file__).resolve().parents[2])
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in parts if p != root])
    return env


def export_ray_env() -> None:
    """Put the Ray environment into this process's, which Ray's nodes and workers inherit."""
    env = ray_env()
    os.environ.update({k: env[k] for k in (*RAY_ENV, MARKER, "PYTHONPATH")})


def worker_pids(title: str) -> list[int]:
    """Processes of this session's Ray whose title names `title` (Ray titles actor processes)."""
    marker = f"{MARKER}={os.environ[MARKER]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            if title.encode() not in cmd:
                continue
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def unet_weights(path: Path, width: int = 4, levels: int = 3, input_size: int = 32, seed: int = 0) -> Path:
    import torch

    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    torch.manual_seed(seed)
    SslSegmenter(UNet(width=width, levels=levels), input_size=input_size).save(path)
    return path


def png_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def label_values(folder: Path) -> set[int]:
    from PIL import Image

    values: set[int] = set()
    for p in folder.iterdir():
        with Image.open(p) as im:
            values |= set(np.unique(np.asarray(im)).tolist())
    return values


def run_cli(args: list[str], timeout: float = 300, cwd=None):
    """`python -m engine.cli ARGS` in a subprocess with the Ray environment and this test's store."""
    import subprocess
    import sys

    env = {**ray_env(), "SEGROI_DB": os.environ["SEGROI_DB"], "SEGROI_SALT": os.environ["SEGROI_SALT"]}
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )
