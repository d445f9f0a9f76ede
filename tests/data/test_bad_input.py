"""The bad-input zoo: each file gives one clear problem, and the rest of the batch goes on."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pydicom
import pytest

from datafiles import gradient, write_dicom, write_jpeg_dicom
from engine.cli import main
from engine.data import inspect, load


def _edit(path, **changes):
    ds = pydicom.dcmread(path)
    for k, v in changes.items():
        if v is None:
            delattr(ds, k)
        else:
            setattr(ds, k, v)
    ds.save_as(path)
    return path


def _good(tmp_path, name="good.dcm", **kw):
    return write_dicom(tmp_path / name, gradient(16, 16), **kw)


def _zoo(tmp_path):
    """name -> (path, words the reason must contain)."""
    z = {}
    (tmp_path / "empty.dcm").write_bytes(b"")
    z["empty"] = (tmp_path / "empty.dcm", "empty")
    (tmp_path / "notes.dcm").write_text("this is a text file, not an image\n" * 20)
    z["non-dicom"] = (tmp_path / "notes.dcm", "not a DICOM")
    good = _good(tmp_path, "cut.dcm").read_bytes()
    (tmp_path / "cut.dcm").write_bytes(good[: len(good) - 100])
    z["truncated pixels"] = (tmp_path / "cut.dcm", "truncated")
    (tmp_path / "head.dcm").write_bytes(good[:200])
    z["truncated header"] = (tmp_path / "head.dcm", "truncated")
    z["no pixel data"] = (_edit(_good(tmp_path, "nopix.dcm"), PixelData=None), "has no pixel data")
    z["zero frames"] = (_edit(_good(tmp_path, "zero.dcm"), NumberOfFrames=0), "no frames")
    z["short pixel data"] = (_edit(_good(tmp_path, "short.dcm"), Rows=64), "shorter than the header")
    z["absurd size"] = (
        _edit(_good(tmp_path, "huge.dcm"), Rows=65535, Columns=65535, NumberOfFrames=100000),
        "over segroi's limit",
    )
    z["12-bit allocation"] = (_edit(_good(tmp_path, "b12.dcm"), BitsAllocated=12), "BitsAllocated 12")
    z["photometric"] = (_edit(_good(tmp_path, "hsv.dcm"), PhotometricInterpretation="HSV"), "'HSV' is not supported")
    z["samples"] = (_edit(_good(tmp_path, "rgb1.dcm"), PhotometricInterpretation="RGB"), "SamplesPerPixel 3")
    z["palette without lut"] = (
        _edit(_good(tmp_path, "pal.dcm"), PhotometricInterpretation="PALETTE COLOR"),
        "lookup table",
    )
    mpeg = _good(tmp_path, "mpeg.dcm")
    ds = pydicom.dcmread(mpeg)
    ds.file_meta.TransferSyntaxUID = pydicom.uid.MPEG4HP41
    ds.PixelData = pydicom.encaps.encapsulate([b"\x00\x00\x00\x01\x67" + b"\x00" * 64])
    ds["PixelData"].VR = "OB"
    ds.save_as(mpeg)
    z["mpeg"] = (mpeg, "not supported")
    jpeg = write_jpeg_dicom(tmp_path / "badjpeg.dcm", np.zeros((1, 16, 16, 3), np.uint8))
    ds = pydicom.dcmread(jpeg)
    ds.PixelData = pydicom.encaps.encapsulate([b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"])
    ds.save_as(jpeg)
    z["bad jpeg"] = (jpeg, "no readable frame header")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    z["broken png"] = (tmp_path / "broken.png", "image")
    (tmp_path / "noise.avi").write_bytes(np.random.default_rng(0).bytes(4096))
    z["broken avi"] = (tmp_path / "noise.avi", "video")
    return z


def test_each_bad_file_gives_its_own_clear_problem(tmp_path):
    zoo = _zoo(tmp_path)
    good = _good(tmp_path, "fine.dcm")
    result = load([good] + [p for p, _ in zoo.values()])
    assert [f.source for f in result.frames] == ["fine"]
    by_path = {p.path: p.reason for p in result.problems}
    assert len(by_path) == len(zoo)
    for name, (path, words) in zoo.items():
        reason = by_path[str(path)]
        assert words in reason, (name, reason)
        assert "unexpected" not in reason and "Traceback" not in reason


def test_absurd_size_is_refused_before_allocating(tmp_path):
    path = _edit(_good(tmp_path, "huge.dcm"), Rows=65535, Columns=65535, NumberOfFrames=100000)
    tracemalloc.start()
    result = load(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.frames == [] and "limit" in result.problems[0].reason
    assert peak < 20 * 2**20


def test_limit_is_configurable(tmp_path, monkeypatch):
    path = _good(tmp_path)
    monkeypatch.setenv("SEGROI_MAX_FILE_BYTES", "100")
    (problem,) = load(path).problems
    assert "limit" in problem.reason


def test_inspect_reports_every_file_then_fails(tmp_path, capsys):
    zoo = _zoo(tmp_path)
    _good(tmp_path, "fine.dcm")
    code = main(["inspect", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    import json

    entries = {e["path"]: e for e in json.loads(out)}
    assert entries[str(tmp_path / "fine.dcm")]["status"] == "ok"
    for path, _ in zoo.values():
        assert entries[str(path)]["status"] == "error" and entries[str(path)]["reason"]


def test_missing_path_and_unknown_file(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    entries = inspect([tmp_path / "missing", tmp_path / "notes.txt"])
    assert [e["status"] for e in entries] == ["error", "skipped"]
    assert load(tmp_path / "missing").problems[0].reason == "no such file or folder"


def test_require_frames_names_the_problems(tmp_path):
    from engine.errors import SegroiError

    (tmp_path / "empty.dcm").write_bytes(b"")
    with pytest.raises(SegroiError, match="empty.dcm: empty file"):
        load(tmp_path).require_frames()


@pytest.mark.parametrize("keep", [0.15, 0.3, 0.5, 0.7, 0.9])
def test_file_cut_anywhere_is_an_error_not_a_skip(tmp_path, keep):
    data = _good(tmp_path, "whole.dcm").read_bytes()
    (tmp_path / "cut.dcm").write_bytes(data[: int(len(data) * keep)])
    (entry,) = inspect(tmp_path / "cut.dcm")
    assert entry["status"] == "error"
    assert any(w in entry["reason"] for w in ("truncated", "not a DICOM", "cut short")), entry["reason"]


def test_dicomdir_is_skipped_not_an_error(tmp_path):
    from pydicom.fileset import FileSet

    src = _good(
        tmp_path,
        "one.dcm",
        StudyDate="20200101",
        StudyTime="1200",
        StudyID="1",
        SeriesInstanceUID="1.2.3.4",
        SeriesNumber=1,
        InstanceNumber=1,
    )
    fs = FileSet()
    fs.add(pydicom.dcmread(src))
    fs.write(tmp_path / "media")
    entries = {e["path"].rsplit("/", 1)[-1]: e for e in inspect(tmp_path / "media")}
    assert entries["DICOMDIR"]["status"] == "skipped" and "Directory" in entries["DICOMDIR"]["reason"]
    assert [e["status"] for name, e in entries.items() if name != "DICOMDIR"] == ["ok"]
