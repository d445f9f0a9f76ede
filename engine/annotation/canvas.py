"""Reading the annotation canvas's drawing (dashboard/components/annotation_canvas) as prompts.

The canvas sends its shapes in canvas pixels, in the order they were drawn:

    {"polygons": [[[x, y], ...], ...],      closed polygons (an open one is not sent)
     "boxes":    [[x0, y0, x1, y1], ...],   dragged boxes
     "points":   [[x, y, label], ...]}      clicks: label 1 inside (+), 0 outside (-)

Canvas pixels map to image pixels by `scale` (canvas px per image px, the same on both axes
because the page keeps the image's aspect ratio). The browser can send anything, so a drawing
that is not of this shape, holds a number that is not finite, or more than MAX_SHAPES shapes or
MAX_VERTICES vertices in one polygon, is refused whole with one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.errors import SegroiError

POSITIVE_COLOR = "#00c853"
NEGATIVE_COLOR = "#ff1744"
BOX_COLOR = "#ffd600"
TRACE_COLOR = "#00b0ff"
MAX_SHAPES = 200
MAX_VERTICES = 5000


class CanvasError(SegroiError):
    """The drawing the browser sent is not usable; the message says why."""


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
        return (
            tuple(tuple((r(x), r(y)) for x, y in p) for p in self.polygons),
            tuple(tuple(r(v) for v in b) for b in self.boxes),
            tuple((r(x), r(y)) for x, y in self.points),
            tuple(self.labels),
        )


def _numbers(entry, n: int, what: str) -> list[float]:
    if not isinstance(entry, (list, tuple)) or len(entry) != n:
        raise CanvasError(f"the drawing sent by the browser has a {what} that is not {n} numbers")
    out = []
    for v in entry:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise CanvasError(f"the drawing sent by the browser has a {what} with a bad number")
        out.append(float(v))
    return out


def _list(shapes: dict, name: str) -> list:
    value = shapes.get(name, [])
    if not isinstance(value, list):
        raise CanvasError(f"the drawing sent by the browser has {name} that are not a list")
    return value


def parse(shapes, scale: float) -> Shapes:
    """Polygons, boxes (x0, y0, x1, y1) and points (x, y) with labels, in image pixels."""
    out = Shapes()
    if not shapes:
        return out
    if not isinstance(shapes, dict):
        raise CanvasError("the drawing sent by the browser is not an object")
    polygons, boxes, points = (_list(shapes, k) for k in ("polygons", "boxes", "points"))
    if len(polygons) + len(boxes) + len(points) > MAX_SHAPES:
        raise CanvasError(f"the drawing sent by the browser has more than {MAX_SHAPES} shapes")
    s = float(scale)
    for poly in polygons:
        if not isinstance(poly, list) or len(poly) > MAX_VERTICES:
            raise CanvasError(
                f"the drawing sent by the browser has a polygon that is not a list of at most {MAX_VERTICES} vertices"
            )
        vertices = [_numbers(v, 2, "vertex") for v in poly]
        if len(vertices) >= 3:
            out.polygons.append([(x / s, y / s) for x, y in vertices])
    for box in boxes:
        x0, y0, x1, y1 = _numbers(box, 4, "box")
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        if x1 > x0 and y1 > y0:
            out.boxes.append((x0 / s, y0 / s, x1 / s, y1 / s))
    for point in points:
        x, y, label = _numbers(point, 3, "point")
        out.points.append((x / s, y / s))
        out.labels.append(0 if label == 0 else 1)
    return out


def click_cost(shapes: Shapes) -> int:
    """Mouse actions it took to draw these shapes: a polygon's vertices plus the closing click,
    one drag per box, one click per point."""
    return sum(len(p) + 1 for p in shapes.polygons) + len(shapes.boxes) + len(shapes.points)
