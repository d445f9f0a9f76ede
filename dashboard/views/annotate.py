"""Annotate: timed annotation in the browser. Thin: the logic is engine.annotation.flow."""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from dashboard import common
from dashboard.components.annotation_canvas import annotation_canvas
from engine.annotation import flow as flows
from engine.annotation.masks import overlay
from engine.annotation.session import (
    DEFAULT_IDLE_THRESHOLD_S,
    human_sessions,
    open_sessions,
    pseudonym,
    session_items,
)
from engine.annotation.summary import by_structure, old_timed, scenario_update, summarize, timed_items
from engine.data import roots as data_roots
from engine.data.frame import STRUCTURES
from engine.report.escape import md_code
from engine.report.i18n import t as tt
from engine.errors import SegroiError

LANG = common.lang()
DISPLAY_PX = 512
PREVIEW_PX = 320
COLORS = {"LV": (255, 82, 82), "LA": (255, 171, 64), "RV": (64, 196, 255), "RA": (105, 240, 174)}
FLOW = "ann_flow"


def T(key: str, **kw) -> str:
    return tt(f"annotate.{key}", LANG, **kw)


@st.cache_resource(max_entries=2, show_spinner="Loading SAM ...")
def _sam(checkpoint: str, size: int, device: str):
    return flows.make_sam(checkpoint or None, size, device)


@st.cache_data(max_entries=8, show_spinner=False)
def _estimate(checkpoint: str, size: int, device: str) -> float:
    return float(_sam(checkpoint, size, device).estimate_embed_seconds()["seconds"])


@st.cache_data(show_spinner=False)
def _devices() -> list[str]:
    """cuda first when this machine has a GPU (SAM's prompts then answer within a second)."""
    import torch

    return ["cuda", "cpu"] if torch.cuda.is_available() else ["cpu"]


def _store():
    return common.store(write=True)


def _touch() -> None:
    flow = st.session_state.get(FLOW)
    if flow is not None:
        flow.touch()


# -- setting up ---------------------------------------------------------------------------------
def setup() -> None:
    st.markdown(T("intro"))
    new_tab, resume_tab, all_tab = st.tabs([T("new"), T("resume"), T("so_far")])
    with all_tab:
        measured_so_far()
    with new_tab:
        name = st.text_input(T("pseudonym"), key="ann_name")
        kind = st.radio(
            T("data"), ["phantom", "folder"], horizontal=True, key="ann_data", format_func=lambda k: T(f"data.{k}")
        )
        folder = truth = None
        if kind == "folder":
            folder = st.text_input(T("folder"), key="ann_folder")
            truth = st.text_input(T("truth"), key="ann_truth") or None
        task = st.radio(T("task"), ["manual", "sam", "ssl"], key="ann_task", format_func=lambda k: T(f"task.{k}"))
        c = st.columns(3)
        frames = c[0].number_input(T("frames"), 1, 200, 2, key="ann_frames")
        structures = c[1].multiselect(T("structures"), list(STRUCTURES), default=["LV"], key="ann_structures")
        idle = c[2].number_input(T("idle"), 5.0, 600.0, DEFAULT_IDLE_THRESHOLD_S, 5.0, key="ann_idle")
        checkpoint, size, weights, device = "", 256, None, "cpu"
        if task == "sam":
            c = st.columns(3)
            checkpoint = c[0].text_input(T("sam.checkpoint"), key="ann_ckpt").strip()
            size = c[1].selectbox(T("sam.size"), [256, 512, 1024], index=2 if checkpoint else 0, key="ann_size")
            device = c[2].selectbox(T("sam.device"), _devices(), key="ann_device")
        if task == "ssl":
            weights = st.text_input(T("ssl.weights"), key="ann_weights").strip() or None
        if st.button(T("start"), type="primary", key="ann_start"):
            try:
                within = data_roots.configured()  # every typed path must lie inside a data root
                paths = data_roots.allow_page_paths(
                    within,
                    folder=folder if kind == "folder" else None,
                    truth=truth,
                    checkpoint=checkpoint,
                    weights=weights,
                )
                folder, truth, checkpoint, weights = (
                    paths[k] or "" for k in ("folder", "truth", "checkpoint", "weights")
                )
                sam = _sam(checkpoint, int(size), device) if task == "sam" else None
                st.session_state[FLOW] = flows.start(
                    _store(),
                    pseudonym(name),
                    task,
                    data=folder if kind == "folder" else "phantom",
                    truth=truth or None,
                    frames=int(frames),
                    structures=structures,
                    idle_threshold=float(idle),
                    sam=sam,
                    sam_checkpoint=checkpoint or None,
                    ssl_weights=weights or None,
                    within=within,
                )
                st.session_state["ann_sam_key"] = (checkpoint, int(size), device)
                st.rerun()
            except SegroiError as exc:
                st.error(common.esc(exc))
    with resume_tab:
        rows = open_sessions(common.store())
        if not rows:
            st.info(T("no_open"))
            return
        labels = {
            r["id"]: f"{str(r['created_at'])[:16]} · {r['task']} · {r['annotator']} · "
            f"{r['items']} item(s) · {r['dataset']}"
            for r in rows
        }
        pick = st.selectbox(T("resume.pick"), list(labels), format_func=labels.get, key="ann_resume_pick")
        if st.button(T("resume.go"), key="ann_resume"):
            try:
                settings = next(r for r in rows if r["id"] == pick)
                within = data_roots.configured()
                data_roots.allow_session(flows.load_session(common.store(), pick).settings, within)
                sam = None
                if settings["task"] == "sam":
                    session = flows.load_session(common.store(), pick)
                    key = (
                        session.settings.get("sam_checkpoint") or "",
                        int(session.settings.get("sam_image_size") or 256),
                        session.settings.get("device") if session.settings.get("device") in _devices() else "cpu",
                    )
                    sam = _sam(*key)
                    st.session_state["ann_sam_key"] = key
                st.session_state[FLOW] = flows.resume(_store(), pick, sam=sam, within=within)
                st.rerun()
            except SegroiError as exc:
                st.error(common.esc(exc))


