"""Compressed pixel data is checked against its own codestream headers before any decoder runs
(engine.data.codestream), and native pixel data must have exactly the declared length
(engine.data.dicom). The bad files are real codestreams (pydicom's JPEG 2000 / RLE encoders,
Pillow's JPEG) with their size fields forged."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest
from datafiles import gradient, write_dicom, write_jpeg_dicom

from engine.data import load


def _compressed(path: Path, syntax, pixels=None, photometric="MONOCHROME2") -> Path:
    from pydicom import uid

    plain = write_dicom(
        path.with_suffix(".plain.dcm"), gradient(64, 64) if pixels is None else pixels, photometric=photometric
    )
    ds = pydicom.dcmread(plain)
    ds.compress(getattr(uid, syntax))
    ds.save_as(path)
    plain.unlink()
    return path


def _forge(path: Path, marker: bytes, offset: int, fmt: str, *values) -> Path:
    """Overwrite big-endian fields `offset` bytes after the first `marker` in the file."""
    raw = bytearray(path.read_bytes())
    at = raw.find(marker)
    assert at > 0, marker
    struct.pack_into(fmt, raw, at + offset, *values)
    path.write_bytes(bytes(raw))
    return path


def _never_decode(monkeypatch):
    import pydicom.pixels

    def refuse(*a, **k):
        raise AssertionError("a decoder was started")

    monkeypatch.setattr(pydicom.pixels, "iter_pixels", refuse)


def _reason(path: Path) -> str:
    result = load(path)
    assert not result.frames and len(result.problems) == 1, result.problems
    return result.problems[0].reason


SIZ = b"\xff\x4f\xff\x51"  # SOC + SIZ; fields from its start: Xsiz +8, Ysiz +12, XTsiz +24, Csiz +40, Ssiz +42


def _j2k_bomb(path: Path) -> Path:
    """64 x 64 in the DICOM header, 10000 x 10000 (one tile) in the codestream's SIZ."""
    _compressed(path, "JPEG2000Lossless")
    _forge(path, SIZ, 8, ">II", 10000, 10000)
    return _forge(path, SIZ, 24, ">II", 10000, 10000)


def test_good_compressed_files_still_load(tmp_path):
    for syntax in ("JPEG2000Lossless", "RLELossless"):
        frames = load(_compressed(tmp_path / f"{syntax}.dcm", syntax)).frames
        assert len(frames) == 1 and frames[0].shape == (64, 64)
    rgb = np.random.default_rng(1).integers(0, 255, (2, 32, 48, 3), dtype=np.uint8)
    assert len(load(write_jpeg_dicom(tmp_path / "jpeg.dcm", rgb)).frames) == 2


def test_a_jpeg2000_codestream_larger_than_its_header_is_refused_unread(tmp_path, monkeypatch):
    bomb = _j2k_bomb(tmp_path / "bomb.dcm")
    assert bomb.stat().st_size < 2000
    _never_decode(monkeypatch)
    reason = _reason(bomb)
    assert "10000 x 10000" in reason and "64 x 64" in reason and "before decoding" in reason


def test_jpeg2000_components_and_bit_depth_must_match(tmp_path, monkeypatch):
    _never_decode(monkeypatch)
    deep = _forge(_compressed(tmp_path / "deep.dcm", "JPEG2000Lossless"), SIZ, 42, ">B", 15)  # 16-bit samples
    assert "16-bit samples but BitsAllocated is 8" in _reason(deep)
    rgb = np.random.default_rng(2).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    colour = _compressed(tmp_path / "colour.dcm", "JPEG2000Lossless", rgb, "RGB")
    ds = pydicom.dcmread(colour)
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    del ds.PlanarConfiguration
    ds.save_as(colour)
    assert "3 component(s) but the header declares SamplesPerPixel 1" in _reason(colour)


