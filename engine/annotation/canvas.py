"""Reading the drawing canvas (Fabric.js JSON from streamlit-drawable-canvas) as prompts.

Canvas pixels map to image pixels by `scale` (canvas px per image px, the same on both axes
because the page keeps the image's aspect ratio). Point labels come from the stroke colour
they were drawn with: POSITIVE_COLOR marks an inside (1) click, NEGATIVE_COLOR an outside (0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

POSITIVE_COLOR = "#00c853"
NEGATIVE_COLOR = "#ff1744"
BOX_COLOR = "#ffd600"
TRACE_COLOR = "#00b0ff"
_ORIGIN = {"left": 0.0, "top": 0.0, "center": 0.5, "right": 1.0, "bottom": 1.0}


@dataclass
class Shapes:
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.polygons) + len(self.boxes) + len(self.points)

    def signature(self) -> tuple:
        """Rounded content, to tell a real change from a rerun with the same drawing."""
        r = lambda v: round(v, 1)  # noqa: E731
        return (tuple(tuple((r(x), r(y)) for x, y in p) for p in self.polygons),
                tuple(tuple(r(v) for v in b) for b in self.boxes),
                tuple((r(x), r(y)) for x, y in self.points), tuple(self.labels))


def _corner(obj: dict, width: float, height: float) -> tuple[float, float]:
    """Top-left corner of an object's box in canvas pixels, whatever its origin."""
    left = float(obj.get("left", 0.0)) - _ORIGIN.get(obj.get("originX", "left"), 0.0) * width
    top = float(obj.get("top", 0.0)) - _ORIGIN.get(obj.get("originY", "top"), 0.0) * height
    return left, top


def _polygon(obj: dict) -> list[tuple[float, float]]:
    """Vertices in canvas pixels. Fabric keeps the points as drawn and places them by left/top:
    the points' bounding-box centre sits at the object's centre, so a polygon moved or scaled
    in edit mode is followed."""
    pts = [(float(p["x"]), float(p["y"])) for p in obj.get("points", [])]
    if len(pts) < 3:
        return []
    sx, sy = float(obj.get("scaleX", 1.0)), float(obj.get("scaleY", 1.0))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    width = float(obj.get("width", max(xs) - min(xs))) * sx
    height = float(obj.get("height", max(ys) - min(ys))) * sy
    left, top = _corner(obj, width, height)
    ox, oy = left + width / 2, top + height / 2
    return [(ox + (x - cx) * sx, oy + (y - cy) * sy) for x, y in pts]


def parse(json_data: dict | None, scale: float) -> Shapes:
    """Polygons, boxes (x0, y0, x1, y1) and points (x, y) with labels, in image pixels."""
    out = Shapes()
    if not json_data:
        return out
    s = float(scale)
    for obj in json_data.get("objects", []):
        kind = obj.get("type", "")
        if kind == "Polygon":
            poly = _polygon(obj)
            if poly:
                out.polygons.append([(x / s, y / s) for x, y in poly])
        elif kind in ("Rect", "LabeledRect"):
            w = float(obj.get("width", 0)) * float(obj.get("scaleX", 1))
            h = float(obj.get("height", 0)) * float(obj.get("scaleY", 1))
            left, top = _corner(obj, w, h)
            if w > 0 and h > 0:
                out.boxes.append((left / s, top / s, (left + w) / s, (top + h) / s))
        elif kind == "Circle":
            # Fabric's box around a circle includes its stroke
            r, stroke = float(obj.get("radius", 0)), float(obj.get("strokeWidth", 0) or 0)
            w = 2 * r * float(obj.get("scaleX", 1)) + stroke
            h = 2 * r * float(obj.get("scaleY", 1)) + stroke
            left, top = _corner(obj, w, h)
            out.points.append(((left + w / 2) / s, (top + h / 2) / s))
            stroke = str(obj.get("stroke", "")).lower()
            out.labels.append(0 if stroke == NEGATIVE_COLOR else 1)
    return out


def click_cost(shapes: Shapes) -> int:
    """Mouse actions it took to draw these shapes: a polygon's vertices plus the closing click,
    one drag per box, one click per point."""
    return sum(len(p) + 1 for p in shapes.polygons) + len(shapes.boxes) + len(shapes.points)
