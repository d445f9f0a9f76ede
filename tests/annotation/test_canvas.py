"""Reading the drawing canvas's Fabric.js JSON (shapes as the browser sends them)."""

from __future__ import annotations

from engine.annotation.canvas import NEGATIVE_COLOR, POSITIVE_COLOR, click_cost, parse


def polygon(points, left=None, top=None, origin="center", scale=1.0):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {"type": "Polygon", "originX": origin, "originY": origin,
            "left": cx if left is None else left, "top": cy if top is None else top,
            "width": w, "height": h, "scaleX": scale, "scaleY": scale,
            "points": [{"x": x, "y": y} for x, y in points]}


def test_polygon_as_drawn_maps_to_image_pixels():
    # what the browser sent in a real session: vertices as clicked, centre as left/top
    shapes = parse({"objects": [polygon([(100, 100), (250, 90), (280, 250), (120, 260)])]}, scale=2)
    assert shapes.polygons == [[(50, 50), (125, 45), (140, 125), (60, 130)]]
    assert click_cost(shapes) == 5


def test_a_moved_and_scaled_polygon_is_followed():
    moved = polygon([(0, 0), (10, 0), (10, 10), (0, 10)], left=105, top=55, scale=2.0)
    (poly,) = parse({"objects": [moved]}, scale=1).polygons
    assert poly == [(95, 45), (115, 45), (115, 65), (95, 65)]


def test_rect_with_top_left_origin_and_scaling():
    rect = {"type": "Rect", "originX": "left", "originY": "top", "left": 50, "top": 60,
            "width": 150, "height": 140, "scaleX": 1, "scaleY": 0.5}
    assert parse({"objects": [rect]}, scale=2).boxes == [(25, 30, 100, 65)]


def test_points_take_their_label_from_the_stroke_colour():
    def circle(x, y, color):
        return {"type": "Circle", "originX": "center", "originY": "center", "left": x, "top": y,
                "radius": 3, "stroke": color}
    shapes = parse({"objects": [circle(10, 20, POSITIVE_COLOR), circle(30, 40, NEGATIVE_COLOR.upper())]},
                   scale=1)
    assert shapes.points == [(10, 20), (30, 40)] and shapes.labels == [1, 0]


def test_point_as_the_browser_sent_it():
    # drawing_mode="point", clicked at canvas (100, 50) with stroke width 2 and radius 4
    sent = {"type": "Circle", "left": 95, "top": 50, "radius": 4, "originX": "left",
            "originY": "center", "stroke": POSITIVE_COLOR, "strokeWidth": 2, "scaleX": 1, "scaleY": 1}
    shapes = parse({"objects": [sent]}, scale=2)
    assert shapes.points == [(50, 25)] and shapes.labels == [1] and click_cost(shapes) == 1


def test_nothing_drawn_and_unknown_objects_are_empty():
    assert parse(None, 1).count == 0
    assert parse({"objects": [{"type": "Path"}, polygon([(0, 0), (1, 1)])]}, 1).count == 0


def test_signature_ignores_sub_pixel_noise_but_not_changes():
    a = parse({"objects": [polygon([(0, 0), (10, 0), (10, 10)])]}, 1)
    b = parse({"objects": [polygon([(0.01, 0), (10, 0), (10, 10)])]}, 1)
    c = parse({"objects": [polygon([(0, 0), (12, 0), (10, 10)])]}, 1)
    assert a.signature() == b.signature() != c.signature()
