"""The robustness phantom family: anatomy, image formation, overlays, DICOM as a scanner writes it."""

from __future__ import annotations

import json

import numpy as np
import pydicom
import pytest

from engine.cli import main
from engine.data import inspect, load
from engine.data.frame import STRUCTURES
from engine.data.phantom_family import HELD_OUT, LOOKS, make_study, write_dicom, write_study
from engine.errors import SegroiError
from engine.models.ssl.sector import find_sector


@pytest.fixture(scope="module")
def plain():
    return make_study(0, "plain", seed=4)


@pytest.mark.slow
def test_every_look_draws_four_chambers_inside_the_sector():
    for look in ("plain", "small", "dilated", "overlay"):
        st = make_study(1, look, seed=4)
        assert 2 <= len(st.frames) <= 4 and len(st.labels) == len(st.frames)
        for img, lab in zip(st.frames, st.labels):
            assert img.shape == (st.scan.rows, st.scan.cols, 3)
            assert set(np.unique(lab)) == {0, 1, 2, 3, 4}
            # Every chamber pixel lies inside the sector fitted on the image.
            sector = find_sector(img.mean(axis=2))
            assert sector.fitted and ((lab > 0) & ~sector.mask).sum() <= 0.001 * (lab > 0).sum()


def test_ventricles_shrink_and_atria_grow_from_end_diastole_to_end_systole(plain):
    first, last = plain.labels[0], plain.labels[-1]
    assert (last == 1).sum() < (first == 1).sum() and (last == 3).sum() < (first == 3).sum()
    assert (last == 2).sum() > (first == 2).sum() and (last == 4).sum() > (first == 4).sum()
    # The stated areas are the pixel counts times the pixel area.
    sp = plain.spacing_mm
    assert plain.meta["areas_cm2"]["LA"][0] == pytest.approx((first == 2).sum() * sp * sp / 100)


@pytest.mark.slow
def test_small_hearts_have_atria_below_the_published_qc_floor():
    areas = [a for i in range(4) for c in ("LA", "RA") for a in make_study(i, "small", seed=4).meta["areas_cm2"][c]]
    assert min(areas) < 6.0 and max(areas) < 12.0
    st = make_study(0, "small", seed=4)
    assert 0.28 <= st.spacing_mm <= 0.4  # millimetres per pixel, fine calibration


def test_looks_differ_in_how_they_are_drawn():
    assert LOOKS["dropout"].edge_dropout[0] > LOOKS["plain"].edge_dropout[1]
    assert LOOKS["haze"].dynamic_range_db[1] < LOOKS["fine"].dynamic_range_db[0]
    assert LOOKS["dilated"].heart_scale[0] > LOOKS["small"].heart_scale[1]
    assert {LOOKS[k].encoding for k in LOOKS} >= {"mono8", "mono16", "rgb", "ybr_full", "ybr_jpeg"}
    assert set(HELD_OUT) <= set(LOOKS)
    # Lateral dropout: the outer band of the sector is darker than its middle in the dropout look.
    st = make_study(2, "dropout", seed=4)
    grey = st.frames[0].mean(axis=2)
    s = find_sector(grey)
    r, th = s.polar()
    mid = s.mask & (np.abs(th) < 10) & (r > 0.6 * s.depth)
    edge = s.mask & (np.abs(th) > s.half_angle - 5) & (r > 0.6 * s.depth)
    assert grey[edge].mean() < 0.6 * grey[mid].mean()


def test_overlays_are_drawn_around_and_over_the_sector():
    st = make_study(0, "overlay", seed=4)
    a, b = st.frames[0], st.frames[-1]
    green = (a[..., 1] > 0.6) & (a[..., 0] < 0.4)  # the ECG trace
    assert green.sum() > 200
    # The ECG marker moves between frames; the text does not.
    assert not np.array_equal(a[-60:], b[-60:])
    assert np.array_equal(a[:20, :100], b[:20, :100])


def test_unknown_look_is_refused():
    with pytest.raises(SegroiError, match="look"):
        make_study(0, "nope")


@pytest.mark.parametrize(
    "encoding, photometric, bits",
    [
        ("mono8", "MONOCHROME2", 8),
        ("mono16", "MONOCHROME2", 16),
        ("rgb", "RGB", 8),
        ("ybr_full", "YBR_FULL", 8),
        ("ybr_jpeg", "YBR_FULL_422", 8),
    ],
)
def test_written_dicom_reads_back_with_its_calibration(tmp_path, plain, encoding, photometric, bits):
    path = write_dicom(plain, tmp_path / "c.dcm", encoding=encoding)
    ds = pydicom.dcmread(path)
    assert ds.PhotometricInterpretation == photometric and ds.BitsAllocated == bits
    assert int(ds.NumberOfFrames) == len(plain.frames) and ds.Modality == "US"
    region = ds.SequenceOfUltrasoundRegions[0]
    assert region.RegionSpatialFormat == 1 and region.PhysicalUnitsXDirection == 3
    assert region.PhysicalDeltaX == pytest.approx(plain.spacing_mm / 10, rel=1e-6)
    frames = load(path).frames
    assert len(frames) == len(plain.frames)
    assert frames[0].spacing_mm == pytest.approx((plain.spacing_mm, plain.spacing_mm), rel=1e-6)
    grey = plain.frames[0] @ np.array([0.299, 0.587, 0.114])
    tol = 0.06 if encoding == "ybr_jpeg" else 0.01
    assert np.abs(frames[0].pixels - grey).mean() < tol
    assert "PatientName" not in ds


@pytest.mark.slow
def test_study_with_truth_and_the_phantom_command(tmp_path, capsys):
    st = make_study(3, "small", seed=4)
    write_study(st, tmp_path / "dicom", tmp_path / "truth")
    got = load(tmp_path / "dicom", truth=tmp_path / "truth").frames
    assert len(got) == len(st.frames)
    for f, lab in zip(got, st.labels):
        assert np.array_equal(f.mask, lab)
    meta = json.loads((tmp_path / "truth" / "family.json").read_text())
    assert meta[st.name]["look"] == "small" and meta[st.name]["frames"] == len(st.frames)
    out = tmp_path / "fam"
    assert main(["phantom", "--out", str(out), "--studies", "2", "--style", "shadow", "--seed", "5"]) == 0
    assert len(list((out / "dicom").glob("*.dcm"))) == 2
    assert "ground truth in" in capsys.readouterr().out
    entries = inspect([out / "dicom"])
    assert all(e["status"] == "ok" and e["spacing_mm"] for e in entries)
    from PIL import Image

    for p in (out / "truth").glob("*.png"):
        assert set(np.unique(np.asarray(Image.open(p)))) <= {0, *STRUCTURES.values()}
