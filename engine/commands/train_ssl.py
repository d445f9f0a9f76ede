"""`segroi train-ssl`: train the label-free SSL segmenter and record the run.

No ground truth is read: the data are loaded with masks switched off (labels beside the images
are not even opened), and training drops any mask a frame might still carry.

Quick mode (--quick) is for a CPU demo: 64-pixel input, width 8, 4 U-Net levels, 15 epochs per
round, 2 rounds, batch 4, and Adam at a peak lr of 1e-2 (a few hundred steps must go far; at 3e-3
the right heart was sometimes not learnt in that budget). Any option given explicitly overrides
the preset. The defaults otherwise follow the paper's network: 256-pixel input, a 5-level U-Net
of width 32 (32->512 channels); the peak lr is 1e-3, not the paper's 1e-4, because a site's few
hundred frames give far fewer steps than the paper's 93,000 images (engine/models/ssl/train.py).

The network sees each frame's echo sector only (cropped to a square, zero outside the fan).
Cines: at most --frames-per-cine evenly spaced frames of each cine are used (default 16; 0: all).

A floor: when fewer than --min-qc-frames frames (default 20) or --min-qc-share of them (default
0.3) pass the anatomical QC, nothing is trained: the command exits 2 with the rules that rejected
most frames and what to check, and the run is stored as failed. When the network's own
predictions pass QC on less than --min-qc-ratio (default 0.6) times the pseudo-labels' pass rate,
it trains on for up to two more blocks of --epochs; if that does not help, the run fails and no
weights are written.

Several processes (torch.distributed DDP; gloo on CPU, NCCL on GPU): --nproc N starts N on this
machine; under torchrun (one or several machines) each process joins the group from torchrun's
environment. Same recipe and same global batch as one process: each process trains on
--batch-size / N frames of every batch (when it does not divide, the parts differ by one frame;
the loss and BatchNorm statistics are still those of the whole batch). Pseudo-labelling and QC are
split across the processes by cine. Rank 0 writes the weights and the run; the others write nothing.
"""

from __future__ import annotations

import sys
from typing import Any

DEFAULTS = {"image_size": 256, "width": 32, "levels": 5, "epochs": 20, "rounds": 2, "lr": 1e-3, "batch_size": 8}
QUICK = {"image_size": 64, "width": 8, "levels": 4, "epochs": 15, "rounds": 2, "lr": 1e-2, "batch_size": 4}


