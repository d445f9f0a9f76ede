"""`segroi segment`: one label PNG per frame.

Output: OUT/<source file stem>_<0-based frame index, 3 digits>.png, the size of its frame, values
0 background, 1 LV, 2 LA, 3 RV, 4 RA. Two inputs with the same file stem (site1/a.dcm and
site2/a.dcm) would share an output name: segment refuses them before writing anything;
segment such folders in separate runs.
--model ssl needs --weights (from `segroi train-ssl`) and reads no ground truth.
--model sam needs --sam-checkpoint and ground truth (--truth, or a dataset's own): its box
prompts are simulated from the reference masks (see engine/measure/prompts.py).
"""

from __future__ import annotations

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
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    import numpy as np
    from PIL import Image
    from tqdm import tqdm

    from engine.data import load, require_unique_names
    from engine.errors import SegroiError
    from engine.measure.segmenters import make_labeller

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise SegroiError(f"--out {out} exists and is not a folder")
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
    require_unique_names(frames, "nothing was written: run each folder separately, "
                                 "with its own --out (and --truth), or rename one of the files")
    if args.model == "sam":
        missing = [f.name for f in frames if f.mask is None]
        if len(missing) == len(frames):
            raise SegroiError("SAM prompts are simulated from ground truth, and no frame has any: pass --truth")
        for name in missing:
            print(f"skipped {name}: no ground truth to simulate SAM prompts from", file=sys.stderr)
        frames = [f for f in frames if f.mask is not None]
    out.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(frames), desc=f"segment ({args.model})", file=sys.stderr, leave=False)
    written = 0
    batch = 16
    maps = []
    for start in range(0, len(frames), batch):
        chunk = frames[start:start + batch]
        for f, label in zip(chunk, labeller.label_maps(chunk, progress=bar.update)):
            label = np.asarray(label, dtype=np.uint8)
            if label.shape != f.pixels.shape:
                raise SegroiError(f"{f.name}: label map {label.shape} does not match its frame {f.pixels.shape}")
            Image.fromarray(label).save(out / f"{f.name}.png")
            maps.append(label)
            written += 1
    bar.close()
    note = f"; prompts: {labeller.prompts}" if args.model == "sam" else ""
    print(f"wrote {written} label maps to {out} (model {args.model}, weights {labeller.weights}{note})")
    if args.model == "ssl":
        _qc_verdict(frames, maps)
    return 0


def _qc_verdict(frames, maps) -> None:
    """The anatomical QC of the SSL model's label maps: how many look like a heart's chambers."""
    from engine.models.ssl.train import qc_labels

    summary, _ = qc_labels(frames, maps)
    n, k = len(frames), summary.n_passed
    rules = ", ".join(f"{r} {c}" for r, c in summary.rules.most_common(3))
    tail = "" if k == n else (f"; the other {n - k} need review before use (most failures: {rules}); "
                              "`segroi qc --data ... --labels OUT` lists them")
    if summary.no_sector == n:
        tail += "; no echo sector (fan) was found in any frame: these do not look like echocardiograms"
    print(f"anatomical QC: {k} of {n} label maps ({k / n:.0%}) pass{tail}")
