"""What every page shares: language, the store, the working scenario and its cached summary.

Pages stay thin: numbers come from `engine.report.summary` (the cost model), text from
`engine.report.i18n`, figures from `engine.report.figures`.
"""

from __future__ import annotations

import copy
import os

import streamlit as st

from engine.report import escape, i18n
from engine.report import summary as summaries
from engine.store import default_path, open_store

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# -- language ---------------------------------------------------------------------------

def lang() -> str:
    return st.session_state.get("lang", "en")


def t(key: str, **kw) -> str:
    return i18n.t(key, lang(), **kw)


# -- store ------------------------------------------------------------------------------

def db_path() -> str:
    return str(default_path())


@st.cache_resource(show_spinner=False, max_entries=8)
def _reader(path: str):
    return open_store(path, read_only=True)


def store(write: bool = False):
    """The default store: read-only for pages (one handle per file; it holds no connection),
    writable only for saving scenarios."""
    if write:
        return open_store()
    reader = _reader(db_path())
    if not reader.exists():  # not there yet when the handle was made: look again next time
        _reader.clear()
    return reader


@st.cache_data(ttl=10, show_spinner=False)
def _candidates(path: str, version: int, threshold: float, raw_key: str, include_old: bool = False) -> list[dict]:
    import json

    from engine.report import measured

    return measured.candidates(open_store(path, read_only=True), json.loads(raw_key), threshold, include_old)


def measured_candidates(raw: dict, threshold: float | None = None, include_old: bool = False) -> list[dict]:
    """Measured replacements for `raw`'s assumptions (engine.report.measured), cached briefly;
    `include_old` lets in annotation items timed the old way."""
    from engine.report import measured

    return _candidates(db_path(), st.session_state.get("store_version", 0),
                       measured.DICE_THRESHOLD if threshold is None else threshold,
                       summaries.scenario_key(measured.basis(raw)), include_old)


def old_annotation_items() -> int:
    """How many human annotation items were timed the old way (engine.report.measured)."""
    from engine.report import measured

    return measured.old_annotation_items(store())


@st.cache_data(ttl=10, show_spinner=False)
def _saved_scenarios(path: str, version: int) -> list[dict]:
    return open_store(path, read_only=True).scenarios()


def saved_scenarios() -> list[dict]:
    """Scenarios in the store (cached briefly; `changed()` drops the cache after a write)."""
    return _saved_scenarios(db_path(), st.session_state.get("store_version", 0))


def changed() -> None:
    """Call after writing to the store so every page rereads it."""
    st.session_state["store_version"] = st.session_state.get("store_version", 0) + 1
    st.cache_data.clear()


def raw_of(row: dict) -> dict:
    raw = copy.deepcopy(row["assumptions"])
    if row.get("provenance") and "provenance" not in raw:
        raw["provenance"] = row["provenance"]
    return raw


# -- the working scenario ----------------------------------------------------------------
# session_state["working"]: the assumptions being looked at (maybe edited, not saved);
# session_state["loaded"]: the saved name it came from; ["generation"] bumps on every load so
# the Scenario page's widgets start again from the loaded values.

def load(name: str) -> bool:
    for row in saved_scenarios():
        if row["name"] == name:
            st.session_state["working"] = raw_of(row)
            st.session_state["loaded"] = name
            st.session_state["generation"] = st.session_state.get("generation", 0) + 1
            return True
    return False


def set_working(raw: dict, reset_widgets: bool = False) -> None:
    st.session_state["working"] = raw
    if reset_widgets:
        st.session_state["generation"] = st.session_state.get("generation", 0) + 1


def working() -> dict | None:
    """The working scenario; on first use, the saved one named like the reference (or the first)."""
    if st.session_state.get("working") is None:
        rows = saved_scenarios()
        if not rows:
            return None
        preferred = os.environ.get("SEGROI_SCENARIO")
        names = [r["name"] for r in rows]
        pick = preferred if preferred in names else next(
            (n for n in names if n.lower().startswith("reference")), names[0])
        load(pick)
    return st.session_state.get("working")


def edited() -> bool:
    loaded = st.session_state.get("loaded")
    for row in saved_scenarios():
        if row["name"] == loaded:
            return summaries.scenario_key(raw_of(row)) != summaries.scenario_key(st.session_state["working"])
    return True


@st.cache_resource(max_entries=64, show_spinner=False)
def _summary(key: str, draws: int, seed: int) -> dict:
    import json

    return summaries.summarize(json.loads(key), draws=draws, seed=seed)


