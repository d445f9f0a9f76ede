"""`segroi segment` and `segroi evaluate`: output names, sizes, values; stored runs; SAM rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from engine.cli import main
from engine.models.ssl_net import SslSegmenter
from engine.models.unet import UNet
from engine.store import open_store


@pytest.fixture
def weights(tmp_path):
    import torch

    torch.manual_seed(0)
    path = tmp_path / "tiny.pt"
    SslSegmenter(UNet(width=4, levels=3), input_size=32).save(path)
    return path


def test_segment_names_sizes_and_values(tmp_path, weights, capsys):
    data = tmp_path / "scans"
    data.mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray((rng.random((100, 120)) * 255).astype(np.uint8)).save(data / "scan.png")
    Image.fromarray((rng.random((64, 80)) * 255).astype(np.uint8)).save(data / "clip_007.png")
    out = tmp_path / "labels"
    assert main(["segment", "--model", "ssl", "--weights", str(weights), "--data", str(data), "--out", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["clip_007.png", "scan_000.png"]
    for name, shape in (("scan_000.png", (100, 120)), ("clip_007.png", (64, 80))):
        with Image.open(out / name) as im:
            a = np.asarray(im)
            assert im.mode == "L" and a.shape == shape
        assert set(np.unique(a)) <= {0, 1, 2, 3, 4}
    assert "wrote 2 label maps" in capsys.readouterr().out


def test_segment_output_reads_back_as_ground_truth(tmp_path, weights, phantom_dir):
    from engine.data import load

    out = tmp_path / "labels"
    assert (
        main(["segment", "--model", "ssl", "--weights", str(weights), "--data", str(phantom_dir), "--out", str(out)])
        == 0
    )
    frames = load(phantom_dir, truth=out).frames
    assert len(frames) == 4 and all(f.mask is not None for f in frames)


def test_evaluate_stores_one_simulated_run_with_failure_rate(phantom_dir, weights, capsys):
    assert (
        main(
            ["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(phantom_dir), "--tolerance", "0.7"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "provenance: simulated" in out and "failure rate" in out
    store = open_store(read_only=True)
    run = store.query("SELECT * FROM runs WHERE kind = 'evaluate'")[0]
    assert run["status"] == "ok"
    settings = json.loads(run["settings"])
    assert settings["tolerance"] == 0.7 and settings["failure_metric"] == "dice" and settings["prompts"] == "none"
    ev = store.query("SELECT * FROM evaluations WHERE run_id = ?", [run["id"]])
    assert len(ev) == 12 and {r["provenance"] for r in ev} == {"simulated"}
    assert {r["structure"] for r in ev} == {"LV", "LA", "RV", "RA"} and {r["weights"] for r in ev} == {"tiny.pt"}
    fr = store.query("SELECT * FROM measurements WHERE run_id = ? AND name = 'failure_rate'", [run["id"]])
    expected = sum(r["dice"] < 0.7 for r in ev) / len(ev)
    assert len(fr) == 1 and fr[0]["value"] == pytest.approx(expected) and fr[0]["unit"] == "fraction"
    names = {r["name"] for r in store.query("SELECT name FROM measurements WHERE run_id = ?", [run["id"]])}
    assert {"lv_area_cm2", "lv_length_mm", "lv_volume_single_plane_ml"} <= names


def test_evaluate_needs_ground_truth(tmp_path, weights, capsys):
    data = tmp_path / "plain"
    data.mkdir()
    Image.fromarray(np.zeros((40, 40), np.uint8)).save(data / "a.png")
    assert main(["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(data)]) == 2
    assert "ground truth" in capsys.readouterr().err
    assert open_store(read_only=True).query("SELECT * FROM evaluations") == []


@pytest.mark.parametrize("command", ["segment", "evaluate"])
def test_sam_with_random_weights_is_refused(phantom_dir, tmp_path, capsys, command):
    extra = ["--out", str(tmp_path / "o")] if command == "segment" else []
    assert main([command, "--model", "sam", "--data", str(phantom_dir), *extra]) == 2
    err = capsys.readouterr().err
    assert "random weights" in err and "meaningless" in err
    assert open_store(read_only=True).query("SELECT * FROM evaluations") == []


class BoxSam:
    """Stand-in for SamSegmenter (no checkpoint can be downloaded here): fills each prompt box."""

    def __init__(self, variant="vit_b", checkpoint=None, device="cpu", image_size=1024, **_):
        self.weights = "fake-sam.pth"
        self.boxes = []

    def embed(self, image):
        return np.asarray(image).shape

    def predict(self, shape, box=None):
        self.boxes.append(box)
        m = np.zeros(shape, bool)
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        m[y0:y1, x0:x1] = True
        return m


def test_sam_path_prompts_from_truth_and_labels_the_run_simulated(phantom_dir, tmp_path, monkeypatch, capsys):
    import engine.models.sam as sam

    monkeypatch.setattr(sam, "SamSegmenter", BoxSam)
    out = tmp_path / "sam_labels"
    assert (
        main(
            [
                "segment",
                "--model",
                "sam",
                "--sam-checkpoint",
                "x.pth",
                "--data",
                str(phantom_dir),
                "--out",
                str(out),
                "--jitter",
                "0",
            ]
        )
        == 0
    )
    assert "prompts: simulated" in capsys.readouterr().out
    assert len(list(out.glob("*_000.png"))) == 4
    assert main(["evaluate", "--model", "sam", "--sam-checkpoint", "x.pth", "--data", str(phantom_dir)]) == 0
    out = capsys.readouterr().out
    assert "prompts: simulated: box per structure" in out and "provenance: simulated" in out
    store = open_store(read_only=True)
    ev = store.query("SELECT * FROM evaluations")
    assert ev and {r["provenance"] for r in ev} == {"simulated"}
    assert all(r["prompts"].startswith("simulated: box per structure") for r in ev)
    assert all(r["model"] == "sam" and r["weights"] == "fake-sam.pth" for r in ev)
    # Box masks over elliptical chambers: overlapping, far from perfect, never exact.
    assert 0.3 < np.mean([r["dice"] for r in ev]) < 0.95
