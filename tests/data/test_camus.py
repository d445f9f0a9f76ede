"""CAMUS NIfTI: orientation, spacing, label mapping, ground truth pairing and mismatches."""

from __future__ import annotations

import numpy as np
import pytest

from datafiles import write_nifti
from engine.data import inspect, load


def _pair(folder, stem, image_xy, labels_xy=None, zooms=(0.3, 0.15)):
    write_nifti(folder / f"{stem}.nii.gz", image_xy, zooms)
    if labels_xy is not None:
        write_nifti(folder / f"{stem}_gt.nii.gz", labels_xy, zooms)


def _case(x=20, y=30):
    image = (np.arange(x * y).reshape(x, y) % 256).astype(np.uint8)
    labels = np.zeros((x, y), np.uint8)
    labels[2:8, 5:25] = 1  # LV
    labels[8:10, 5:25] = 2  # myocardium
    labels[12:18, 5:25] = 3  # LA
    return image, labels


def test_ed_es_with_ground_truth(tmp_path):
    image, labels = _case()
    for phase in ("ED", "ES"):
        _pair(tmp_path, f"patient0001_4CH_{phase}", image, labels)
    result = load(tmp_path)
    assert result.problems == []
    assert [s.reason for s in result.skipped] == ["ground-truth labels, read together with their image"] * 2
    ed, es = result.frames
    assert (ed.view, ed.phase, es.phase) == ("A4C", "ED", "ES")
    assert ed.study == es.study and ed.name == "patient0001_4CH_ED_000"
    assert ed.pixels.shape == (30, 20)  # rows = y, columns = x
    np.testing.assert_allclose(ed.pixels, image.T / 255.0, atol=1e-6)
    assert ed.spacing_mm == pytest.approx((0.15, 0.3))  # (row mm, col mm)
    expected = np.zeros_like(labels)
    expected[labels == 1], expected[labels == 3] = 1, 2  # myocardium dropped to background
    np.testing.assert_array_equal(ed.mask, expected.T)
    (entry,) = [e for e in inspect(tmp_path / "patient0001_4CH_ED.nii.gz")]
    assert entry["spacing_mm"] == pytest.approx([0.3, 0.15]) and entry["masks"] == 1


def test_half_sequence_gives_one_frame_per_time_point(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (12, 16, 5), dtype=np.uint8)
    _pair(tmp_path, "patient0002_2CH_half_sequence", image)
    frames = load(tmp_path).frames
    assert [f.index for f in frames] == [0, 1, 2, 3, 4]
    assert frames[3].view == "A2C" and frames[3].phase is None
    np.testing.assert_allclose(frames[3].pixels, image[:, :, 3].T / 255.0, atol=1e-6)


def test_label_free_reading_ignores_ground_truth(tmp_path):
    image, labels = _case()
    _pair(tmp_path, "patient0003_4CH_ED", image, labels)
    (f,) = load(tmp_path, read_masks=False).frames
    assert f.mask is None and "truth" not in f.meta


def test_shape_mismatch_is_a_problem(tmp_path):
    image, labels = _case()
    _pair(tmp_path, "patient0004_4CH_ED", image, labels[:, :-3])
    _pair(tmp_path, "patient0005_4CH_ED", image, labels)
    result = load(tmp_path)
    (problem,) = result.problems
    assert problem.path.endswith("patient0004_4CH_ED.nii.gz") and "_gt" in problem.reason
    assert [f.source for f in result.frames] == ["patient0005_4CH_ED"]


def test_unknown_label_values_and_bad_spacing(tmp_path):
    image, labels = _case()
    labels[0, 0] = 7
    _pair(tmp_path, "patient0006_4CH_ES", image, labels)
    _pair(tmp_path, "patient0007_4CH_ES", image, zooms=(-0.3, 0.15))
    result = load(tmp_path)
    (problem,) = result.problems
    assert "label values [7]" in problem.reason
    (f,) = result.frames
    assert f.spacing_mm is None and "not a usable spacing" in f.meta["spacing_reason"]


def test_damaged_nifti(tmp_path):
    (tmp_path / "patient0008_4CH_ED.nii.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 30)
    (problem,) = load(tmp_path).problems
    assert "NIfTI" in problem.reason
