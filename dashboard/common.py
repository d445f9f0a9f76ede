"""What every page shares: language, the store, the working scenario and its cached summary.

Pages stay thin: numbers come from `engine.report.summary` (the cost model), text from
`engine.report.i18n`, figures from `engine.report.figures`.
"""

from __future__ import annotations

import os

import streamlit as st

from engine.report import escape, i18n
from engine.report import summary as summaries
from engine.store import assumptions_of, default_path, open_store

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

    return _candidates(
        db_path(),
        st.session_state.get("store_version", 0),
        measured.DICE_THRESHOLD if threshold is None else threshold,
        summaries.scenario_key(measured.basis(raw)),
        include_old,
    )


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


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def open_uploads() -> None:
    """Let this session send files to the upload endpoint (engine.access.uploads). Pages call it just
    before a file uploader; app.py has already let the session past the login gate."""
    from engine.access import uploads

    if (sid := _session_id()) is not None:
        uploads.open_for(sid)


def close_uploads() -> None:
    """Take back this session's upload opening (app.py, when the session does not pass the gate)."""
    from engine.access import uploads

    if (sid := _session_id()) is not None:
        uploads.close_for(sid)


def changed() -> None:
    """Call after writing to the store so every page rereads it."""
    st.session_state["store_version"] = st.session_state.get("store_version", 0) + 1
    st.cache_data.clear()


def raw_of(row: dict) -> dict:
    """A stored scenario row as the assumptions dict pages work on (engine.store.assumptions_of)."""
    return assumptions_of(row)


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
        from engine import reference

        wanted = os.environ.get("SEGROI_SCENARIO")
        names = [r["name"] for r in rows]
        load(wanted if wanted in names else reference.preferred_scenario(names) or names[0])
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
    _, right = st.container(key="tornado_pick_box").columns(2)  # above the tornado, drawn in the right half
    pick = right.selectbox(
        t("overview.tornado_pick"),
        choices,
        index=choices.index(current),
        key=f"tornado_pick:{lang()}:{'|'.join(choices)}",
        format_func=names.get,
    )
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
    from engine.report.problems import assumption_message
    from engine.report.summary import raw_option_names

    try:
        return summary(raw)
    except AssumptionError as exc:
        message = assumption_message(exc, raw, lang(), raw_option_names(raw, lang(), short=True))
        st.error(t("scenario.invalid", message=esc(message)))
        st.stop()


def saved_by(container) -> str | None:
    """Who saves a scenario version: the login name of a reader signed in with the OIDC login, else the
    name or pseudonym typed here (optional). Either is stored as given and shown escaped."""
    email = _login_email()
    if email:
        container.caption(t("scenario.saving_as", who=esc(email)))
        return email
    typed = container.text_input(
        t("scenario.saved_by_input"), key="saved_by", max_chars=40, placeholder=t("scenario.saved_by_placeholder")
    )
    return " ".join(typed.split()) or None


def _login_email() -> str | None:
    try:
        user = st.user
        return user.get("email") if getattr(user, "is_logged_in", False) else None
    except (AttributeError, KeyError, RuntimeError):  # no login configured
        return None


# -- the address: ?scenario=NAME&lang=ja ------------------------------------------------------------

MAX_NAME_IN_URL = 200


def from_address() -> None:
    """On a session's first run, take the language and the scenario from the address (a shared link). An
    unknown language is ignored; an unknown or malformed scenario name is said in one line, escaped."""
    if st.session_state.get("address_read"):
        return
    st.session_state["address_read"] = True
    params = st.query_params
    lang = params.get("lang")
    if lang in i18n.LANGS:
        st.session_state["lang"] = lang
    name = params.get("scenario")
    if name is not None:
        st.session_state["address_scenario"] = name


def load_from_address() -> None:
    """Load the scenario the address names (once), or say that there is none of that name."""
    name = st.session_state.pop("address_scenario", None)
    if name is None:
        return
    clean = "".join(ch for ch in str(name) if ch.isprintable())[:MAX_NAME_IN_URL]
    if clean != name or not clean.strip() or not load(clean):
        st.session_state["address_problem"] = clean or "?"


def address_notice() -> None:
    problem = st.session_state.pop("address_problem", None)
    if problem is not None:
        st.warning(t("ui.no_such_scenario", name=esc(problem)), icon=":material/link_off:")


def to_address() -> None:
    """Keep the address in step with what is shown, so a copied link opens the same scenario and language."""
    wanted = {"lang": lang()}
    loaded = st.session_state.get("loaded")
    if loaded:
        wanted["scenario"] = loaded
    if {k: st.query_params.get(k) for k in wanted} != wanted or set(st.query_params) - set(wanted):
        st.query_params.from_dict(wanted)


# -- shared widgets -----------------------------------------------------------------------


def empty_store_notice() -> None:
    st.info(t("empty.reference", path=esc(db_path())), icon=":material/inventory_2:")
    if st.button(t("empty.load_reference"), type="primary", key="btn_seed"):
        from engine import reference

        reference.seed(store(write=True))
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


BADGE_COLORS = {"measured": "green", "published": "blue", "simulated": "orange", "assumed": "gray", "mixed": "violet"}


def plot(fig, key: str | None = None) -> None:
    """A shared figure with its provenance badge drawn as a Streamlit badge above it (sources on hover):
    in a narrow column the badge inside the figure would sit on the title."""
    badge = next((a for a in fig.layout.annotations if a.name == "provenance"), None)
    if badge is not None:
        fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "provenance"]
        kind = (fig.layout.meta or {}).get("provenance_kind", "mixed")
        st.badge(
            badge.text,
            icon=":material/verified:",
            color=BADGE_COLORS.get(kind, "violet"),
            help=_hover_as_markdown(badge.hovertext),
        )
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
