"""Benchmark: label-free SSL on the robustness phantom family, style by style.

Data: engine/data/phantom_family.py, every look (style) written as multi-frame DICOM cines with
exact label PNGs: training cines (seed 1000) and test cines (seed 2000, never trained on).
Everything runs through the real commands in subprocesses with a private store, as a user would:

    segroi train-ssl --data TRAIN... --out W <settings>          (no ground truth anywhere near it)
    segroi evaluate  --model ssl --weights W --data TEST --truth TRUTH     (Dice, stored)
    segroi segment   --model ssl --weights W --data TEST --out PRED        (label maps -> EF)
    segroi qc        --data TEST [--labels PRED] --format json             (QC on the held-out style)

Protocols:
  loso  leave one style out: the network is trained on the training cines of every OTHER look
        (--loso-cines of each) and scored on the held-out look. Nothing trained on a look is scored
        on it. QC pass rates on the held-out look: its pseudo-labels (round-1 labels) and the
        network's predictions (what round 2 would start from).
  own   the product's use: train-ssl on the look's own training cines (no labels), scored on its
        test cines. QC pass rates are those of the training run (round 1, round 2, final).
  rounds  as own, trained twice: --rounds 1 (pseudo-labels only) and --rounds 2 (self-training),
        same seed, to see whether the second round helps on held-out frames.
  floor   as own, with 2, 4, 8 and all training cines and the QC floor off: how accuracy falls
        when few frames are trained on (what the floor's default protects against).
Settings:
  quick  --quick
  small  --image-size 128 --width 16 --epochs 15 (the lead's CPU check of the paper's network)

Per look: mean Dice per chamber over test frames (from `evaluate`), EF error (single-plane
method of disks on the first (end-diastole) and last (end-systole) frame of each test cine,
prediction against the same measurement on the exact masks; mean absolute difference in EF
points), QC pass rates, wall-clock seconds of train-ssl and evaluate, and the load average.

    python benchmarks/bench_ssl_styles.py --protocol own --settings quick            # the timing goal
    python benchmarks/bench_ssl_styles.py --protocol loso,own --settings quick,small --json r.json

The machine's load changes the seconds, never the Dice (fixed seeds). Nothing is asserted.
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

ROOT = Path(__file__).resolve().parents[1]
CHAMBERS = ("LV", "LA", "RV", "RA")
SETTINGS = {"quick": ["--quick"], "small": ["--image-size", "128", "--width", "16", "--epochs", "15"]}


def _segroi(args: list[str], env: dict, check: bool = True) -> tuple[float, subprocess.CompletedProcess, tuple]:
    before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "engine.cli", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    seconds = time.perf_counter() - t0
    after = os.getloadavg()
    if check and proc.returncode != 0:
        raise SystemExit(f"segroi {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return seconds, proc, (before[0], after[0])


def make_data(work: Path, looks, train_cines: int, test_cines: int) -> dict:
    from engine.data.phantom_family import write_family

    data = {}
    for look in looks:
        train, test = work / look / "train", work / look / "test"
        if not (train / "dicom").is_dir():
            write_family(train, look, train_cines, seed=1000)
            shutil.rmtree(train / "truth")  # training cannot see what is not there
        if not (test / "dicom").is_dir():
            write_family(test, look, test_cines, seed=2000)
        data[look] = (train / "dicom", test / "dicom", test / "truth")
    return data


def _ef(label_ed, label_es, spacing) -> float | None:
    from engine.measure.clinical import ef_percent, single_plane_volume_ml

    try:
        return ef_percent(
            single_plane_volume_ml(label_ed == 1, spacing), single_plane_volume_ml(label_es == 1, spacing)
        )
    except (ValueError, ZeroDivisionError):
        return None


def ef_errors(pred_dir: Path, truth_dir: Path) -> list[float]:
    """|EF(prediction) - EF(exact masks)| per test cine, single-plane disks on first and last frames."""
    from PIL import Image

    meta = json.loads((truth_dir / "family.json").read_text())
    out = []
    for name, m in meta.items():
        n = m["frames"]
        sp = (m["spacing_mm"], m["spacing_mm"])
        truth = [np.asarray(Image.open(truth_dir / f"{name}_{i:03d}.png")) for i in (0, n - 1)]
        pred = [np.asarray(Image.open(pred_dir / f"{name}_{i:03d}.png")) for i in (0, n - 1)]
        ef_t, ef_p = _ef(*truth, sp), _ef(*pred, sp)
        if ef_t is not None:
            out.append(abs(ef_p - ef_t) if ef_p is not None else float("nan"))
    return out


def _qc_rate(args, env) -> float:
    _, proc, _ = _segroi(["qc", *args, "--format", "json"], env)
    got = json.loads(proc.stdout)
    return got["passed"] / got["total"] if got["total"] else 0.0


def run_one(look, train_dirs, test, truth, setting, protocol, work, env, threads, extra=(), tag=None) -> dict:
    from engine.store import RunKind, open_store
    from engine.store import results as stored

    tag = tag or f"{protocol}-{setting}-{look}"
    weights = work / "weights" / f"{tag}.pt"
    weights.parent.mkdir(exist_ok=True)
    train_args = [
        "train-ssl",
        "--data",
        *map(str, train_dirs),
        "--out",
        str(weights),
        "--device",
        "cpu",
        "--threads",
        str(threads),
        *SETTINGS[setting],
        *extra,
    ]
    t_train, proc, load_train = _segroi(train_args, env, check=False)
    row = {
        "look": look,
        "protocol": protocol,
        "setting": setting,
        "train_seconds": t_train,
        "tag": tag,
        "extra": list(extra),
        "load_train": load_train,
        "train_command": "segroi " + " ".join(train_args[:1] + ["..."] + train_args[-(2 + len(SETTINGS[setting])) :]),
    }
    if proc.returncode != 0:
        row["failed"] = proc.stderr.strip().splitlines()[-1][:600] if proc.stderr.strip() else f"exit {proc.returncode}"
        return row
    store = open_store(env["SEGROI_DB"], read_only=True)
    tr = stored.training_run_for_weights(store, str(weights.resolve()))
    row.update(
        {
            "train_frames": tr["images"],
            "qc_pass_rates": json.loads(tr["qc_pass_rates"]),
            "final_qc_pass_rate": tr["final_qc_pass_rate"],
            "qc_rejections": json.loads(tr["qc_rejections"]),
        }
    )
    t_eval, _, load_eval = _segroi(
        ["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(test), "--truth", str(truth)], env
    )
    run = stored.latest_run_id(store, RunKind.EVALUATE)
    rows = stored.run_rows(store, "evaluations", run)
    dice = {c: float(np.mean([r["dice"] for r in rows if r["structure"] == c])) for c in CHAMBERS}
    pred = work / "pred" / tag
    shutil.rmtree(pred, ignore_errors=True)
    _segroi(["segment", "--model", "ssl", "--weights", str(weights), "--data", str(test), "--out", str(pred)], env)
    efe = ef_errors(pred, truth)
    row.update(
        {
            "evaluate_seconds": t_eval,
            "load_evaluate": load_eval,
            "dice": dice,
            "mean4": float(np.mean(list(dice.values()))),
            "ef_error": float(np.nanmean(efe)) if efe else None,
            "ef_failed": int(np.sum(np.isnan(efe))),
            "test_frames": sum(r["structure"] == "LV" for r in rows),
            "model_qc_on_test": _qc_rate(["--data", str(test), "--labels", str(pred)], env),
        }
    )
    return row


def main() -> int:
    from engine.data.phantom_family import HELD_OUT, LOOKS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--looks", default=",".join(LOOKS), help="comma-separated looks (default: all)")
    ap.add_argument("--protocol", default="loso,own", help="loso, own or both (comma-separated)")
    ap.add_argument("--settings", default="quick", help="quick, small or both (comma-separated)")
    ap.add_argument("--train-cines", type=int, default=16, help="training cines per look (own protocol)")
    ap.add_argument("--loso-cines", type=int, default=4, help="training cines of each other look (loso)")
    ap.add_argument("--test-cines", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", help="keep data and weights here (reused when present)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    looks = args.looks.split(",")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="segroi-bench-styles-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SEGROI_DB": str(work / "bench.duckdb"), "PYTHONPATH": str(ROOT)}
    from engine.profiling.hardware import cpu_cores, cpu_name

    results = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "host": {
            "cpu": cpu_name(),
            "cores": cpu_cores(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "settings": {**vars(args), "held_out_looks": list(HELD_OUT)},
        "rows": [],
    }
    all_looks = list(LOOKS)
    data = make_data(
        work,
        sorted(set(looks) | (set(all_looks) if "loso" in args.protocol else set())),
        args.train_cines,
        args.test_cines,
    )
    try:
        for setting in args.settings.split(","):
            for protocol in args.protocol.split(","):
                for look in looks:
                    test, truth = data[look][1], data[look][2]
                    if protocol in ("rounds", "floor"):
                        for row in _variants(protocol, look, data, setting, work, env, args):
                            results["rows"].append(row)
                            _print_row(row)
                        continue
                    if protocol == "own":
                        train_dirs = [data[look][0]]
                    else:
                        train_dirs = []
                        for other in all_looks:
                            if other == look:
                                continue
                            files = sorted(data[other][0].glob("*.dcm"))[: args.loso_cines]
                            train_dirs.extend(files)
                    row = run_one(look, train_dirs, test, truth, setting, protocol, work, env, args.threads)
                    if protocol == "loso":
                        row["pseudo_qc_on_test"] = _qc_rate(["--data", str(test)], env)
                    results["rows"].append(row)
                    _print_row(row)
                    if args.json:
                        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    results["load_average_at_end"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    print()
    print(table(results["rows"]))
    return 0


def _variants(protocol, look, data, setting, work, env, args):
    train, test, truth = data[look]
    if protocol == "rounds":
        for rounds in (1, 2):
            yield run_one(
                look,
                [train],
                test,
                truth,
                setting,
                f"rounds={rounds}",
                work,
                env,
                args.threads,
                extra=["--rounds", str(rounds)],
                tag=f"rounds{rounds}-{setting}-{look}",
            )
        return
    files = sorted(train.glob("*.dcm"))
    for k in (2, 4, 8, len(files)):
        yield run_one(
            look,
            files[:k],
            test,
            truth,
            setting,
            f"floor:{k} cines",
            work,
            env,
            args.threads,
            extra=["--min-qc-frames", "0", "--min-qc-share", "0"],
            tag=f"floor{k}-{setting}-{look}",
        )


def _print_row(r: dict) -> None:
    if "failed" in r:
        print(f"{r['protocol']:4} {r['setting']:5} {r['look']:8} FAILED: {r['failed']}", flush=True)
        return
    d = r["dice"]
    print(
        f"{r['protocol']:4} {r['setting']:5} {r['look']:8} LV {d['LV']:.3f} LA {d['LA']:.3f} RV {d['RV']:.3f} "
        f"RA {d['RA']:.3f} mean {r['mean4']:.3f} EF err {r['ef_error']:.1f} | train {r['train_seconds']:.0f}s "
        f"eval {r['evaluate_seconds']:.0f}s load {r['load_train'][0]:.1f}",
        flush=True,
    )


def table(rows: list[dict]) -> str:
    lines = [
        "| protocol | setting | look | LV | LA | RV | RA | mean | EF error (points) | training frames (QC-passed) | "
        "QC pass: round 1 / round 2 / final (training run) | QC pass on the test look: pseudo-labels / network | "
        "train + evaluate s | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['protocol']} | {r['setting']} | {r['look']} | failed: {r['failed']} |")
            continue
        d = r["dice"]
        qc = " / ".join(f"{x:.0%}" for x in [*r["qc_pass_rates"], r["final_qc_pass_rate"]])
        test_qc = (
            f"{r.get('pseudo_qc_on_test', float('nan')):.0%} / {r['model_qc_on_test']:.0%}"
            if "pseudo_qc_on_test" in r
            else f"- / {r['model_qc_on_test']:.0%}"
        )
        lines.append(
            f"| {r['protocol']} | {r['setting']} | {r['look']} | {d['LV']:.3f} | {d['LA']:.3f} | {d['RV']:.3f} | "
            f"{d['RA']:.3f} | {r['mean4']:.3f} | {r['ef_error']:.1f} | "
            f"{r['train_frames']} ({round(r['qc_pass_rates'][0] * r['train_frames'])}) | {qc} | {test_qc} | "
            f"{r['train_seconds'] + r['evaluate_seconds']:.0f} | {r['load_train'][0]:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
