"""`segroi inspect PATH... [--format json]`: what segroi makes of each file.

Uses the same reader as every other command (engine.data.inspect), so what it says is
what `train-ssl`, `segment`, `evaluate` and the dashboard will get. It exits 1 when any
file failed, after reporting all of them. No patient identifier is ever printed.
"""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "inspect",
        help="show how segroi reads each file (frames, size, calibration) and why a file is refused",
        description="Report, file by file and recursively through folders, what segroi reads: "
        "frames, size, photometric interpretation, transfer syntax, pixel spacing "
        "(and where it came from) or why a file cannot be used. Exits 1 if any file failed.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (walked recursively)")
    p.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="json: one object per file; spacing_mm is [x, y] = [column mm, row mm]",
    )
    p.set_defaults(func=run)


def _spacing(entry: dict) -> str:
    if entry["spacing_mm"]:
        x, y = entry["spacing_mm"]
        same = abs(x - y) < 1e-9
        text = f"{x:.4g} mm" if same else f"x {x:.4g} / y {y:.4g} mm"
        return f"{text} ({entry['spacing_source']})"
    return f"unknown: {entry['spacing_reason']}" if entry.get("spacing_reason") else "unknown"


def _table(entries: list[dict], out) -> None:
    from engine.report.escape import term  # file names from an archive are printed inert

    for e in entries:
        if e["status"] == "ok":
            parts = [f"{e['frames']} frame(s)", f"{e['rows']}x{e['columns']}"]
            if e["photometric"]:
                parts.append(e["photometric"])
            if e["transfer_syntax"]:
                parts.append(e["transfer_syntax"])
            if e.get("masks"):
                parts.append(f"{e['masks']} with ground truth")
            print(f"ok       {term(e['path'])}", file=out)
            print(f"         {', '.join(parts)}", file=out)
            print(f"         spacing {_spacing(e)}", file=out)
        else:
            print(f"{e['status']:8} {term(e['path'])}: {term(e['reason'])}", file=out)
        for w in e.get("warnings") or []:
            print(f"         warning: {term(w)}", file=out)
    counts = {s: sum(e["status"] == s for e in entries) for s in ("ok", "error", "skipped")}
    print(f"{len(entries)} file(s): {counts['ok']} ok, {counts['error']} error, {counts['skipped']} skipped", file=out)


def run(args) -> int:
    from engine.data import inspect

    entries = inspect(args.paths)
    if args.format == "json":
        print(json.dumps(entries, indent=1, default=str))
    else:
        _table(entries, sys.stdout)
    return 1 if any(e["status"] == "error" for e in entries) else 0
