"""The synthetic echo phantom: geometry, exact masks, analytic volumes, styles, files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from engine.cli import main
from engine.data import load
from engine.data.frame import STRUCTURES
from engine.data.phantom import STYLES, lv_volume_ml, make_phantom, make_study, write_phantom
from engine.errors import SegroiError
from engine.measure.clinical import study_measurements


@pytest.fixture(scope="module")
def study_a():
    return make_study(3, seed=5, style="a", size=128)


def test_study_has_four_frames_with_expected_chambers(study_a):
    kinds = {(f.view, f.phase) for f in study_a}
    assert kinds == {("A4C", "ED"), ("A4C", "ES"), ("A2C", "ED"), ("A2C", "ES")}
    for f in study_a:
        assert f.pixels.shape == (128, 128) and f.pixels.dtype == np.float32
        assert 0.0 <= f.pixels.min() and f.pixels.max() <= 1.0
        present = set(np.unique(f.mask)) - {0}
        expected = {1, 2, 3, 4} if f.view == "A4C" else {1, 2}
        assert present == expected
        assert f.spacing_mm[0] == f.spacing_mm[1] == pytest.approx(f.meta["depth_mm"] / 128)
        assert f.name == f"{f.source}_000"


def test_outside_the_fan_is_black_and_chambers_lie_inside_it(study_a):
    f = study_a[0]
    h, w = f.pixels.shape
    assert f.pixels[0, 0] == 0 and f.pixels[0, w - 1] == 0  # top corners are outside the sector
    assert np.all(f.pixels[f.mask > 0] >= 0)
    rows, cols = np.nonzero(f.mask)
    assert rows.min() > 0 and cols.min() > 0 and cols.max() < w - 1


def test_blood_is_darker_than_the_walls_around_it(study_a):
    from scipy import ndimage

    for f in study_a:
        blood = f.mask > 0
        ring = ndimage.binary_dilation(blood, iterations=4) & ~blood
        assert f.pixels[blood].mean() < 0.5 * f.pixels[ring].mean()


def test_seeded_and_repeatable():
    a = make_study(1, seed=7, size=96)
    b = make_study(1, seed=7, size=96)
    c = make_study(2, seed=7, size=96)
    assert np.array_equal(a[0].pixels, b[0].pixels) and np.array_equal(a[0].mask, b[0].mask)
    assert not np.array_equal(a[0].mask, c[0].mask)


def test_ventricles_shrink_from_ed_to_es_and_ef_follows_the_true_volumes(study_a):
    by = {(f.view, f.phase): f for f in study_a}
    for view in ("A4C", "A2C"):
        assert (by[(view, "ES")].mask == 1).sum() < (by[(view, "ED")].mask == 1).sum()
    assert (by[("A4C", "ES")].mask == 3).sum() < (by[("A4C", "ED")].mask == 3).sum()
    edv = by[("A4C", "ED")].meta["true_lv_volume_ml"]
    esv = by[("A4C", "ES")].meta["true_lv_volume_ml"]
    assert esv < edv
    assert by[("A4C", "ED")].meta["true_ef_percent"] == pytest.approx(100 * (edv - esv) / edv)


def test_true_volume_formula_matches_an_ellipsoid_and_numeric_integration():
    # k = 0, no truncation: the solid is an ellipsoid with semi-axes L/2, r4, r2.
    assert lv_volume_ml(80, 20, 15, 0.0, 1.0) == pytest.approx(4 / 3 * math.pi * 40 * 20 * 15 / 1000)
    k, cut, L, r4, r2 = 0.2, 0.85, 90.0, 22.0, 19.0
    numeric, _ = integrate.quad(lambda u: math.pi * r4 * r2 * (1 - u * u) * (1 + k * u) ** 2 * L / 2, -1, cut)
    assert lv_volume_ml(L, r4, r2, k, cut) == pytest.approx(numeric / 1000, rel=1e-9)


def test_biplane_disks_on_the_exact_masks_recover_the_analytic_volume():
    frames = make_study(0, seed=3, style="b", size=192)
    rows = [dict(label=f.mask, spacing_mm=f.spacing_mm, view=f.view, phase=f.phase) for f in frames]
    m = study_measurements(rows)
    for f in frames:
        if f.view == "A4C":
            assert m[("lv_volume_biplane_ml", f.phase)] == pytest.approx(f.meta["true_lv_volume_ml"], rel=0.02)
    assert m[("ef_biplane_percent", None)] == pytest.approx(frames[0].meta["true_ef_percent"], abs=1.0)


def test_styles_are_generated_differently():
    a, b = STYLES["a"], STYLES["b"]
    assert a.speckle != b.speckle and a.display != b.display
    assert max(b.sector_deg) < min(a.sector_deg)
    fa = make_study(0, seed=0, style="a", size=96)[0]
    fb = make_study(0, seed=0, style="b", size=96)[0]
    assert fa.meta["style"] == "a" and fb.meta["style"] == "b"
    # Narrower sector in b: fewer non-zero pixels in the fan's top half.
    top = slice(0, 48)
    assert (fb.pixels[top] > 0).sum() < (fa.pixels[top] > 0).sum()


def test_bad_arguments_raise_readable_errors():
    with pytest.raises(SegroiError, match="style"):
        make_study(0, style="z")
    with pytest.raises(SegroiError, match="size"):
        make_study(0, size=16)
    with pytest.raises(SegroiError, match="study"):
        make_phantom(0)


def test_written_phantom_reads_back_with_spacing_view_phase_and_truth(tmp_path):
    frames = make_study(0, seed=1, size=96)
    write_phantom(frames, tmp_path)
    assert sorted(p.name for p in (tmp_path / "truth").iterdir()) == sorted(f"{f.name}.png" for f in frames)
    got = {f.name: f for f in load(tmp_path).frames}
    assert set(got) == {f.name for f in frames}
    for f in frames:
        g = got[f.name]
        assert g.view == f.view and g.phase == f.phase
        assert g.spacing_mm == pytest.approx(f.spacing_mm)
        assert np.array_equal(g.mask, f.mask)
        assert np.abs(g.pixels - f.pixels).max() <= 0.5 / 255 + 1e-6
        assert g.meta["generator"] == "segroi-phantom"
        assert g.meta["true_lv_volume_ml"] == pytest.approx(f.meta["true_lv_volume_ml"])
    studies = {g.study for g in got.values()}
    assert len(studies) == 1  # the four frames stay one study (hashed id)


def test_phantom_command(tmp_path, capsys):
    out = tmp_path / "ph"
    assert main(["phantom", "--out", str(out), "--studies", "2", "--size", "64", "--style", "b", "--seed", "4"]) == 0
    assert len(list(out.glob("*.png"))) == 8 and len(list((out / "truth").glob("*.png"))) == 8
    assert (out / "frames.json").is_file()
    assert "wrote 8 frames" in capsys.readouterr().out
    assert main(["phantom", "--out", str(out), "--studies", "0"]) == 2
    assert "--studies" in capsys.readouterr().err


def test_label_values_are_the_shared_structure_codes():
    f = make_study(0, size=64)[0]
    assert set(np.unique(f.mask)) <= {0, *STRUCTURES.values()}
