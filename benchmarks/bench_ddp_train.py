"""`segroi train-ssl` in one process against `--nproc 2` (DDP, gloo) on the same data and global batch.

    python benchmarks/bench_ddp_train.py --markdown benchmarks/RESULTS-scale.md

Runs alternate (one process, two processes, one, two, ...) so that each meets the same load; each
time is the command's wall time and the training time it reports (pseudo-labels, QC and training;
no start-up). With --markdown the section "Training on 2 processes (DDP)" of that
file is replaced (the rest of the file, written by bench_scale.py, is kept).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, now

HEADER = "## Training on 2 processes (DDP)"
SETTINGS = [
    "--image-size",
    "128",
    "--width",
    "16",
    "--levels",
    "4",
    "--epochs",
    "2",
    "--rounds",
    "1",
    "--batch-size",
    "8",
    "--min-qc-frames",
    "1",
    "--min-qc-share",
    "0",
    "--min-qc-ratio",
    "0",
]
CONFIGS = [
    ("1 process, 1 thread", ["--threads", "1"]),
    ("2 processes (gloo), 1 thread each", ["--threads", "1", "--nproc", "2"]),
]
NOTE = (
    "Per step, every process sums the loss and the BatchNorm statistics of the global batch with the others "
    "(one all-reduce per BatchNorm layer forward and one backward: about 30 a step here) besides "
    "DDP's gradient all-reduce; with a network much smaller than this one (the tests' 64-px, width-4 "
    "U-Net) that traffic outweighs the halved compute and 2 processes are slower than 1. The gain is for networks whose step takes far "
    "longer than a few dozen small all-reduces: the default 256-px, width-32 U-Net, on GPUs."
)
# One process on 2 threads is left out: on a machine whose 2 cores are already busy, torch's
# threads wait on each other and such a run took minutes (8x the 1-thread run in one try).


def load() -> float:
    return os.getloadavg()[0]


def train(data: Path, out: Path, extra: list[str], env: dict) -> tuple[float, float]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "engine.cli", "train-ssl", "--data", str(data), "--out", str(out), *SETTINGS, *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"train-ssl failed: {done.stderr[-500:]}")
    reported = float(re.search(r"cines in ([0-9.]+) s", done.stdout).group(1))
    return wall, reported


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--studies", type=int, default=8, help="phantom studies (4 frames each; default 8)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--markdown", help="results file whose DDP section is replaced")
    args = ap.parse_args()

    from engine.data.phantom import make_phantom, write_phantom

    with tempfile.TemporaryDirectory(prefix="segroi-ddp-bench-") as tmp:
        tmp = Path(tmp)
        data = tmp / "phantom"
        write_phantom(make_phantom(args.studies, size=128), data)
        env = {**os.environ, "SEGROI_DB": str(tmp / "store.duckdb"), "SEGROI_SALT": "bench", "PYTHONPATH": str(ROOT)}
        started = now()
        runs = []
        for rep in range(args.repeats):
            for name, extra in CONFIGS:
                before = load()
                wall, reported = train(data, tmp / "w.pt", extra, env)
                runs.append((name, rep, wall, reported, before, load()))
                print(
                    f"{name}: {wall:.1f} s wall, {reported:.1f} s training (load {before:.1f} -> {load():.1f})",
                    file=sys.stderr,
                )
    best = {name: min(r[3] for r in runs if r[0] == name) for name, _ in CONFIGS}
    one, two = best[CONFIGS[0][0]], best[CONFIGS[1][0]]
    loads = [x for r in runs for x in r[4:]]
    import torch

    lines = [
        HEADER,
        "",
        "Script: `benchmarks/bench_ddp_train.py` (`--markdown benchmarks/RESULTS-scale.md` replaces this section only).",
        "",
        f"- **Machine:** {os.cpu_count()} cores, no GPU; {platform.platform()}; Python {platform.python_version()}, "
        f"torch {torch.__version__}.",
        f"- **Date:** {started}.",
        f"- **Load:** 1-minute load average {min(loads):.1f}-{max(loads):.1f} during the runs. "
        + (
            "**The machine was busy** (load above its cores): other people's builds and tests shared them, so "
            "these times are noisy and the speed-up is not what a quiet machine or a GPU node would show."
            if max(loads) > (os.cpu_count() or 1)
            else "The machine was quiet."
        ),
        f"- **Data:** `segroi phantom`, 128 px, {args.studies * 4} frames (each its own cine).",
        "- **Settings:** " + " ".join(SETTINGS) + "; the same seed and global batch in every run.",
        f"- **Times:** the training time train-ssl reports (pseudo-labels, QC, {2} epochs, final QC), fastest of "
        f"{args.repeats}; wall time includes start-up (and for 2 processes, spawning them and joining the group).",
        "",
        "| configuration | training s (fastest) | speed-up over 1 process, 1 thread |",
        "|---|---|---|",
    ]
    for name, _ in CONFIGS:
        lines.append(f"| {name} | {best[name]:.1f} | {one / best[name]:.2f}x |")
    lines += [
        "",
        f"2 processes / 1 process: {one / two:.2f}x. " + NOTE,
        "",
        "| run | repeat | wall s | training s | load before | load after |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {r + 1} | {w:.1f} | {t:.1f} | {a:.1f} | {b:.1f} |" for n, r, w, t, a, b in runs]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.markdown:
        path = Path(args.markdown)
        text = path.read_text() if path.exists() else ""
        if HEADER in text:
            head, rest = text.split(HEADER, 1)
            nxt = rest.find("\n## ")
            text = head + section + (rest[nxt + 1 :] if nxt >= 0 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        path.write_text(text)


if __name__ == "__main__":
    main()
