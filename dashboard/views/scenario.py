"""Scenario: every assumption editable, live recompute, measured values, save/load/compare."""

import time

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.common import t
from dashboard.form import DISTS, Form, get_path, numeric_fields, point, range_rows
from engine import costmodel, reference
from engine.annotation.options import options_of
from engine.report import figures, i18n, measured
from engine.report.i18n import CURRENCIES
from engine.report.summary import field_provenance, headline, raw_option_names, result_rows

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
            t("scenario.field"): i18n.field_label(c["field"], lang, raw_option_names(raw, lang, short=True)),
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
        form.dedicated("hardware")
        cc = st.columns(2)
        form.number("hardware.energy_price_per_kwh", cc[0])
        form.number("hardware.pue", cc[1])
        form.number("hardware.server_capex", cc[0])
        form.number("hardware.amortization_years", cc[1])

# -- the options: any 2-8, each editable, removable, on its own hardware if wanted -------------
st.subheader(t("section.options"))
option_list = options_of(raw)
option_labels = raw_option_names(raw, lang)
actions = []  # add / remove / own hardware: applied to the edited scenario once every input is read
for i, (name, kind, _) in enumerate(option_list):
    if i % 2 == 0:
        option_cols = st.columns(2)  # two options a row, rows aligned
    with option_cols[i % 2].container(border=True, key=f"option_{name}"):
        shown = option_labels.get(name, name)  # a label being typed may not be valid yet: then the name
        shown = name if any(c in shown for c in "[]<>`\\|") else shown
        st.markdown(f"**{common.md(shown)}** · `{name}` · {t(f'kind.{kind}') if kind else '?'}")
        form.text(f"options.{name}.label", t("scenario.label"), optional=True)
        if kind == "hybrid":
            parts = st.columns(2)
            for col, role in zip(parts, ("automatic", "prompted")):
                choices = [n for n, k, _ in option_list if k == role]
                form.choice(f"options.{name}.{role}", t(f"scenario.hybrid_{role}"), choices, col,
                            format_func=lambda n, labels=option_labels: labels.get(n, n))
        keys = list(costmodel.KIND_FIELDS.get(kind, {}))
        cols = st.columns(2)
        for j, key in enumerate(k for k in keys if not k.startswith("profile.")):
            form.number(f"options.{name}.{key}", cols[j % 2])
        profile = [k for k in keys if k.startswith("profile.")]
        if profile:
            with st.expander(t("section.profile"), icon=":material/memory:"):
                cols = st.columns(2)
                for j, key in enumerate(profile):
                    form.number(f"options.{name}.{key}", cols[j % 2])
        if kind != "manual":
            body = (raw.get("options") or {}).get(name) or {}
            own = st.toggle(t("scenario.own_hardware_toggle"), value="hardware" in body,
                            key=form.key(f"own_hw_{name}"))
            if own != ("hardware" in body):
                actions.append(lambda r, n=name, on=own: costmodel.set_own_hardware(r, n, on))
            if own:
                form.hardware(f"options.{name}.hardware")
            if st.button(t("scenario.remove"), key=f"btn_remove_{name}", icon=":material/delete:"):
                actions.append(lambda r, n=name: costmodel.remove_option(r, n))

with st.container(border=True, key="add_option"):
    st.markdown(f"**{t('scenario.add_option')}**")
    c = st.columns([3, 2, 1])
    template = c[0].selectbox(t("scenario.template"), list(reference.TEMPLATES), key=f"add_template:{lang}",
                              format_func=lambda k: reference.TEMPLATES[k][2 if lang == "ja" else 1])
    new_name = c[1].text_input(t("scenario.option_name"), value=costmodel.free_name(raw, template),
                               key=f"add_name:{template}:{len(option_list)}", max_chars=32,
                               help=t("scenario.option_name_help"))
    if c[2].button(t("scenario.add"), key="btn_add_option", icon=":material/add:",
                   disabled=len(option_list) >= costmodel.MAX_OPTIONS):
        actions.append(lambda r: reference.add_option_from_template(r, template, new_name.strip()))

with st.container(border=True):
    st.subheader(t("scenario.range"))
    table = st.data_editor(
        pd.DataFrame(range_rows(raw), columns=["field", "low", "high", "dist"]),
        num_rows="dynamic", hide_index=True, key=form.key("ranges"),
        column_config={
            "field": st.column_config.SelectboxColumn(t("scenario.field"), options=numeric_fields(raw),
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
if actions:
    try:
        common.set_working(actions[-1](new), reset_widgets=True)
    except (costmodel.AssumptionError, ValueError) as exc:
        st.session_state["flash_error"] = str(exc)
    st.rerun()
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
        st.dataframe(pd.DataFrame(result_rows(s, lang)), hide_index=True)
        st.caption(t("scenario.server_time", ms=elapsed_ms) if elapsed_ms >= 1 else t("scenario.cached"))

if new != raw:
    common.set_working(new)

# -- buttons (acted on after the inputs are read, so they save what is on screen) ----------
if st.session_state.get("flash"):
    notice.success(st.session_state.pop("flash"))
if st.session_state.get("flash_error"):
    notice.error(st.session_state.pop("flash_error"))


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
    results_by_name, currencies, labels = {}, set(), {}
    cols = st.columns(len(picked))
    for col, name in zip(cols, picked):
        try:
            cs = common.summary(common.raw_of(rows[name]))
        except costmodel.AssumptionError as exc:
            col.error(common.esc(f"{name}: {exc}"))
            continue
        results_by_name[name] = cs["result"]
        currencies.add(cs["currency"])
        labels.update({o["name"]: o["label"] for o in cs["options"] if o["label"]})
        ch = headline(cs, lang)
        with col.container(border=True):
            st.markdown(f"**{common.esc(name)}** · {i18n.field_label('mode.' + cs['mode'], lang)}")
            st.markdown(common.md(ch["sentence"]))
            table_rows = result_rows(cs, lang, short=True)
            keep = (t("pdf.col.option"), t("metric.present_cost"), t("metric.cost_per_study"))
            st.dataframe(pd.DataFrame({k: v for k, v in table_rows.items() if k in keep}), hide_index=True)
    if len(results_by_name) > 1 and len(currencies) == 1:
        common.plot(figures.compare_scenarios(results_by_name, "present_cost", currencies.pop(), lang, labels),
                    key="fig_compare")
