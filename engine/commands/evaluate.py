"""`segroi evaluate`: accuracy of the SSL model or SAM against ground truth, stored as one run.

Ground truth comes from --truth (label PNGs named like `segment`'s output), from a `truth/`
folder beside a phantom/`save_frames` sidecar, or from a dataset's own format (CAMUS `_gt`,
EchoNet tracings). Each frame with ground truth gets Dice, IoU and HD95 per structure; each
measurement (areas, LV length, disk volumes, EF) is compared with the same measurement on the
ground truth. The failure rate for the cost model is the share of structures with Dice below
--tolerance (default 0.8). Two inputs with the same file stem in different folders would share
a frame name (and a --truth label): evaluate refuses them before anything is stored.

Provenance: phantom frames and all SAM results (simulated prompts) are stored as "simulated";
real data with the SSL model as "measured". SAM without a checkpoint is refused: random weights
give meaningless masks.

--ray ADDRESS scores the frames on a Ray cluster (engine/scale/inference.py) and stores the same
rows. The run is opened once the cluster is joined, so a job that fails (or finds no ground
truth) is stored as failed with its reason, and no row of it is kept.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace


def register(sub) -> None:
    from engine.commands.segment import add_ray_arguments
    from engine.measure.failure import DEFAULT_TOLERANCE
    from engine.measure.segmenters import add_model_arguments

    p = sub.add_parser(
        "evaluate",
        help="Dice/IoU/HD95 and clinical measurements against ground truth, stored as one run",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument("--data", required=True, nargs="+", help="image folders/files")
    p.add_argument("--truth", help="ground-truth label folder (else the dataset's own)")
    p.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"Dice below which a structure counts as a failure to re-trace (default {DEFAULT_TOLERANCE:g})",
    )
    p.add_argument("--disks", type=int, default=20, help="method-of-disks slices (default 20, ASE; the paper used 21)")
    add_model_arguments(p)
    add_ray_arguments(p)
    p.set_defaults(func=run)


def _fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def run(args) -> int:
    import time

    from engine.commands.progress import progress_bar

    from engine.commands.segment import check_ray_arguments
    from engine.data import load, require_unique_names
    from engine.errors import SegroiError
    from engine.measure.evaluation import evaluate
    from engine.measure.segmenters import make_labeller
    from engine.store import RunKind, open_store

    if not 0 < args.tolerance <= 1:
        raise SegroiError("--tolerance is a Dice value between 0 and 1")
    if args.disks < 1:
        raise SegroiError("--disks must be at least 1")
    check_ray_arguments(args)
    if args.ray is not None:
        return _run_ray(args)
    result = load(args.data, truth=args.truth)
    for p in result.problems:
        print(f"skipped {p}", file=sys.stderr)
    frames = result.require_frames()
    frames = [f for f in frames if f.mask is not None]
    if not frames:
        raise SegroiError(
            "no frame has ground truth: pass --truth with label PNGs named like `segroi segment`'s output"
        )
    # Ground truth is looked up, and results keyed, by <stem>_<idx>: same-stem files would be mixed up.
    require_unique_names(frames, UNIQUE_ADVICE)
    labeller = make_labeller(args)
    settings = _settings(args, labeller.weights, labeller.prompts, len(frames))
    store = open_store()
    with store.run(RunKind.EVALUATE, settings=settings) as run_:
        t0 = time.perf_counter()
        bar = progress_bar(total=len(frames), desc=f"evaluate ({args.model})")
        preds = []
        for start in range(0, len(frames), 16):
            preds.extend(labeller.label_maps(frames[start : start + 16], progress=bar.update))
        bar.close()
        seconds = time.perf_counter() - t0
        ev = evaluate(
            frames,
            preds,
            model=args.model,
            weights=labeller.weights,
            prompts=labeller.prompts,
            tolerance=args.tolerance,
            n_disks=args.disks,
        )
        run_.add("evaluations", ev.evaluations)
        run_.add("measurements", ev.measurements)
    _print_summary(ev, args, labeller, seconds, len(frames), run_.id)
    return 0


UNIQUE_ADVICE = (
    "nothing was stored: evaluate each folder in its own run (with its own --truth), or rename one of the files"
)


def _settings(args, weights: str, prompts: str, n_frames: int | None) -> dict:
    settings = {
        "model": args.model,
        "weights": weights,
        "data": [str(d) for d in args.data],
        "truth": args.truth,
        "frames": n_frames,
        "tolerance": args.tolerance,
        "failure_metric": "dice",
        "disks": args.disks,
        "prompts": prompts,
        "device": args.device,
        "measurement_reference": "same measurement on the ground-truth mask",
    }
    if args.model == "sam":
        settings.update(
            {
                "sam_variant": args.sam_variant,
                "sam_image_size": args.sam_image_size,
                "jitter": args.jitter,
                "seed": args.seed,
            }
        )
    return settings


def _run_ray(args) -> int:
    from engine.commands.progress import progress_bar

    from engine import __version__
    from engine.data import plan, require_unique_names
    from engine.errors import SegroiError
    from engine.measure.evaluation import combine
    from engine.measure.segmenters import labeller_spec
    from engine.scale import inference
    from engine.scale.cluster import connect
    from engine.store import RunKind, open_store

    spec = inference.absolute_spec(labeller_spec(args))
    weights, prompts = spec.check()
    items = list(plan([inference.absolute(d) for d in args.data], truth=inference.absolute(args.truth)))
    store = open_store()
    with connect(args.ray) as cluster:
        print(cluster.line(), file=sys.stderr)
        workers, gpus = inference.workers_for(cluster, args.device, args.ray_workers)
        settings = _settings(args, weights, prompts, None)
        job = inference.Job(
            "evaluate",
            spec,
            weights,
            prompts,
            workers,
            gpus_per_worker=gpus,
            retries=args.ray_retries,
            n_disks=args.disks,
            version=__version__,
        )
        settings["ray"] = {
            **cluster.settings(),
            "workers": workers,
            "gpus_per_worker": gpus,
            "threads_per_worker": job.threads,
            "batch": job.frames_per_call,
            "retries": job.retries,
        }
        with store.run(RunKind.EVALUATE, settings=settings) as run_:
            with progress_bar(desc=f"evaluate ({args.model}, ray)", unit="frame") as bar:
                outcome = inference.run(items, job, progress=bar.update)
            loaded = outcome.load_result()
            for p in loaded.problems:
                print(f"skipped {p}", file=sys.stderr)
            # light stand-ins for the frames the workers decoded (inference.Outcome.load_result)
            frames = [f for f in loaded.require_frames() if getattr(f, "has_mask", False)]
            if not frames:
                raise SegroiError(
                    "no frame has ground truth: pass --truth with label PNGs named like `segroi segment`'s output"
                )
            require_unique_names(frames, UNIQUE_ADVICE)
            ev = combine(
                [f.score for f in outcome.frames], model=args.model, tolerance=args.tolerance, n_disks=args.disks
            )
            run_.add("evaluations", ev.evaluations)
            run_.add("measurements", ev.measurements)
            run_.update_settings(
                {
                    "frames": len(frames),
                    "ray": {
                        **settings["ray"],
                        "seconds": round(outcome.seconds, 3),
                        "frames_per_worker": outcome.workers,
                    },
                }
            )
    _print_summary(ev, args, SimpleNamespace(weights=weights, prompts=prompts), outcome.seconds, len(frames), run_.id)
    return 0


def _print_summary(ev, args, labeller, seconds, n_frames, run_id) -> None:
    s = ev.summary()
    label = f"{args.model} ({labeller.weights})"
    print(f"evaluated {label} on {n_frames} frames in {seconds:.1f} s; provenance: {ev.provenance}")
    if args.model == "sam":
        print(f"  prompts: {labeller.prompts}")
    if ev.provenance == "simulated":
        print("  simulated: phantom data and/or simulated prompts - not a measurement on real patients")
    print(f"  {'structure':9} {'n':>4} {'Dice':>7} {'(sd)':>7} {'IoU':>7} {'HD95 mm':>8}")
    for name, r in s["structures"].items():
        print(
            f"  {name:9} {r['n']:>4} {_fmt(r['dice_mean']):>7} {_fmt(r['dice_sd']):>7} "
            f"{_fmt(r['iou_mean']):>7} {_fmt(r['hd95_mm_median'], '.1f'):>8}"
        )
    if s["measurements"]:
        print(f"  {'measurement':28} {'n':>4} {'r2':>6} {'MAE':>7} {'bias':>7} {'LoA':>17}")
        for name, a in sorted(s["measurements"].items()):
            loa = "-" if a["loa_low"] is None else f"{a['loa_low']:.2f}..{a['loa_high']:.2f}"
            print(
                f"  {name:28} {a['n']:>4} {_fmt(a['r2'], '.2f'):>6} {_fmt(a['mae'], '.2f'):>7} "
                f"{_fmt(a['bias'], '.2f'):>7} {loa:>17}"
            )
    if ev.failure_rate is not None:
        print(
            f"  failure rate: {ev.failure_rate:.3f} ({ev.failures}/{ev.structures} structures with Dice "
            f"< {ev.tolerance}); stored as measurement 'failure_rate' of run {run_id}"
        )
