"""Plain image folders, label PNGs from a truth folder, and the save_frames round trip."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.data import Frame, inspect, load, save_frames


def _frames(n=3):
    rng = np.random.default_rng(1)
    out = []
    for i in range(n):
        mask = np.zeros((24, 32), np.uint8)
        mask[4:12, 4:14], mask[14:20, 6:12], mask[4:12, 18:28], mask[14:20, 20:26] = 1, 2, 3, 4
        out.append(Frame(pixels=rng.random((24, 32), dtype=np.float32), spacing_mm=(0.4, 0.5),
                         study="phantom-case-1", source="phantom_a4c", index=i, view="A4C",
                         phase=("ED", "ES", None)[i], mask=mask, frame_time_ms=33.3))
    return out


def test_save_frames_round_trip(tmp_path):
    frames = _frames()
    save_frames(frames, tmp_path / "images", tmp_path / "labels")
    result = load(tmp_path / "images", truth=tmp_path / "labels")
    assert result.problems == []
    assert [f.name for f in result.frames] == [f.name for f in frames]
    for a, b in zip(frames, result.frames):
        np.testing.assert_allclose(b.pixels, np.round(a.pixels * 255) / 255, atol=1e-6)
        np.testing.assert_array_equal(b.mask, a.mask)
        assert (b.spacing_mm, b.view, b.phase, b.frame_time_ms) == (a.spacing_mm, a.view, a.phase, a.frame_time_ms)
    assert len({f.study for f in result.frames}) == 1 and "phantom" not in result.frames[0].study
    # labels are never read without truth=, and truth nested inside the data folder is not read as images
    assert all(f.mask is None for f in load(tmp_path / "images").frames)
    nested = load(tmp_path, truth=tmp_path / "labels")
    assert len(nested.frames) == 3 and all(f.mask is not None for f in nested.frames)


def test_study_hash_kept_through_the_manifest(tmp_path):
    frames = _frames(1)
    save_frames(frames, tmp_path / "a")
    first = load(tmp_path / "a").frames[0]
    save_frames([first], tmp_path / "b")
    assert load(tmp_path / "b").frames[0].study == first.study


def test_plain_images_and_stem_labels(tmp_path):
    grey = (np.arange(12 * 20).reshape(12, 20) % 256).astype(np.uint8)
    Image.fromarray(grey).save(tmp_path / "scan.png")
    Image.fromarray(np.stack([grey] * 3, -1)).save(tmp_path / "colour.jpg", quality=100)
    Image.fromarray((grey.astype(np.uint16) * 200)).save(tmp_path / "deep.png")
    (tmp_path / "truth").mkdir()
    label = np.zeros_like(grey)
    label[3:6, 3:9] = 1
    Image.fromarray(label).save(tmp_path / "truth" / "scan.png")
    result = load(tmp_path, truth=tmp_path / "truth")
    by = {f.source: f for f in result.frames}
    assert sorted(by) == ["colour", "deep", "scan"] and result.problems == []
    np.testing.assert_allclose(by["scan"].pixels, grey / 255.0, atol=1e-6)
    np.testing.assert_array_equal(by["scan"].mask, label)
    assert np.abs(by["colour"].pixels - grey / 255.0).max() < 0.05
    np.testing.assert_allclose(by["deep"].pixels, grey.astype(np.float64) * 200 / 65535.0, atol=1e-6)
    assert by["scan"].spacing_mm is None and by["scan"].name == "scan_000"
    assert [f.source for f in load(tmp_path, truth=tmp_path / "truth", frames="labelled").frames] == ["scan"]


@pytest.mark.parametrize("label, words", [
    (np.zeros((5, 5), np.uint8), "is 5x5 but its image is 12x20"),
    (np.full((12, 20), 9, np.uint8), "holds value 9"),
    (np.zeros((12, 20, 3), np.uint8), "one channel"),
])
def test_bad_labels(tmp_path, label, words):
    Image.fromarray(np.zeros((12, 20), np.uint8)).save(tmp_path / "img_004.png")
    (tmp_path / "gt").mkdir()
    Image.fromarray(label).save(tmp_path / "gt" / "img_004.png")
    (problem,) = load(tmp_path / "img_004.png", truth=tmp_path / "gt").problems
    assert words in problem.reason


def test_bad_manifest_and_bad_spacing(tmp_path):
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "x.png")
    (tmp_path / "frames.csv").write_text("file,spacing_row_mm,spacing_col_mm\nx.png,nan,-2\n")
    (f,) = load(tmp_path).frames
    assert f.spacing_mm is None and "unusable spacing" in f.meta["spacing_reason"]
    (tmp_path / "frames.csv").write_text("name,spacing\nx.png,1\n")
    result = load(tmp_path)
    assert len(result.frames) == 1 and "no 'file' column" in result.problems[0].reason
    assert {e["status"] for e in inspect(tmp_path)} == {"ok", "error"}
