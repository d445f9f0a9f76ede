"""The meeting summary: an A4 PDF of three pages or more, built with fpdf2, legible with 2-8 options.

Page 1: the recommendation, the headline figures (one row per option) and which option is cheapest
at each yearly volume.
Page 2: what each option costs (per study, per year by part, setup) and the cumulative cost with
the crossovers.
Page 3 on: the tornado of the focus option, every assumption with its provenance, then what was
measured, where and when (hardware, dates, run ids). Every page's footer: date, scenario, segroi
version.

Text and numbers come from `engine.report.summary.headline` and `engine.report.i18n`, charts
from `engine.report.figures` - the same functions the dashboard uses. User-provided text (the
scenario's name, provenance sources, stored run details) is written literally
(engine.report.escape.pdf), so a "{nb}" or "{page}" in a name stays as it is (PAGES_ALIAS below).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from engine import __version__
from engine.errors import SegroiError
from engine.files import atomic_write
from engine.report import escape, figures, i18n, images, linebreak
from engine.report.i18n import t
from engine.report.summary import assumption_rows, figure_provenance, headline

# fpdf2's page-count alias, replaced by the number of pages when the document is closed. fpdf2's
# default is "{nb}", which a scenario name can hold; this one is made of private-use characters,
# which escape.pdf takes out of every text segroi writes into the PDF, so only the footer has it.
PAGES_ALIAS = "\ue000\ue001"

FONT = "segroi"
PAGE_W = 210
MARGIN = 14
CONTENT_W = PAGE_W - 2 * MARGIN
TEXT = (27, 38, 49)
MUTED = (93, 109, 126)
ACCENT = (31, 111, 139)
HEAD_FILL = (230, 238, 243)
MAX_RUNS = 12


def font_path() -> Path:
    """IPAexGothic from the matplotlib-fontja wheel (Latin and Japanese in one TTF), else Debian's copy."""
    try:
        import matplotlib_fontja

        path = Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"
        if path.exists():
            return path
    except ImportError:
        pass
    for candidate in (
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    ):
        if Path(candidate).exists():
            return Path(candidate)
    raise SegroiError("no Japanese-capable font found: install matplotlib-fontja (pip) or fonts-ipaexfont-gothic")


def _pdf_class():
    from fpdf import FPDF

    class MeetingPDF(FPDF):
        footer_for = staticmethod(lambda page: "")

        def footer(self):
            self.set_y(-12)
            self.set_font(FONT, size=7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 5, self.footer_for(self.page_no()), align="C")

    return MeetingPDF


def build(
    summary: dict,
    lang: str = "en",
    runs: list[dict] | None = None,
    generated: dt.datetime | None = None,
    label: str | None = None,
) -> bytes:
    """The PDF for one summarised scenario (see `engine.report.summary.summarize`).

    `label` names the scenario in the subtitle and footer (default: its name; the dashboard says
    when the scenario on screen has unsaved edits). At most MAX_RUNS measured runs are listed.
    """
    generated = generated or dt.datetime.now(dt.timezone.utc)
    return bytes(_layout(summary, lang, runs, generated, label).output())


