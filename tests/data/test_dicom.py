"""DICOMs written by the tests: photometrics, encodings, calibration and frame time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from datafiles import gradient, region, write_dicom, write_jpeg_dicom
from engine.data import inspect, load


def test_monochrome2_multiframe_with_calibration_and_frame_time(tmp_path):
    px = gradient(32, 48, frames=3)
    path = write_dicom(tmp_path / "cine.dcm", px, frame_time=20.0, regions=[region(0, 0, 47, 31, 0.02, 0.03)])
    result = load(path)
    assert result.problems == []
    assert [f.index for f in result.frames] == [0, 1, 2]
    for i, f in enumerate(result.frames):
        np.testing.assert_allclose(f.pixels, px[i] / 255.0, atol=1e-6)
        assert f.spacing_mm == pytest.approx((0.3, 0.2))  # (row mm, col mm) = (dy, dx) * 10
        assert f.frame_time_ms == 20.0
        assert f.name == f"cine_{i:03d}"
    (entry,) = inspect(path)
    assert entry["spacing_mm"] == pytest.approx([0.2, 0.3])  # inspect says [x, y]
    assert entry["frames"] == 3 and entry["rows"] == 32 and entry["columns"] == 48


def test_cine_rate_gives_frame_time(tmp_path):
    path = write_dicom(tmp_path / "c.dcm", gradient(8, 8, frames=2), cine_rate=25)
    assert load(path).frames[0].frame_time_ms == pytest.approx(40.0)


def test_rgb_without_calibration(tmp_path):
    rgb = np.zeros((16, 16, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 200, 100, 50
    (f,) = load(write_dicom(tmp_path / "rgb.dcm", rgb, photometric="RGB")).frames
    assert f.spacing_mm is None and "no calibration" in f.meta["spacing_reason"]
    assert f.pixels == pytest.approx(np.full((16, 16), (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255), abs=1e-5)


def test_ybr_full_422_jpeg_baseline(tmp_path):
    grey = gradient(32, 48, frames=2)
    rgb = np.repeat(grey[..., None], 3, axis=-1)
    result = load(write_jpeg_dicom(tmp_path / "jpeg.dcm", rgb))
    assert result.problems == []
    assert len(result.frames) == 2
    (entry,) = inspect(tmp_path / "jpeg.dcm")
    assert entry["photometric"] == "YBR_FULL_422" and "JPEG Baseline" in entry["transfer_syntax"]
    for f, g in zip(result.frames, grey):
        assert np.abs(f.pixels - g / 255.0).mean() < 0.03  # lossy, but the same picture


def test_monochrome1_is_inverted(tmp_path):
    px = gradient(8, 8)
    (f,) = load(write_dicom(tmp_path / "m1.dcm", px, photometric="MONOCHROME1")).frames
    np.testing.assert_allclose(f.pixels, 1.0 - px / 255.0, atol=1e-6)


def test_16bit_uses_bits_stored_range(tmp_path):
    px = gradient(8, 8, dtype=np.uint16)
    (f,) = load(write_dicom(tmp_path / "m16.dcm", px, bits=16, BitsStored=12, HighBit=11)).frames
    np.testing.assert_allclose(f.pixels, px / 4095.0, atol=1e-6)


def test_largest_2d_region_wins_and_other_kinds_are_ignored(tmp_path):
    regions = [
        region(0, 0, 10, 10, 0.05, 0.05),  # small 2-D
        region(0, 0, 63, 63, 0.001, 0.001, fmt=4, ux=4, uy=4),  # spectral Doppler, larger
        region(0, 0, 40, 40, 0.025, 0.025),
    ]  # largest 2-D
    (f,) = load(write_dicom(tmp_path / "r.dcm", gradient(64, 64), regions=regions)).frames
    assert f.spacing_mm == pytest.approx((0.25, 0.25))
    assert "region 3 of 3" in f.meta["spacing_source"]


@pytest.mark.parametrize("bad", [-0.02, 0.0, math.nan, math.inf])
def test_unusable_region_delta_is_never_a_spacing(tmp_path, bad):
    path = write_dicom(
        tmp_path / "bad.dcm", gradient(16, 16), regions=[region(0, 0, 15, 15, bad, 0.02)], pixel_spacing=(0.2, 0.2)
    )
    result = load(path)
    (f,) = result.frames  # the image still loads
    assert f.spacing_mm is None
    assert "PhysicalDeltaX" in f.meta["spacing_reason"]
    (entry,) = inspect(path)
    assert entry["spacing_mm"] is None and any("spacing unknown" in w for w in entry["warnings"])


def test_pixel_spacing_is_a_fallback_when_valid(tmp_path):
    (f,) = load(write_dicom(tmp_path / "ps.dcm", gradient(16, 16), pixel_spacing=(0.3, 0.4))).frames
    assert f.spacing_mm == pytest.approx((0.3, 0.4))
    assert f.meta["spacing_source"].startswith("PixelSpacing")
    (g,) = load(write_dicom(tmp_path / "ps0.dcm", gradient(16, 16), pixel_spacing=(0.0, -1.0))).frames
    assert g.spacing_mm is None and "PixelSpacing" in g.meta["spacing_reason"]


def test_file_without_dicm_preamble_is_read(tmp_path):
    px = gradient(8, 8)
    path = write_dicom(tmp_path / "IM0001", px, preamble=False)
    assert path.read_bytes()[128:132] != b"DICM"
    (f,) = load(path).frames
    np.testing.assert_allclose(f.pixels, px / 255.0, atol=1e-6)


def test_no_study_uid_hashes_the_path(tmp_path):
    (f,) = load(write_dicom(tmp_path / "n.dcm", gradient(8, 8), study_uid=None)).frames
    assert len(f.study) == 16 and str(tmp_path) not in f.study
