"""Dice, IoU and HD95 on hand-made masks, with the values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from engine.measure.metrics import dice, hd95, iou, per_structure, surface


def _square(r0, c0, side, shape=(30, 30)):
    m = np.zeros(shape, bool)
    m[r0 : r0 + side, c0 : c0 + side] = True
    return m


def test_dice_and_iou_of_half_overlapping_squares():
    a = _square(0, 0, 10)
    b = _square(0, 5, 10)  # overlap 10 x 5 = 50 of 100 each
    assert dice(a, b) == pytest.approx(2 * 50 / 200)
    assert iou(a, b) == pytest.approx(50 / 150)


def test_identical_empty_and_disjoint_masks():
    a = _square(2, 2, 5)
    empty = np.zeros_like(a)
    assert dice(a, a) == 1.0 and iou(a, a) == 1.0 and hd95(a, a) == 0.0
    assert dice(empty, empty) == 1.0 and iou(empty, empty) == 1.0 and hd95(empty, empty) == 0.0
    assert dice(a, empty) == 0.0 and iou(a, empty) == 0.0 and hd95(a, empty) is None
    assert dice(a, _square(20, 20, 5)) == 0.0


def test_surface_of_a_3x3_square_is_its_ring():
    s = surface(_square(10, 10, 3))
    assert s.sum() == 8 and not s[11, 11]


def test_hd95_of_shifted_3x3_squares_by_hand():
    # A at cols 10-12, B at cols 14-16 (same rows). Each surface pixel's nearest surface pixel of
    # the other square is in the same row at the near edge: distances 4, 3, 2 for the columns
    # 10, 11, 12 (six 4s, four 3s, six 2s pooled over both directions); the 95th percentile is 4.
    a = _square(10, 10, 3)
    b = _square(10, 14, 3)
    assert hd95(a, b) == pytest.approx(4.0)
    # Columns 0.5 mm apart, rows 1 mm: the same distances are horizontal, so halved.
    assert hd95(a, b, spacing_mm=(1.0, 0.5)) == pytest.approx(2.0)


def test_hd95_between_single_pixels_uses_row_and_column_spacing():
    a = np.zeros((20, 20), bool)
    b = np.zeros((20, 20), bool)
    a[2, 3] = True
    b[5, 7] = True  # 3 rows, 4 columns apart
    assert hd95(a, b) == pytest.approx(5.0)
    assert hd95(a, b, spacing_mm=(2.0, 1.0)) == pytest.approx(np.hypot(6.0, 4.0))


def test_masks_of_different_shapes_are_refused():
    with pytest.raises(ValueError):
        dice(np.zeros((3, 3)), np.zeros((4, 4)))


def test_per_structure_scores_the_reference_structures():
    ref = np.zeros((30, 30), np.uint8)
    ref[0:10, 0:10] = 1
    ref[20:25, 20:25] = 2
    pred = ref.copy()
    pred[20:25, 20:25] = 0  # LA missed
    pred[0:10, 10:12] = 3  # an RV the reference does not have: not scored
    out = per_structure(pred, ref, spacing_mm=(1.0, 1.0))
    assert set(out) == {"LV", "LA"}
    assert out["LV"]["dice"] == 1.0 and out["LA"]["dice"] == 0.0 and out["LA"]["hd95"] is None