def _layout(summary: dict, lang: str, runs, generated: dt.datetime, label: str | None):
    """The laid-out document (an fpdf2 object)."""
    from fpdf.fonts import FontFace

    pdf = _pdf_class()(format="A4", unit="mm")
    pdf.alias_nb_pages(PAGES_ALIAS)
    path = str(font_path())
    pdf.add_font(FONT, style="", fname=path)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(t("pdf.title", lang))
    pdf.set_creator(f"segroi {__version__}")
    label = escape.pdf(label or summary["name"])
    date = generated.strftime("%Y-%m-%d %H:%M UTC")
    pdf.footer_for = lambda page: t(
        "pdf.footer", lang, date=date, name=label, version=__version__, page=page, pages=PAGES_ALIAS
    )
    cur = summary["currency"]
    head = headline(summary, lang)

    # -- page 1: the answer -----------------------------------------------------------------
    pdf.add_page()
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, size=17)
    _write(pdf, t("pdf.title", lang), 8)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, size=10)
    _write(pdf, t("pdf.subtitle", lang, name=label), 5)
    pdf.ln(3)
    _heading(pdf, t("overview.recommendation", lang))
    pdf.set_font(FONT, size=12)
    pdf.set_text_color(*TEXT)
    _write(pdf, escape.pdf(head["sentence"]), 6.5)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*MUTED)
    for line in (
        head["savings_range"] and t("pdf.range_line", lang, option=head["option"], range=head["savings_range"]),
        head["other"],
        head["break_even"],
    ):
        if line:
            _write(pdf, escape.pdf(line), 4.8)
    pdf.set_text_color(*ACCENT)
    _write(pdf, escape.pdf(head["defaults"]), 4.8)
    if summary["monte_carlo"]:
        mc = summary["monte_carlo"]
        pdf.set_text_color(*MUTED)
        _write(pdf, t("overview.mc_note", lang, n=mc["draws"], seed=mc["seed"]), 4.8)
    pdf.ln(2)
    _heading(pdf, t("pdf.headline", lang))
    _headline_table(pdf, summary, lang, FontFace)
    pdf.set_font(FONT, size=7)
    pdf.set_text_color(*MUTED)
    _write(pdf, t("pdf.table_note", lang), 3.8)
    pdf.ln(2)
    res, bd, opts = summary["result"], summary["breakdown"], summary["options"]
    prov = figure_provenance(summary)
    _chart(pdf, figures.cheapest_by_volume(res["cheapest_by_volume"], summary["volume"], lang, prov, opts))

    # -- page 2: where the money goes, and over the years -----------------------------------
    pdf.add_page()
    _heading(pdf, t("pdf.charts", lang))
    _chart(pdf, figures.costs(res, bd, cur, lang, prov, opts))
    pdf.ln(2)
    _chart(
        pdf, figures.cumulative_cost(summary["cumulative"], cur, lang, prov, highlight=summary["best"], options=opts)
    )

    # -- page 3 on: what moves it, every assumption with its source, and what was measured ---
    pdf.add_page()
    if summary["tornado"]:
        _chart(pdf, figures.tornado(summary["tornado"], summary["focus"], cur, lang, prov, options=opts))
    else:
        pdf.set_font(FONT, size=9)
        _write(pdf, t("overview.no_uncertainty", lang), 5)
    pdf.ln(3)
    _heading(pdf, t("pdf.assumptions", lang))
    rows = [
        [r["label"], r["value"], i18n.provenance_name(r["kind"], lang), i18n.source_text(r["source"], lang)]
        for r in assumption_rows(summary, lang)
    ]
    _table(
        pdf,
        [t("pdf.col.field", lang), t("pdf.col.value", lang), t("pdf.col.provenance", lang), t("pdf.col.source", lang)],
        rows,
        (50, 36, 18, 78),
        FontFace,
        size=7,
    )
    pdf.ln(4)
    _heading(pdf, t("pdf.measured", lang))
    if runs:
        rows = [
            [
                r["id"],
                i18n.run_kind_name(r["kind"], lang),
                str(r.get("hardware") or ""),
                str(r.get("measured_at") or r["started_at"])[:16],
                ", ".join(
                    t("run.rows", lang, table=t(f"table.{k}", lang) if i18n.has(f"table.{k}") else k, n=v)
                    for k, v in sorted(r.get("rows", {}).items())
                ),
            ]
            for r in runs[:MAX_RUNS]
        ]
        _table(
            pdf,
            [
                t("pdf.col.run", lang),
                t("pdf.col.kind", lang),
                t("pdf.col.hardware", lang),
                t("pdf.col.date", lang),
                t("pdf.col.what", lang),
            ],
            rows,
            (56, 26, 38, 24, 38),
            FontFace,
            size=6.5,
        )
        pdf.set_font(FONT, size=7)
        pdf.set_text_color(*MUTED)
        _write(pdf, t("pdf.measured_note", lang), 3.8)
        if len(runs) > MAX_RUNS:
            pdf.set_font(FONT, size=8)
            _write(pdf, t("pdf.more_runs", lang, n=len(runs) - MAX_RUNS), 4.5)
    else:
        pdf.set_font(FONT, size=9)
        pdf.set_text_color(*TEXT)
        _write(pdf, t("pdf.no_runs", lang), 5)
    return pdf


