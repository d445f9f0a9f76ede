"""The SSL U-Net's inference speed, one optimisation at a time (the >= 10,000 img/s H100 goal).

    python benchmarks/bench_unet_steps.py --device cuda --batch 256 --seconds 2.5 --out steps.json
    python benchmarks/bench_unet_steps.py --device cpu --batch 2 --seconds 1 --input-size 64   # code path check

Steps, each adding to the one before (the REFERENCES.md naive baseline is step 2 at batch 256):
    naive_fp32      eager, NCHW, fp32, PyTorch defaults
    autocast_bf16   + autocast to bf16
    channels_last   + channels_last memory format
    bf16_weights    + weights and inputs in bf16 (no autocast), cudnn.benchmark on
    compile         + torch.compile (inductor, default mode)
    cuda_graphs     + torch.compile(mode="reduce-overhead"): compiled kernels replayed as CUDA graphs
    max_autotune    + torch.compile(mode="max-autotune") (opt-in: --steps ...,max_autotune)
Then the fastest step is re-measured at each --final-batches size. Every measurement goes through
engine.profiling (same timing window, energy and memory as `segroi profile`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from benchlib import environment, table, write_json

STEPS = ["naive_fp32", "autocast_bf16", "channels_last", "bf16_weights", "compile", "cuda_graphs",
         "max_autotune"]
DEFAULT_STEPS = STEPS[:-1]


def setting_for(step: str, batch: int):
    from engine.profiling.settings import Setting

    s = Setting("full", "fp32", "fp32", batch, "plain")
    ladder = {
        "naive_fp32": s,
        "autocast_bf16": replace(s, dtype="bf16", dtype_mode="autocast"),
        "channels_last": replace(s, dtype="bf16", dtype_mode="autocast", channels_last=True,
                                 recipe="channels_last"),
        "bf16_weights": replace(s, dtype="bf16", dtype_mode="weights", channels_last=True,
                                cudnn_benchmark=True, recipe="tuned"),
    }
    if step in ladder:
        return ladder[step]
    mode = {"compile": "default", "cuda_graphs": "reduce-overhead", "max_autotune": "max-autotune"}[step]
    return replace(ladder["bf16_weights"], compile_mode=mode, recipe=step)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--final-batches", default="", help="comma list; the best step at these batches")
    p.add_argument("--steps", default=",".join(DEFAULT_STEPS))
    p.add_argument("--seconds", type=float, default=2.5)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--idle-seconds", type=float, default=2.0)
    p.add_argument("--input-size", type=int, default=256, help="below 256 only to check code paths")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--threads", type=int)
    p.add_argument("--out")
    args = p.parse_args(argv)

    import torch

    from engine.profiling.device import open_device
    from engine.profiling.profiler import ProfileOptions, measure
    from engine.profiling.workloads import SslUnetModel

    if args.threads:
        torch.set_num_threads(args.threads)
    steps = [s for s in args.steps.split(",") if s]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        p.error(f"unknown steps {unknown}")
    if args.device == "cpu":
        dropped = [s for s in steps if s in ("cuda_graphs", "max_autotune")]
        steps = [s for s in steps if s not in dropped]
        if dropped:
            print(f"cpu: skipping GPU-only steps {dropped}", file=sys.stderr)
    opts = ProfileOptions(seconds=args.seconds, warmup_seconds=args.warmup)
    device = open_device(args.device)
    env = environment(device)
    idle = device.idle_power(args.idle_seconds) if args.idle_seconds > 0 else None
    model = SslUnetModel(device.torch_device, input_size=args.input_size, width=args.width)
    rows = []
    for step in steps:
        print(f"{step} ...", file=sys.stderr, flush=True)
        row = measure(device, model, setting_for(step, args.batch), opts, idle)
        row["step"] = step
        rows.append(row)
        torch._dynamo.reset()
        print(f"  {row['images_per_second']:.1f} img/s", file=sys.stderr)
    base = rows[0]["images_per_second"] if rows else None
    for r in rows:
        r["speedup_vs_first"] = r["images_per_second"] / base if base else None
    best = max(rows, key=lambda r: r["images_per_second"]) if rows else None
    finals = []
    for b in [int(x) for x in args.final_batches.split(",") if x.strip()]:
        if best is None or b == args.batch:
            continue
        print(f"{best['step']} at batch {b} ...", file=sys.stderr, flush=True)
        try:
            row = measure(device, model, setting_for(best["step"], b), opts, idle)
        except torch.OutOfMemoryError:
            print(f"  batch {b}: out of memory", file=sys.stderr)
            continue
        finally:
            torch._dynamo.reset()
        row["step"] = best["step"]
        finals.append(row)
        print(f"  {row['images_per_second']:.1f} img/s", file=sys.stderr)
    overall = max(rows + finals, key=lambda r: r["images_per_second"]) if rows else None
    cols = [("step", "step"), ("batch", "batch"), ("images_per_second", "img/s"),
            ("speedup_vs_first", "x first"), ("joules_per_image", "J/img"),
            ("joules_per_image_idle_subtracted", "J/img idle-sub"), ("average_power_watts", "W"),
            ("peak_memory_bytes", "peak B"), ("compile_seconds", "first call s")]
    print(f"\n{env['device_name']}, torch {env['torch']}, input {model.in_channels}x"
          f"{args.input_size}x{args.input_size}, width {args.width}, idle {idle} W\n")
    print(table(rows + finals, cols))
    if overall:
        print(f"\nbest: {overall['step']} at batch {overall['batch']}: "
              f"{overall['images_per_second']:.1f} img/s")
    write_json(args.out, {"benchmark": "unet_steps", "environment": env, "idle_power_watts": idle,
                          "input_size": args.input_size, "width": args.width,
                          "seconds": args.seconds, "steps": rows, "final_batches": finals,
                          "best": overall})
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
