"""Scenario: every assumption editable, live recompute, measured values, save/load/compare."""

import time

import pandas as pd
import streamlit as st

from dashboard import common, scenario_parts
from dashboard.common import t
from dashboard.form import DISTS, Form, numeric_fields, range_rows
from engine import costmodel, reference
from engine.annotation.options import options_of
from engine.report import figures, i18n, measured
from engine.report.problems import assumption_message
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
labels = raw_option_names(raw, lang, short=True)
form = Form(raw, gen, lang, prov, labels)

results = st.container(border=True)  # filled after the inputs are read
toolbar = st.columns([1, 1, 1, 1, 2])
do_save = toolbar[0].button(t("scenario.save"), type="primary", key="btn_save")
do_dup = toolbar[1].button(t("scenario.duplicate"), key="btn_dup")
do_reset = toolbar[2].button(t("scenario.reset"), key="btn_reset")
do_delete = toolbar[3].button(t("scenario.delete"), key="btn_delete")
saved_by = common.saved_by(toolbar[4])
notice = st.empty()

# -- measured values: measured ones picked, simulated ones only when ticked -------------------
with st.expander(t("scenario.measured_title"), icon=":material/science:"):
    picked = scenario_parts.measured_values(raw, lang)
    if picked:
        common.set_working(measured.apply(raw, picked), reset_widgets=True)
        simulated = sum(1 for c in picked if c["kind"] != "measured")
        st.session_state["flash"] = (
            t("scenario.measured_applied", n=len(picked))
            if not simulated
            else t("scenario.measured_applied_mixed", n=len(picked), simulated=simulated)
        )
        st.rerun()

# -- the assumptions ----------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("section.general"))
    c = st.columns(4)
    name = c[0].text_input(i18n.field_label("name", lang), value=raw.get("name", ""), key=form.key("name"))
    if name != raw.get("name"):
        form.new["name"] = name
    converted = scenario_parts.currency(raw, c[1])
    if converted is not None:
        common.set_working(converted, reset_widgets=True)
        st.session_state["flash"] = t("scenario.converted", currency=converted["currency"])
        st.rerun()
    form.number("horizon_years", c[2])
    form.number("discount_rate", c[3])

with st.container(border=True):
    st.subheader(f"{t('section.workload')} · {t('section.labour')}")
    c = st.columns(3)
    for i, path in enumerate(
        ("workload.studies_per_year", "workload.frames_per_study", "workload.structures_per_frame")
    ):
        form.number(path, c[i])
    c = st.columns(3)
    for i, path in enumerate(
        ("labour.clinician_wage_per_hour", "labour.engineer_wage_per_hour", "labour.overhead_fraction")
    ):
        form.number(path, c[i])

with st.container(border=True):
    st.subheader(t("section.hardware"))
    form.hardware("hardware")

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
                form.choice(
                    f"options.{name}.{role}",
                    t(f"scenario.hybrid_{role}"),
                    choices,
                    col,
                    format_func=lambda n, labels=option_labels: labels.get(n, n),
                )
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
            own = st.toggle(t("scenario.own_hardware_toggle"), value="hardware" in body, key=form.key(f"own_hw_{name}"))
            if own != ("hardware" in body):
                actions.append(lambda r, n=name, on=own: costmodel.set_own_hardware(r, n, on))
            if own:
                form.hardware(f"options.{name}.hardware")
            if st.button(t("scenario.remove"), key=f"btn_remove_{name}", icon=":material/delete:"):
                actions.append(lambda r, n=name: costmodel.remove_option(r, n))

with st.container(border=True, key="add_option"):
    st.markdown(f"**{t('scenario.add_option')}**")
    c = st.columns([3, 2, 1])
    template = c[0].selectbox(
        t("scenario.template"),
        list(reference.TEMPLATES),
        key=f"add_template:{lang}",
        format_func=lambda k: reference.TEMPLATES[k][2 if lang == "ja" else 1],
    )
    new_name = c[1].text_input(
        t("scenario.option_name"),
        value=costmodel.free_name(raw, template),
        key=f"add_name:{template}:{len(option_list)}",
        max_chars=32,
        help=t("scenario.option_name_help"),
    )
    if c[2].button(
        t("scenario.add"),
        key="btn_add_option",
        icon=":material/add:",
        disabled=len(option_list) >= costmodel.MAX_OPTIONS,
    ):
        actions.append(lambda r: reference.add_option_from_template(r, template, new_name.strip()))