# -- annotating -------------------------------------------------------------------------------
def _picture(pixels: np.ndarray, size: tuple[int, int]) -> Image.Image:
    grey = (np.clip(pixels, 0, 1) * 255).round().astype(np.uint8)
    return Image.fromarray(grey).convert("RGB").resize(size, Image.BILINEAR)


def _embed(flow, slot) -> None:
    sam = flow.sam
    device = "GPU" if str(sam.device).startswith("cuda") else "CPU"
    last = st.session_state.get("ann_embed_s")
    if last is None:
        seconds = _estimate(*st.session_state["ann_sam_key"])
        basis = T("embedding.estimate")
    else:
        seconds, basis = last, T("embedding.measured", seconds=last)
    with slot.container():
        st.info(T("embedding", device=device, seconds=max(1.0, seconds), basis=basis), icon=":material/hourglass_top:")
        with st.spinner():
            st.session_state["ann_embed_s"] = flow.embed_current()
    slot.empty()


def annotate(flow) -> None:
    frame, structure = flow.current
    if flow.task == "sam" and getattr(flow.sam, "weights", "") == "random":
        st.warning(T("sam_random"), icon=":material/warning:")
    # the same number of elements above the canvas in every run, shown or not: a shift would make
    # the browser load the canvas again, losing what is drawn on it
    flash, embedding = st.empty(), st.empty()
    if "ann_flash" in st.session_state:
        flash.success(st.session_state.pop("ann_flash"), icon=":material/check:")
    st.progress(
        flow.done / flow.total,
        text=T("progress", k=flow.done + 1, n=flow.total, structure=structure, frame=md_code(frame.name)),
    )
    if flow.needs_embedding:
        _embed(flow, embedding)
    flow.show()

    h, w = frame.shape
    scale = DISPLAY_PX / max(h, w)
    size = (round(w * scale), round(h * scale))
    left, right = st.columns([3, 2])
    with left:
        if flow.task == "ssl" and flow.phase == "review":
            st.markdown(T("how.ssl", structure=structure))
            if flow.mask is None or not flow.mask.any():
                st.caption(T("ssl.empty", structure=structure))
            shown = overlay(frame.pixels, [(flow.mask, COLORS[structure])])
            flow.update(
                annotation_canvas(
                    Image.fromarray(shown).resize(size, Image.BILINEAR),
                    width=size[0],
                    height=size[1],
                    mode="view",
                    key=flow.canvas_key,
                ),
                scale,
            )
        else:
            how = "how.ssl_correct" if flow.task == "ssl" else f"how.{flow.task}"
            st.markdown(T(how, structure=structure))
            _canvas(flow, frame, size, scale)
    with right:
        if flow.drawing:
            st.caption(T("mask"))
            st.image(overlay(frame.pixels, [(flow.mask, COLORS[structure])]), width=PREVIEW_PX)
    st.caption(T("timing", idle=flow.session.idle_threshold_seconds))
    for problem in dict.fromkeys(flow.activity_problems):
        st.warning(T("activity_refused", problem=problem), icon=":material/warning:")
    _buttons(flow, structure)


