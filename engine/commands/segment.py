"""`segroi segment`: one label PNG per frame.

Output: OUT/<source file stem>_<0-based frame index, 3 digits>.png, the size of its frame, values
0 background, 1 LV, 2 LA, 3 RV, 4 RA. Two inputs with the same file stem (site1/a.dcm and
site2/a.dcm) would share an output name: segment refuses them before writing anything;
segment such folders in separate runs.
--model ssl needs --weights (from `segroi train-ssl`) and reads no ground truth.
--model sam needs --sam-checkpoint and ground truth (--truth, or a dataset's own): its box
prompts are simulated from the reference masks (see engine/measure/prompts.py).
--ray ADDRESS runs the same work on a Ray cluster (engine/scale/inference.py) with the same
label maps, byte for byte; every node must see --data, --out and the weights at the same paths.
The label maps are written into a staging folder inside --out and moved into place only when the
whole job has succeeded.
"""

from __future__ import annotations

import os
import sys


def register(sub) -> None:
    from engine.measure.segmenters import add_model_arguments

    p = sub.add_parser(
        "segment",
        help="write one label PNG per frame (0 bg, 1 LV, 2 LA, 3 RV, 4 RA) with the SSL model or SAM",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument("--data", required=True, nargs="+", help="image folders/files")
    p.add_argument("--out", required=True, help="folder for the label PNGs")
    p.add_argument("--truth", help="ground-truth label folder (SAM prompts are simulated from it)")
    add_model_arguments(p)
    add_ray_arguments(p)
    p.set_defaults(func=run)


def add_ray_arguments(p) -> None:
    from engine.scale.cluster import ADDRESS_HELP

    g = p.add_argument_group("Ray (more than one machine)")
    g.add_argument("--ray", metavar="ADDRESS", help=ADDRESS_HELP)
    g.add_argument(
        "--ray-workers",
        type=int,
        metavar="N",
        help="model workers (default: one per GPU with --device cuda, else one per CPU less one per node)",
    )
    g.add_argument(
        "--ray-retries",
        type=int,
        default=3,
        metavar="N",
        help="times Ray retries the work of a worker that died (default 3)",
    )


def check_ray_arguments(args) -> None:
    from engine.errors import SegroiError

    if args.ray is None:
        for flag, value, default in (("--ray-workers", args.ray_workers, None), ("--ray-retries", args.ray_retries, 3)):
            if value != default:
                raise SegroiError(f"{flag} needs --ray ADDRESS")
        return
    from engine.scale.cluster import check_address

    check_address(args.ray)
    if args.ray_workers is not None and args.ray_workers < 1:
        raise SegroiError("--ray-workers must be at least 1")
    if not 0 <= args.ray_retries <= 100:
        raise SegroiError("--ray-retries must be between 0 and 100")


def run(args) -> int:
    from pathlib import Path

    import numpy as np
    from engine.commands.progress import progress_bar

    from engine.data import load, require_unique_names
    from engine.errors import SegroiError
    from engine.measure.segmenters import make_labeller, save_label_map

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise SegroiError(f"--out {out} exists and is not a folder")
    check_ray_arguments(args)
    if args.ray is not None:
        return _run_ray(args, out)
    labeller = make_labeller(args)
    if args.model == "ssl":
        if args.truth:
            print("note: --truth is not used by --model ssl", file=sys.stderr)
        result = load(args.data, read_masks=False)
    else:
        result = load(args.data, truth=args.truth)
    for p in result.problems:
        print(f"skipped {p}", file=sys.stderr)
    frames = result.require_frames()
    # Output names are <stem>_<idx>.png: same-stem files in two folders would overwrite each other.
    require_unique_names(frames, UNIQUE_ADVICE)
    frames = _keep_prompted(frames, args.model)
    out.mkdir(parents=True, exist_ok=True)
    bar = progress_bar(total=len(frames), desc=f"segment ({args.model})")
    written = 0
    batch = 16
    maps = []
    for start in range(0, len(frames), batch):
        chunk = frames[start : start + batch]
        for f, label in zip(chunk, labeller.label_maps(chunk, progress=bar.update)):
            save_label_map(out, f, label)
            maps.append(np.asarray(label, dtype=np.uint8))
            written += 1
    bar.close()
    _done(args, out, written, labeller.weights, labeller.prompts)
    if args.model == "ssl":
        _qc_verdict(frames, maps)
    return 0


def _done(args, out, written: int, weights: str, prompts: str) -> None:
    note = f"; prompts: {prompts}" if args.model == "sam" else ""
    print(f"wrote {written} label maps to {out} (model {args.model}, weights {weights}{note})")


def _keep_prompted(frames: list, model: str) -> list:
    """SAM needs ground truth to simulate its prompts: frames without it are skipped, each said so."""
    from engine.errors import SegroiError

    if model != "sam":
        return frames
    missing = [f.name for f in frames if not _has_mask(f)]
    if len(missing) == len(frames):
        raise SegroiError("SAM prompts are simulated from ground truth, and no frame has any: pass --truth")
    for name in missing:
        print(f"skipped {name}: no ground truth to simulate SAM prompts from", file=sys.stderr)
    return [f for f in frames if _has_mask(f)]


def _has_mask(f) -> bool:
    """A frame's mask, or a Ray run's stand-in that says whether its frame had one."""
    return f.has_mask if hasattr(f, "has_mask") else f.mask is not None


UNIQUE_ADVICE = (
    "nothing was written: run each folder separately, with its own --out (and --truth), or rename one of the files"
)


def _run_ray(args, out) -> int:
    import shutil
    import uuid
    from pathlib import Path

    from engine.commands.progress import progress_bar

    from engine import __version__
    from engine.data import plan, require_unique_names
    from engine.measure.segmenters import labeller_spec
    from engine.scale import inference
    from engine.scale.cluster import connect

    spec = inference.absolute_spec(labeller_spec(args))
    weights, prompts = spec.check()
    out = Path(str(inference.absolute(out)))
    data = [inference.absolute(d) for d in args.data]
    if args.model == "ssl":
        if args.truth:
            print("note: --truth is not used by --model ssl", file=sys.stderr)
        items = list(plan(data, read_masks=False))
    else:
        items = list(plan(data, truth=inference.absolute(args.truth)))
    with connect(args.ray) as cluster:
        print(cluster.line(), file=sys.stderr)
        workers, gpus = inference.workers_for(cluster, args.device, args.ray_workers)
        out.mkdir(parents=True, exist_ok=True)
        staging = out / f".segroi-partial-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
        try:
            job = inference.Job(
                "segment",
                spec,
                weights,
                prompts,
                workers,
                gpus_per_worker=gpus,
                retries=args.ray_retries,
                staging=str(staging),
                version=__version__,
            )
            with progress_bar(desc=f"segment ({args.model}, ray)", unit="frame") as bar:
                outcome = inference.run(items, job, progress=bar.update)
            loaded = outcome.load_result()
            for p in loaded.problems:
                print(f"skipped {p}", file=sys.stderr)
            frames = loaded.require_frames()
            require_unique_names(frames, UNIQUE_ADVICE)
            _keep_prompted(frames, args.model)
            for f in outcome.frames:
                os.replace(staging / f"{f.name}.png", out / f"{f.name}.png")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    print(
        f"ray: {len(outcome.frames)} frames in {outcome.seconds:.1f} s on {len(outcome.workers)} worker(s)",
        file=sys.stderr,
    )
    _done(args, args.out, len(outcome.frames), weights, prompts)
    if args.model == "ssl":
        # QC looks at whole cines (one sector fit per cine), which the workers' batches split; at archive
        # scale the driver does not decode every frame again, so it says where the verdict comes from.
        print(
            f"anatomical QC: not run in a Ray run; `segroi qc --data ... --labels {args.out}` checks these label maps"
        )
    return 0


def _qc_verdict(frames, maps) -> None:
    """The anatomical QC of the SSL model's label maps: how many look like a heart's chambers."""
    from engine.models.ssl.train import qc_labels

    summary, _ = qc_labels(frames, maps)
    n, k = len(frames), summary.n_passed
    rules = ", ".join(f"{r} {c}" for r, c in summary.rules.most_common(3))
    tail = (
        ""
        if k == n
        else (
            f"; the other {n - k} need review before use (most failures: {rules}); "
            "`segroi qc --data ... --labels OUT` lists them"
        )
    )
    if summary.no_sector == n:
        tail += "; no echo sector (fan) was found in any frame: these do not look like echocardiograms"
    print(f"anatomical QC: {k} of {n} label maps ({k / n:.0%}) pass{tail}")
