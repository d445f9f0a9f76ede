"""Mask geometry used by the page and the simulated annotator."""

from __future__ import annotations

import numpy as np
import pytest

from annotation_helpers import ellipse
from engine.annotation.masks import (
    contour_polygon,
    correction_click,
    dice,
    interior_point,
    interior_points,
    mask_box,
    overlay,
    polygon_mask,
)


def test_polygon_mask_fills_the_square_interior():
    m = polygon_mask([(2, 2), (7, 2), (7, 7), (2, 7)], (10, 10))
    assert m[3:7, 3:7].all() and not m[0].any() and not m[:, 9].any()
    assert not polygon_mask([(1, 1), (2, 2)], (5, 5)).any()


def test_dice_hand_values():
    a = np.zeros((4, 4), bool)
    b = np.zeros((4, 4), bool)
    a[0, :4] = True  # 4 pixels
    b[0, 2:4] = True  # 2 pixels, both inside a
    assert dice(a, b) == pytest.approx(2 * 2 / 6)
    assert dice(a, ~a) == 0.0
    assert dice(np.zeros((3, 3)), np.zeros((3, 3))) == 1.0


def test_box_and_interior_point_of_an_ellipse():
    m = ellipse((40, 50), 20, 25, 6, 10)
    assert mask_box(m) == (15, 14, 35, 26)
    assert interior_point(m) == (25.0, 20.0)
    assert mask_box(np.zeros((3, 3), bool)) is None and interior_point(np.zeros((3, 3))) is None


def test_interior_points_are_spread_and_inside():
    m = np.zeros((20, 60), bool)
    m[5:15, 5:55] = True
    pts = interior_points(m, 3)
    assert len(pts) == 3
    assert all(m[int(y), int(x)] for x, y in pts)
    xs = sorted(x for x, _ in pts)
    assert min(b - a for a, b in zip(xs, xs[1:])) >= 5


def test_correction_click_is_positive_where_missed_and_negative_where_spilled():
    truth = ellipse((40, 40), 20, 20, 10, 10)
    under = ellipse((40, 40), 20, 20, 5, 5)
    (x, y), label = correction_click(under, truth)
    assert label == 1 and truth[int(y), int(x)] and not under[int(y), int(x)]
    over = ellipse((40, 40), 20, 20, 16, 16)
    (x, y), label = correction_click(over, truth)
    assert label == 0 and over[int(y), int(x)] and not truth[int(y), int(x)]
    assert correction_click(truth, truth) is None


def test_contour_polygon_reproduces_the_mask():
    truth = ellipse((64, 64), 32, 32, 20, 14)
    poly = contour_polygon(truth, 24)
    assert len(poly) == 24
    assert dice(polygon_mask(poly, truth.shape), truth) > 0.93


def test_overlay_colours_only_the_mask():
    px = np.full((4, 4), 0.5, np.float32)
    m = np.zeros((4, 4), bool)
    m[0, 0] = True
    rgb = overlay(px, [(m, (255, 0, 0))], alpha=0.5)
    assert rgb.dtype == np.uint8 and rgb.shape == (4, 4, 3)
    assert tuple(rgb[0, 0]) == (191, 64, 64) and tuple(rgb[1, 1]) == (128, 128, 128)
