"""GPU power sampled in a process of its own, for GPUs whose driver has no energy counter.

A thread in the measured process would take the GIL every few milliseconds, in the middle of the
loop being measured (and be held up by it). Here a small child process (`python -m
engine.profiling.sampler`, NVML only, no torch) reads the board's power every `interval` seconds
and appends (time, watts) records to a private file; the measured process does nothing while a
window runs. At the end of a window it reads the file and integrates the samples between the
window's two instants (trapezoids, each end interpolated), after waiting for the first sample past
the end. Both processes stamp with `time.monotonic()`, the system-wide CLOCK_MONOTONIC on Linux.

The child stops when its standard input closes: when the parent calls `close()` or dies.
"""

from __future__ import annotations

import argparse
import os
import select
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

RECORD = struct.Struct("<dd")  # monotonic seconds, watts
START_TIMEOUT_S = 10.0


class SamplerError(Exception):
    """The sampling process did not start or stopped sampling."""


def read_samples(path: Path | str) -> tuple[list[float], list[float]]:
    """(times, watts) of every whole record in the file."""
    data = Path(path).read_bytes()
    data = data[: len(data) - len(data) % RECORD.size]
    times, watts = [], []
    for t, w in RECORD.iter_unpack(data):
        times.append(t)
        watts.append(w)
    return times, watts


def _at(t: float, times: Sequence[float], watts: Sequence[float], i: int) -> float:
    """Power at `t`, between samples i-1 and i (linear)."""
    t0, t1 = times[i - 1], times[i]
    if t1 <= t0:
        return watts[i]
    return watts[i - 1] + (watts[i] - watts[i - 1]) * (t - t0) / (t1 - t0)


def energy_between(times: Sequence[float], watts: Sequence[float], start: float, end: float) -> tuple[float, int]:
    """(joules, samples inside) of the piecewise-linear power through the samples, from `start` to
    `end`. The ends are interpolated; before the first sample or past the last one, that sample's
    power holds."""
    if end <= start or not times:
        return 0.0, 0
    points = [(start, None), *[(t, w) for t, w in zip(times, watts) if start < t < end], (end, None)]
    inside = len(points) - 2
    filled = []
    for t, w in points:
        if w is None:
            k = next((j for j, tj in enumerate(times) if tj >= t), len(times))
            w = watts[0] if k == 0 else watts[-1] if k == len(times) else _at(t, times, watts, k)
        filled.append((t, w))
    joules = sum(0.5 * (w0 + w1) * (t1 - t0) for (t0, w0), (t1, w1) in zip(filled, filled[1:]))
    return joules, inside


class ProcessPowerSampler:
    """The parent's handle on one sampling process (see the module's docstring)."""

    def __init__(self, command: list[str], interval: float, env: dict | None = None):
        self.command = command
        self.interval = interval
        self.env = env
        self.path: Path | None = None
        self.proc: subprocess.Popen | None = None

    @classmethod
    def for_gpu(
        cls, index: int, uuid: str | None, kind: str, interval: float, env: dict | None = None
    ) -> "ProcessPowerSampler":
        """A sampler of GPU `index` (or `uuid`) reading its `kind` power ("instant" or "average");
        `env` replaces the child's environment."""
        command = [
            sys.executable,
            "-m",
            "engine.profiling.sampler",
            "--index",
            str(index),
            "--kind",
            kind,
            "--interval",
            f"{interval:g}",
        ]
        if uuid:
            command += ["--uuid", uuid]
        if env is None:  # the child finds engine/ wherever this process found it
            root = str(Path(__file__).resolve().parents[2])
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        return cls(command, interval, env)

    def start(self) -> None:
        """Start sampling; returns once the first sample is in (SamplerError when none comes)."""
        fd, name = tempfile.mkstemp(prefix="segroi-power-", suffix=".bin")
        os.close(fd)
        self.path = Path(name)
        self.proc = subprocess.Popen(
            [*self.command, "--out", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=self.env,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.path.stat().st_size < RECORD.size:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                why = ""
                if self.proc.poll() is not None and self.proc.stderr is not None:
                    lines = self.proc.stderr.read().decode(errors="replace").strip().splitlines()
                    why = f": {lines[-1]}" if lines else ""
                self.close()
                raise SamplerError(f"the power sampling process did not start sampling{why}")
            time.sleep(0.005)

    def energy(self, start: float, end: float) -> tuple[float, int]:
        """(joules, samples inside) from `start` to `end` (time.monotonic() instants), once the
        sampler has a sample at or past `end`."""
        if self.path is None:
            raise SamplerError("the sampler is not running")
        deadline = time.monotonic() + max(1.0, 10 * self.interval)
        while True:
            times, watts = read_samples(self.path)
            if times and times[-1] >= end:
                break
            if (self.proc is not None and self.proc.poll() is not None) or time.monotonic() > deadline:
                raise SamplerError("the power sampling process stopped sampling")
            time.sleep(self.interval / 4)
        return energy_between(times, watts, start, end)

    def close(self) -> None:
        if self.proc is not None:
            try:
                if self.proc.stdin is not None:
                    self.proc.stdin.close()  # the child's signal to stop
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stderr is not None:
                self.proc.stderr.close()
            self.proc = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def main(argv: list[str] | None = None) -> int:
    """The sampling process: power of one GPU every --interval seconds into --out, until stdin closes."""
    from engine.profiling.nvml import Nvml

    ap = argparse.ArgumentParser(prog="python -m engine.profiling.sampler")
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--uuid")
    ap.add_argument("--kind", choices=["instant", "average"], default="instant")
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    with Nvml(index=args.index, uuid=args.uuid) as nvml:
        read = nvml.instant_power_watts if args.kind == "instant" else nvml.power_watts
        fd = os.open(args.out, os.O_WRONLY | os.O_APPEND)
        try:
            while True:
                os.write(fd, RECORD.pack(time.monotonic(), read()))
                ready, _, _ = select.select([sys.stdin], [], [], args.interval)
                if ready and not os.read(sys.stdin.fileno(), 4096):
                    return 0  # the parent closed our input, or is gone
        finally:
            os.close(fd)


if __name__ == "__main__":
    sys.exit(main())