def test_jpeg_frame_header_must_match(tmp_path, monkeypatch):
    _never_decode(monkeypatch)
    rgb = np.random.default_rng(3).integers(0, 255, (2, 32, 48, 3), dtype=np.uint8)
    path = write_jpeg_dicom(tmp_path / "big.dcm", rgb)
    raw = bytearray(path.read_bytes())
    for at in [i for i in range(len(raw) - 1) if raw[i : i + 2] == b"\xff\xc0"]:  # every frame's SOF0
        struct.pack_into(">HH", raw, at + 5, 9000, 9000)
    path.write_bytes(bytes(raw))
    assert "is 9000 x 9000 pixels but the header declares 32 x 48" in _reason(path)


def test_rle_segment_count_must_match(tmp_path, monkeypatch):
    _never_decode(monkeypatch)
    path = _compressed(tmp_path / "rle.dcm", "RLELossless")
    raw = bytearray(path.read_bytes())
    header = raw.find(struct.pack("<II", 1, 64))  # one segment, starting at byte 64
    struct.pack_into("<I", raw, header, 3)
    path.write_bytes(bytes(raw))
    assert "3 segment(s) but the header declares 1" in _reason(path)


def test_bad_items_are_refused(tmp_path, monkeypatch):
    _never_decode(monkeypatch)
    path = _compressed(tmp_path / "cut.dcm", "JPEG2000Lossless")
    raw = path.read_bytes()
    at = raw.find(SIZ)
    path.write_bytes(raw[: at + 100])  # the fragment runs past the end of the file
    assert "truncated" in _reason(path)


@pytest.mark.parametrize(
    "rows, cols, frames, extra",
    [
        (31, 48, 2, 0),  # Rows one short: 96 bytes more data than declared
        (32, 44, 2, 0),  # Columns four short
        (32, 48, 1, 0),  # one frame declared, two stored
        (32, 48, 2, 2),  # two stray bytes at the end
    ],
)
def test_pixel_data_longer_than_declared_is_refused_naming_both_numbers(tmp_path, rows, cols, frames, extra):
    """The issue: such a 2-frame file loaded as ok, its second frame starting at the wrong byte."""
    pixels = np.random.default_rng(4).integers(0, 255, (2, 32, 48), dtype=np.uint8)
    path = write_dicom(tmp_path / "long.dcm", pixels)
    ds = pydicom.dcmread(path)
    ds.Rows, ds.Columns, ds.NumberOfFrames = rows, cols, frames
    ds.PixelData = pixels.tobytes() + b"\x00" * extra
    ds.save_as(path)
    reason = _reason(path)
    stored = 2 * 32 * 48 + extra
    declared = rows * cols * frames
    assert "longer than the header declares" in reason
    assert f"holds {stored} bytes" in reason and f"= {declared} bytes" in reason


def test_one_padding_byte_is_accepted(tmp_path):
    pixels = np.random.default_rng(5).integers(0, 255, (3, 5, 3), dtype=np.uint8)  # 45 bytes: odd
    path = write_dicom(tmp_path / "odd.dcm", pixels)
    assert pydicom.dcmread(path)[0x7FE00010].value[-1:] == b"\x00" and len(pydicom.dcmread(path).PixelData) == 46
    frames = load(path).frames
    assert len(frames) == 3 and np.allclose(frames[2].pixels * 255, pixels[2], atol=0.51)


PEAK = """
import json, resource, sys
from engine.data import load
result = load(sys.argv[1])
print(json.dumps({"kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "problems": [p.reason for p in result.problems], "frames": len(result.frames)}))
"""


@pytest.mark.slow
def test_the_bomb_does_not_grow_memory(tmp_path):
    """Peak resident memory of a fresh process reading the bomb stays within a few MB of one reading
    a good 64 x 64 JPEG 2000 file (before: about 550 MB against 54 MB)."""
    good = _compressed(tmp_path / "good.dcm", "JPEG2000Lossless")
    bomb = _j2k_bomb(tmp_path / "bomb.dcm")

    def peak(path):
        done = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    fine, bad = peak(good), peak(bomb)
    assert fine["frames"] == 1 and bad["frames"] == 0 and "10000 x 10000" in bad["problems"][0]
    assert bad["kb"] < fine["kb"] + 20 * 1024, (fine["kb"], bad["kb"])
