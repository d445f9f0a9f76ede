"""Classical pseudo-labels on phantom frames, and the anatomical QC."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.data.phantom import make_study
from engine.measure.metrics import dice
from engine.models.ssl.postprocess import largest_regions
from engine.models.ssl.pseudolabels import find_fan, pseudo_label
from engine.models.ssl.qc import check_chamber, check_frame, eccentricity


@pytest.fixture(scope="module")
def frames():
    return make_study(0, seed=11, style="a", size=128) + make_study(1, seed=11, style="b", size=128)


def test_pseudo_labels_find_the_chambers_of_both_styles(frames):
    scores = {1: [], 2: [], 3: [], 4: []}
    for f in frames:
        pl = pseudo_label(f.pixels, f.view)
        assert pl.label.shape == f.pixels.shape and pl.view == f.view
        for k in scores:
            if (f.mask == k).any():
                scores[k].append(dice(pl.label == k, f.mask == k))
    # Each chamber is found where it is (right name, right place) on every frame.
    assert min(min(v) for v in scores.values()) > 0.6
    assert np.mean(scores[1]) > 0.85


def test_view_is_guessed_when_not_given(frames):
    for f in frames[:4]:
        assert pseudo_label(f.pixels, None).view == f.view


def test_pseudo_labels_work_at_another_size():
    f = make_study(2, seed=11, size=200)[0]        # A4C ED
    pl = pseudo_label(f.pixels, f.view)
    assert dice(pl.label == 1, f.mask == 1) > 0.85 and set(np.unique(pl.label)) == {0, 1, 2, 3, 4}


def test_blank_image_gives_no_label_and_says_why():
    pl = pseudo_label(np.zeros((64, 64), np.float32))
    assert not pl.label.any() and "fan" in pl.reason


def test_fan_apex_and_depth(frames):
    fan = find_fan(frames[0].pixels)
    assert fan.apex_row < 5 and abs(fan.apex_col - 64) < 4 and fan.depth > 110


def _ellipse(a_mm, b_mm, spacing=(0.5, 0.5), shape=(300, 300), centre=(150, 150)):
    y = (np.arange(shape[0]) - centre[0]) * spacing[0]
    x = (np.arange(shape[1]) - centre[1]) * spacing[1]
    yy, xx = np.meshgrid(y, x, indexing="ij")
    return (yy / a_mm) ** 2 + (xx / b_mm) ** 2 <= 1


def test_eccentricity_of_an_ellipse_in_physical_units():
    assert eccentricity(_ellipse(40, 20)) == pytest.approx(math.sqrt(1 - 0.25), abs=0.01)
    # A circle drawn on 2:1 anisotropic pixels is an ellipse in pixels but a circle in mm.
    circle = _ellipse(20, 20, spacing=(1.0, 0.5))
    assert eccentricity(circle, (1.0, 0.5)) < 0.1
    assert eccentricity(circle) > 0.8


def test_chamber_qc_accepts_and_rejects():
    lv = check_chamber(_ellipse(40, 20), "LV", (0.5, 0.5))     # 25 cm2, ecc 0.87
    assert lv.passed and lv.area_cm2 == pytest.approx(math.pi * 40 * 20 / 100, rel=0.02)
    round_lv = check_chamber(_ellipse(20, 20), "LV", (0.5, 0.5))
    assert not round_lv.passed and "eccentricity" in round_lv.reasons[0]
    tiny = check_chamber(_ellipse(8, 4), "LV", (0.5, 0.5))     # 1 cm2
    assert not tiny.passed and "area" in tiny.reasons[0]
    two = _ellipse(20, 10, centre=(60, 150)) | _ellipse(20, 10, centre=(240, 150))
    assert "2 separate parts" in check_chamber(two, "LA", (0.5, 0.5)).reasons
    assert check_chamber(np.zeros((10, 10), bool), "RA", (1, 1)).reasons == ["absent"]


def test_without_spacing_qc_runs_on_shape_only():
    tiny = check_chamber(_ellipse(8, 4), "LV", None)
    assert tiny.passed and tiny.area_cm2 is None and tiny.area_checked is False


def test_frame_qc_needs_every_chamber_of_its_view():
    lab = np.zeros((300, 300), np.uint8)
    lab[_ellipse(40, 20, centre=(100, 150))] = 1
    lab[_ellipse(20, 15, centre=(230, 150))] = 2
    assert check_frame(lab, (0.5, 0.5), "A2C").passed
    a4c = check_frame(lab, (0.5, 0.5), "A4C")
    assert not a4c.passed and any(r.startswith("RV") for r in a4c.reasons)
    lab[_ellipse(20, 20, centre=(100, 40))] = 3              # a round RV: fails even in A2C
    assert not check_frame(lab, (0.5, 0.5), None).passed


def test_exact_phantom_masks_mostly_pass_qc():
    frames = [f for i in range(4) for f in make_study(i, seed=5, size=96)]
    passed = [check_frame(f.mask, f.spacing_mm, f.view).passed for f in frames]
    assert sum(passed) >= 0.75 * len(passed)


def test_postprocess_keeps_one_filled_region_per_chamber():
    lab = np.zeros((20, 20), np.uint8)
    lab[2:10, 2:10] = 1
    lab[5, 5] = 0                      # a hole
    lab[15:17, 15:17] = 1              # a stray island
    lab[12:14, 2:4] = 2
    out = largest_regions(lab)
    assert out[5, 5] == 1 and out[15, 15] == 0 and out[12, 2] == 2
