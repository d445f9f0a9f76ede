"""The results as a spreadsheet: the same summary as the dashboard and the PDF, as numbers a reader can
recompute with.

Three tables: the results per option (money in the scenario's currency, unrounded), every assumption with
its value, range, unit and provenance, and the measured runs with where and when they were measured.
`.xlsx` holds them as three sheets (openpyxl); `.csv` is one file per table, the results in the file named
and the other two beside it (`NAME-assumptions.csv`, `NAME-runs.csv`). Headers are in the reader's language;
numbers stay numbers (a fraction is 0.3, not "30%"), so the sheet can be recomputed.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

from engine.files import atomic_write
from engine.report import i18n
from engine.report.i18n import t
from engine.report.summary import option_names

SUFFIXES = (".xlsx", ".csv")
RESULT_KEYS = (
    "cost_per_study",
    "annual_cost",
    "setup_cost",
    "present_cost",
    "npv_savings_vs_manual",
    "payback_months",
    "roi",
    "human_hours_per_year",
)
RESULT_LABELS = {
    "cost_per_study": "metric.cost_per_study",
    "annual_cost": "metric.annual_cost",
    "setup_cost": "metric.setup_cost",
    "present_cost": "metric.present_cost",
    "npv_savings_vs_manual": "metric.npv_savings",
    "payback_months": "sheet.payback_months",
    "roi": "sheet.roi",
    "human_hours_per_year": "metric.human_hours",
}


def _num(x):
    """A number for a cell: floats and numpy numbers as float, NaN / infinity / None as an empty cell."""
    if x is None or isinstance(x, bool):
        return x
    try:
        f = float(x)
    except (TypeError, ValueError):
        return x
    return f if math.isfinite(f) else None


def results_table(summary: dict, lang: str = "en") -> tuple[list[str], list[list]]:
    """Header and one row per option: its name and kind, the currency, the cost model's outputs and, with
    ranges, the share of uncertainty draws in which it is cheapest and its savings' 5th/95th percentiles."""
    res = summary["result"]["options"]
    names = option_names(summary, lang)
    kinds = {o["name"]: o["kind"] for o in summary["options"]}
    mc = summary["monte_carlo"]
    header = [
        t("pdf.col.option", lang),
        t("sheet.option_key", lang),
        t("pdf.col.kind", lang),
        t("sheet.currency", lang),
    ] + [t(RESULT_LABELS[k], lang) for k in RESULT_KEYS]
    if mc:
        header += [t("sheet.p_cheapest", lang), t("sheet.savings_p5", lang), t("sheet.savings_p95", lang)]
    rows = []
    for o in res:
        row = [names[o], o, t(f"kind.{kinds.get(o, 'manual')}", lang), summary["currency"]]
        row += [_num(res[o].get(k)) for k in RESULT_KEYS]
        if mc:
            pct = mc["percentiles"][o]["npv_savings_vs_manual"]
            row += [_num(mc["p_cheapest"][o]), _num(pct["p5"]), _num(pct["p95"])]
        rows.append(row)
    return header, rows


def assumptions_table(summary: dict, lang: str = "en") -> tuple[list[str], list[list]]:
    """Header and one row per numeric assumption: label, dotted field, value, low, high, distribution,
    unit, provenance kind and source."""
    scenario = summary["scenario"]
    prov = summary["provenance"]
    labels = option_names(summary, lang, short=True)
    cur = summary["currency"]
    header = [
        t("pdf.col.field", lang),
        t("sheet.field_key", lang),
        t("pdf.col.value", lang),
        t("scenario.low", lang),
        t("scenario.high", lang),
        t("scenario.dist", lang),
        t("scenario.unit", lang),
        t("pdf.col.provenance", lang),
        t("pdf.col.source", lang),
    ]
    rows = []
    for field, spec in scenario.fields.items():
        if field not in scenario.point:
            continue
        unc = scenario.uncertain.get(field)
        p = prov.get(field) or {}
        rows.append(
            [
                i18n.field_label(field, lang, labels),
                field,
                _num(scenario.point[field]),
                _num(unc.low) if unc else None,
                _num(unc.high) if unc else None,
                unc.dist if unc else "",
                sheet_unit(spec.unit, cur, lang),
                i18n.provenance_name(p.get("kind", "assumed"), lang),
                i18n.source_text(p.get("source", ""), lang),
            ]
        )
    return header, rows


