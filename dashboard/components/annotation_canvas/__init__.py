"""The annotation canvas: a Streamlit component, plain HTML and JavaScript with no build step,
that shows an image, lets the annotator draw polygons, boxes or points on it, and measures the
annotator's activity in the browser (every pointer event and page visibility, with the
browser's own timestamps).

It returns the report that engine/annotation/activity.py checks and engine/annotation/canvas.py
reads (None before the first report). What it records, when it reports and why is written
there; this module only passes the page's settings through.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import streamlit.components.v1 as components
from PIL import Image

from engine.annotation import activity
from engine.annotation import canvas as cv

FRONTEND = Path(__file__).parent / "frontend"
MODES = ("polygon", "box", "point", "view")
_component = components.declare_component("annotation_canvas", path=str(FRONTEND))


def png_url(picture) -> str:
    """An RGB or greyscale picture (PIL image or array) as a PNG data URL."""
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(np.asarray(picture))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def annotation_canvas(
    picture,
    *,
    width: int,
    height: int,
    mode: str,
    key: str,
    point_label: int = 1,
    undo: str = "Undo",
    clear: str = "Clear",
) -> dict | None:
    """Show `picture` at width x height and return the canvas's latest report.

    `mode`: polygon (click the vertices, click the first again to close), box (drag), point
    (click; `point_label` 1 inside, 0 outside) or view (nothing drawn, activity still measured).
    `key` is also the item token the report carries, so a report for another item is ignored.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    return _component(
        image=png_url(picture),
        width=int(width),
        height=int(height),
        mode=mode,
        point_label=1 if point_label else 0,
        item=key,
        colors={
            "trace": cv.TRACE_COLOR,
            "box": cv.BOX_COLOR,
            "positive": cv.POSITIVE_COLOR,
            "negative": cv.NEGATIVE_COLOR,
        },
        texts={"undo": undo, "clear": clear},
        heartbeat_ms=int(activity.HEARTBEAT_SECONDS * 1000),
        move_interval_ms=activity.MOVE_INTERVAL_MS,
        max_events=activity.MAX_EVENTS - 50,
        key=key,
        default=None,
    )
