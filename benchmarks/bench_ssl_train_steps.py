"""Training throughput of the SSL U-Net: images per second through forward, loss, backward and Adam.

    python benchmarks/bench_ssl_train_steps.py --device cuda --seconds 3 --out train.json
    python benchmarks/bench_ssl_train_steps.py --device cpu --input-size 64 --width 8 --settings fp32:2 --seconds 1

What one step does is what segroi's label-free training does per batch: the 5-level U-Net (width 32,
256x256x1 input: the product's network) forward, soft Dice over the four chambers plus
cross-entropy, backward, one Adam step. Targets are random labels in 0-4; inputs are random
normal. Left out, and said so in the output: pseudo-labelling and QC (CPU work before training),
augmentation, and the per-step loss read-back to the host. So this is the GPU's share of training,
an upper bound on the whole pipeline's rate.

Settings (--settings, a comma list of DTYPE:BATCH, optionally :channels_last):
    fp32:8                  the product's training recipe (fp32, batch 8; cuDNN may use TF32 for
                            the convolutions, recorded)
    bf16:64:channels_last   autocast to bf16, channels_last, batch 64: what a tuned run could do
Timing and energy: engine.profiling's steady-state window (CUDA events, NVML energy counter) over
at least --seconds, after a warm-up. Results are written after every setting.
"""

from __future__ import annotations

import argparse
import sys

from benchlib import Deadline, environment, error_text, table, write_json

CLASSES = 5


def soft_dice_ce(logits, target):
    """Soft Dice of the four chamber classes (batch pooled) plus cross-entropy."""
    import torch
    import torch.nn.functional as F

    prob = torch.softmax(logits.float(), dim=1)
    onehot = F.one_hot(target, CLASSES).permute(0, 3, 1, 2).to(prob.dtype)
    inter = (prob * onehot).sum(dim=(0, 2, 3))
    total = prob.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    dice = 1.0 - ((2.0 * inter + 1.0) / (total + 1.0))[1:].mean()
    return dice + F.cross_entropy(logits.float(), target)


def parse_settings(text: str, p) -> list[tuple[str, int, bool]]:
    out = []
    for item in [x.strip() for x in text.split(",") if x.strip()]:
        parts = item.split(":")
        ok = (
            len(parts) in (2, 3)
            and parts[0] in ("fp32", "bf16")
            and parts[1].isdigit()
            and (len(parts) == 2 or parts[2] == "channels_last")
        )
        if not ok:
            p.error(f"--settings: {item!r} is not DTYPE:BATCH[:channels_last] (DTYPE fp32 or bf16)")
        out.append((parts[0], int(parts[1]), len(parts) == 3))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--settings", default="fp32:8,bf16:64:channels_last")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--input-size", type=int, default=256, help="below 256 only to check code paths")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--threads", type=int)
    p.add_argument("--deadline", type=float, help="seconds since the epoch: start no setting after it")
    p.add_argument("--out")
    p.add_argument("--key", help="write the results under this key of the --out JSON object")
    args = p.parse_args(argv)
    settings = parse_settings(args.settings, p)

    import contextlib

    import torch

    from engine.models.unet import UNet
    from engine.profiling import energy as en
    from engine.profiling.device import open_device
    from engine.profiling.profiler import tf32_flags
    from engine.profiling.timing import steady_state

    if args.threads:
        torch.set_num_threads(args.threads)
    deadline = Deadline(args.deadline)
    device = open_device(args.device)
    env = environment(device)
    dev = device.torch_device
    rows: list[dict] = []
    payload = {
        "benchmark": "ssl_train_steps",
        "environment": env,
        "input_size": args.input_size,
        "width": args.width,
        "levels": 5,
        "loss": "soft Dice (4 chambers) + cross-entropy",
        "optimizer": "Adam lr 1e-4",
        "excluded": "pseudo-labels and QC (CPU), augmentation, per-step loss read-back",
        "rows": rows,
    }
    for dtype, batch, channels_last in settings:
        label = f"{dtype} b{batch}" + (" channels_last" if channels_last else "")
        need = args.seconds + args.warmup + 8
        if not deadline.allows(need):
            rows.append(
                {
                    "setting": label,
                    "status": "skipped",
                    "reason": f"not started: about {need:.0f} s needed, "
                    f"{max(deadline.left(), 0):.0f} s left before the deadline",
                }
            )
            write_json(args.out, payload, key=args.key, quiet=True)
            continue
        print(f"train step {label} ...", file=sys.stderr, flush=True)
        try:
            torch.manual_seed(0)
            net = UNet(width=args.width).to(dev).train()
            x = torch.randn(batch, 1, args.input_size, args.input_size, device=dev)
            y = torch.randint(0, CLASSES, (batch, args.input_size, args.input_size), device=dev)
            if channels_last:
                net = net.to(memory_format=torch.channels_last)
                x = x.contiguous(memory_format=torch.channels_last)
            opt = torch.optim.Adam(net.parameters(), lr=1e-4)
            cast = torch.autocast(dev.type, dtype=torch.bfloat16) if dtype == "bf16" else contextlib.nullcontext()

            def step():
                with cast:
                    loss = soft_dice_ce(net(x), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()

            if hasattr(device.memory, "mark"):
                device.memory.mark()
            device.memory.reset()
            w = steady_state(
                step,
                seconds=args.seconds,
                timer=device.timer(),
                synchronize=device.synchronize,
                meter=device.energy.meter(),
                warmup_seconds=args.warmup,
            )
            images = w.iterations * batch
            raw, _ = en.per_item(w.energy.joules, images)
            rows.append(
                {
                    "setting": label,
                    "status": "ok",
                    "dtype": dtype,
                    "dtype_mode": "autocast" if dtype == "bf16" else "fp32",
                    "batch": batch,
                    "channels_last": channels_last,
                    **{f"{k}_allow_tf32": v for k, v in tf32_flags().items()},
                    "images_per_second": images / w.seconds,
                    "joules_per_image": raw,
                    "average_power_watts": w.energy.watts,
                    "energy_method": w.energy.method,
                    "window_seconds": w.seconds,
                    "iterations": w.iterations,
                    "timing_method": w.timing_method,
                    "peak_memory_bytes": device.memory.peak(),
                    "first_step_seconds": w.first_step_seconds,
                }
            )
            print(f"  {images / w.seconds:.1f} img/s", file=sys.stderr, flush=True)
        except Exception as exc:  # noqa: BLE001 - recorded; the next setting runs
            rows.append({"setting": label, "status": "error", "error": error_text(exc)})
            print(f"  error: {rows[-1]['error']}", file=sys.stderr)
        finally:
            net = opt = x = y = None
            if device.type == "cuda":
                torch.cuda.empty_cache()
        write_json(args.out, payload, key=args.key, quiet=True)
    write_json(args.out, payload, key=args.key)
    print(
        f"\n{env['device_name']}, torch {env['torch']}, U-Net width {args.width} on "
        f"1x{args.input_size}x{args.input_size}, training steps (no pseudo-labelling, no augmentation)\n"
    )
    print(
        table(
            rows,
            [
                ("setting", "setting"),
                ("status", "status"),
                ("images_per_second", "img/s"),
                ("joules_per_image", "J/img"),
                ("average_power_watts", "W"),
                ("peak_memory_bytes", "peak B"),
            ],
        )
    )
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
