"""Benchmark: label-free SSL in quick CPU mode, end to end, on the synthetic phantom.

For each scenario the script writes phantom folders, then runs the real commands in
subprocesses, as a user would, with a private store:

    segroi train-ssl --data TRAIN --out W --quick      (truth folder deleted first)
    segroi evaluate --model ssl --weights W --data TEST

and reports wall-clock seconds of each command (process start and imports included), the QC
pass rate of each round, per-structure Dice on held-out studies (another seed), and, for
context, the Dice of the classical pseudo-labels alone on the same test frames.

Scenarios:
  a   -> a   train and test on style a
  a   -> b   the style-a model on style-b frames (a look it never saw)
  b   -> b   the same pipeline, unchanged, trained and tested on style b

    python benchmarks/bench_ssl_cpu.py [--train-studies 16] [--test-studies 8] [--size 256]
                                       [--device cpu] [--json out.json] [-- extra train-ssl options]

Timings depend on what else runs on the machine; the script records the load average before
and after each command. Nothing here is asserted: the numbers are reported as measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHAMBERS = ("LV", "LA", "RV", "RA")


def _segroi(args: list[str], env: dict) -> tuple[float, str, tuple, tuple]:
    before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "engine.cli", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = os.getloadavg()
    if proc.returncode != 0:
        raise SystemExit(f"segroi {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout, before, after


def _pseudo_dice(folder: Path) -> dict:
    from engine.data import load
    from engine.measure.metrics import per_structure
    from engine.models.ssl.pseudolabels import pseudo_label

    scores: dict[str, list[float]] = {c: [] for c in CHAMBERS}
    for f in load(folder).frames:
        for c, m in per_structure(pseudo_label(f.pixels, f.view, f.spacing_mm).label, f.mask, f.spacing_mm).items():
            scores[c].append(m["dice"])
    return {c: float(np.mean(v)) for c, v in scores.items() if v}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train-studies", type=int, default=16)
    ap.add_argument("--test-studies", type=int, default=8)
    ap.add_argument("--size", type=int, default=256, help="phantom image side (default 256)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("extra", nargs="*", help="extra train-ssl options after --")
    args = ap.parse_args()

    from engine.data.phantom import make_phantom, write_phantom
    from engine.profiling.hardware import cpu_cores, cpu_name
    from engine.store import RunKind, open_store
    from engine.store import results as stored

    work = Path(tempfile.mkdtemp(prefix="segroi-bench-ssl-"))
    env = {**os.environ, "SEGROI_DB": str(work / "bench.duckdb")}
    results = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "host": {
            "cpu": cpu_name(),
            "cores": cpu_cores(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "settings": {
            "train_studies": args.train_studies,
            "test_studies": args.test_studies,
            "size": args.size,
            "device": args.device,
            "train_options": ["--quick", *args.extra],
            "frames_per_study": 4,
        },
        "scenarios": [],
    }
    try:
        data = {}
        for style, seed in (("a", 101), ("b", 201)):
            train = work / f"train_{style}"
            test = work / f"test_{style}"
            write_phantom(make_phantom(args.train_studies, seed=seed, style=style, size=args.size), train)
            write_phantom(make_phantom(args.test_studies, seed=seed + 1, style=style, size=args.size), test)
            shutil.rmtree(train / "truth")  # training cannot see what is not there
            data[style] = (train, test)
        pseudo = {style: _pseudo_dice(data[style][1]) for style in data}
        weights = {}
        for style in ("a", "b"):
            w = work / f"ssl_{style}.pt"
            secs, out, la0, la1 = _segroi(
                [
                    "train-ssl",
                    "--data",
                    str(data[style][0]),
                    "--out",
                    str(w),
                    "--device",
                    args.device,
                    "--quick",
                    *args.extra,
                ],
                env,
            )
            weights[style] = (w, secs, out, la0, la1)
        for train_style, test_style in (("a", "a"), ("a", "b"), ("b", "b")):
            w, train_secs, train_out, la0, la1 = weights[train_style]
            secs, out, lb0, lb1 = _segroi(
                [
                    "evaluate",
                    "--model",
                    "ssl",
                    "--weights",
                    str(w),
                    "--data",
                    str(data[test_style][1]),
                    "--device",
                    args.device,
                ],
                env,
            )
            store = open_store(env["SEGROI_DB"], read_only=True)
            run = stored.latest_run_id(store, RunKind.EVALUATE)
            rows = stored.run_rows(store, "evaluations", run)
            fr = [m for m in stored.run_rows(store, "measurements", run) if m["name"] == "failure_rate"]
            tr = stored.training_run_for_weights(store, str(w.resolve()))
            dice = {c: float(np.mean([r["dice"] for r in rows if r["structure"] == c])) for c in CHAMBERS}
            results["scenarios"].append(
                {
                    "train": train_style,
                    "test": test_style,
                    "train_seconds": train_secs,
                    "evaluate_seconds": secs,
                    "total_seconds": train_secs + secs,
                    "training_seconds_inside": tr["seconds"],
                    "train_frames": tr["images"],
                    "qc_pass_rates": json.loads(tr["qc_pass_rates"]),
                    "final_loss": tr["final_loss"],
                    "energy_joules": tr["energy_joules"],
                    "energy_method": tr["energy_method"],
                    "test_frames": sum(r["structure"] == "LV" for r in rows),
                    "dice": dice,
                    "dice_mean_4": float(np.mean(list(dice.values()))),
                    "failure_rate_dice_below_0.8": fr[0]["value"] if fr else None,
                    "pseudo_label_dice": pseudo[test_style],
                    "load_average_train": [la0, la1],
                    "load_average_evaluate": [lb0, lb1],
                }
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"# SSL quick mode on {results['host']['cpu']} ({results['host']['cores']} cores), {results['date']}")
    print(
        f"train {args.train_studies} studies x 4 frames, test {args.test_studies} held-out studies, "
        f"{args.size} px, options {' '.join(results['settings']['train_options'])}\n"
    )
    print(
        "| train -> test | train s | evaluate s | total s | QC pass (r1, r2) | LV | LA | RV | RA | mean | "
        "pseudo-label LV / mean | failure rate |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in results["scenarios"]:
        d, p = s["dice"], s["pseudo_label_dice"]
        qc = ", ".join(f"{x:.0%}" for x in s["qc_pass_rates"])
        print(
            f"| {s['train']} -> {s['test']} | {s['train_seconds']:.1f} | {s['evaluate_seconds']:.1f} | "
            f"{s['total_seconds']:.1f} | {qc} | {d['LV']:.3f} | {d['LA']:.3f} | {d['RV']:.3f} | {d['RA']:.3f} | "
            f"{s['dice_mean_4']:.3f} | {p['LV']:.3f} / {np.mean(list(p.values())):.3f} | "
            f"{s['failure_rate_dice_below_0.8']:.3f} |"
        )
    for s in results["scenarios"]:
        print(
            f"load average {s['train']}->{s['test']}: train {s['load_average_train'][0][0]:.1f}->"
            f"{s['load_average_train'][1][0]:.1f}, evaluate {s['load_average_evaluate'][0][0]:.1f}->"
            f"{s['load_average_evaluate'][1][0]:.1f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
