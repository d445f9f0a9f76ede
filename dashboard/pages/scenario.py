"""Scenario: every assumption editable, live recompute, measured values, save/load/compare."""

import time

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.common import t
from dashboard.form import DISTS, Form, get_path, point, range_rows
from engine import costmodel
from engine.report import figures, i18n, measured
from engine.report.i18n import CURRENCIES
from engine.report.summary import field_provenance, headline

common.page_guard()
lang = common.lang()
st.title(t("scenario.title"))
st.caption(t("scenario.intro"))

raw = common.working_or_stop()

gen = st.session_state.get("generation", 0)
try:
    prov = field_provenance(costmodel.validate(raw))
except costmodel.AssumptionError:
    prov = raw.get("provenance", {})
form = Form(raw, gen, lang, prov)

results = st.container(border=True)          # filled after the inputs are read
toolbar = st.columns([1, 1, 1, 1, 2])
do_save = toolbar[0].button(t("scenario.save"), type="primary", key="btn_save")
do_dup = toolbar[1].button(t("scenario.duplicate"), key="btn_dup")
do_reset = toolbar[2].button(t("scenario.reset"), key="btn_reset")
do_delete = toolbar[3].button(t("scenario.delete"), key="btn_delete")
notice = st.empty()

# -- measured values, one click -----------------------------------------------------------
with st.expander(t("scenario.measured_title"), icon=":material/science:"):
    old = common.old_annotation_items()
    include_old = bool(old) and st.checkbox(t("scenario.old_annotation", n=old), key="measured_old")
    cands = common.measured_candidates(raw, include_old=include_old)
    if not cands:
        st.info(t("empty.measured_inputs"))
    else:
        st.dataframe(pd.DataFrame([{
            t("scenario.field"): i18n.field_label(c["field"], lang),
            t("scenario.current"): i18n.quantity(point(get_path(raw, c["field"])), lang),
            t("scenario.value"): i18n.quantity(c["value"], lang) + (
                f" ({i18n.quantity(c['leaf']['low'], lang)}–{i18n.quantity(c['leaf']['high'], lang)})"
                if isinstance(c["leaf"], dict) else ""),
            t("pdf.col.provenance"): i18n.provenance_name(c["kind"], lang),
            t("pdf.col.source"): c["source"],
        } for c in cands]), hide_index=True)
        if st.button(t("scenario.use_measured"), key="btn_measured", icon=":material/download:"):
            common.set_working(measured.apply(raw, cands), reset_widgets=True)
            st.session_state["flash"] = t("scenario.measured_applied", n=len(cands))
            st.rerun()

# -- the assumptions ----------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("section.general"))
    c = st.columns(4)
    name = c[0].text_input(i18n.field_label("name", lang), value=raw.get("name", ""), key=form.key("name"))
    if name != raw.get("name"):
        form.new["name"] = name
    cur_old = raw.get("currency", "USD")
    currency = c[1].selectbox(i18n.field_label("currency", lang), CURRENCIES,
                              index=CURRENCIES.index(cur_old) if cur_old in CURRENCIES else 0,
                              key=form.key("currency"))
    form.new["currency"] = currency
    if currency != cur_old:
        c[1].caption(t("scenario.currency_note"))
    form.number("horizon_years", c[2])
    form.number("discount_rate", c[3])

with st.container(border=True):
    st.subheader(f"{t('section.workload')} · {t('section.labour')}")
    c = st.columns(3)
    for i, path in enumerate(("workload.studies_per_year", "workload.frames_per_study",
                              "workload.structures_per_frame")):
        form.number(path, c[i])
    c = st.columns(3)
    for i, path in enumerate(("labour.clinician_wage_per_hour", "labour.engineer_wage_per_hour",
                              "labour.overhead_fraction")):
        form.number(path, c[i])