with st.container(border=True):
    st.subheader(t("scenario.range"))
    st.caption(t("scenario.range_help"))
    fields = numeric_fields(raw)
    currency = raw.get("currency", "USD")
    units = {f: i18n.input_unit(costmodel.field_spec(f).unit, currency, lang) for f in fields}
    rows = [dict(r, unit=units.get(r["field"], "")) for r in range_rows(raw)]
    table = st.data_editor(
        pd.DataFrame(rows, columns=["field", "low", "high", "unit", "dist"]),
        num_rows="dynamic",
        hide_index=True,
        key=form.key(f"ranges:{lang}"),
        disabled=["unit"],
        column_config={
            "field": st.column_config.SelectboxColumn(
                t("scenario.field"),
                options=fields,
                required=True,
                width="large",
                format_func=lambda f: i18n.field_label(f, lang, labels),
            ),
            "low": st.column_config.NumberColumn(t("scenario.low"), format="%.6g"),
            "high": st.column_config.NumberColumn(t("scenario.high"), format="%.6g"),
            "unit": st.column_config.TextColumn(t("scenario.unit")),
            "dist": st.column_config.SelectboxColumn(
                t("scenario.dist"), options=list(DISTS), default="triangular", format_func=lambda d: t(f"dist.{d}")
            ),
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
        # the message itself stands beside its field; one without a field here is said here, once
        loose = messages.get("") or (None if messages else assumption_message(error, new, lang, labels))
        if loose:
            st.error(t("problem.fix_first", problem=common.esc(loose)), icon=":material/error:")
        else:
            st.warning(t("scenario.fix_marked"), icon=":material/error:")
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
            body.pop("provenance", None)
            version = common.store(write=True).save_scenario(
                target, body, dict(scenario.provenance), note="saved from the dashboard", saved_by=saved_by
            )
            common.changed()
            common.load(target)
            st.session_state["flash"] = t("scenario.saved_version", name=common.esc(target), version=version)
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

# -- versions of the saved scenario --------------------------------------------------------------
loaded = st.session_state.get("loaded")
if loaded in saved:
    with st.expander(t("scenario.history", name=common.esc(loaded)), icon=":material/history:"):
        scenario_parts.history(loaded)

# -- compare side by side: results, and the inputs that differ ------------------------------------
st.subheader(t("scenario.compare"))
rows = {r["name"]: common.raw_of(r) for r in common.saved_scenarios()}
unsaved = t("ui.unsaved", name=loaded) if loaded in rows and common.edited() else None
if unsaved:  # the edit on screen, beside what is saved
    rows = {unsaved: new, **rows}
names = list(rows)
default = [n for n in (unsaved, loaded) if n in names][:2]
default += [n for n in names if n not in default][: max(0, 2 - len(default))]
picked = st.multiselect(
    t("scenario.compare_pick"), names, default=default, key=f"compare_pick:{'|'.join(names)}:{loaded}"
)
if len(picked) >= 2:
    with st.container(key="compare_inputs"):
        st.markdown(f"**{t('scenario.differences', a=common.esc(picked[0]), b=common.esc(picked[1]))}**")
        scenario_parts.differences(picked[0], rows[picked[0]], picked[1], rows[picked[1]])
if picked:
    results_by_name, currencies, option_labels = {}, set(), {}
    cols = st.columns(len(picked))
    for col, name in zip(cols, picked):
        try:
            cs = common.summary(rows[name])
        except costmodel.AssumptionError as exc:
            if name == unsaved:  # its problem is already said beside the field above: once is enough
                col.caption(f"**{common.esc(name)}** · {t('scenario.fix_marked')}")
            else:
                col.error(common.esc(f"{name}: {assumption_message(exc, rows[name], lang)}"))
            continue
        results_by_name[name] = cs["result"]
        currencies.add(cs["currency"])
        option_labels.update({o["name"]: o["label"] for o in cs["options"] if o["label"]})
        ch = headline(cs, lang)
        with col.container(border=True):
            st.markdown(f"**{common.esc(name)}** · {i18n.field_label('mode.' + cs['mode'], lang)}")
            st.markdown(common.md(ch["sentence"]))
            table_rows = result_rows(cs, lang, short=True)
            keep = (t("pdf.col.option"), t("metric.present_cost"), t("metric.cost_per_study"))
            st.dataframe(pd.DataFrame({k: v for k, v in table_rows.items() if k in keep}), hide_index=True)
    if len(results_by_name) > 1 and len(currencies) == 1:
        common.plot(
            figures.compare_scenarios(results_by_name, "present_cost", currencies.pop(), lang, option_labels),
            key="fig_compare",
        )
    elif len(results_by_name) > 1:
        st.caption(t("scenario.compare_currencies"))
