"""Parts of the Scenario page that are more than a row of inputs: measured values to pick, the currency
with its exchange rate, the versions of a saved scenario, and the inputs two scenarios differ in.

Each draws itself and returns what the page needs to act on; numbers and words come from engine.report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.common import t
from dashboard.form import get_path, point
from engine import costmodel
from engine.report import compare, i18n, measured
from engine.report.summary import raw_option_names


def _in_unit(field: str, value, currency: str, lang: str) -> str:
    spec = costmodel.field_spec(field)
    return i18n.value_text(value, spec.unit, currency, lang) if spec else i18n.quantity(value, lang)


def measured_values(raw: dict, lang: str) -> list[dict] | None:
    """The table of measured replacements for `raw`'s assumptions, each picked or not. Measured rows start
    picked; simulated ones (a simulated annotator, phantom data) only when the reader ticks them. Returns the
    picked candidates when the apply button was pressed, else None."""
    old = common.old_annotation_items()
    include_old = bool(old) and st.checkbox(t("scenario.old_annotation", n=old), key="measured_old")
    cands = common.measured_candidates(raw, include_old=include_old)
    if not cands:
        st.info(t("empty.measured_inputs"))
        return None
    currency = raw.get("currency", "USD")
    labels = raw_option_names(raw, lang, short=True)
    table = pd.DataFrame(
        [
            {
                "field": i18n.field_label(c["field"], lang, labels),
                "now": _in_unit(c["field"], point(get_path(raw, c["field"])), currency, lang),
                "value": _in_unit(c["field"], c["value"], currency, lang)
                + (
                    " "
                    + t(
                        "scenario.interval",
                        low=_in_unit(c["field"], c["leaf"]["low"], currency, lang),
                        high=_in_unit(c["field"], c["leaf"]["high"], currency, lang),
                    )
                    if isinstance(c["leaf"], dict)
                    else ""
                ),
                "kind": i18n.provenance_name(c["kind"], lang),
                "source": c["source"],
            }
            for c in cands
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        key="measured_table",
        column_config={
            "field": t("scenario.field"),
            "now": t("scenario.current"),
            "value": t("scenario.value"),
            "kind": t("pdf.col.provenance"),
            "source": t("pdf.col.source"),
        },
    )
    # what to apply: measured rows start picked, simulated ones only when the reader adds them
    digest = hashlib.sha1(
        json.dumps([(c["field"], c["source"], c["value"]) for c in cands], default=str).encode()
    ).hexdigest()[:12]
    names = [f"{row['field']} ({row['kind']})" for row in table.to_dict("records")]
    chosen = st.multiselect(
        t("scenario.use"),
        list(range(len(cands))),
        format_func=names.__getitem__,
        default=[i for i, c in enumerate(cands) if measured.picked_by_default(c)],
        key=f"measured_pick:{digest}:{lang}",
    )
    picked = [cands[i] for i in sorted(chosen)]
    simulated = sum(1 for c in picked if c["kind"] != "measured")
    if any(c["kind"] != "measured" for c in cands):
        st.caption(t("scenario.simulated_opt_in"))
    label = (
        t("scenario.apply_none")
        if not picked
        else t("scenario.apply_measured", n=len(picked))
        if not simulated
        else t("scenario.apply_mixed", n=len(picked), measured=len(picked) - simulated, simulated=simulated)
    )
    if st.button(label, key="btn_measured", icon=":material/download:", disabled=not picked):
        return picked
    return None


def currency(raw: dict, container) -> dict | None:
    """The currency select. Another currency takes effect only with every amount converted at a rate the
    reader states, with its date and source; returns the converted scenario when that was asked for."""
    lang = common.lang()
    old = raw.get("currency", "USD")
    choices = list(i18n.CURRENCIES) + ([old] if old not in i18n.CURRENCIES else [])
    wanted = container.selectbox(
        i18n.field_label("currency", lang),
        choices,
        index=choices.index(old),
        key=f"currency_pick:{old}:{st.session_state.get('generation', 0)}",
    )
    if wanted == old:
        return None
    with st.container(border=True, key="currency_convert"):
        st.markdown(t("scenario.convert_intro", old=common.esc(old), new=common.esc(wanted)))
        c = st.columns([1, 1, 2, 1])
        rate = c[0].number_input(
            t("scenario.rate", old=common.esc(old), new=common.esc(wanted)),
            min_value=0.0,
            value=None,
            format="%.6g",
            key=f"rate:{old}:{wanted}",
        )
        date = c[1].date_input(t("scenario.rate_date"), value=dt.date.today(), key=f"rate_date:{old}:{wanted}")
        source = c[2].text_input(
            t("scenario.rate_source"),
            max_chars=costmodel.currency.MAX_NOTE,
            key=f"rate_source:{old}:{wanted}",
            placeholder=t("scenario.rate_source_example"),
        )
        go = c[3].button(t("scenario.convert"), key="btn_convert", type="primary", icon=":material/currency_exchange:")
        if go:
            try:
                return costmodel.convert_currency(raw, wanted, rate, date.isoformat() if date else "", source)
            except costmodel.AssumptionError as exc:
                st.error(common.esc(t("scenario.convert_failed", reason=_convert_problem(exc))))
    return None


def _convert_problem(exc: costmodel.AssumptionError) -> str:
    reason = exc.reason
    if "date and its source" in reason:
        return t("scenario.rate_needs_source")
    if "greater than 0" in reason or "must be a number" in reason:
        return t("scenario.rate_positive")
    return reason


def history(name: str | None) -> None:
    """The saved versions of the scenario `name`: who saved it, when, and which inputs changed."""
    if not name:
        return
    from engine.store import versions

    rows = versions.versions(common.store(), name)
    if not rows:
        st.caption(t("scenario.no_versions"))
        return
    lang = common.lang()
    working = common.working() or {}
    labels = raw_option_names(working, lang, short=True)

    def changed(fields: list[str], first: bool) -> str:
        if first:
            return t("scenario.first_version")
        if not fields:
            return t("scenario.nothing_changed")
        shown = [i18n.field_label(f, lang, labels) for f in fields[:8]]
        return ", ".join(shown) + (t("scenario.and_more", n=len(fields) - 8) if len(fields) > 8 else "")

    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("scenario.version"): r["version"],
                    t("scenario.saved_at"): str(r["saved_at"])[:19],
                    t("scenario.saved_by"): r["saved_by"] or t("scenario.saved_by_unknown"),
                    t("scenario.changed"): changed(r["changed"], r["version"] == 1),
                    t("scenario.note"): r["note"] or "",
                }
                for r in rows
            ]
        ),
        hide_index=True,
    )


def differences(a_name: str, a_raw: dict, b_name: str, b_raw: dict) -> None:
    """The inputs two scenarios differ in, each in its own units and with its source."""
    lang = common.lang()
    rows = compare.differences(a_raw, b_raw, lang)
    if not rows:
        st.caption(t("scenario.no_differences", a=common.esc(a_name), b=common.esc(b_name)))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("scenario.field"): r["label"],
                    a_name: r["a"],
                    b_name: r["b"],
                    t("scenario.source_of", name=a_name): r["a_source"],
                    t("scenario.source_of", name=b_name): r["b_source"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
    )
