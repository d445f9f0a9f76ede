"""The SSL U-Net's inference speed, one optimisation at a time (the >= 10,000 img/s goal).

    python benchmarks/bench_unet_steps.py --device cuda --batch 256 --seconds 3 --out steps.json
    python benchmarks/bench_unet_steps.py --device cpu --batch 2 --seconds 1 --input-size 64   # code path check

Steps, each adding to the one before (the REFERENCES.md naive baseline is naive_fp32 at batch 256;
its bf16 anchor is autocast_bf16):
    naive_fp32      eager, NCHW, fp32, PyTorch defaults (cuDNN may use TF32: recorded per row)
    autocast_bf16   + autocast to bf16
    channels_last   + channels_last memory format
    bf16_weights    + weights and inputs in bf16 (no autocast), cudnn.benchmark on
    compile         + torch.compile (inductor, default mode)
    cuda_graphs     + torch.compile(mode="reduce-overhead"): compiled kernels replayed as CUDA graphs
    autotune        + torch.compile(mode="max-autotune-no-cudagraphs"): autotuned kernels
    max_autotune    + torch.compile(mode="max-autotune"): autotuned kernels in CUDA graphs
Order of work: --steps at --batch; then the fastest so far at each of --final-batches; then
--late-steps (the long autotuning compiles) at --batch. A step is skipped, and says so, when the
deadline (--deadline, or the GPU check's GPU_CHECK_DEADLINE) leaves less time than it is expected to
take; any error in a step is recorded and the next step runs. Results are written after every step.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace

from benchlib import Deadline, environment, exit_on_term, table
from ladder import Ladder, Step

STEPS = [
    "naive_fp32",
    "autocast_bf16",
    "channels_last",
    "bf16_weights",
    "compile",
    "cuda_graphs",
    "autotune",
    "max_autotune",
]
GPU_ONLY = ("cuda_graphs", "autotune", "max_autotune")
# Expected seconds per step on an H100/H200 at batch 256, compile included (a step is started only
# when this much time is left): eager, a 1 s warm-up and a 3 s window plus cuDNN's search; default
# compile, the REFERENCES.md probe's 18 s plus the window; autotuning, minutes (not yet measured).
COST = {
    "naive_fp32": 6,
    "autocast_bf16": 6,
    "channels_last": 6,
    "bf16_weights": 8,
    "compile": 30,
    "cuda_graphs": 35,
    "autotune": 150,
    "max_autotune": 170,
}


def setting_for(step: str, batch: int):
    from engine.profiling.settings import Setting

    s = Setting("full", "fp32", "fp32", batch, "plain")
    ladder = {
        "naive_fp32": s,
        "autocast_bf16": replace(s, dtype="bf16", dtype_mode="autocast"),
        "channels_last": replace(s, dtype="bf16", dtype_mode="autocast", channels_last=True, recipe="channels_last"),
        "bf16_weights": replace(
            s, dtype="bf16", dtype_mode="weights", channels_last=True, cudnn_benchmark=True, recipe="tuned"
        ),
    }
    if step in ladder:
        return ladder[step]
    mode = {
        "compile": "default",
        "cuda_graphs": "reduce-overhead",
        "autotune": "max-autotune-no-cudagraphs",
        "max_autotune": "max-autotune",
    }[step]
    return replace(ladder["bf16_weights"], compile_mode=mode, recipe=step)


def _names(text: str, p) -> list[str]:
    names = [s for s in text.split(",") if s]
    unknown = [s for s in names if s not in STEPS]
    if unknown:
        p.error(f"unknown steps {unknown}; choose from {', '.join(STEPS)}")
    return names


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--final-batches", default="", help="comma list; the best step at these batches")
    p.add_argument("--steps", default="naive_fp32,autocast_bf16,channels_last,bf16_weights,compile,cuda_graphs")
    p.add_argument("--late-steps", default="", help="steps run last, e.g. autotune,max_autotune")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--idle-seconds", type=float, default=2.0)
    p.add_argument("--input-size", type=int, default=256, help="below 256 only to check code paths")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--threads", type=int)
    p.add_argument("--deadline", type=float, help="seconds since the epoch: start no step after it")
    p.add_argument("--out")
    p.add_argument("--key", help="write the results under this key of the --out JSON object")
    p.add_argument("--store", action="store_true", help="store the measured rows as one profile run")
    args = p.parse_args(argv)

    import torch

    from engine.profiling.device import open_device
    from engine.profiling.profiler import ProfileOptions

    if args.threads:
        torch.set_num_threads(args.threads)
    steps, late = _names(args.steps, p), _names(args.late_steps, p)
    if args.device == "cpu":
        dropped = [s for s in steps + late if s in GPU_ONLY]
        steps = [s for s in steps if s not in GPU_ONLY]
        late = [s for s in late if s not in GPU_ONLY]
        if dropped:
            print(f"cpu: skipping GPU-only steps {dropped}", file=sys.stderr)
    finals = [int(x) for x in args.final_batches.split(",") if x.strip()]
    device = open_device(args.device)
    env = environment(device)
    idle = device.idle_power(args.idle_seconds) if args.idle_seconds > 0 else None
    header = {
        "benchmark": "unet_steps",
        "environment": env,
        "input_size": args.input_size,
        "width": args.width,
        "batch": args.batch,
    }
    ladder = Ladder(
        device,
        ProfileOptions(seconds=args.seconds, warmup_seconds=args.warmup),
        idle,
        Deadline(args.deadline),
        args.out,
        args.key,
        header,
        {"ssl_unet": {"input_size": args.input_size, "width": args.width}},
    )
    scale = args.batch / 256
    exit_on_term()
    try:
        for name in steps:
            ladder.run(Step(name, "ssl_unet", setting_for(name, args.batch), COST[name] * max(scale, 0.5)))
        for b in finals:
            best = ladder.best("ssl_unet")
            if best is None or b == args.batch:
                continue
            ladder.run(Step(best["step"], "ssl_unet", setting_for(best["step"], b), COST[best["step"]] + 5 * b / 256))
        for name in late:
            ladder.run(Step(name, "ssl_unet", setting_for(name, args.batch), COST[name]))
    finally:
        rows = ladder.ok_rows()
        first = next((r for r in rows if r["batch"] == args.batch), None)
        for r in rows:
            r["speedup_vs_first"] = r["images_per_second"] / first["images_per_second"] if first else None
        ladder.finish(
            store=args.store,
            command="python benchmarks/bench_unet_steps.py " + shlex.join(sys.argv[1:] if argv is None else argv),
        )
    best = ladder.best("ssl_unet")
    cols = [
        ("step", "step"),
        ("batch", "batch"),
        ("status", "status"),
        ("images_per_second", "img/s"),
        ("speedup_vs_first", "x first"),
        ("joules_per_image", "J/img"),
        ("joules_per_image_idle_subtracted", "J/img idle-sub"),
        ("average_power_watts", "W"),
        ("peak_memory_bytes", "peak B"),
        ("compile_seconds", "first call s"),
        ("step_seconds", "step s"),
    ]
    print(
        f"\n{env['device_name']}, torch {env['torch']}, input 1x{args.input_size}x{args.input_size}, "
        f"width {args.width}, idle {idle} W\n"
    )
    print(table(ladder.rows, cols))
    if best:
        print(f"\nbest: {best['step']} at batch {best['batch']}: {best['images_per_second']:.1f} img/s")
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