def register(sub) -> None:
    p = sub.add_parser(
        "train-ssl",
        help="train the label-free SSL U-Net (pseudo-labels, QC, self-training); no ground truth read",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument("--data", required=True, nargs="+", help="image folders/files (read without ground truth)")
    p.add_argument("--out", required=True, help="weights file to write")
    p.add_argument("--quick", action="store_true", help="small, fast CPU settings (see above)")
    p.add_argument("--image-size", type=int, help=f"network input side (default {DEFAULTS['image_size']})")
    p.add_argument("--width", type=int, help=f"U-Net first-level channels (default {DEFAULTS['width']})")
    p.add_argument("--levels", type=int, help=f"U-Net levels (default {DEFAULTS['levels']})")
    p.add_argument("--epochs", type=int, help=f"epochs per round (default {DEFAULTS['epochs']})")
    p.add_argument("--rounds", type=int, help=f"training rounds, 1 = pseudo-labels only (default {DEFAULTS['rounds']})")
    p.add_argument(
        "--lr", type=float, help=f"peak Adam learning rate (default {DEFAULTS['lr']:g}; the paper used 1e-4)"
    )
    p.add_argument(
        "--batch-size", type=int, help=f"batch size, over all processes with --nproc (default {DEFAULTS['batch_size']})"
    )
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's choice)")
    p.add_argument(
        "--frames-per-cine",
        type=int,
        default=16,
        help="at most this many evenly spaced frames of each cine (default 16; 0: every frame)",
    )
    p.add_argument(
        "--min-qc-frames",
        type=int,
        default=20,
        help="refuse to train when fewer frames pass the anatomical QC (default 20)",
    )
    p.add_argument(
        "--min-qc-share",
        type=float,
        default=0.3,
        help="refuse to train when a smaller share of frames passes the QC (default 0.3)",
    )
    p.add_argument(
        "--min-qc-ratio",
        type=float,
        default=0.6,
        help="fail when the network's own predictions pass QC less than this times as often "
        "as its pseudo-labels (default 0.6; 0 turns the check off)",
    )
    p.add_argument(
        "--nproc",
        type=int,
        help="train in N processes on this machine with torch DDP (gloo on CPU, NCCL on GPU: one GPU "
        "each); leave it out under torchrun",
    )
    p.set_defaults(func=run)


def settings_from(args) -> dict:
    base = QUICK if args.quick else DEFAULTS
    out = {}
    for key, value in base.items():
        given = getattr(args, key)
        out[key] = given if given is not None else value
    return out


def run(args) -> int:
    from pathlib import Path

    import torch

    from engine.commands.progress import progress_bar
    from engine.data import load
    from engine.errors import SegroiError
    from engine.models.ssl.train import TrainConfig, train_ssl
    from engine.profiling.device import open_device
    from engine.store import open_store

    s = settings_from(args)
    multiple = 2 ** (s["levels"] - 1)
    if s["image_size"] < multiple or s["image_size"] % multiple:
        raise SegroiError(f"--image-size must be a multiple of {multiple} for a {s['levels']}-level U-Net")
    for key in ("width", "epochs", "rounds", "batch_size", "levels"):
        if s[key] < 1:
            raise SegroiError(f"--{key.replace('_', '-')} must be at least 1")
    if not s["lr"] > 0:
        raise SegroiError("--lr must be positive")
    from engine.files import check_can_write

    if args.frames_per_cine < 0 or args.min_qc_frames < 0:
        raise SegroiError("--frames-per-cine and --min-qc-frames must not be negative")
    for name in ("min_qc_share", "min_qc_ratio"):
        if not 0 <= getattr(args, name) <= 1:
            raise SegroiError(f"--{name.replace('_', '-')} must be between 0 and 1")
    out = Path(args.out)
    if out.is_dir():
        raise SegroiError(f"--out {out} is a folder; give a file name for the weights")
    from engine.scale import ddp

    if args.nproc is not None:
        ddp.check_nproc(args.nproc, s["batch_size"], args.device)
        if args.nproc > 1:
            check_can_write(out, create_folder=True)
            return ddp.launch(args, args.nproc)
    group = ddp.join(args.device)  # None: one process
    lead = group is None or group.lead  # only rank 0 writes files, the store and the report
    if lead:
        check_can_write(out, create_folder=True)  # before training, not after
    if args.threads:
        torch.set_num_threads(args.threads)

    result = load(args.data, read_masks=False)
    for p in result.problems if lead else ():
        print(f"skipped {p}", file=sys.stderr)
    frames = result.require_frames()
    if any(f.mask is not None for f in frames):  # the reader promised not to read any
        raise SegroiError("internal error: ground truth reached label-free training")

    device = open_device(args.device, group.local_rank if group and args.device == "cuda" else 0)
    floor = {"min_frames": args.min_qc_frames, "min_share": args.min_qc_share, "min_ratio": args.min_qc_ratio}
    config = TrainConfig(
        device=str(device.torch_device),
        seed=args.seed,
        frames_per_cine=args.frames_per_cine,
        min_qc_frames=args.min_qc_frames,
        min_qc_share=args.min_qc_share,
        min_qc_ratio=args.min_qc_ratio,
        **s,
    )
    settings = {
        **s,
        "quick": bool(args.quick),
        "device": args.device,
        "seed": args.seed,
        "frames": len(frames),
        "loss": "soft Dice (5 classes) + cross-entropy",
        "optimizer": "Adam, warm-up + cosine",
        "ground_truth_read": False,
        "roi": config.roi,
        "frames_per_cine": args.frames_per_cine,
        "qc_floor": floor,
        "energy_scope": _energy_scope(device),
    }
    if group:
        settings.update(
            processes=group.world,
            backend=group.backend,
            energy_scope=_energy_scope(device) + " (measured by rank 0, on its machine only)",
        )
    command = "segroi train-ssl " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["train-ssl"] else None
    store = open_store() if lead else ddp.NoStore()
    bars: dict[str, Any] = {}

    def progress(stage, done, total):
        if stage not in bars:
            bars[stage] = progress_bar(total=total, desc=stage)
        bar = bars[stage]
        bar.n = done
        bar.refresh()

    def step(round_no, epoch, loss):
        key = f"round {round_no}"
        if key not in bars:
            bars[key] = progress_bar(total=s["epochs"], desc=f"round {round_no} epochs")
        bar = bars[key]
        bar.n = max(bar.n, epoch)  # epochs completed so far
        bar.set_postfix(loss=f"{loss:.3f}", refresh=False)
        bar.refresh()

    with store.run("train-ssl", settings=settings, command=command) as run_:
        if lead and getattr(args, "announce", None):
            args.announce(run_.id)  # --nproc: the launcher can mark the run failed if rank 0 dies
        meter = device.energy.meter()
        meter.start()
        try:
            trained = train_ssl(
                frames, config, progress=progress if lead else None, step=step if lead else None, ranks=group
            )
            device.synchronize()
            if group:
                group.barrier()  # every rank got this far before rank 0 writes anything
        finally:
            reading = meter.stop()
            for bar in bars.values():
                bar.close()
        if group is not None and not group.lead:  # a rank other than 0 (lead is False)
            device.close()
            group.close()
            print(f"rank {group.rank} of {group.world}: done; rank 0 writes the weights and the run")
            return 0
        trained.segmenter.save(
            out,
            meta={
                "run_id": run_.id,
                "frames": len(frames),
                "rounds": [r.__dict__ for r in trained.rounds],
                "settings": settings,
            },
        )
        run_.add("hardware", device.info())
        run_.add(
            "training_runs",
            {
                "images": trained.images,
                "epochs": s["epochs"],
                "rounds": s["rounds"],
                "image_size": s["image_size"],
                "width": s["width"],
                "device": args.device,
                "device_name": device.name(),
                "seconds": trained.seconds,
                "energy_joules": reading.joules,
                "energy_method": reading.method,
                "qc_pass_rates": [round(r.pass_rate, 4) for r in trained.rounds],
                "final_loss": trained.final_loss,
                "weights_path": str(out.resolve()),
                "qc_rejections": [
                    {"round": r.round, "source": r.source, **r.qc_rules} for r in [*trained.rounds, trained.final]
                ],
                "final_qc_pass_rate": round(trained.final.pass_rate, 4),
                "qc_floor": floor,
                "frames_offered": trained.frames_offered,
                "frames_per_cine": args.frames_per_cine,
                "cines": trained.cines,
            },
        )
    device.close()
    if group:
        group.close()
    print(
        f"trained on {trained.images} frames of {trained.cines} cines in {trained.seconds:.1f} s "
        f"({args.device}); weights: {out}"
    )
    if trained.frames_offered > trained.images:
        print(
            f"  {trained.frames_offered} frames read; at most {args.frames_per_cine} evenly spaced frames per cine used"
        )
    for r in [*trained.rounds, trained.final]:
        loss = f", final loss {r.final_loss:.3f}" if r.final_loss is not None else ""
        rules = ", ".join(f"{k} {v}" for k, v in sorted(r.qc_rules.items(), key=lambda kv: -kv[1]))
        kept = f", {r.pseudo_kept} kept their pseudo-label" if r.pseudo_kept else ""
        more = f", {r.extra_epochs} extra epochs first (predictions had collapsed)" if r.extra_epochs else ""
        what = "final network's predictions" if r.source == "final" else f"round {r.round} ({r.source})"
        trained_on = f", trained on {r.trained_on}{kept}" if r.source != "final" else ""
        print(
            f"  {what}: QC passed {r.passed}/{r.frames} ({r.pass_rate:.0%}){trained_on}{more}{loss}"
            + (f"; frames rejected per rule: {rules}" if rules else "")
        )
    energy = (
        f"{reading.joules:.0f} J ({reading.method})"
        if reading.joules is not None
        else f"not measured ({reading.method})"
    )
    print(f"  energy: {energy}; run {run_.id}")
    return 0


def _energy_scope(device) -> str:
    method = device.energy.method
    if method == "rapl":
        return "CPU package counters: every process on the machine, not only this one"
    if method.startswith("nvml"):
        return "the GPU board (other work on the same GPU included)"
    return "not measured"
