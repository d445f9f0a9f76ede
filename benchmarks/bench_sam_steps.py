"""SAM's image encoder and decoder, one setting at a time (the ViT-H >= 25.6 img/s and >= 1.2x goal).

    python benchmarks/bench_sam_steps.py --device cuda --seconds 3 --out sam.json
    python benchmarks/bench_sam_steps.py --device cpu --image-size 128 --batch-scale 0 --seconds 0.5 \
        --plan sam_vit_b:autocast_bf16:1,sam_vit_b:sdpa:1,sam_vit_b:decoder:1     # code path check

A plan is a comma list of MODEL:STEP:BATCH, measured in that order (the most important first, so a
time limit cuts the least important). Steps:
    autocast_bf16    encoder, fp32 weights under bf16 autocast, segment-anything's own attention
                     (the REFERENCES.md naive bf16 anchor; the baseline of the ViT-H goal)
    fp32             encoder, fp32, own attention (the naive fp32 anchor)
    bf16_weights     encoder, weights and inputs in bf16, own attention, cudnn.benchmark on
    sdpa             bf16_weights + attention through scaled_dot_product_attention (`tuned`)
    compile          sdpa + torch.compile (default mode)
    autotune         sdpa + torch.compile(mode="max-autotune-no-cudagraphs")
    decoder          prompt encoder + mask decoder per box, fp32 (BATCH boxes per call)
    decoder_graphs   the same, compiled and replayed as CUDA graphs (reduce-overhead)
Models are built once, on the device (random weights), and kept while the plan runs. A step is
skipped, and says so, when the deadline leaves less time than it is expected to take; any error is
recorded and the next step runs. Results are written after every step.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace

from benchlib import Deadline, environment, exit_on_term, table
from ladder import Ladder, Step

MODELS = ("sam_vit_b", "sam_vit_l", "sam_vit_h")
STEPS = ("autocast_bf16", "fp32", "bf16_weights", "sdpa", "compile", "autotune", "decoder", "decoder_graphs")
GPU_ONLY = ("decoder_graphs", "autotune")
# The default plan, most important first: the ViT-H goal's baseline and candidates, then what the
# summary's other keys need (ViT-B at its best, the decoder per box), then the long compiles, then
# rows for comparison with the REFERENCES.md anchors.
PLAN = (
    "sam_vit_h:autocast_bf16:8,sam_vit_h:sdpa:8,sam_vit_h:bf16_weights:8,sam_vit_h:sdpa:16,"
    "sam_vit_b:sdpa:8,sam_vit_b:sdpa:16,sam_vit_b:decoder:1,sam_vit_h:compile:8,"
    "sam_vit_b:decoder_graphs:1,sam_vit_l:sdpa:8,sam_vit_b:autocast_bf16:8,sam_vit_b:compile:8,"
    "sam_vit_h:fp32:1"
)
# Expected seconds per step on an H100/H200 at the plan's batch, compile included (a step is started
# only when this much time is left): eager, a 1 s warm-up of at least 2 calls and a 3 s window
# (ViT-H b8: 0.4 s per call at the REFERENCES.md anchor's 20.2 img/s); compiling ViT-H's 32 blocks,
# a minute or more (not yet measured).
COST = {
    ("sam_vit_h", "compile"): 90,
    ("sam_vit_b", "compile"): 45,
    ("sam_vit_l", "compile"): 70,
    ("sam_vit_h", "autotune"): 300,
    ("sam_vit_b", "autotune"): 150,
    ("sam_vit_l", "autotune"): 240,
    "decoder_graphs": 30,
    "decoder": 5,
}
EAGER_COST = {"sam_vit_b": 5, "sam_vit_l": 7, "sam_vit_h": 8}
BUILD_COST = {"sam_vit_b": 2, "sam_vit_l": 4, "sam_vit_h": 6}


def setting_for(step: str, batch: int):
    from engine.profiling.settings import Setting

    if step.startswith("decoder"):
        s = Setting("decoder", "fp32", "fp32", batch, "plain")
        return replace(s, compile_mode="reduce-overhead", recipe="cuda_graphs") if step == "decoder_graphs" else s
    base = Setting("encoder", "bf16", "autocast", batch, "plain", attention="default")
    tuned = replace(base, dtype_mode="weights", cudnn_benchmark=True, recipe="tuned")
    return {
        "autocast_bf16": base,
        "fp32": replace(base, dtype="fp32", dtype_mode="fp32"),
        "bf16_weights": replace(tuned, recipe="bf16_weights"),
        "sdpa": replace(tuned, attention="sdpa"),
        "compile": replace(tuned, attention="sdpa", compile_mode="default", recipe="compile"),
        "autotune": replace(tuned, attention="sdpa", compile_mode="max-autotune-no-cudagraphs", recipe="autotune"),
    }[step]


def cost_of(model: str, step: str, batch: int, plan_batch: int = 8) -> float:
    if (model, step) in COST:
        return COST[(model, step)]
    if step in COST:
        return COST[step]
    return EAGER_COST[model] * max(1.0, batch / plan_batch)


def parse_plan(text: str, p) -> list[tuple[str, str, int]]:
    out = []
    for item in [x.strip() for x in text.split(",") if x.strip()]:
        parts = item.split(":")
        if len(parts) != 3 or parts[0] not in MODELS or parts[1] not in STEPS or not parts[2].isdigit():
            p.error(f"--plan: {item!r} is not MODEL:STEP:BATCH (models {', '.join(MODELS)}; steps {', '.join(STEPS)})")
        out.append((parts[0], parts[1], int(parts[2])))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--plan", default=PLAN)
    p.add_argument(
        "--batch-scale",
        type=float,
        default=1.0,
        help="multiply every encoder batch by this (at least 1 image); below 1 only to check code paths",
    )
    p.add_argument("--image-size", type=int, default=1024, help="below 1024 only to check code paths")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--idle-seconds", type=float, default=2.0)
    p.add_argument("--threads", type=int)
    p.add_argument("--deadline", type=float, help="seconds since the epoch: start no step after it")
    p.add_argument("--out")
    p.add_argument("--key", help="write the results under this key of the --out JSON object")
    p.add_argument("--store", action="store_true", help="store the measured rows as one profile run")
    args = p.parse_args(argv)
    plan = parse_plan(args.plan, p)

    import torch

    from engine.profiling.device import open_device
    from engine.profiling.profiler import ProfileOptions

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device == "cpu":
        dropped = [f"{m}:{s}" for m, s, _ in plan if s in GPU_ONLY]
        plan = [x for x in plan if x[1] not in GPU_ONLY]
        if dropped:
            print(f"cpu: skipping GPU-only steps {dropped}", file=sys.stderr)
    device = open_device(args.device)
    env = environment(device)
    idle = device.idle_power(args.idle_seconds) if args.idle_seconds > 0 else None
    header = {"benchmark": "sam_steps", "environment": env, "image_size": args.image_size, "plan": args.plan}
    kwargs = {m: {"image_size": args.image_size} for m in MODELS}
    ladder = Ladder(
        device,
        ProfileOptions(seconds=args.seconds, warmup_seconds=args.warmup),
        idle,
        Deadline(args.deadline),
        args.out,
        args.key,
        header,
        kwargs,
    )
    exit_on_term()
    try:
        for model, step, batch in plan:
            if not step.startswith("decoder"):
                batch = max(1, round(batch * args.batch_scale))
            cost = cost_of(model, step, batch) + (BUILD_COST[model] if model not in ladder.models else 0)
            ladder.run(Step(step, model, setting_for(step, batch), cost))
    finally:
        ladder.finish(
            store=args.store,
            command="python benchmarks/bench_sam_steps.py " + shlex.join(sys.argv[1:] if argv is None else argv),
        )

    cols = [
        ("model", "model"),
        ("step", "step"),
        ("batch", "batch"),
        ("status", "status"),
        ("images_per_second", "img/s"),
        ("seconds_per_prompt", "s/prompt"),
        ("joules_per_image", "J/img"),
        ("joules_per_prompt", "J/prompt"),
        ("average_power_watts", "W"),
        ("peak_memory_bytes", "peak B"),
        ("compile_seconds", "first call s"),
        ("step_seconds", "step s"),
    ]
    print(
        f"\n{env['device_name']}, torch {env['torch']}, SAM input 3x{args.image_size}x{args.image_size}, "
        f"idle {idle} W\n"
    )
    print(table(ladder.rows, cols))
    for m in MODELS:
        best = ladder.best(m, "encoder")
        if best:
            print(f"best {m} encoder: {best['step']} at batch {best['batch']}: {best['images_per_second']:.2f} img/s")
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
