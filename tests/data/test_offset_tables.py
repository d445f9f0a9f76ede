"""An Extended Offset Table (7FE0,0001/0002) tells the decoder where each frame starts. pydicom
seeks to those offsets directly, so an offset into the middle of a fragment hands the decoder a
codestream the fragment check never saw. Offsets must point at fragment items, lengths stay inside
them; a good table still loads."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pydicom
from datafiles import gradient, write_dicom
from pydicom.encaps import encapsulate, encapsulate_extended, generate_frames

from engine.data import load

SIZ = b"\xff\x4f\xff\x51"


def _j2k_frames(tmp_path: Path, frames: int) -> tuple[pydicom.Dataset, list[bytes]]:
    from pydicom import uid

    pixels = np.stack([gradient(64, 64)] * frames)
    plain = write_dicom(tmp_path / "plain.dcm", pixels if frames > 1 else pixels[0])
    ds = pydicom.dcmread(plain)
    ds.compress(uid.JPEG2000Lossless)
    return ds, [b"".join(f) for f in pydicom.encaps.generate_fragmented_frames(ds.PixelData, number_of_frames=frames)]


def _save(ds, path: Path, pixel_data: bytes, offsets: list[int] | None, lengths: list[int] | None) -> Path:
    ds.PixelData = pixel_data
    ds["PixelData"].is_undefined_length = True
    if offsets is not None:
        ds.ExtendedOffsetTable = struct.pack(f"<{len(offsets)}Q", *offsets)
        ds.ExtendedOffsetTableLengths = struct.pack(f"<{len(lengths)}Q", *lengths)
    ds.save_as(path)
    return path


def _never_decode(monkeypatch):
    import pydicom.pixels

    def refuse(*a, **k):
        raise AssertionError("a decoder was started")

    monkeypatch.setattr(pydicom.pixels, "iter_pixels", refuse)


def _bomb_of(frame: bytes) -> bytes:
    bomb = bytearray(frame)
    at = bomb.find(SIZ)
    struct.pack_into(">II", bomb, at + 8, 10000, 10000)  # Xsiz, Ysiz
    struct.pack_into(">II", bomb, at + 24, 10000, 10000)  # XTsiz, YTsiz: one tile
    return bytes(bomb)


def test_an_offset_into_the_middle_of_a_fragment_is_refused_before_decoding(tmp_path, monkeypatch):
    """One fragment holds a good 64 x 64 codestream followed by a 10000 x 10000 one; the table sends
    the decoder to the second (before the fix: about 540 MB allocated by a 1.3 kB file)."""
    ds, (good,) = _j2k_frames(tmp_path, 1)
    bomb = _bomb_of(good)
    fragment = good + bomb + (b"\x00" if (len(good) + len(bomb)) % 2 else b"")
    path = _save(ds, tmp_path / "hidden.dcm", encapsulate([fragment]), [len(good)], [len(bomb)])
    assert path.stat().st_size < 2000
    _never_decode(monkeypatch)
    result = load(path)
    assert not result.frames and len(result.problems) == 1
    reason = result.problems[0].reason
    assert "Extended Offset Table" in reason and "before decoding" in reason, reason


def test_a_length_past_its_fragment_is_refused(tmp_path, monkeypatch):
    ds, frames = _j2k_frames(tmp_path, 2)
    data, offsets, lengths = encapsulate_extended(frames)
    offsets = list(struct.unpack(f"<{len(offsets) // 8}Q", offsets))
    lengths = list(struct.unpack(f"<{len(lengths) // 8}Q", lengths))
    lengths[0] += 200  # runs into the next item
    path = _save(ds, tmp_path / "long.dcm", data, offsets, lengths)
    _never_decode(monkeypatch)
    result = load(path)
    assert not result.frames and "Extended Offset Table" in result.problems[0].reason


def test_tables_of_different_lengths_are_refused(tmp_path, monkeypatch):
    ds, frames = _j2k_frames(tmp_path, 2)
    data, offsets, lengths = encapsulate_extended(frames)
    path = _save(
        ds, tmp_path / "uneven.dcm", data, list(struct.unpack("<2Q", offsets)), list(struct.unpack("<2Q", lengths))[:1]
    )
    _never_decode(monkeypatch)
    assert "Extended Offset Table" in load(path).problems[0].reason


def test_a_good_extended_offset_table_still_loads(tmp_path):
    ds, frames = _j2k_frames(tmp_path, 3)
    data, offsets, lengths = encapsulate_extended(frames)
    ds.PixelData = data
    ds["PixelData"].is_undefined_length = True
    ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths = offsets, lengths
    ds.save_as(tmp_path / "good.dcm")
    result = load(tmp_path / "good.dcm")
    assert not result.problems and len(result.frames) == 3
    expected = gradient(64, 64)
    assert np.allclose(result.frames[2].pixels * 255, expected, atol=0.51)
    # and the frames are what the table points at: all three are the same picture here, so compare the
    # table with the fragment items (an independent walk of the bytes)
    first = generate_frames(data, number_of_frames=3)
    assert [len(f) for f in first] == list(struct.unpack("<3Q", lengths))