with st.container(border=True):
    st.subheader(t("section.hardware"))
    hw = raw.get("hardware", {})
    modes = ("cloud", "on_prem")
    mode = st.radio(i18n.field_label("hardware.mode", lang), modes, horizontal=True,
                    index=modes.index(hw.get("mode", "cloud")) if hw.get("mode") in modes else 0,
                    format_func=lambda m: i18n.field_label(f"mode.{m}", lang), key=form.key("mode"))
    form.new.setdefault("hardware", {})["mode"] = mode
    cloud, onprem = st.columns(2)
    with cloud:
        st.markdown(f"**{i18n.field_label('mode.cloud', lang)}**")
        form.number("hardware.gpu_price_per_hour")
        form.number("hardware.utilization")
    with onprem:
        st.markdown(f"**{i18n.field_label('mode.on_prem', lang)}**")
        dedicated = st.checkbox(i18n.field_label("hardware.dedicated", lang), value=bool(hw.get("dedicated", True)),
                                key=form.key("dedicated"))
        form.new["hardware"]["dedicated"] = dedicated
        cc = st.columns(2)
        form.number("hardware.energy_price_per_kwh", cc[0])
        form.number("hardware.pue", cc[1])
        form.number("hardware.server_capex", cc[0])
        form.number("hardware.amortization_years", cc[1])

option_cols = st.columns(3)
for col, option in zip(option_cols, costmodel.OPTIONS):
    with col.container(border=True):
        st.subheader(t(f"section.{option}"))
        for path in costmodel.FIELDS:
            if path.startswith(f"options.{option}."):
                form.number(path)

with st.container(border=True):
    st.subheader(t("scenario.range"))
    labels = {p: i18n.field_label(p, lang) for p in costmodel.FIELDS}
    table = st.data_editor(
        pd.DataFrame(range_rows(raw), columns=["field", "low", "high", "dist"]),
        num_rows="dynamic", hide_index=True, key=form.key("ranges"),
        column_config={
            "field": st.column_config.SelectboxColumn(t("scenario.field"), options=list(costmodel.FIELDS),
                                                      required=True, width="large"),
            "low": st.column_config.NumberColumn(t("scenario.low"), format="%.6g"),
            "high": st.column_config.NumberColumn(t("scenario.high"), format="%.6g"),
            "dist": st.column_config.SelectboxColumn(t("scenario.dist"), options=list(DISTS),
                                                     default="triangular"),
        },
    )
    form.set_range_table(table.to_dict("records"))

# -- validate, recompute, show -------------------------------------------------------------
form.mark_edited()
new = form.new
error = None
started = time.perf_counter()
try:
    s = common.summary(new)
except costmodel.AssumptionError as exc:
    error, s = exc, None
elapsed_ms = (time.perf_counter() - started) * 1000
messages = form.show_errors(error)

with results:
    if s is None or messages:
        shown = next(iter(messages.values()), str(error))
        st.error(t("scenario.invalid", message=common.esc(shown)), icon=":material/error:")
    else:
        h = headline(s, lang)
        with st.container(key="scenario_headline"):
            st.markdown(f"**{common.md(h['sentence'])}**")
        res = s["result"]["options"]
        cur = s["currency"]
        st.dataframe(pd.DataFrame({
            t("pdf.col.option"): [i18n.option_name(o, lang) for o in costmodel.OPTIONS],
            t("metric.cost_per_study"): [i18n.money(res[o]["cost_per_study"], cur, lang) for o in costmodel.OPTIONS],
            t("metric.annual_cost"): [i18n.money(res[o]["annual_cost"], cur, lang) for o in costmodel.OPTIONS],
            t("metric.setup_cost"): [i18n.money(res[o]["setup_cost"], cur, lang) for o in costmodel.OPTIONS],
            t("metric.present_cost"): [i18n.money(res[o]["present_cost"], cur, lang) for o in costmodel.OPTIONS],
            t("metric.npv_savings"): [i18n.money(res[o]["npv_savings_vs_manual"], cur, lang)
                                      for o in costmodel.OPTIONS],
            t("metric.payback_months"): ["" if o == "manual" else i18n.months(res[o]["payback_months"], lang)
                                         for o in costmodel.OPTIONS],
            t("metric.roi"): ["" if res[o]["roi"] is None else i18n.percent(res[o]["roi"], lang)
                              for o in costmodel.OPTIONS],
        }), hide_index=True)
        st.caption(t("scenario.server_time", ms=elapsed_ms) if elapsed_ms >= 1 else t("scenario.cached"))