def summary(raw: dict) -> dict:
    """The scenario's figures (cost model run once per distinct scenario). Raises AssumptionError."""
    return _summary(summaries.scenario_key(raw), summaries.MC_DRAWS, summaries.MC_SEED)


def tornado_pick(s: dict) -> str:
    """The option whose tornado the Overview shows: the cheapest option that is not manual, or the one
    picked in the selector above the chart (shown when there is more than one to pick from)."""
    names = summaries.option_names(s, lang())
    choices = [o["name"] for o in s["options"] if o["name"] != s["manual"]]
    if len(choices) < 2 or not s["tornado"]:
        return s["focus"]
    # The pick is kept apart from the widget, whose key carries the language: a select box keeps showing
    # an option's old label when only its format_func changes.
    current = st.session_state.get("tornado_focus")
    current = current if current in choices else s["focus"]
    _, right = st.columns(2)  # above the tornado, which is drawn in the right half
    pick = right.selectbox(t("overview.tornado_pick"), choices, index=choices.index(current),
                           key=f"tornado_pick:{lang()}:{'|'.join(choices)}", format_func=names.get)
    st.session_state["tornado_focus"] = pick
    return pick


@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_charts(key: str, draws: int, seed: int, lang: str, focus: str) -> list:
    from dashboard import charts

    return charts.payload(summaries.overview_figures(_summary(key, draws, seed), lang, focus))


def overview_charts(raw: dict, lang: str, focus: str) -> list:
    """The Overview's figures as the chart frame draws them, built once per scenario, language and
    tornado option (and kept across sessions, like the summary they come from)."""
    return _overview_charts(summaries.scenario_key(raw), summaries.MC_DRAWS, summaries.MC_SEED, lang, focus)


def working_or_stop() -> dict:
    """The working scenario; with none, the empty-store notice, and the page stops here."""
    raw = working()
    if raw is None:
        empty_store_notice()
        st.stop()
    return raw


def summary_or_stop(raw: dict) -> dict:
    """`summary(raw)`; for an invalid scenario its error, and the page stops here."""
    from engine.costmodel import AssumptionError

    try:
        return summary(raw)
    except AssumptionError as exc:
        st.error(t("scenario.invalid", message=esc(exc)))
        st.stop()


# -- shared widgets -----------------------------------------------------------------------

def empty_store_notice() -> None:
    st.info(t("empty.reference", path=esc(db_path())), icon=":material/inventory_2:")
    if st.button(t("empty.load_reference"), type="primary", key="btn_seed"):
        from engine.commands.dashboard import seed_reference

        seed_reference()
        changed()
        st.rerun()


def md(text: str) -> str:
    """A generated sentence for st.markdown, shown as written: dollar signs are money here, not LaTeX,
    and the amounts carry the scenario's own currency text, so every mark is escaped."""
    return escape.md(text)


def esc(text) -> str:
    """A user-provided string (a name, a source, a path, a message quoting one) for any Markdown
    place - st.markdown/caption/write/error, labels, help: shown literally (engine.report.escape)."""
    return escape.md(text)


BADGE_COLORS = {"measured": "green", "published": "blue", "simulated": "orange", "assumed": "gray",
                "mixed": "violet"}


def plot(fig, key: str | None = None) -> None:
    """A shared figure with its provenance badge drawn as a Streamlit badge above it (sources on hover):
    in a narrow column the badge inside the figure would sit on the title."""
    badge = next((a for a in fig.layout.annotations if a.name == "provenance"), None)
    if badge is not None:
        fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "provenance"]
        kind = (fig.layout.meta or {}).get("provenance_kind", "mixed")
        st.badge(badge.text, icon=":material/verified:", color=BADGE_COLORS.get(kind, "violet"),
                 help=_hover_as_markdown(badge.hovertext))
        fig.update_layout(margin={"t": 70})
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key, theme=None)


def _hover_as_markdown(hovertext: str) -> str:
    """The badge's Plotly hover text (lines joined by <br>, sources HTML-escaped) as Markdown help."""
    import html

    return "  \n".join(esc(html.unescape(line)) for line in (hovertext or "").split("<br>"))


def scenario_caption(s: dict) -> str:
    mode = i18n.field_label(f"mode.{s['mode']}", lang())
    name = esc(s["name"])
    if st.session_state.get("working") is not None and edited():
        name = t("ui.unsaved", name=name)
    return f"{t('ui.scenario')}: **{name}** · {mode} · {esc(s['currency'])}"
