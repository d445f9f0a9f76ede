"""The six real scanner files: greyscale frames and calibration from the right region."""

from __future__ import annotations

import json

import numpy as np
import pydicom
import pytest

from engine.data import inspect, load

PHILIPS_MM = 0.2623  # 2-D tissue region, PhysicalDeltaX 0.026229 cm (the Doppler region is 0.0964 mm)
ALOKA_MM = 0.3827


def _one(path):
    result = load(path)
    assert result.problems == []
    return result.frames


@pytest.mark.parametrize("name", ["OBXXXX1A.dcm", "OBXXXX1A_rle.dcm", "OBXXXX1A_2frame.dcm"])
def test_philips_spacing_comes_from_the_2d_region_not_doppler(real, name):
    frames = _one(real / name)
    for f in frames:
        assert f.spacing_mm == pytest.approx((PHILIPS_MM, PHILIPS_MM), abs=5e-5)
        assert "region 1" in f.meta["spacing_source"] and "2-D" in f.meta["spacing_source"]


def test_aloka_spacing_from_largest_2d_region(real):
    (f,) = _one(real / "gdcm-US-ALOKA-16.dcm")
    assert f.spacing_mm == pytest.approx((ALOKA_MM, ALOKA_MM), abs=5e-5)
    assert f.pixels.shape == (480, 640)


@pytest.mark.parametrize("name", ["US1_UNCR.dcm", "US1_J2KR.dcm"])
def test_ge_files_have_no_calibration_and_say_so(real, name):
    (f,) = _one(real / name)
    assert f.spacing_mm is None
    assert f.meta["spacing_reason"].startswith("no calibration")
    (entry,) = inspect(real / name)
    assert entry["status"] == "ok" and entry["spacing_mm"] is None
    assert "no calibration" in entry["spacing_reason"]


def test_every_real_file_gives_float_grey_frames(real):
    result = load(real)
    assert result.problems == []
    assert len(result.frames) == 7  # six files, one of them with two frames
    for f in result.frames:
        assert f.pixels.dtype == np.float32 and f.pixels.ndim == 2
        assert 0.0 <= f.pixels.min() and f.pixels.max() <= 1.0
        assert f.pixels.std() > 0.02  # an image, not a blank


def test_two_frame_file_gives_two_frames(real):
    frames = _one(real / "OBXXXX1A_2frame.dcm")
    assert [f.name for f in frames] == ["OBXXXX1A_2frame_000", "OBXXXX1A_2frame_001"]


def test_rle_matches_uncompressed_and_j2k_matches_rgb(real):
    (plain,) = _one(real / "OBXXXX1A.dcm")
    (rle,) = _one(real / "OBXXXX1A_rle.dcm")
    np.testing.assert_array_equal(plain.pixels, rle.pixels)
    (rgb,) = _one(real / "US1_UNCR.dcm")
    (j2k,) = _one(real / "US1_J2KR.dcm")
    np.testing.assert_allclose(rgb.pixels, j2k.pixels, atol=1e-6)


def test_rgb_grey_is_luma(real):
    (f,) = _one(real / "US1_UNCR.dcm")
    rgb = pydicom.dcmread(real / "US1_UNCR.dcm").pixel_array.astype(np.float64)
    luma = (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) / 255.0
    np.testing.assert_allclose(f.pixels, luma, atol=1e-5)


def test_palette_grey_follows_the_lookup_table(real):
    (f,) = _one(real / "OBXXXX1A.dcm")
    ds = pydicom.dcmread(real / "OBXXXX1A.dcm")
    first = int(ds.RedPaletteColorLookupTableDescriptor[1])
    luts = [
        np.frombuffer(ds[f"{c}PaletteColorLookupTableData"].value, "<u2").astype(np.float64)
        for c in ("Red", "Green", "Blue")
    ]
    index = np.clip(ds.pixel_array.astype(np.int64) - first, 0, len(luts[0]) - 1)
    luma = (0.299 * luts[0][index] + 0.587 * luts[1][index] + 0.114 * luts[2][index]) / 65535.0
    np.testing.assert_allclose(f.pixels, luma, atol=1e-5)


def test_real_files_leak_no_patient_tags(real):
    secrets = set()
    for p in real.glob("*.dcm"):
        ds = pydicom.dcmread(p, stop_before_pixels=True)
        secrets.update(str(ds.get(k)) for k in ("PatientName", "PatientID") if len(str(ds.get(k) or "")) >= 5)
    secrets.update({"11-05-25-142825", "NAME^PATIENT^NAME", "CompressedSamples^US1"})
    result = load(real)
    text = json.dumps([[f.meta, f.study, f.source] for f in result.frames], default=str)
    text += json.dumps(inspect(real), default=str)
    for s in secrets:
        assert s not in text
    studies = {f.study for f in result.frames if f.source.startswith("OBXXXX1A")}
    assert len(studies) == 1 and len(studies.pop()) == 16


def test_inspect_command_table_on_the_real_files(real, capsys):
    from engine.cli import main

    assert main(["inspect", str(real)]) == 0  # LICENSE and README are skipped, not errors
    out = capsys.readouterr().out
    assert out.count("\nok ") + out.startswith("ok ") == 6
    assert "0.2623 mm (ultrasound region 1 of 2 (2-D, cm))" in out and "0.3827 mm" in out
    assert "no calibration" in out and "6 ok, 0 error, 2 skipped" in out