if new != raw:
    common.set_working(new)

# -- buttons (acted on after the inputs are read, so they save what is on screen) ----------
if st.session_state.get("flash"):
    notice.success(st.session_state.pop("flash"))


def _unique(name: str, taken: set[str]) -> str:
    candidate, i = f"{name} (copy)", 2
    while candidate in taken:
        candidate, i = f"{name} (copy {i})", i + 1
    return candidate


saved = {r["name"] for r in common.saved_scenarios()}
if do_save or do_dup:
    if s is None or messages:
        notice.error(t("scenario.fix_first"))
    elif not new.get("name", "").strip():
        notice.error(t("scenario.name_empty"))
    else:
        target = new["name"].strip()
        if do_dup:
            target = _unique(target, saved)
        if do_save and target in saved and target != st.session_state.get("loaded"):
            notice.error(t("scenario.name_taken", name=common.esc(target)))
        else:
            scenario = costmodel.validate(dict(new, name=target))
            body = scenario.to_dict()
            common.store(write=True).save_scenario(target, body, dict(scenario.provenance),
                                                   note="saved from the dashboard")
            common.changed()
            common.load(target)
            st.session_state["flash"] = t("scenario.saved", name=common.esc(target))
            st.rerun()
if do_reset:
    loaded = st.session_state.get("loaded")
    if loaded and common.load(loaded):
        st.rerun()
if do_delete:
    loaded = st.session_state.get("loaded")
    if loaded in saved:
        common.store(write=True).delete_scenario(loaded)
        common.changed()
        st.session_state["working"] = None
        st.rerun()

# -- compare side by side --------------------------------------------------------------------
st.subheader(t("scenario.compare"))
names = sorted(saved)
default = [n for n in (st.session_state.get("loaded"),) if n in names]
others = [n for n in names if n not in default]
picked = st.multiselect(t("scenario.compare_pick"), names, default=default + others[:1],
                        key=f"compare_pick:{'|'.join(names)}:{st.session_state.get('loaded')}")
if picked:
    rows = {r["name"]: r for r in common.saved_scenarios()}
    results_by_name, currencies = {}, set()
    cols = st.columns(len(picked))
    for col, name in zip(cols, picked):
        try:
            cs = common.summary(common.raw_of(rows[name]))
        except costmodel.AssumptionError as exc:
            col.error(common.esc(f"{name}: {exc}"))
            continue
        results_by_name[name] = cs["result"]
        currencies.add(cs["currency"])
        ch = headline(cs, lang)
        with col.container(border=True):
            st.markdown(f"**{common.esc(name)}** · {i18n.field_label('mode.' + cs['mode'], lang)}")
            st.markdown(common.md(ch["sentence"]))
            res = cs["result"]["options"]
            st.dataframe(pd.DataFrame({
                t("pdf.col.option"): [i18n.option_name(o, lang, short=True) for o in costmodel.OPTIONS],
                t("metric.present_cost"): [i18n.money(res[o]["present_cost"], cs["currency"], lang)
                                           for o in costmodel.OPTIONS],
                t("metric.cost_per_study"): [i18n.money(res[o]["cost_per_study"], cs["currency"], lang)
                                             for o in costmodel.OPTIONS],
            }), hide_index=True)
    if len(results_by_name) > 1 and len(currencies) == 1:
        common.plot(figures.compare_scenarios(results_by_name, "present_cost", currencies.pop(), lang),
                    key="fig_compare")
