"""Accuracy: Dice per structure and model, measurement agreement, and the failure rate's derivation."""

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.common import t
from engine.report import figures, i18n, measured
from engine.store import annotation, results
from engine.report.accuracy import published_rows

lang = common.lang()
st.title(t("acc.title"))


@st.cache_data(ttl=10, show_spinner=False)
def _load(path: str, version: int):
    store = common.store()
    return (
        results.evaluations(store),
        results.measurements(store),
        annotation.items(store),
        results.published_accuracy(store),
    )


ev, ms, items, published = _load(common.db_path(), st.session_state.get("store_version", 0))

# -- published figures, with segroi's measured rows beside them ------------------------------
if published.empty:
    st.caption(t("acc.published_none"))
else:
    common.plot(figures.published_and_measured_dice(published, ev, lang), key="fig_published")
    with st.expander(t("acc.published_table"), icon=":material/menu_book:"):
        st.dataframe(pd.DataFrame(published_rows(published, lang)), hide_index=True)

# -- Dice -----------------------------------------------------------------------------------
if ev.empty:
    st.info(t("empty.evaluations"), icon=":material/target:")
else:
    common.plot(figures.dice_box(ev, lang), key="fig_dice")
    notes = [t("acc.random_weights")]
    if (ev["provenance"] == "simulated").any():
        notes.insert(0, t("acc.simulated_data"))
    if "prompts" in ev and ev["prompts"].fillna("none").ne("none").any():
        notes.append(t("acc.simulated_prompts"))
    st.caption(" ".join(notes))

# -- measurement agreement ----------------------------------------------------------------------
st.subheader(t("acc.agreement"))
if ms.empty:
    st.info(t("empty.measurements"))
else:
    names = sorted(ms["name"].unique())
    pick = st.selectbox(
        t("acc.measurement"), names, key="measurement_pick", format_func=lambda n: i18n.measurement_name(n, lang)
    )
    left, right = st.columns(2)
    with left:
        common.plot(figures.agreement_scatter(ms, pick, lang), key="fig_scatter")
    with right:
        common.plot(figures.bland_altman(ms, pick, lang), key="fig_ba")
    from engine.measure.agreement import agreement

    rows = []
    for model, g in ms[ms["name"] == pick].groupby("model"):
        a = agreement(list(g["value"]), list(g["reference"]))
        rows.append(
            {
                t("pdf.col.option"): model,
                "n": a["n"],
                "r²": i18n.quantity(a["r2"], lang),
                "MAE": i18n.quantity(a["mae"], lang),
                t("acc.bias_col"): i18n.quantity(a["bias"], lang),
                t("acc.limits_col"): f"{i18n.quantity(a['loa_low'], lang)} … {i18n.quantity(a['loa_high'], lang)}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)

# -- how the failure rate was derived -------------------------------------------------------------
st.subheader(t("acc.failure_title"))
if ev.empty and items.empty:
    st.caption(t("acc.failure_none"))
    st.stop()
threshold = st.slider(t("acc.failure_threshold"), 0.5, 0.95, measured.DICE_THRESHOLD, 0.05, key="dice_threshold")
if not ev.empty:
    st.markdown(t("acc.failure_rule", threshold=f"{threshold:.2f}"))
    table = measured.failure_table(ev, threshold)
    st.dataframe(
        pd.DataFrame(
            {
                t("acc.failure_table_model"): table["model"],
                t("acc.failure_table_n"): table["structures"],
                t("acc.failure_table_failed"): table["failed"],
                t("acc.failure_table_rate"): [i18n.percent(x, lang, 1) for x in table["failure_rate"]],
            }
        ),
        hide_index=True,
    )
if not items.empty:
    st.markdown(t("acc.failure_annot"))
    for c in measured.annotation_candidates(common.store(), common.working()):
        if c["field"].endswith("failure_rate"):
            st.markdown(
                f"- **{i18n.field_label(c['field'], lang)}**: {i18n.percent(c['value'], lang, 1)} — "
                f"{i18n.provenance_name(c['kind'], lang)}, {common.esc(i18n.source_text(c['source'], lang))}"
            )
