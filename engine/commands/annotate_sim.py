"""`segroi annotate-sim`: a simulated annotator over frames with ground truth.

Prompts come from the ground truth and time from a stated model (see
engine/annotation/simulated.py); nothing is measured. The session and its items are written
in one run (kind annotate-sim) and every item is marked simulated.
"""

from __future__ import annotations

import json

from engine.errors import SegroiError


def register(sub) -> None:
    p = sub.add_parser(
        "annotate-sim",
        help="simulate an annotator (prompts from ground truth, stated time model); items are marked simulated",
        description="Simulate manual tracing, SAM prompting or SSL review on frames with ground-truth "
        "masks. Time per action is drawn from a lognormal with the stated mean and spread "
        "(defaults: 11.6 +/- 4.5 s per manual trace and 5.7 +/- 1.7 s per SAM-assisted "
        "structure, Chao et al. 2025; correction click 1.5 +/- 0.5 s and review 2.0 +/- "
        "0.8 s per structure are assumptions). Writes one run and one session; all items "
        "are marked simulated.",
    )
    p.add_argument("--task", required=True, choices=["manual", "sam", "ssl"])
    p.add_argument(
        "--data",
        required=True,
        metavar="DIR",
        help="folder or file of frames, or 'phantom' for the synthetic phantom in memory",
    )
    p.add_argument("--truth", metavar="DIR", help="folder of label PNGs (if the data carries no masks)")
    p.add_argument("--frames", type=int, metavar="N", help="use the first N frames (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--structures",
        default="LV,LA,RV,RA",
        help="comma-separated, of LV,LA,RV,RA (default all; only those in the truth are used)",
    )
    p.add_argument("--prompt", choices=["box", "points"], default="box", help="sam: first prompt")
    p.add_argument("--points", type=int, default=1, help="sam --prompt points: interior maxima used")
    p.add_argument(
        "--box-jitter",
        type=float,
        default=0.05,
        help="sam box: sd of each edge's shift as a fraction of the box side (default 0.05)",
    )
    p.add_argument("--point-jitter", type=float, default=2.0, help="sd of click jitter in pixels (default 2)")
    p.add_argument(
        "--dice-threshold",
        type=float,
        default=0.90,
        help="accept when Dice >= this; sam adds correction clicks below it (default 0.90)",
    )
    p.add_argument(
        "--max-corrections",
        type=int,
        default=5,
        help="sam: correction clicks before the structure counts as a failure (default 5)",
    )
    p.add_argument("--manual-seconds", type=float, nargs=2, default=[11.6, 4.5], metavar=("MEAN", "SD"))
    p.add_argument("--sam-seconds", type=float, nargs=2, default=[5.7, 1.7], metavar=("MEAN", "SD"))
    p.add_argument("--click-seconds", type=float, nargs=2, default=[1.5, 0.5], metavar=("MEAN", "SD"))
    p.add_argument("--review-seconds", type=float, nargs=2, default=[2.0, 0.8], metavar=("MEAN", "SD"))
    p.add_argument("--sam-variant", default="vit_b", choices=["vit_b", "vit_l", "vit_h"])
    p.add_argument("--sam-checkpoint", metavar="FILE", help="SAM weights; without it SAM has random weights")
    p.add_argument(
        "--sam-image-size", type=int, help="SAM input side (default 1024 with a checkpoint, 256 with random weights)"
    )
    p.add_argument("--weights", metavar="FILE", help="ssl: trained SSL weights (from segroi train-ssl)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (sam/ssl)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run)


def _params(args):
    from engine.annotation.simulated import SimParams

    return SimParams(
        manual_seconds_mean=args.manual_seconds[0],
        manual_seconds_sd=args.manual_seconds[1],
        sam_seconds_mean=args.sam_seconds[0],
        sam_seconds_sd=args.sam_seconds[1],
        correction_click_seconds_mean=args.click_seconds[0],
        correction_click_seconds_sd=args.click_seconds[1],
        review_seconds_mean=args.review_seconds[0],
        review_seconds_sd=args.review_seconds[1],
        dice_threshold=args.dice_threshold,
        max_corrections=args.max_corrections,
        prompt=args.prompt,
        points=args.points,
        box_jitter=args.box_jitter,
        point_jitter_px=args.point_jitter,
    )


def run(args) -> int:
    from engine.annotation.dataset import load_frames
    from engine.annotation.simulated import simulate
    from engine.annotation.summary import summarize
    from engine.store import RunKind, open_store

    params = _params(args)
    params.check()
    structures = [s.strip().upper() for s in args.structures.split(",") if s.strip()]
    frames, label = load_frames(args.data, truth=args.truth, frames=args.frames, seed=args.seed)
    settings = {"data": label, "truth": args.truth, "frames": len(frames)}
    segmenter = ssl_labels = None
    notes: list[str] = []
    if args.task == "sam":
        segmenter = _sam(args, settings, notes)
    elif args.task == "ssl":
        ssl_labels = _ssl_labels(args, frames, settings)
    store = open_store()
    with store.run(RunKind.ANNOTATE_SIM, settings={"task": args.task, **settings, "seed": args.seed}) as run:
        session, items = simulate(
            frames,
            args.task,
            params=params,
            seed=args.seed,
            structures=structures,
            segmenter=segmenter,
            ssl_labels=ssl_labels,
            dataset=label,
            settings=settings,
            session_id=run.id,
        )
        session.status = "done"
        run.add("annotation_sessions", {k: v for k, v in session.row().items() if k != "run_id"})
        run.add("annotation_items", [i.row(session) for i in items])
    rows = [{**i.row(session), "sam_weights": settings.get("sam_weights")} for i in items]
    estimates = summarize(rows, source=f"annotate-sim run {run.id}")
    _report(args, run.id, session, rows, estimates, notes)
    return 0


def _sam(args, settings: dict, notes: list[str]):
    from engine.models.sam import SamSegmenter

    size = args.sam_image_size or (1024 if args.sam_checkpoint else 256)
    seg = SamSegmenter(args.sam_variant, checkpoint=args.sam_checkpoint, device=args.device, image_size=size)
    settings.update(sam_variant=args.sam_variant, sam_weights=seg.weights, sam_image_size=size, device=args.device)
    if seg.weights == "random":
        notes.append(
            "SAM has RANDOM weights: its masks are meaningless, so Dice, corrections and "
            "failures say nothing about SAM; only the flow and the time model are exercised, and "
            "these items feed no cost-model input (neither times nor failure rates)."
        )
    return seg


def _ssl_labels(args, frames, settings: dict):
    if not args.weights:
        raise SegroiError(
            "the ssl task reviews the SSL model's masks: pass --weights FILE (trained weights from `segroi train-ssl`)"
        )
    from engine.models.ssl_net import SslSegmenter

    seg = SslSegmenter.load(args.weights, device=args.device)
    settings.update(ssl_weights=str(args.weights), device=args.device)
    return seg.predict(frames)


def _report(args, run_id, session, rows, estimates, notes) -> None:
    if args.format == "json":
        print(
            json.dumps(
                {
                    "run_id": run_id,
                    "session_id": session.id,
                    "task": session.task,
                    "items": len(rows),
                    "provenance": "simulated",
                    "notes": notes,
                    "estimates": {k: e.as_dict() for k, e in estimates.items()},
                },
                indent=1,
                default=str,
            )
        )
        return
    print(
        f"annotate-sim run {run_id}: {len(rows)} simulated {session.task} item(s) "
        f"on {session.frames_planned} frame(s) of {session.dataset}"
    )
    for note in notes:
        print(f"note: {note}")
    for field, e in estimates.items():
        ci = "" if e.low is None else f"  95% CI {e.low:.3g} to {e.high:.3g} ({e.method})"
        print(f"  {field:45} {e.value:.3g} {e.unit}  n={e.n}{ci}  [simulated]")
    dices = [r["dice"] for r in rows if r["dice"] is not None]
    if dices:
        print(f"  mean Dice of final masks: {sum(dices) / len(dices):.3f}")
