"""Export: the PDF meeting summary of the scenario on screen, in the chosen language."""

import datetime as dt
import threading

import streamlit as st

from dashboard import common
from dashboard.common import t
from engine.report import images, pdf, spreadsheet
from engine.store import results
from engine.report.summary import headline

lang = common.lang()
st.title(t("export.title"))
st.caption(t("export.intro"))

s = common.summary_or_stop(common.working_or_stop())

st.markdown(common.scenario_caption(s))
runs = results.measured_runs(common.store())


@st.cache_resource(show_spinner=False)
def _warm_chart_renderer() -> threading.Thread:
    # Start kaleido's Chromium now, in the background, so the first PDF does not wait for it.
    thread = threading.Thread(target=images.start, daemon=True, name="segroi-kaleido-warmup")
    thread.start()
    return thread


_warm_chart_renderer()


label = t("ui.unsaved", name=s["name"]) if common.edited() else s["name"]


def _build(summary=s, lang=lang, runs=runs, label=label) -> bytes:
    # Runs when the button is pressed (outside the page script): everything it needs is bound here.
    return pdf.build(summary, lang, runs, label=label)


stamp = dt.datetime.now().strftime("%Y%m%d")
safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in s["name"])[:60]
with st.container(border=True):
    st.markdown(f"**{t('overview.recommendation')}**: {common.md(headline(s, lang)['sentence'])}")
    st.markdown(
        "\n".join(
            f"{i}. {t(key)}"
            for i, key in enumerate(("pdf.headline", "pdf.charts", "pdf.assumptions", "pdf.measured"), start=1)
        )
    )
    st.caption(t("export.runs", n=len(runs)) if runs else t("export.runs.zero"))
st.download_button(
    t("export.download"),
    data=_build,
    file_name=f"segroi_{safe}_{lang}_{stamp}.pdf",
    mime="application/pdf",
    type="primary",
    icon=":material/download:",
    key="btn_pdf",
    on_click="ignore",
)

with st.container(border=True, key="export_sheets"):
    st.caption(t("export.sheet_intro"))
    c1, c2 = st.columns(2)
    c1.download_button(
        t("export.download_xlsx"),
        data=lambda: spreadsheet.xlsx_bytes(s, lang, runs),
        file_name=f"segroi_{safe}_{lang}_{stamp}.xlsx",
        key="btn_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:",
    )
    c2.download_button(
        t("export.download_csv"),
        data=lambda: spreadsheet.csv_zip(s, lang, runs, f"segroi_{safe}"),
        file_name=f"segroi_{safe}_{lang}_{stamp}_csv.zip",
        key="btn_csv",
        on_click="ignore",
        mime="application/zip",
        icon=":material/csv:",
    )
