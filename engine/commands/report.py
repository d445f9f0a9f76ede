"""`segroi report --out FILE.pdf|FILE.xlsx|FILE.csv [--scenario NAME] [--lang en|ja]`: the PDF meeting
summary, or the same figures as a spreadsheet (engine/report/spreadsheet.py).

Uses the same summary, formats and figures as the dashboard's Export page, so the numbers match.
"""

from __future__ import annotations

import sys
import time


def register(sub) -> None:
    p = sub.add_parser("report", help="write the PDF meeting summary (or a spreadsheet) of a stored scenario")
    p.add_argument(
        "--out",
        required=True,
        help="file to write: .pdf, .xlsx, or .csv (with NAME-assumptions.csv and NAME-runs.csv beside it)",
    )
    p.add_argument("--scenario", help="stored scenario name (default: the reference scenario, else the only one)")
    p.add_argument("--lang", choices=["en", "ja"], default="en", help="language of the PDF (default en)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from engine import costmodel
    from engine.errors import SegroiError
    from engine.report import images, pdf, spreadsheet
    from engine.report.summary import summarize
    from engine.scenario_sources import pick_stored
    from engine.store import assumptions_of, open_store, results

    from engine.files import check_can_write

    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".pdf", *spreadsheet.SUFFIXES):
        raise SegroiError(f"--out must name a .pdf, .xlsx or .csv file, got {args.out!r}")
    check_can_write(out)  # before the PDF is built: a folder in its place, no such folder, no write access
    started = time.perf_counter()
    store = open_store(read_only=True)
    row = pick_stored(store.scenarios(), args.scenario)
    raw = assumptions_of(row)
    try:
        summary = summarize(raw)
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"stored scenario {row['name']!r} is not valid: {exc}") from exc
    if kind != ".pdf":
        written = spreadsheet.write(summary, out, args.lang, results.measured_runs(store))
        print(
            f"wrote {', '.join(str(p) for p in written)} (scenario {row['name']!r}, {args.lang}, "
            f"{time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
        return 0
    try:
        pdf.write(summary, out, args.lang, results.measured_runs(store))
    finally:
        images.stop()
    print(
        f"wrote {out} (scenario {row['name']!r}, {args.lang}, {time.perf_counter() - started:.1f} s)", file=sys.stderr
    )
    return 0