def sheet_unit(unit: str, currency: str, lang: str) -> str:
    """The unit of a number as the sheet holds it: fractions stay fractions (0.3), money names its currency."""
    if unit in i18n.PERCENT_UNITS:
        return t(f"sheet.unit.{'fraction' if unit == 'fraction' else 'per_year'}", lang)
    if unit.startswith("currency"):
        per = unit[len("currency") :]
        return currency + (i18n.unit_suffix("per" + per, lang) if per else "")
    return i18n.unit_suffix(unit, lang)


def runs_table(runs: list[dict] | None, lang: str = "en") -> tuple[list[str], list[list]]:
    """Header and one row per measured run: id, kind, hardware, when measured, when run, host, status."""
    header = [
        t("pdf.col.run", lang),
        t("pdf.col.kind", lang),
        t("pdf.col.hardware", lang),
        t("pdf.col.date", lang),
        t("bench.run.started_at", lang),
        t("bench.run.host", lang),
        t("pdf.col.status", lang),
    ]
    rows = [
        [
            r.get("id"),
            i18n.run_kind_name(r.get("kind", ""), lang),
            r.get("hardware") or "",
            _when(r.get("measured_at") or r.get("started_at")),
            _when(r.get("started_at")),
            r.get("host") or "",
            r.get("status") or "",
        ]
        for r in runs or []
    ]
    return header, rows


def _when(x) -> str:
    return "" if x is None else str(x)[:19]


def tables(summary: dict, lang: str = "en", runs: list[dict] | None = None) -> dict[str, tuple]:
    """{sheet name: (header, rows)} in the order they are written."""
    return {
        t("sheet.results", lang): results_table(summary, lang),
        t("sheet.assumptions", lang): assumptions_table(summary, lang),
        t("sheet.runs", lang): runs_table(runs, lang),
    }


def xlsx_bytes(summary: dict, lang: str = "en", runs: list[dict] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in tables(summary, lang, runs).items():
        ws = wb.create_sheet(name[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for col in ws.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(v):
    """Text a spreadsheet would take for a formula ("=...", "+...", "-...", "@...") is written as text."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def csv_text(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else _cell(v) for v in row])
    return buf.getvalue()


def csv_files(summary: dict, lang: str = "en", runs: list[dict] | None = None, stem: str = "results") -> dict[str, str]:
    """{file name: CSV text}: `stem`.csv (results), `stem`-assumptions.csv, `stem`-runs.csv."""
    (h1, r1), (h2, r2), (h3, r3) = tables(summary, lang, runs).values()
    return {
        f"{stem}.csv": csv_text(h1, r1),
        f"{stem}-assumptions.csv": csv_text(h2, r2),
        f"{stem}-runs.csv": csv_text(h3, r3),
    }


def csv_zip(summary: dict, lang: str = "en", runs: list[dict] | None = None, stem: str = "results") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_files(summary, lang, runs, stem).items():
            z.writestr(name, "\ufeff" + text)  # a byte-order mark, so spreadsheets read Japanese as UTF-8
    return buf.getvalue()


def write(summary: dict, out: str | Path, lang: str = "en", runs: list[dict] | None = None) -> list[Path]:
    """Write `out` (.xlsx, or .csv with its two companions), each file all at once; returns the files."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        data = xlsx_bytes(summary, lang, runs)
        return [atomic_write(out, lambda fh: fh.write(data))]
    written = []
    for name, text in csv_files(summary, lang, runs, out.stem).items():
        data = ("\ufeff" + text).encode("utf-8")
        written.append(atomic_write(out.with_name(name), lambda fh, d=data: fh.write(d)))
    return written