def _write(pdf, text: str, line_height: float, width: float = CONTENT_W) -> None:
    """A paragraph across `width`, broken into lines by engine.report.linebreak (Japanese line-breaking
    rules, Latin words whole) in the current font."""
    from fpdf.enums import WrapMode

    lines = linebreak.wrap(text, width - 2 * pdf.c_margin - 0.5, pdf.get_string_width)
    pdf.multi_cell(width, line_height, "\n".join(lines), new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)


def _heading(pdf, text: str) -> None:
    pdf.set_font(FONT, size=12.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)


def _chart(pdf, fig, width_px: int = 900) -> None:
    """A figure across the page, at its own aspect ratio."""
    height_px = int(fig.layout.height or 360)
    pdf.image(io.BytesIO(images.png(fig, width_px, height_px)), x=MARGIN, w=CONTENT_W)


def _headline_table(pdf, summary: dict, lang: str, FontFace) -> None:
    """One row per option: cost per study, annual, setup and present cost, savings, payback, ROI,
    human hours and, with ranges, how often it is cheapest."""
    res = summary["result"]["options"]
    cur = summary["currency"]
    mc = summary["monte_carlo"]
    manual = summary["manual"]
    names = figures.option_names(summary["options"], lang)
    # (label, cell, relative width): money columns get the room compact Japanese amounts need
    metrics = [
        ("metric.cost_per_study", lambda o: i18n.money(res[o]["cost_per_study"], cur, lang), 1.0),
        ("metric.annual_cost", lambda o: i18n.money_compact(res[o]["annual_cost"], cur, lang), 1.1),
        ("metric.setup_cost", lambda o: i18n.money_compact(res[o]["setup_cost"], cur, lang), 1.1),
        ("metric.present_cost", lambda o: i18n.money_compact(res[o]["present_cost"], cur, lang), 1.1),
        ("metric.npv_savings", lambda o: i18n.money_compact(res[o]["npv_savings_vs_manual"], cur, lang), 1.2),
        ("metric.payback_months", lambda o: "" if o == manual else i18n.months(res[o]["payback_months"], lang), 1.0),
        ("metric.roi", lambda o: "" if res[o]["roi"] is None else i18n.percent(res[o]["roi"], lang), 0.95),
        ("metric.human_hours", lambda o: i18n.number(res[o]["human_hours_per_year"], lang), 0.9),
    ]
    if mc:
        metrics.append(("metric.p_cheapest", lambda o: i18n.percent(mc["p_cheapest"][o], lang), 0.95))
    header = [t("pdf.col.option", lang)] + [t(key, lang) for key, _, _ in metrics]
    rows = [[names[o]] + [fn(o) for _, fn, _ in metrics] for o in res]
    first = 34
    unit = (CONTENT_W - first) / sum(w for _, _, w in metrics)
    _table(pdf, header, rows, (first,) + tuple(w * unit for _, _, w in metrics), FontFace, size=7, align_right=True)


PAD = (0.8, 1.2)  # a table cell's padding: top and bottom, left and right (mm)


def _table(pdf, header, rows, widths, FontFace, size=8.0, align_right=False) -> None:
    """A table whose every cell is broken into lines beforehand (engine.report.linebreak), so Japanese cells
    follow the line-breaking rules and no cell is cut."""
    from fpdf.enums import WrapMode

    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*TEXT)

    def cell(text, width):
        lines = linebreak.wrap(escape.pdf(text), width - 2 * PAD[1] - 0.6, pdf.get_string_width)
        return "\n".join(lines)

    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        line_height=size * 0.5,
        headings_style=FontFace(emphasis="", fill_color=HEAD_FILL, color=ACCENT),
        text_align=("LEFT",) + (("RIGHT",) if align_right else ("LEFT",)) * (len(widths) - 1),
        wrapmode=WrapMode.CHAR,
        borders_layout="HORIZONTAL_LINES",
        padding=PAD,
    ) as table:
        table.row([cell(c, w) for c, w in zip(header, widths)])
        for r in rows:
            table.row([cell(c, w) for c, w in zip(r, widths)])


def write(
    summary: dict, out: str | Path, lang: str = "en", runs: list[dict] | None = None, label: str | None = None
) -> Path:
    """Build the PDF and write it all at once through a private temporary file in the same folder
    (engine.files): nothing half-written is left, and no planted link is followed."""
    out = Path(out)
    return atomic_write(out, lambda fh: fh.write(build(summary, lang, runs, label=label)))
