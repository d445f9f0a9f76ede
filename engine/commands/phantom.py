"""`segroi phantom`: write a synthetic echo data set with exact ground truth."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "phantom",
        help="write synthetic A4C/A2C echo frames with exact ground-truth masks and volumes",
        description=(
            "Writes 4 frames per study (A4C and A2C, ED and ES) as <study>_<view>_<phase>_000.png, "
            "a frames.json sidecar (pixel spacing, view, phase, study, true LV volumes and EF) and "
            "label PNGs with the same names in OUT/truth/ (0 background, 1 LV, 2 LA, 3 RV, 4 RA). "
            "Style a and style b are generated differently (speckle model, gain, sector, shapes). "
            "The other styles are the robustness family (engine/data/phantom_family.py): one "
            "multi-frame DICOM cine per study (end-diastole to end-systole) in OUT/dicom, calibrated "
            "in the Sequence of Ultrasound Regions, with scanner overlays, and label PNGs in OUT/truth "
            "(evaluate with --data OUT/dicom --truth OUT/truth)."
        ),
    )
    p.add_argument("--out", required=True, help="folder to write (created if missing)")
    p.add_argument("--studies", type=int, default=10, help="number of studies (default 10)")
    from engine.data.phantom_family import LOOKS

    p.add_argument("--style", choices=["a", "b", *LOOKS], default="a", help="look of the phantom (default a)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--size", type=int, default=256, help="image side in pixels (default 256)")
    p.add_argument("--first", type=int, default=0, help="number of the first study (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from engine.data.phantom import make_study, write_phantom
    from engine.errors import SegroiError

    if args.studies < 1:
        raise SegroiError("--studies must be at least 1")
    if args.size < 64 or args.size > 2048:
        raise SegroiError("--size must be between 64 and 2048 pixels")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise SegroiError(f"--out {out} exists and is not a folder")
    if args.style not in ("a", "b"):
        return _family(args, out)
    written = 0
    for i in range(args.first, args.first + args.studies):
        frames = make_study(i, seed=args.seed, style=args.style, size=args.size)
        written += len(write_phantom(frames, out))
        print(f"\rphantom: study {i - args.first + 1}/{args.studies}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(
        f"wrote {written} frames of {args.studies} studies (style {args.style}, seed {args.seed}, "
        f"{args.size} px) to {out}; ground truth in {out / 'truth'}"
    )
    return 0


def _family(args, out) -> int:
    from engine.data.phantom_family import make_study, write_study

    for i in range(args.first, args.first + args.studies):
        write_study(make_study(i, args.style, args.seed), out / "dicom", out / "truth")
        print(f"\rphantom: study {i - args.first + 1}/{args.studies}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(
        f"wrote {args.studies} cines (style {args.style}, seed {args.seed}) as DICOM to {out / 'dicom'}; "
        f"ground truth in {out / 'truth'} (--size does not apply: the style sets the screen size)"
    )
    return 0
