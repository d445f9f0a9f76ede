"""Clinical measurements against analytic shapes.

An ellipse with semi-axes a (along the long axis) and b has area pi*a*b; rotating it about its
long axis gives a prolate spheroid of volume 4/3*pi*a*b^2 (single-plane disks); two orthogonal
ellipses with the same a and half-widths b, c describe an ellipsoid of volume 4/3*pi*a*b*c
(biplane disks). Tolerances: 1 % on a 0.2 mm grid, 3 % on a coarse 0.7 mm grid.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.measure.clinical import (
    area_cm2,
    biplane_volume_ml,
    ef_percent,
    frame_measurements,
    lv_length_mm,
    single_plane_volume_ml,
    study_measurements,
)


def ellipse(a_mm, b_mm, spacing=(0.2, 0.2), angle_deg=0.0):
    """Binary ellipse: semi-axis a along the (possibly rotated) image vertical, b across."""
    sr, sc = spacing
    extent = 1.2 * max(a_mm, b_mm)
    rows = int(2 * extent / sr) + 1
    cols = int(2 * extent / sc) + 1
    y = (np.arange(rows) - (rows - 1) / 2) * sr
    x = (np.arange(cols) - (cols - 1) / 2) * sc
    yy, xx = np.meshgrid(y, x, indexing="ij")
    t = math.radians(angle_deg)
    u = yy * math.cos(t) + xx * math.sin(t)
    v = -yy * math.sin(t) + xx * math.cos(t)
    return (u / a_mm) ** 2 + (v / b_mm) ** 2 <= 1.0


def test_ellipse_area():
    m = ellipse(40, 20)
    assert area_cm2(m, (0.2, 0.2)) == pytest.approx(math.pi * 40 * 20 / 100, rel=0.01)


def test_area_with_anisotropic_pixels():
    m = ellipse(30, 15, spacing=(0.3, 0.15))
    assert area_cm2(m, (0.3, 0.15)) == pytest.approx(math.pi * 30 * 15 / 100, rel=0.01)


@pytest.mark.parametrize("disks", [20, 21])
def test_single_plane_disks_of_an_ellipse_give_the_prolate_spheroid(disks):
    m = ellipse(40, 20)
    truth = 4 / 3 * math.pi * 40 * 20 * 20 / 1000
    assert single_plane_volume_ml(m, (0.2, 0.2), disks) == pytest.approx(truth, rel=0.01)


def test_single_plane_on_a_coarse_rotated_grid():
    m = ellipse(40, 20, spacing=(0.7, 0.7), angle_deg=25)
    truth = 4 / 3 * math.pi * 40 * 20 * 20 / 1000
    assert single_plane_volume_ml(m, (0.7, 0.7)) == pytest.approx(truth, rel=0.03)
    assert lv_length_mm(m, (0.7, 0.7)) == pytest.approx(80, abs=1.4)


def test_biplane_disks_give_the_ellipsoid():
    a4c = ellipse(40, 22)
    a2c = ellipse(40, 17)
    truth = 4 / 3 * math.pi * 40 * 22 * 17 / 1000
    assert biplane_volume_ml(a4c, (0.2, 0.2), a2c, (0.2, 0.2), 21) == pytest.approx(truth, rel=0.01)


def test_lv_length_is_the_long_axis():
    assert lv_length_mm(ellipse(40, 20), (0.2, 0.2)) == pytest.approx(80, abs=0.4)


def test_ef():
    assert ef_percent(100.0, 40.0) == pytest.approx(60.0)
    with pytest.raises(ValueError):
        ef_percent(0.0, 10.0)


def test_measurements_need_spacing():
    m = ellipse(10, 5)
    with pytest.raises(ValueError, match="spacing"):
        area_cm2(m, None)
    assert frame_measurements(m.astype(np.uint8), None, "A4C") == {}


def test_frame_and_study_measurements():
    def label(a, b):
        lab = ellipse(a, b).astype(np.uint8)
        return lab  # LV only (value 1)

    sp = (0.2, 0.2)
    fm = frame_measurements(label(40, 20), sp, "A4C")
    assert set(fm) == {"lv_area_cm2", "lv_length_mm", "lv_volume_single_plane_ml"}
    rows = [
        dict(label=label(40, 22), spacing_mm=sp, view="A4C", phase="ED"),
        dict(label=label(40, 18), spacing_mm=sp, view="A2C", phase="ED"),
        dict(label=label(35, 16), spacing_mm=sp, view="A4C", phase="ES"),
        dict(label=label(35, 13), spacing_mm=sp, view="A2C", phase="ES"),
    ]
    m = study_measurements(rows)
    edv = 4 / 3 * math.pi * 40 * 22 * 18 / 1000
    esv = 4 / 3 * math.pi * 35 * 16 * 13 / 1000
    assert m[("lv_volume_biplane_ml", "ED")] == pytest.approx(edv, rel=0.01)
    assert m[("lv_volume_biplane_ml", "ES")] == pytest.approx(esv, rel=0.01)
    assert m[("ef_biplane_percent", None)] == pytest.approx(100 * (edv - esv) / edv, abs=0.5)
    sp_edv, sp_esv = 4 / 3 * math.pi * 40 * 22**2 / 1000, 4 / 3 * math.pi * 35 * 16**2 / 1000
    assert m[("ef_single_plane_percent", "A4C")] == pytest.approx(100 * (sp_edv - sp_esv) / sp_edv, abs=0.5)
    # Without the A2C frames there is no biplane volume, only the single-plane EF.
    only4 = study_measurements([rows[0], rows[2]])
    assert ("lv_volume_biplane_ml", "ED") not in only4 and ("ef_single_plane_percent", "A4C") in only4
