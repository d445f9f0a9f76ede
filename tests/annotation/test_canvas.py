"""Reading the annotation canvas's drawing (shapes as the browser sends them)."""

from __future__ import annotations

import pytest

from engine.annotation.canvas import MAX_SHAPES, CanvasError, click_cost, parse


def drawing(polygons=(), boxes=(), points=()):
    return {
        "polygons": [list(map(list, p)) for p in polygons],
        "boxes": [list(b) for b in boxes],
        "points": [list(p) for p in points],
    }


def test_polygon_maps_to_image_pixels():
    shapes = parse(drawing(polygons=[[(100, 100), (250, 90), (280, 250), (120, 260)]]), scale=2)
    assert shapes.polygons == [[(50, 50), (125, 45), (140, 125), (60, 130)]]
    assert click_cost(shapes) == 5  # four vertices and the closing click


def test_boxes_are_ordered_corners_and_points_keep_their_label():
    shapes = parse(drawing(boxes=[(200, 140, 50, 60)], points=[(100, 50, 1), (30, 40, 0)]), scale=2)
    assert shapes.boxes == [(25, 30, 100, 70)]
    assert shapes.points == [(50, 25), (15, 20)] and shapes.labels == [1, 0]
    assert click_cost(shapes) == 3


def test_nothing_drawn_and_degenerate_shapes_are_empty():
    assert parse(None, 1).count == 0
    assert parse({}, 1).count == 0
    assert parse(drawing(polygons=[[(0, 0), (1, 1)]], boxes=[(5, 5, 5, 9)]), 1).count == 0


@pytest.mark.parametrize(
    "sent, reason",
    [
        ("polygons", "not an object"),
        ({"polygons": "many"}, "not a list"),
        (drawing(boxes=[(1, 2, 3)]), "not 4 numbers"),
        (drawing(points=[(1, float("nan"), 1)]), "bad number"),
        (drawing(polygons=[[(0, 0), (1, "a"), (2, 2)]]), "bad number"),
        ({"polygons": [5]}, "polygon that is not a list"),
        (drawing(points=[(1, 1, 1)] * (MAX_SHAPES + 1)), "more than"),
    ],
)
def test_garbage_from_the_browser_is_refused_with_one_line(sent, reason):
    with pytest.raises(CanvasError, match=reason) as err:
        parse(sent, 1)
    assert "\n" not in str(err.value)


def test_signature_ignores_sub_pixel_noise_but_not_changes():
    a = parse(drawing(polygons=[[(0, 0), (10, 0), (10, 10)]]), 1)
    b = parse(drawing(polygons=[[(0.01, 0), (10, 0), (10, 10)]]), 1)
    c = parse(drawing(polygons=[[(0, 0), (12, 0), (10, 10)]]), 1)
    assert a.signature() == b.signature() != c.signature()
