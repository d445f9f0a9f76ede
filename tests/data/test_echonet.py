"""EchoNet-Dynamic folders: videos, LV masks from chord tracings, broken tables."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from datafiles import write_avi
from engine.data import inspect, load

N = 10


def _tracing(name, frame, top, bottom, left, right):
    rows = [(name, (left + right) / 2, top, (left + right) / 2, bottom, frame)]  # long axis first
    rows += [(name, left, y, right, y, frame) for y in range(top, bottom + 1, 2)]
    return rows


def make_echonet(root, *, tracings=None, columns=("FileName", "X1", "Y1", "X2", "Y2", "Frame")):
    (root / "Videos").mkdir(parents=True)
    frames = np.full((N, 32, 32), 40, np.uint8)
    frames[:, 8:24, 8:24] = 200
    write_avi(root / "Videos" / "0X1A2B.avi", frames, fps=50)
    with open(root / "FileList.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["FileName", "EF", "ESV", "EDV", "FrameHeight", "FrameWidth", "FPS", "NumberOfFrames", "Split"])
        w.writerow(["0X1A2B", 55.0, 20.0, 44.0, 32, 32, 50, N, "TEST"])
    if tracings is None:
        tracings = _tracing("0X1A2B.avi", 2, 5, 25, 6, 26) + _tracing("0X1A2B.avi", 7, 9, 21, 10, 22)
    with open(root / "VolumeTracings.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        w.writerows([row[: len(columns)] for row in tracings])
    return root


def test_lv_masks_at_traced_frames_with_phase_by_area(tmp_path):
    root = make_echonet(tmp_path / "EchoNet")
    result = load(root)
    assert result.problems == []
    assert len(result.frames) == N
    masked = {f.index: f for f in result.frames if f.mask is not None}
    assert sorted(masked) == [2, 7]
    ed, es = masked[2], masked[7]
    assert (ed.phase, es.phase) == ("ED", "ES")
    # chords from x=6..26 over y=5..25: a 21 x 21 rectangle (filled polygon, edges included or not)
    assert 18 * 18 <= int(ed.mask.sum()) <= 21 * 21
    assert ed.mask[15, 15] == 1 and ed.mask[2, 2] == 0 and set(np.unique(ed.mask)) == {0, 1}
    assert int(es.mask.sum()) < int(ed.mask.sum())
    f = result.frames[0]
    assert f.spacing_mm is None and "no calibration" in f.meta["spacing_reason"]
    assert f.frame_time_ms == pytest.approx(20.0) and f.meta["split"] == "TEST"
    assert f.pixels.shape == (32, 32) and 0.7 < f.pixels[16, 16] < 0.86
    assert f.name == "0X1A2B_000"


def test_labelled_mode_and_label_free_mode(tmp_path):
    root = make_echonet(tmp_path / "EchoNet")
    assert [f.index for f in load(root, frames="labelled").frames] == [2, 7]
    free = load(root, read_masks=False)
    assert all(f.mask is None for f in free.frames) and len(free.frames) == N


def test_missing_columns_is_a_problem_and_videos_still_load(tmp_path):
    root = make_echonet(tmp_path / "EchoNet", columns=("FileName", "X1", "Y1", "X2", "Frame"))
    result = load(root)
    (problem,) = result.problems
    assert problem.path.endswith("VolumeTracings.csv") and "Y2" in problem.reason
    assert len(result.frames) == N and all(f.mask is None for f in result.frames)


def test_nan_coordinates_and_out_of_range_frames(tmp_path):
    bad = _tracing("0X1A2B.avi", 2, 5, 25, 6, 26)
    bad[3] = bad[3][:1] + (float("nan"),) + bad[3][2:]
    rows = bad + _tracing("0X1A2B.avi", 99, 9, 21, 10, 22) + _tracing("0X1A2B.avi", 7, 9, 21, 10, 22)
    root = make_echonet(tmp_path / "EchoNet", tracings=rows)
    result = load(root)
    (problem,) = result.problems
    assert "NaN" in problem.reason and "frame 99: out of range" in problem.reason
    masked = [f.index for f in result.frames if f.mask is not None]
    assert masked == [7]
    entries = {e["path"].rsplit("/", 1)[-1]: e for e in inspect(root)}
    assert entries["VolumeTracings.csv"]["status"] == "error"
    assert entries["0X1A2B.avi"]["status"] == "ok" and entries["0X1A2B.avi"]["masks"] == 1
    assert any("tracing dropped" in w for w in entries["0X1A2B.avi"]["warnings"])


def test_tracings_for_a_missing_video(tmp_path):
    rows = _tracing("0X1A2B.avi", 2, 5, 25, 6, 26) + _tracing("GONE.avi", 1, 5, 25, 6, 26)
    result = load(make_echonet(tmp_path / "EchoNet", tracings=rows))
    (problem,) = result.problems
    assert "no file in Videos/" in problem.reason and "GONE" in problem.reason


def test_loose_avi_outside_echonet(tmp_path):
    frames = np.tile(np.arange(0, 256, 16, dtype=np.uint8)[None, None, :], (4, 8, 1))
    path = write_avi(tmp_path / "clip.avi", frames, fps=25)
    result = load(path)
    assert len(result.frames) == 4
    f = result.frames[0]
    assert f.shape == (8, 16) and f.spacing_mm is None and f.frame_time_ms == pytest.approx(40.0)
    assert np.abs(f.pixels - frames[0] / 255.0).mean() < 0.05


def test_video_longer_than_the_limit_is_refused(tmp_path):
    path = write_avi(tmp_path / "long.avi", np.zeros((6, 16, 16), np.uint8))
    (problem,) = load(path, limit=16 * 16 * 4 * 3).problems
    assert "limit" in problem.reason
