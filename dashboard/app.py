"""segroi dashboard: `segroi dashboard` (or `streamlit run dashboard/app.py`).

The sidebar holds the language, the scenario being looked at and the pages; each page is a
thin script under dashboard/views/ over engine.report and the store.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, common
from engine.report import escape
from engine.report.i18n import LANGS, t

HERE = Path(__file__).parent
st.set_page_config(page_title="segroi", page_icon=":material/monitor_heart:", layout="wide")
st.html(f"<style>{(HERE / 'style.css').read_text(encoding='utf-8')}</style>")
if auth.broken():  # a login that cannot be trusted: one error, nothing else
    st.stop()

common.from_address()  # a shared link: ?scenario=NAME&lang=ja
with st.sidebar:
    st.segmented_control(
        "Language / 言語",
        LANGS,
        key="lang",
        default="en",
        required=True,
        format_func=lambda code: {"en": "English", "ja": "日本語"}[code],
    )
lang = common.lang()
if lang != "en":  # Streamlit writes a file drop zone's words in English: say them in the reader's language
    st.html(
        "<style>[data-testid='stFileUploaderDropzoneInstructions'] span, [data-testid='stFileUploaderDropzone'] "
        "button p { display: none; } [data-testid='stFileUploaderDropzoneInstructions'] > div::after { content: "
        f"'{t('ui.upload_limit', lang)}'; }} [data-testid='stFileUploaderDropzone'] button "
        f"[data-testid='stMarkdownContainer']::after {{ content: '{t('ui.upload', lang)}'; }}</style>"
    )

if not auth.gate(lang):
    common.close_uploads()  # a session that no longer passes the gate sends no more files
    st.stop()
common.load_from_address()


def _pick_scenario() -> None:
    common.load(st.session_state["scenario_pick"])


with st.sidebar:
    names = [r["name"] for r in common.saved_scenarios()]
    if names and common.working() is not None:
        loaded = st.session_state.get("loaded")
        st.session_state["scenario_pick"] = loaded if loaded in names else names[0]
        st.selectbox(t("ui.scenario", lang), names, key="scenario_pick", on_change=_pick_scenario)
    st.caption(f"{t('ui.store', lang)}: {escape.md_code(common.db_path())}")

# The first page is served at "/". Streamlit keys pages by their url_path, so the first page gets an
# internal one of its own and a hidden page at /overview moves on to it: links to /overview work.
overview = st.Page(
    str(HERE / "views" / "overview.py"),
    title=t("nav.overview", lang),
    icon=":material/dashboard:",
    url_path="start",
    default=True,
)
pages = [
    overview,
    st.Page(lambda: st.switch_page(overview), title=t("nav.overview", lang), url_path="overview", visibility="hidden"),
    st.Page(
        str(HERE / "views" / "scenario.py"), title=t("nav.scenario", lang), icon=":material/tune:", url_path="scenario"
    ),
    st.Page(
        str(HERE / "views" / "benchmarks.py"),
        title=t("nav.benchmarks", lang),
        icon=":material/speed:",
        url_path="benchmarks",
    ),
    st.Page(
        str(HERE / "views" / "accuracy.py"),
        title=t("nav.accuracy", lang),
        icon=":material/target:",
        url_path="accuracy",
    ),
    st.Page(
        str(HERE / "views" / "annotate.py"), title=t("nav.annotate", lang), icon=":material/draw:", url_path="annotate"
    ),
    st.Page(
        str(HERE / "views" / "export.py"),
        title=t("nav.export", lang),
        icon=":material/picture_as_pdf:",
        url_path="export",
    ),
]

page = st.navigation(pages)
common.working()  # the scenario shown (the one the address named, or the reference), before the address
common.address_notice()
common.to_address()
page.run()
