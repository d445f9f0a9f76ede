"""A page with nothing but the annotation canvas, for tests/browser/test_annotation_canvas_browser.py:
the canvas's latest report is shown as JSON below it, with how many distinct reports arrived."""

import json

import numpy as np
import streamlit as st

from dashboard.components.annotation_canvas import annotation_canvas

mode = st.radio("mode", ["polygon", "box", "point", "view"], horizontal=True, key="mode")
label = st.radio("label", [1, 0], horizontal=True, key="label", format_func=lambda v: ("inside", "outside")[1 - v])
picture = np.full((150, 200, 3), 90, dtype=np.uint8)
value = annotation_canvas(picture, width=200, height=150, mode=mode, point_label=label, key="item-1")
if value is not None and value.get("sent") != st.session_state.get("last_sent"):
    st.session_state["last_sent"] = value.get("sent")
    st.session_state["reports"] = st.session_state.get("reports", 0) + 1
st.code(json.dumps({"reports": st.session_state.get("reports", 0), "value": value}), language="json")
