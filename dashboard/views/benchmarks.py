"""Benchmarks (engineers): stored compute profiles, charts, and a refresh that runs `segroi profile`."""

import shlex

import pandas as pd
import streamlit as st

from dashboard import common, jobs
from dashboard.common import t
from engine.errors import SegroiError
from engine.report import figures, i18n
from engine.store import bundle, results

lang = common.lang()
st.title(t("bench.title"))
st.caption(t("bench.intro"))

COLUMNS = [
    "model",
    "component",
    "weights",
    "device",
    "device_name",
    "host",
    "dtype",
    "dtype_mode",
    "batch",
    "input_size",
    "recipe",
    "compiled",
    "channels_last",
    "reduced_input",
    "images_per_second",
    "seconds_per_image",
    "joules_per_image",
    "joules_per_image_idle_subtracted",
    "seconds_per_prompt",
    "joules_per_prompt",
    "energy_method",
    "average_power_watts",
    "peak_memory_bytes",
    "flops_per_image",
    "provenance",
    "source",
    "torch_version",
    "measured_at",
    "run_id",
]


UNKNOWN = "\u2014"  # a filter's entry for rows without a value


def filter_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as the filters see it: text, with missing values as UNKNOWN (so they can be chosen)."""
    if column not in frame:
        return pd.Series(UNKNOWN, index=frame.index)
    return frame[column].map(lambda v: UNKNOWN if v is None or v != v or str(v).strip() == "" else str(v))


@st.cache_data(ttl=10, show_spinner=False)
def _profiles(path: str, version: int) -> pd.DataFrame:
    return results.profiles(common.store())


df = _profiles(common.db_path(), st.session_state.get("store_version", 0))
if df.empty:
    st.info(t("empty.profiles"), icon=":material/speed:")
else:
    st.caption(t("bench.random_weights"))
    c = st.columns(5)
    filters = {}
    for col, (column, label) in zip(
        c,
        (
            ("model", "bench.filter_model"),
            ("dtype", "bench.filter_dtype"),
            ("device", "bench.filter_device"),
            ("device_name", "bench.filter_hardware"),
            ("weights", "bench.filter_weights"),
        ),
    ):
        values = filter_values(df, column)  # a row without a value (a CPU with no name) is "unknown", not hidden
        options = sorted(values.unique())
        key = f"filter_{column}"
        seen = st.session_state.get(f"{key}_seen")
        if seen is not None and key in st.session_state:  # new hardware (an import, a profile) starts selected
            st.session_state[key] = [o for o in st.session_state[key] if o in options] + [
                o for o in options if o not in seen
            ]
        st.session_state[f"{key}_seen"] = options
        filters[column] = col.multiselect(
            t(label), options, default=options, key=key, format_func=lambda o: t("bench.unknown") if o == UNKNOWN else o
        )
    view = df
    for column, chosen in filters.items():
        view = view[filter_values(view, column).isin(chosen)]
    shown = view[[c for c in COLUMNS if c in view.columns]].copy()
    if "provenance" in shown:
        shown["provenance"] = shown["provenance"].map(lambda k: i18n.provenance_name(k, lang))
    for c in shown.columns[
        shown.dtypes.map(lambda d: d.kind == "O")
    ]:  # a text cell with nothing recorded reads "—", not "None"
        shown[c] = shown[c].map(lambda v: UNKNOWN if v is None or v != v else v)
    formats = {
        "images_per_second",
        "seconds_per_image",
        "joules_per_image",
        "joules_per_image_idle_subtracted",
        "seconds_per_prompt",
        "joules_per_prompt",
        "average_power_watts",
        "flops_per_image",
    }
    st.dataframe(
        shown,
        hide_index=True,
        height=240,
        column_config={
            c: (
                st.column_config.NumberColumn(t(f"bench.col.{c}"), format="%.4g")
                if c in formats
                else t(f"bench.col.{c}")
            )
            for c in shown.columns
        },
    )
    machines = sorted(filter_values(df, "device_name").unique())
    left, right = st.columns(2)
    with left:
        common.plot(figures.profile_chart(view, "images_per_second", lang, machines), key="fig_throughput")
    with right:
        if view["joules_per_image"].notna().any():
            common.plot(figures.profile_chart(view, "joules_per_image", lang, machines), key="fig_energy")
        else:
            st.info(t("bench.no_energy"))

# -- refresh: `segroi profile` in a subprocess ------------------------------------------------
st.subheader(t("bench.refresh"))
job = jobs.current()
with st.form("profile_form", border=True):
    c = st.columns([3, 1, 1])
    models = c[0].multiselect(
        t("bench.models"), ["ssl_unet", "sam_vit_b", "sam_vit_l", "sam_vit_h"], default=["ssl_unet"]
    )
    device = c[1].selectbox(t("bench.device"), ["auto", "cpu", "cuda"])
    seconds = c[2].number_input(t("bench.seconds"), min_value=0.5, max_value=600.0, value=2.0, step=0.5)
    extra = st.text_input(t("bench.extra"), placeholder="--dtypes fp32,bf16 --batch-sizes 1,8")
    go = st.form_submit_button(t("bench.start"), type="primary", disabled=bool(job and job.running))
for note in st.session_state.pop("bench_notes", []):
    st.warning(common.esc(note))
if go:
    if not models:
        st.error(t("bench.pick_model"))
    else:
        try:  # only listed options, values clamped (engine.profiling.page_args)
            command, notes = jobs.profile_command(models, device, seconds, extra)
        except SegroiError as exc:
            st.error(common.esc(exc))
        else:
            st.session_state["bench_notes"] = notes
            if jobs.start(command) is None:
                st.warning(t("bench.already"))
            st.rerun()


@st.fragment(run_every=1.0 if job is not None and job.running else None)
def progress_panel() -> None:
    job = jobs.current()
    if job is None:
        return
    command = " ".join(shlex.quote(x) for x in ["segroi", *job.command[3:]])
    if job.running:
        st.write(t("bench.running", command=common.esc(command)))
        st.progress(job.progress or 0.0, text=common.esc(job.lines[-1][-160:]) if job.lines else "…")
        if st.button(t("bench.cancel"), key="btn_cancel", icon=":material/stop:"):
            job.cancel()
            common.changed()
            st.rerun(scope="app")
        return
    if job.state == "ok":
        st.success(t("bench.done"))
    elif job.state == "cancelled":
        st.warning(t("bench.cancelled"))
    else:
        st.error(t("bench.failed", reason=common.esc(job.reason())))
    with st.expander(t("bench.log")):
        st.code("\n".join(list(job.lines)[-40:]) or t("bench.no_output"))
    if st.session_state.get("job_seen") is not job:
        st.session_state["job_seen"] = job
        common.changed()
        st.rerun(scope="app")


progress_panel()

runs = results.profile_runs(common.store())
if runs:
    st.subheader(t("bench.recent_runs"))
    st.dataframe(pd.DataFrame(runs), hide_index=True, column_config={c: t(f"bench.run.{c}") for c in runs[0]})

# -- import: a bundle of runs from another machine (segroi runs export) --------------------------
st.subheader(t("bench.import"))
st.caption(t("bench.import_help"))
common.open_uploads()  # behind the login: app.py gated this session before drawing the page
with st.form("import_form", border=True, clear_on_submit=True):
    uploads = st.file_uploader(
        t("bench.import_files"), type=["zip", "json", "parquet"], accept_multiple_files=True, key="bundle_files"
    )
    go_import = st.form_submit_button(t("bench.import_start"), icon=":material/upload:")
if go_import and uploads:
    from engine.store import StoreError
    from engine.store.bundle_files import import_uploads

    try:
        result = import_uploads(common.store(write=True), [(f.name, f) for f in uploads])
    except StoreError as exc:
        st.session_state["bundle_import"] = {"error": str(exc)}
    else:
        st.session_state["bundle_import"] = {
            "added": len(result.added),
            "present": len(result.present),
            "runs": [{**r, "added": r.get("id") in result.added} for r in result.manifest["runs"]],
        }
        common.changed()
    st.rerun()  # the tables and charts above read the store again
outcome = st.session_state.pop("bundle_import", None)
if outcome and "error" in outcome:
    st.error(t("bench.import_failed"))
    st.code(outcome["error"], language=None)  # names from the bundle are shown as plain text
elif outcome:
    if outcome["added"]:
        st.success(t("bench.import_done", n=outcome["added"], added=outcome["added"], present=outcome["present"]))
    else:
        st.info(t("bench.import_nothing", n=outcome["present"], present=outcome["present"]))
    st.dataframe(
        pd.DataFrame(outcome["runs"]),
        hide_index=True,
        column_config={
            c: t(f"bench.run.{c}") if i18n.has(f"bench.run.{c}") else c
            for c in (outcome["runs"][0] if outcome["runs"] else {})
        },
    )
imported = bundle.imports(common.store(), 10)
if imported:
    st.caption(t("bench.recent_imports"))
    st.dataframe(
        pd.DataFrame(imported),
        hide_index=True,
        column_config={c: t(f"bench.import.{c}") if i18n.has(f"bench.import.{c}") else c for c in imported[0]},
    )