def _canvas(flow, frame, size, scale) -> None:
    mode, label = "polygon", 1
    if flow.task == "sam":
        pick = st.radio(
            T("sam.mode"),
            ["box", "pos", "neg"],
            horizontal=True,
            key=f"mode-{flow.canvas_key}",
            format_func=lambda k: T(f"sam.{k}"),
            on_change=_touch,
        )
        mode, label = {"box": ("box", 1), "pos": ("point", 1), "neg": ("point", 0)}[pick]
    value = annotation_canvas(
        _picture(frame.pixels, size),
        width=size[0],
        height=size[1],
        mode=mode,
        point_label=label,
        key=flow.canvas_key,
        undo=T("undo"),
        clear=T("clear"),
    )
    flow.update(value, scale)


def _buttons(flow, structure) -> None:
    c = st.columns([1, 1, 1.5, 2.5])
    accept = c[0].button(T("accept"), type="primary", key=f"accept-{flow.canvas_key}", icon=":material/check:")
    other = None
    if flow.task == "sam":
        other = c[1].button(T("sam.fail"), key=f"fail-{flow.canvas_key}", icon=":material/close:")
    elif flow.task == "ssl" and flow.phase == "review":
        other = c[1].button(T("ssl.correct"), key=f"correct-{flow.canvas_key}", icon=":material/edit:")
    leave = c[2].button(T("leave"), key="ann_leave", icon=":material/pause:")
    try:
        if accept:
            _saved(flow.accept())
        elif other and flow.task == "sam":
            _saved(flow.reject())
        elif other:
            flow.start_correction()
            st.rerun()
    except SegroiError as exc:
        st.error(common.esc(exc))
    if leave:
        st.session_state.pop(FLOW, None)
        st.rerun()


def _saved(item) -> None:
    text = T("saved", structure=item.structure, active=item.active_seconds)
    if item.idle_seconds:
        text += T("saved.idle", idle=item.idle_seconds)
    if item.dice is not None:
        text += T("saved.dice", dice=item.dice)
    st.session_state["ann_flash"] = text
    common.changed()
    st.rerun()


# -- the end: summary and scenario ---------------------------------------------------------------
def _fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"


def _tables(items, source: str, key: str = "one") -> dict:
    """Seconds per structure with spread, and the cost-model inputs; returns the estimates.
    Items timed the old way count only when the user ticks the box, and a mix is said so."""
    old = old_timed(items)
    include = bool(old) and st.checkbox(T("old.include", n=old), key=f"ann_old_{key}")
    items, _ = timed_items(items, include)
    if old and not include:
        st.info(T("old.left_out", n=old), icon=":material/info:")
    elif old and len(items) > old:
        st.warning(T("old.mixed", new=len(items) - old, old=old), icon=":material/warning:")
    if not items:
        return {}
    st.subheader(T("summary"))
    st.dataframe(
        [
            {
                T("col.task"): r["task"],
                T("col.structure"): r["structure"],
                T("col.n"): r["n"],
                T("col.mean"): _fmt(r["mean_s"]),
                T("col.sd"): _fmt(r["sd_s"]),
                T("col.median"): _fmt(r["median_s"]),
                T("col.ci"): "-" if r["ci_low_s"] is None else f"{r['ci_low_s']:.1f} to {r['ci_high_s']:.1f}",
                T("col.accepted"): f"{r['accepted_share']:.0%}",
                T("col.dice"): _fmt(r["mean_dice"], 2),
            }
            for r in by_structure(items)
        ],
        hide_index=True,
    )
    estimates = summarize(items, source=source, include_old=include)
    st.subheader(T("summary.inputs"))
    st.dataframe(
        [
            {
                T("col.field"): T("review_field") if e.field.startswith("ssl.review") else e.field,
                T("col.value"): f"{e.value:.3g} {e.unit}",
                T("col.n"): e.n,
                T("col.interval"): "-" if e.low is None else f"{e.low:.3g} to {e.high:.3g}",
                T("col.method"): "-" if e.low is None else e.method,
                T("col.provenance"): e.provenance,
            }
            for e in estimates.values()
        ],
        hide_index=True,
    )
    st.caption(T("summary.method"))
    if any(i["task"] == "sam" and i.get("sam_weights") == "random" for i in items):
        st.info(T("summary.random"), icon=":material/info:")
    return estimates


