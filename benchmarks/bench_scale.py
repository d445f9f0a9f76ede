"""Benchmark: `segroi segment` on one process and on Ray (1 and 2 CPU workers), and what 1 M frames
would take on 1-64 GPUs.

Measured here, on the phantom (`segroi phantom`, 256 px), with the SSL U-Net at its default size
(width 32, 5 levels, 256-px input; random weights: compute only) so that each frame costs about a
second of one core and Ray's overhead does not dominate:

* local: `segroi segment` in one process, torch pinned to 1 thread (the same work as one Ray
  worker), alternating with the Ray runs so both meet the same load; and with torch's default
  threads for reference;
* Ray: `segroi segment --ray local --ray-workers W` for W = 1 and 2 CPU workers, each actor pinned
  to 1 torch thread, on a local Ray started with W + 1 logical CPUs (one for the decode and
  write stages). Ray's start is timed apart;
* each configuration on two sizes (small and large), so that wall time = fixed + frames / rate
  gives the steady rate; Ray's fixed overhead directly, as a 4-frame run of a tiny model with Ray
  minus the same run without;
* reading and writing alone (no model), frames per second on one core: what the CPU stages must
  sustain for a GPU;
* the label maps of every run are compared byte for byte with the local run.

From anchors, not measured here: hours and cost for 1 M frames on 1-64 H100s for SAM ViT-B, SAM
ViT-H (encoder + one decoder call per structure) and the SSL U-Net, from the H100 anchors in
engine/reference.py (REFERENCES.md) and the reference scenario's GPU price, assuming linear scaling.

    python benchmarks/bench_scale.py [--small 6] [--large 24] [--repeats 1] [--markdown benchmarks/RESULTS-scale.md]
                                     [--json out.json]

Timings depend on what else runs on the machine: the load average is recorded before and after each
run, and the report says when the machine was busy. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, now, write_json

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # every node on 127.0.0.1
os.environ.setdefault("PYTHONPATH", str(ROOT))

GPU_COUNTS = (1, 2, 4, 8, 16, 32, 64)
ARCHIVE_FRAMES = 1_000_000


def _phantom(folder: Path, studies: int, size: int) -> Path:
    from engine.data.phantom import make_phantom, write_phantom

    write_phantom(make_phantom(studies, seed=7, size=size), folder)
    return folder


def _weights(path: Path, tiny: bool = False) -> Path:
    import torch

    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    torch.manual_seed(0)
    if tiny:  # milliseconds a frame: what is left of a run is its overhead
        SslSegmenter(UNet(width=4, levels=3), input_size=32).save(path)
    else:  # the default U-Net: width 32, 5 levels, 256-px input
        SslSegmenter(UNet(), input_size=256).save(path)
    return path


def _segment(args: list[str]) -> float:
    from engine.cli import main

    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["segment", *args])
    seconds = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"segroi segment {' '.join(args)} failed")
    return seconds


def _fresh(tmp: Path, label: str, size: str) -> str:
    out = tmp / f"{label}-{size}"
    shutil.rmtree(out, ignore_errors=True)
    return str(out)


def _same(a: Path, b: Path) -> bool:
    files = sorted(p.name for p in a.iterdir())
    return files == sorted(p.name for p in b.iterdir()) and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files
    )


def _timed(label, fn, results, repeats: int = 1):
    """Run `fn` `repeats` times; the fastest time counts (the others are noise from the machine)."""
    times, loads = [], []
    for _ in range(repeats):
        before = os.getloadavg()[0]
        times.append(fn())
        loads += [before, os.getloadavg()[0]]
    results.append(
        {
            "run": label,
            "seconds": min(times),
            "all_seconds": times,
            "load_before": loads[0],
            "load_after": loads[-1],
            "load_max": max(loads),
        }
    )
    print(f"{label}: {min(times):.1f} s (of {len(times)}; load {loads[0]:.1f} -> {loads[-1]:.1f})", file=sys.stderr)
    return min(times)


def _fit(small_n, small_s, large_n, large_s) -> dict:
    rate = (large_n - small_n) / (large_s - small_s) if large_s > small_s else None
    fixed = small_s - small_n / rate if rate else None
    return {"fixed_s": fixed, "rate_fps": rate, "large_fps": large_n / large_s}


def _io_rate(folder: Path, tmp: Path) -> float:
    """Frames per second of reading a frame and writing a label map, on one core, no model."""
    import numpy as np

    from engine.data import load
    from engine.measure.segmenters import save_label_map

    out = tmp / "io"
    out.mkdir()
    t0 = time.perf_counter()
    frames = load(folder, read_masks=False).frames
    for f in frames:
        save_label_map(out, f, np.zeros(f.pixels.shape, np.uint8))
    return len(frames) / (time.perf_counter() - t0)


def measure(args) -> dict:
    import torch

    from engine.scale.cluster import connect

    tmp = Path(tempfile.mkdtemp(prefix="segroi-bench-scale-"))
    results: list[dict] = []
    try:
        weights = _weights(tmp / "unet.pt")
        tiny = _weights(tmp / "tiny.pt", tiny=True)
        sizes = {"small": args.small, "large": args.large}
        data = {k: _phantom(tmp / f"ph_{k}", n, args.size) for k, n in sizes.items()}
        data["probe"] = _phantom(tmp / "ph_probe", 1, args.size)
        frames = {k: 4 * n for k, n in sizes.items()}
        base = ["--model", "ssl", "--weights", str(weights)]
        probe = ["--model", "ssl", "--weights", str(tiny), "--data", str(data["probe"])]
        default_threads = torch.get_num_threads()
        fits, same, cold, overhead, ray_start = {}, {}, {}, {}, {}

        def local(label, size, weights_args=None):
            return _timed(
                label,
                lambda: _segment(
                    [*(weights_args or [*base, "--data", str(data[size])]), "--out", _fresh(tmp, label, size)]
                ),
                results,
                args.repeats,
            )

        torch.set_num_threads(1)
        _segment([*base, "--data", str(data["small"]), "--out", str(tmp / "warm-up")])  # imports, first calls
        torch.set_num_threads(default_threads)
        label = f"local, {default_threads} threads"
        secs = {k: local(f"{label}, {frames[k]} frames", k) for k in sizes}
        fits[label] = _fit(frames["small"], secs["small"], frames["large"], secs["large"])
        torch.set_num_threads(1)
        for workers in (1, 2):
            label = f"ray, {workers} CPU worker{'s' if workers > 1 else ''}"
            beside = f"local, 1 thread (beside {label})"
            ray_args = ["--ray", "local", "--ray-workers", str(workers)]
            t0 = time.perf_counter()
            with connect("local", num_cpus=workers + 1):
                ray_start[workers] = time.perf_counter() - t0
                # The first job on a fresh Ray also starts its worker processes (what `--ray local` pays).
                cold[label] = _timed(
                    f"{label}, {frames['small']} frames, first job on a fresh Ray",
                    lambda label=label, ray_args=ray_args: _segment(
                        [*base, "--data", str(data["small"]), "--out", _fresh(tmp, label, "cold"), *ray_args]
                    ),
                    results,
                )
                # Fixed overhead: a model too small to matter on 4 frames, with and without Ray.
                overhead[label] = _timed(
                    f"{label}, 4 frames, tiny model",
                    lambda label=label, ray_args=ray_args: _segment(
                        [*probe, "--out", _fresh(tmp, label, "probe"), *ray_args]
                    ),
                    results,
                    args.repeats,
                ) - local(f"{beside}, 4 frames, tiny model", "probe", probe)
                # Local and Ray runs alternate, so both see the same load.
                secs, local_secs = {}, {}
                for k in sizes:
                    local_secs[k] = local(f"{beside}, {frames[k]} frames", k)
                    secs[k] = _timed(
                        f"{label}, {frames[k]} frames",
                        lambda k=k, label=label, ray_args=ray_args: _segment(
                            [*base, "--data", str(data[k]), "--out", _fresh(tmp, label, k), *ray_args]
                        ),
                        results,
                        args.repeats,
                    )
            fits[beside] = _fit(frames["small"], local_secs["small"], frames["large"], local_secs["large"])
            fits[label] = _fit(frames["small"], secs["small"], frames["large"], secs["large"])
            same[label] = _same(tmp / f"{beside}, {frames['large']} frames-large", tmp / f"{label}-large")
        torch.set_num_threads(default_threads)
        io_fps = _io_rate(data["large"], tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    from engine.profiling.hardware import cpu_name

    return {
        "date": now(),
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "ray": _ray_version(),
        "settings": {
            "small_frames": frames["small"],
            "large_frames": frames["large"],
            "size": args.size,
            "model": "SSL U-Net width 32, 5 levels, 256-px input, random weights",
            "torch_threads_default": default_threads,
        },
        "runs": results,
        "fits": fits,
        "ray_start_s": ray_start,
        "identical_to_local": same,
        "cold_s": cold,
        "overhead_s": overhead,
        "repeats": args.repeats,
        "io_fps_one_core": io_fps,
    }


def _ray_version() -> str:
    import ray

    return ray.__version__


# -- the archive table, from anchors ---------------------------------------------------------------
def anchor_table() -> dict:
    """Seconds per frame on one H100 for each model, from the anchors in engine/reference.py."""
    from engine.reference import ANCHOR_SOURCE, anchor_profile_rows, reference_scenario

    rows = anchor_profile_rows()

    def find(model, component, dtype, batch):
        return next(
            r
            for r in rows
            if (r["model"], r["component"], r["dtype"], r["batch"], r["recipe"])
            == (model, component, dtype, batch, "plain")
        )

    scenario = reference_scenario()
    structures = scenario["workload"]["structures_per_frame"]
    price = scenario["hardware"]["gpu_price_per_hour"]
    price = price["value"] if isinstance(price, dict) else price
    price_source = scenario["provenance"]["hardware.gpu_price_per_hour"]
    models = {}
    for name, model in (("SAM ViT-B", "sam_vit_b"), ("SAM ViT-H", "sam_vit_h")):
        enc = find(model, "encoder", "bf16", 8)
        dec = find(model, "decoder", "fp32", 1)
        models[name] = {
            "seconds_per_frame": enc["seconds_per_image"] + structures * dec["seconds_per_prompt"],
            "how": f"encoder bf16 batch 8 ({enc['seconds_per_image'] * 1000:.1f} ms/img) + "
            f"{structures} x decoder fp32 per box ({dec['seconds_per_prompt'] * 1000:.2f} ms)",
        }
    unet = find("ssl_unet", "full", "bf16", 256)
    models["SSL U-Net"] = {
        "seconds_per_frame": unet["seconds_per_image"],
        "how": f"bf16 batch 256 ({unet['images_per_second']:.0f} img/s)",
    }
    return {
        "models": models,
        "price": price,
        "price_source": price_source,
        "structures": structures,
        "anchor_source": ANCHOR_SOURCE,
    }


# -- report ----------------------------------------------------------------------------------------
def _f(x, spec=".1f"):
    return "-" if x is None else format(x, spec)


def markdown(m: dict, anchors: dict) -> str:
    busy = max(r["load_max"] for r in m["runs"])
    loads = [v for r in m["runs"] for v in (r["load_before"], r["load_after"], r["load_max"])]
    lines = [
        "# Archive scale: segment on one process and on Ray, and 1 M frames on 1-64 GPUs",
        "",
        "Script: `benchmarks/bench_scale.py` (rerun it as is; it writes this file with `--markdown`).",
        "",
        "```",
        "python benchmarks/bench_scale.py --markdown benchmarks/RESULTS-scale.md",
        "```",
        "",
        "## Set-up",
        "",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, no GPU; {m['platform']}; Python {m['python']}, "
        f"torch {m['torch']}, Ray {m['ray']}.",
        f"- **Date:** {m['date']}.",
        f"- **Load:** 1-minute load average {min(loads):.1f}-{max(loads):.1f} during the runs (per run below)."
        + (
            f" **The machine was busy** (load above its {m['cores']} cores): other people's builds and tests "
            "ran on the same cores, so these timings are lower and noisier than on a quiet machine; rerun "
            "the script there."
            if busy > m["cores"]
            else ""
        ),
        f"- **Data:** `segroi phantom`, {m['settings']['size']} px, {m['settings']['small_frames']} and "
        f"{m['settings']['large_frames']} frames (4 per study).",
        f"- **Work per frame:** {m['settings']['model']}, about a second of one core, so that Ray's "
        "per-run overhead does not dominate.",
        "- **Local:** `segroi segment` in one process, torch pinned to 1 thread (the work of one Ray worker), "
        "run again beside each Ray configuration (local and Ray runs alternate, so both meet the same load); "
        f"and once with torch's default {m['settings']['torch_threads_default']} threads.",
        "- **Ray:** `segroi segment --ray local --ray-workers W`, W = 1 and 2 CPU actors with 1 torch thread "
        "each, on a local Ray started with W + 1 logical CPUs (the decode and write tasks take the extra "
        "one). Ray's start is timed apart (`--ray local` pays it on every command; a joined cluster does not).",
        "- **Fit:** each configuration ran on both sizes; wall time = fixed + frames / rate gives the fixed "
        "overhead of a run (start-up, model load, pipeline start and finish) and the steady rate.",
        "",
        "## Measured: frames per second",
        "",
        "| configuration | frames/s, large run | steady frames/s | fixed s per run | label maps = local |",
        "|---|---|---|---|---|",
    ]
    for label, fit in m["fits"].items():
        same = m["identical_to_local"].get(label)
        fixed = fit["fixed_s"] if fit["fixed_s"] is not None and fit["fixed_s"] >= 0 else None
        rate = fit["rate_fps"] if fixed is not None else None
        lines.append(
            f"| {label} | {_f(fit['large_fps'], '.3f')} | {_f(rate, '.3f')} | {_f(fixed)} | "
            f"{'yes, byte for byte' if same else ('-' if same is None else 'NO')} |"
        )
    one, two = m["fits"]["ray, 1 CPU worker"], m["fits"]["ray, 2 CPU workers"]
    l1 = m["fits"]["local, 1 thread (beside ray, 1 CPU worker)"]
    l2 = m["fits"]["local, 1 thread (beside ray, 2 CPU workers)"]
    raw = two["large_fps"] / one["large_fps"]
    relative = (two["large_fps"] / l2["large_fps"]) / (one["large_fps"] / l1["large_fps"])
    lines += [
        "",
        'A "-" in the steady and fixed columns: the two sizes did not separate the fixed part from the '
        "rate (the load changed between them).",
        "",
        f"- **2 workers / 1 worker:** {raw:.2f}x the frames/s on the large run; {relative:.2f}x when each "
        "is taken relative to the 1-thread local run measured beside it, which takes out the load's drift "
        "between the two blocks (goal: at least 1.6x)." + _drift_note(l1, l2),
        f"- **Ray's fixed overhead:** {m['overhead_s']['ray, 1 CPU worker']:.1f} s per run with 1 worker and "
        f"{m['overhead_s']['ray, 2 CPU workers']:.1f} s with 2 (a 4-frame run of a model too small to matter, "
        "with Ray minus without: actor start, model load in each worker, pipeline start and finish), plus "
        f"{m['ray_start_s'][1]:.1f} s / {m['ray_start_s'][2]:.1f} s to start a local Ray with 2 / 3 logical "
        f"CPUs, and on a fresh Ray the first job took {_first_extra(m, 'ray, 1 CPU worker')} / "
        f"{_first_extra(m, 'ray, 2 CPU workers')} s longer than the next (its worker processes start). "
        "`--ray local` pays all three on every command; a command that joins a running cluster pays the first.",
        f"- **Reading + writing alone:** {m['io_fps_one_core']:.0f} frames/s on one core (PNG in, label PNG "
        "out, no model).",
        "",
        f"Runs (fastest of {m['repeats']}; a warm-up run came first and is not counted):",
        "",
        "| run | seconds | load before | load after |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['run']} | {r['seconds']:.2f} | {r['load_before']:.1f} | {r['load_after']:.1f} |" for r in m["runs"]
    ]
    lines += [
        "",
        "## From anchors, not measured here: 1 M frames on 1-64 GPUs",
        "",
        f"Per-GPU throughput comes from the H100 anchors in `engine/reference.py` ({anchors['anchor_source']}; "
        "REFERENCES.md), **not from this run**. Cost uses the reference scenario's cloud GPU price, "
        f"${anchors['price']:.2f} per GPU-hour ({anchors['price_source']['kind']}: "
        f"{anchors['price_source']['source']}), paid for every GPU while the job runs. Linear scaling "
        "is assumed: every GPU kept busy, Ray's fixed overhead (seconds, above) left out. That is fair "
        "for SAM, whose archive takes hours; for the SSL U-Net the whole million frames take minutes on "
        "one GPU, so past a few GPUs the overhead and the decoding (below), not the GPUs, set the time.",
        "",
    ]
    for name, a in anchors["models"].items():
        lines.append(
            f"- **{name}:** {a['seconds_per_frame'] * 1000:.3g} ms per frame on one H100 = "
            f"{1 / a['seconds_per_frame']:.4g} frames/s ({a['how']})."
        )
    header = (
        "| GPUs | "
        + " | ".join(f"{n} hours" for n in anchors["models"])
        + " | "
        + " | ".join(f"{n} cost" for n in anchors["models"])
        + " |"
    )
    lines += ["", header, "|" + "---|" * (1 + 2 * len(anchors["models"]))]
    for g in GPU_COUNTS:
        hours = [ARCHIVE_FRAMES * a["seconds_per_frame"] / g / 3600 for a in anchors["models"].values()]
        cost = [h * g * anchors["price"] for h in hours]
        lines.append(
            f"| {g} | " + " | ".join(_hours(h) for h in hours) + " | " + " | ".join(f"${c:,.2f}" for c in cost) + " |"
        )
    ssl_fps = 1 / anchors["models"]["SSL U-Net"]["seconds_per_frame"]
    lines += [
        "",
        "What the table leaves out:",
        "",
        f"- **Decoding keeps up, or not.** One H100 labels {ssl_fps:,.0f} frames/s with the SSL U-Net; at the "
        f"{m['io_fps_one_core']:.0f} frames/s per core measured above for reading and writing, that needs about "
        f"{ssl_fps / m['io_fps_one_core']:.0f} CPU cores per GPU, so for the SSL model the CPU stages, not the "
        "GPU, set the pace (SAM needs well under one core per GPU). EchoNet AVIs and DICOM cines decode at "
        "other rates than these PNGs.",
        "- **Scaling past one node** also depends on the shared file system that serves the frames and takes "
        "the label maps, which this single machine cannot show.",
        "- Cost is cloud GPU time only: the cost model's utilization (0.5 in the reference scenario) describes "
        "a standing service, not a batch job that keeps its GPUs busy.",
        "",
    ]
    return "\n".join(lines)


def _drift_note(l1: dict, l2: dict) -> str:
    """Say so when the same local run gave very different rates in the two blocks."""
    low, high = sorted((l1["large_fps"], l2["large_fps"]))
    drift = high / low - 1
    if drift <= 0.2:
        return ""
    return (
        f" **Not conclusive here:** the same 1-thread local run was {drift:.0%} faster in one block than "
        "in the other, so the machine's load, not segroi, moved these figures; a quiet machine decides "
        "the goal."
    )


def _first_extra(m: dict, label: str) -> str:
    small = m["settings"]["small_frames"]
    warm = next(r["seconds"] for r in m["runs"] if r["run"] == f"{label}, {small} frames")
    return f"{m['cold_s'][label] - warm:.1f}"


def _hours(h: float) -> str:
    if h < 1 / 60:
        return f"{h * 3600:.0f} s"
    return f"{h * 60:.1f} min" if h < 1 else f"{h:.2f} h"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=6, help="studies in the small run (default 6 = 24 frames)")
    ap.add_argument("--large", type=int, default=24, help="studies in the large run (default 24 = 96 frames)")
    ap.add_argument("--size", type=int, default=256, help="phantom image side (default 256)")
    ap.add_argument("--repeats", type=int, default=1, help="times each run is repeated; the fastest counts")
    ap.add_argument("--markdown", help="write the report here (e.g. benchmarks/RESULTS-scale.md)")
    ap.add_argument("--json", help="write the raw figures here")
    args = ap.parse_args()
    if not 0 < args.small < args.large:
        raise SystemExit("--small must be above 0 and below --large")
    m = measure(args)
    anchors = anchor_table()
    write_json(args.json, {"measured": m, "anchors": anchors})
    text = markdown(m, anchors)
    if args.markdown:
        old = Path(args.markdown).read_text() if Path(args.markdown).exists() else ""
        ddp = "## Training on 2 processes (DDP)"  # bench_ddp_train.py's section is kept
        if ddp in old:
            text = text.rstrip("\n") + "\n\n" + ddp + old.split(ddp, 1)[1]
        Path(args.markdown).write_text(text)
        print(f"wrote {args.markdown}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
