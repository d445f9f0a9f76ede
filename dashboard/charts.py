"""The Overview's charts, drawn in one component frame by plotly.js's basic bundle.

Streamlit's own Plotly chart element loads the full plotly.js (4.7 MB) before it draws anything;
on a 2-core machine evaluating it takes over a second, most of the Overview's load time. The
Overview's figures use only bar and scatter traces, which plotly.js's basic bundle (1.2 MB,
plotly.js-basic-dist-min 4.1.1, MIT licence, in charts_frontend/) draws the same. All of the
Overview's figures share one frame, so the bundle is evaluated once. The figures themselves are the
ones engine/report/figures.py builds for the PDF too; their provenance badge is drawn above each
figure with the sources on hover, as `common.plot` does for Streamlit's chart element.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit.components.v1 as components

FRONTEND = Path(__file__).parent / "charts_frontend"
_draw = components.declare_component("segroi_charts", path=str(FRONTEND))

# badge colours as Streamlit's st.badge draws them (background, text)
BADGE_STYLE = {
    "measured": ("#d9f2e0", "#1e7b34"),
    "published": ("#dbe9fb", "#1c5aa8"),
    "simulated": ("#fdf0d5", "#9a6206"),
    "assumed": ("#eceef1", "#4b5563"),
    "mixed": ("#efe6fb", "#6b3fa8"),
}


def item(fig) -> dict:
    """One figure as the frame draws it: plain JSON, with its provenance badge taken out of the plot."""
    spec = json.loads(fig.to_json())
    layout = spec.setdefault("layout", {})
    notes = layout.get("annotations") or []
    badge = next((a for a in notes if a.get("name") == "provenance"), None)
    out = {"figure": spec, "height": int(layout.get("height") or 360), "badge": None}
    if badge is not None:
        layout["annotations"] = [a for a in notes if a.get("name") != "provenance"]
        kind = (layout.get("meta") or {}).get("provenance_kind", "mixed")
        background, color = BADGE_STYLE.get(kind, BADGE_STYLE["mixed"])
        out["badge"] = {
            "text": badge.get("text", ""),
            "help": badge.get("hovertext", "").replace("<br>", "\n"),
            "background": background,
            "color": color,
        }
    return out


def payload(rows: list[list]) -> list[list[dict]]:
    """Rows of figures (one or two a row) as the frame draws them."""
    return [[item(fig) for fig in row] for row in rows]


def draw(rows: list[list[dict]], key: str) -> None:
    """Draw a `payload` in one frame: one figure a row across the page, two side by side."""
    _draw(rows=rows, key=key, default=None)
