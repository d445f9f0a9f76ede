"""Property test: any DICOM header, however wrong, gives frames or one clean problem.

Never a traceback, never the reader's catch-all "unexpected failure", never a large allocation.
"""

from __future__ import annotations

import math
import tempfile
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import load

PHOTOMETRIC = [
    "MONOCHROME1",
    "MONOCHROME2",
    "PALETTE COLOR",
    "RGB",
    "YBR_FULL",
    "YBR_FULL_422",
    "YBR_RCT",
    "YBR_ICT",
    "YBR_PARTIAL_420",
    "HSV",
    "ARGB",
    "",
    "monochrome2",
]
ODD_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([0.0, -0.02, 0.02, 1e-9, 1e9, math.nan])
)

# Wild values for each header field; a header is a plausible base with 0-3 of them swapped in,
# so clean files (that must decode) and broken ones (that must be refused cleanly) both appear.
WILD = {
    "rows": st.integers(0, 65535),
    "cols": st.integers(0, 65535),
    "frames": st.one_of(st.none(), st.integers(-3, 10**7)),
    "samples": st.sampled_from([0, 1, 3, 4]),
    "bits": st.sampled_from([1, 8, 12, 16, 32, 64]),
    "stored": st.integers(0, 70),
    "signed": st.sampled_from([0, 1, 2]),
    "planar": st.sampled_from([None, 0, 1, 2]),
    "photometric": st.sampled_from(PHOTOMETRIC),
    "syntax": st.sampled_from(["explicit", "implicit", "rle", "jpeg", "j2k"]),
    "fill": st.sampled_from(["exact", "short", "long", "random"]),
    "region": st.one_of(
        st.none(), st.tuples(ODD_FLOATS, ODD_FLOATS, st.sampled_from([0, 1, 4]), st.sampled_from([0, 3, 4]))
    ),
    "pixel_spacing": st.one_of(st.none(), st.tuples(ODD_FLOATS, ODD_FLOATS)),
    "frame_time": st.one_of(st.none(), ODD_FLOATS),
}


@st.composite
def header(draw):
    photometric = draw(st.sampled_from(["MONOCHROME1", "MONOCHROME2", "RGB", "YBR_FULL"]))
    bits = draw(st.sampled_from([8, 16]))
    h = {
        "rows": draw(st.integers(1, 24)),
        "cols": draw(st.integers(1, 24)),
        "frames": draw(st.one_of(st.none(), st.integers(1, 3))),
        "samples": 1 if photometric.startswith("MONO") else 3,
        "bits": bits,
        "stored": bits,
        "signed": draw(st.sampled_from([0, 1])) if photometric.startswith("MONO") else 0,
        "planar": 0,
        "photometric": photometric,
        "syntax": draw(st.sampled_from(["explicit", "implicit"])),
        "fill": "exact",
        "nbytes": draw(st.integers(0, 3000)),
        "seed": draw(st.integers(0, 2**16)),
        "region": draw(
            st.one_of(st.none(), st.tuples(st.floats(0.001, 0.2), st.floats(0.001, 0.2), st.just(1), st.just(3)))
        ),
        "pixel_spacing": None,
        "frame_time": None,
    }
    for name in draw(st.lists(st.sampled_from(sorted(WILD)), max_size=3, unique=True)):
        h[name] = draw(WILD[name])
    return h


def _write(path: Path, h: dict) -> None:
    from pydicom import uid
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.encaps import encapsulate

    syntax = {
        "explicit": uid.ExplicitVRLittleEndian,
        "implicit": uid.ImplicitVRLittleEndian,
        "rle": uid.RLELossless,
        "jpeg": uid.JPEGBaseline8Bit,
        "j2k": uid.JPEG2000Lossless,
    }[h["syntax"]]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
    meta.MediaStorageSOPInstanceUID = uid.generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "PROPERTY^PATIENT"
    ds.Rows, ds.Columns = h["rows"], h["cols"]
    ds.SamplesPerPixel = h["samples"]
    stored = h["stored"]
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = h["bits"], stored, max(0, stored - 1)
    if h["planar"] is not None:
        ds.PlanarConfiguration = h["planar"]
    ds.PixelRepresentation = h["signed"]
    ds.PhotometricInterpretation = h["photometric"]
    if h["frames"] is not None:
        ds.NumberOfFrames = h["frames"]
    if h["region"] is not None:
        dx, dy, fmt, units = h["region"]
        r = Dataset()
        r.RegionSpatialFormat = fmt
        r.RegionLocationMinX0, r.RegionLocationMinY0, r.RegionLocationMaxX1, r.RegionLocationMaxY1 = 0, 0, 10, 10
        r.PhysicalUnitsXDirection = r.PhysicalUnitsYDirection = units
        r.PhysicalDeltaX, r.PhysicalDeltaY = dx, dy
        ds.SequenceOfUltrasoundRegions = [r]
    if h["pixel_spacing"] is not None:
        ds.PixelSpacing = [f"{v:.6g}"[:16] for v in h["pixel_spacing"]]
    if h["frame_time"] is not None:
        ds.FrameTime = f"{h['frame_time']:.6g}"[:16]
    frames = h["frames"] if h["frames"] is not None else 1
    need = h["rows"] * h["cols"] * max(frames, 0) * max(h["samples"], 0) * max(1, h["bits"] // 8)
    size = {"exact": need, "short": need // 2, "long": need + 8, "random": h["nbytes"]}[h["fill"]]
    data = np.random.default_rng(h["seed"]).bytes(min(size, 200_000))
    if syntax.is_encapsulated:
        ds.PixelData = encapsulate([(data or b"\x00\x00") + b"\x00" * (len(data) % 2)])
        ds["PixelData"].VR = "OB"
    else:
        ds.PixelData = data + b"\x00" * (len(data) % 2)
    ds.save_as(path, enforce_file_format=True)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header())
def test_any_header_gives_frames_or_a_clean_problem(h):
    _check(h)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header())
def test_any_header_gives_frames_or_a_clean_problem_thorough(h):
    _check(h)


def _check(h):
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(tmp) / "fuzz.dcm"
        _write(path, h)
        tracemalloc.start()
        try:
            result = load(path, limit=8 * 2**20)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 48 * 2**20
    assert len(result.frames) + len(result.problems) >= 1
    for p in result.problems:
        assert p.reason and "\n" not in p.reason
        assert not p.reason.startswith("unexpected failure"), (h, p.reason)
        assert "PROPERTY" not in p.reason
    for f in result.frames:
        assert f.pixels.dtype == np.float32 and f.pixels.shape == (h["rows"], h["cols"])
        assert np.isfinite(f.pixels).all() and 0 <= f.pixels.min() and f.pixels.max() <= 1
        if f.spacing_mm is not None:
            assert all(math.isfinite(v) and v > 0 for v in f.spacing_mm)
        if f.frame_time_ms is not None:
            assert math.isfinite(f.frame_time_ms) and f.frame_time_ms > 0
