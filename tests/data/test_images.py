"""Plain image folders, label PNGs from a truth folder, and the save_frames round trip."""

from __future__ import annotations

import json

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
        out.append(
            Frame(
                pixels=rng.random((24, 32), dtype=np.float32),
                spacing_mm=(0.4, 0.5),
                study="phantom-case-1",
                source="phantom_a4c",
                index=i,
                view="A4C",
                phase=("ED", "ES", None)[i],
                mask=mask,
                frame_time_ms=33.3,
            )
        )
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


@pytest.mark.parametrize(
    "label, words",
    [
        (np.zeros((5, 5), np.uint8), "is 5x5 but its image is 12x20"),
        (np.full((12, 20), 9, np.uint8), "holds value 9"),
        (np.zeros((12, 20, 3), np.uint8), "one channel"),
    ],
)
def test_bad_labels(tmp_path, label, words):
    Image.fromarray(np.zeros((12, 20), np.uint8)).save(tmp_path / "img_004.png")
    (tmp_path / "gt").mkdir()
    Image.fromarray(label).save(tmp_path / "gt" / "img_004.png")
    (problem,) = load(tmp_path / "img_004.png", truth=tmp_path / "gt").problems
    assert words in problem.reason


def test_bad_sidecar_and_bad_spacing(tmp_path):
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "x.png")
    (tmp_path / "frames.json").write_text(json.dumps({"frames": {"x": {"spacing_mm": [float("nan"), -2]}}}))
    (f,) = load(tmp_path).frames
    assert f.spacing_mm is None and "unusable spacing" in f.meta["spacing_reason"]
    (tmp_path / "frames.json").write_text("{not json")
    result = load(tmp_path)
    assert len(result.frames) == 1 and "not valid JSON" in result.problems[0].reason
    assert {e["status"] for e in inspect(tmp_path)} == {"ok", "error"}


def test_phantom_layout_truth_folder_beside_the_sidecar(tmp_path):
    """The phantom writes `<stem>.png`, `truth/<stem>_000.png` and frames.json keyed by stem."""
    grey = np.full((10, 12), 128, np.uint8)
    Image.fromarray(grey).save(tmp_path / "phantom-a-0-0001_A4C_ED.png")
    (tmp_path / "truth").mkdir()
    label = np.zeros((10, 12), np.uint8)
    label[2:5, 2:6] = 1
    Image.fromarray(label).save(tmp_path / "truth" / "phantom-a-0-0001_A4C_ED_000.png")
    entry = {
        "study": "phantom-a-0-0001",
        "index": 0,
        "view": "A4C",
        "phase": "ED",
        "spacing_mm": [0.5, 0.5],
        "true_lv_volume_ml": 120.5,
        "generator": "phantom v1",
    }
    (tmp_path / "frames.json").write_text(json.dumps({"frames": {"phantom-a-0-0001_A4C_ED": entry}}))
    result = load(tmp_path)
    (f,) = result.frames  # the label PNG is not read as an image
    assert f.name == "phantom-a-0-0001_A4C_ED_000" and f.spacing_mm == (0.5, 0.5)
    assert (f.view, f.phase, f.meta["true_lv_volume_ml"]) == ("A4C", "ED", 120.5)
    np.testing.assert_array_equal(f.mask, label)
    (free,) = load(tmp_path, read_masks=False).frames
    assert free.mask is None
    statuses = {e["path"].rsplit("/", 1)[-1]: e["status"] for e in inspect(tmp_path)}
    assert statuses == {
        "phantom-a-0-0001_A4C_ED.png": "ok",
        "frames.json": "skipped",
        "phantom-a-0-0001_A4C_ED_000.png": "skipped",
    }


def test_written_phantom_reads_back_through_the_one_reader(tmp_path):
    from engine.data.phantom import make_phantom, write_phantom

    made = make_phantom(1, size=64)
    write_phantom(made, tmp_path / "ph")
    result = load(tmp_path / "ph")
    assert result.problems == [] and len(result.frames) == len(made)
    by_name = {f.name: f for f in result.frames}
    for m in made:
        got = by_name[m.name]
        np.testing.assert_array_equal(got.mask, m.mask)
        np.testing.assert_allclose(got.pixels, np.round(m.pixels * 255) / 255, atol=1e-6)
        assert got.spacing_mm == pytest.approx(m.spacing_mm) and (got.view, got.phase) == (m.view, m.phase)
    assert len({f.study for f in result.frames}) == 1