def summary(flow) -> None:
    session = flow.session
    items = session_items(common.store(), [session.id])
    st.success(T("done", n=len(items)))
    source = (
        f"annotation session {session.id} ({session.annotator}, "
        f"{str(session.created_at)[:10]}, {session.task}, {session.dataset})"
    )
    estimates = _tables(items, source)
    _to_scenario(f"annotation {session.id[:8]}", f"measured annotation times from session {session.id}", estimates)
    if st.button(T("another"), key="ann_another"):
        st.session_state.pop(FLOW, None)
        st.rerun()


def measured_so_far() -> None:
    """All human sessions together (never simulated ones), for tighter intervals."""
    rows = human_sessions(common.store())
    rows = [r for r in rows if r["items"]]
    if not rows:
        st.info(T("none_yet"))
        return
    labels = {
        r["id"]: f"{str(r['created_at'])[:16]} · {r['task']} · {r['annotator']} · "
        f"{r['items']} item(s) · {r['status']} · {r['id'][:8]}"
        for r in rows
    }  # the id: no two alike
    picked = st.multiselect(
        T("sessions"), list(labels), default=list(labels), format_func=labels.get, key="ann_all_pick"
    )
    if not picked:
        return
    items = session_items(common.store(), picked)
    annotators = len({i["annotator"] for i in items})
    source = f"{len(picked)} annotation session(s) by {annotators} annotator(s): " + ", ".join(p[:8] for p in picked)
    estimates = _tables(items, source, key="all")
    _to_scenario(f"annotation {len(picked)} sessions", f"measured annotation times from {source}", estimates, key="all")


def _to_scenario(label: str, note: str, estimates, key: str = "one") -> None:
    from engine import costmodel, reference

    if not estimates:
        return
    rows = {r["name"]: common.raw_of(r) for r in common.saved_scenarios()}
    if not rows:
        rows = {reference.REFERENCE_NAME: reference.reference_scenario()}
    with st.container(border=True):
        st.markdown(f"**{T('to_scenario')}**")
        c = st.columns(2)
        names = list(rows)
        loaded = st.session_state.get("loaded")
        base = c[0].selectbox(
            T("base"), names, key=f"ann_base_{key}", index=names.index(loaded) if loaded in names else 0
        )
        name = c[1].text_input(T("new_name"), value=f"{base} + {label}", key=f"ann_scenario_name_{key}").strip()
        if st.button(T("to_scenario"), type="primary", key=f"ann_to_scenario_{key}", icon=":material/input:"):
            try:
                raw, _, changed = scenario_update(rows[base], estimates, name)
                scenario = costmodel.validate(raw)
                _store().save_scenario(name, scenario.to_dict(), dict(scenario.provenance), note=note)
                common.changed()
                common.load(name)
                st.success(T("scenario_saved", name=common.esc(name), n=len(changed)))
            except (SegroiError, costmodel.AssumptionError) as exc:
                st.error(common.esc(exc))


st.title(T("title"))
current = st.session_state.get(FLOW)
if current is None:
    st.session_state.pop("ann_flash", None)
    setup()
elif current.finished:
    st.session_state.pop("ann_flash", None)
    summary(current)
else:
    annotate(current)
