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


def run(args) -> int:
    from pathlib import Path

    from engine import costmodel
    from engine.errors import SegroiError
    from engine.report import images, pdf
    from engine.report.summary import summarize
    from engine.scenario_sources import pick_stored
    from engine.store import assumptions_of, open_store, results

    from engine.files import check_can_write

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise SegroiError(f"--out must name a .pdf file, got {args.out!r}")
    check_can_write(out)  # before the PDF is built: a folder in its place, no such folder, no write access
    started = time.perf_counter()
    store = open_store(read_only=True)
    row = pick_stored(store.scenarios(), args.scenario)
    raw = assumptions_of(row)
    try:
        summary = summarize(raw)
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"stored scenario {row['name']!r} is not valid: {exc}") from exc
    try:
        pdf.write(summary, out, args.lang, results.measured_runs(store))
    finally:
        images.stop()
    print(f"wrote {out} (scenario {row['name']!r}, {args.lang}, {time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    return 0
