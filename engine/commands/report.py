"""`segroi report --out FILE.pdf [--scenario NAME] [--lang en|ja]`: the PDF meeting summary.

Uses the same summary, formats and figures as the dashboard's Export page, so the numbers match.
"""

from __future__ import annotations

import sys
import time


def register(sub) -> None:
    p = sub.add_parser("report", help="write the PDF meeting summary of a stored scenario")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--scenario", help="stored scenario name (default: the reference scenario, else the only one)")
    p.add_argument("--lang", choices=["en", "ja"], default="en", help="language of the PDF (default en)")
    p.set_defaults(func=run)


def pick_scenario(rows: list[dict], name: str | None) -> dict:
    from engine.errors import SegroiError

    names = [r["name"] for r in rows]
    if not rows:
        raise SegroiError("the store holds no scenario: run `segroi demo` to load the reference scenario "
                          "(or `segroi scenario` to add your own)")
    if name is None:
        preferred = [n for n in names if n.lower().startswith("reference")]
        if preferred:
            name = preferred[0]
        elif len(names) == 1:
            name = names[0]
        else:
            raise SegroiError(f"several scenarios are stored; pick one with --scenario ({', '.join(names)})")
    for r in rows:
        if r["name"] == name:
            return r
    raise SegroiError(f"no scenario named {name!r} in the store; stored: {', '.join(names)}")


def run(args) -> int:
    from pathlib import Path

    from engine import costmodel
    from engine.errors import SegroiError
    from engine.report import data, images, pdf
    from engine.report.summary import summarize
    from engine.store import open_store

    from engine.files import check_can_write

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise SegroiError(f"--out must name a .pdf file, got {args.out!r}")
    check_can_write(out)  # before the PDF is built: a folder in its place, no such folder, no write access
    started = time.perf_counter()
    store = open_store(read_only=True)
    row = pick_scenario(store.scenarios(), args.scenario)
    raw = dict(row["assumptions"])
    if row.get("provenance") and "provenance" not in raw:
        raw["provenance"] = row["provenance"]
    try:
        summary = summarize(raw)
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"stored scenario {row['name']!r} is not valid: {exc}") from exc
    try:
        pdf.write(summary, out, args.lang, data.measured_runs(store))
    finally:
        images.stop()
    print(f"wrote {out} (scenario {row['name']!r}, {args.lang}, {time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    return 0
