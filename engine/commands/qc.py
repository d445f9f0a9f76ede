"""`segroi qc`: the anatomical QC on each frame, and a verdict for the whole set.

Without --labels it checks the classical pseudo-labels, which is what `segroi train-ssl` would
train on: the verdict says whether train-ssl's floor would be met. With --labels (a folder of
label PNGs named like `segroi segment`'s output) it checks those label maps instead, e.g. an SSL
model's output on new images. Frames are grouped into cines (one source file) so the cine
consistency rule applies. Nothing is stored; no ground truth is read. The exit status is 0 when
the check ran, whatever it found; 2 on bad input.
"""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "qc",
        help="anatomical QC of pseudo-labels (what train-ssl would use) or of label maps, frame by frame",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument("--data", required=True, nargs="+", help="image folders/files (read without ground truth)")
    p.add_argument("--labels", help="folder of label PNGs <stem>_<idx>.png to check instead of pseudo-labels")
    p.add_argument("--min-qc-frames", type=int, default=20, help="train-ssl's floor, for the verdict (default 20)")
    p.add_argument("--min-qc-share", type=float, default=0.3, help="train-ssl's floor, for the verdict (default 0.3)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run)


def run(args) -> int:
    from collections import Counter
    from pathlib import Path

    from engine.data import load
    from engine.data.images import read_label
    from engine.data.problems import ReadError, max_file_bytes
    from engine.errors import SegroiError
    from engine.models.ssl.train import cines, label_cine, qc_cine, qc_labels

    result = load(args.data, read_masks=False)
    for p in result.problems:
        print(f"skipped {p}", file=sys.stderr)
    frames = result.require_frames()
    labels_dir = Path(args.labels) if args.labels else None
    if labels_dir is not None and not labels_dir.is_dir():
        raise SegroiError(f"--labels {labels_dir} is not a folder")
    rows = []
    rules: Counter = Counter()
    if labels_dir is None:
        for group in cines(frames):
            cine = [frames[i] for i in group]
            pseudo = label_cine(cine)
            sector = pseudo[0].sector if pseudo else None
            for f, q, pl in zip(cine, qc_cine(cine, [p.label for p in pseudo], sector), pseudo):
                rules.update(set(q.rules))
                rows.append(
                    {
                        "frame": f.name,
                        "passed": q.passed,
                        "view": q.view,
                        "rules": q.rules,
                        "reasons": q.reasons,
                        "note": pl.reason,
                    }
                )
    else:
        maps = []
        for f in frames:
            path = labels_dir / f"{f.name}.png"
            if not path.is_file():
                raise SegroiError(f"no label map {path.name} in {labels_dir} for frame {f.name}")
            try:
                maps.append(read_label(path, f.pixels.shape, max_file_bytes()))
            except ReadError as exc:
                raise SegroiError(str(exc)) from None
        _, per = qc_labels(frames, maps)
        for f, q in zip(frames, per):
            rules.update(set(q.rules))
            rows.append(
                {
                    "frame": f.name,
                    "passed": q.passed,
                    "view": q.view,
                    "rules": q.rules,
                    "reasons": q.reasons,
                    "note": None,
                }
            )
    n = len(rows)
    k = sum(r["passed"] for r in rows)
    what = "label maps" if labels_dir is not None else "pseudo-labels"
    if labels_dir is not None:
        verdict = f"{k} of {n} label maps ({k / n:.0%}) pass the anatomical QC" + (
            "" if k == n else "; the others are not to be trusted without review"
        )
    else:
        enough = k >= args.min_qc_frames and k >= args.min_qc_share * n and k > 0
        verdict = f"{k} of {n} frames ({k / n:.0%}) have pseudo-labels that pass the anatomical QC: " + (
            "train-ssl's floor is met"
            if enough
            else f"below train-ssl's floor ({args.min_qc_frames} frames and {args.min_qc_share:.0%}); "
            "train-ssl would refuse these images"
        )
    if args.format == "json":
        print(
            json.dumps(
                {
                    "checked": what,
                    "frames": rows,
                    "passed": k,
                    "total": n,
                    "rejected_by_rule": dict(rules),
                    "verdict": verdict,
                },
                indent=1,
            )
        )
        return 0
    for r in rows:
        status = "pass" if r["passed"] else "FAIL"
        detail = "" if r["passed"] else ": " + "; ".join(r["reasons"][:4])
        note = f" ({r['note']})" if r["note"] else ""
        print(f"{status}  {r['frame']}{note}{detail}")
    if rules:
        print("frames rejected per rule: " + ", ".join(f"{k_} {v}" for k_, v in rules.most_common()))
    print(f"verdict: {verdict}")
    return 0
