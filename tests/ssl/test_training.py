"""Label-free training: no ground truth reaches it, and it records what it did."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from engine.cli import main
from engine.data.frame import Frame
from engine.data.phantom import make_study
from engine.models.ssl.train import TrainConfig, class_weights, soft_dice_loss, train_ssl, unlabelled
from engine.models.ssl_net import SslSegmenter
from engine.store import open_store
from tests.ssl.conftest import TINY

TINY_CONFIG = TrainConfig(
    image_size=32,
    width=4,
    levels=3,
    epochs=1,
    rounds=2,
    batch_size=4,
    min_qc_frames=1,
    min_qc_share=0.0,
    min_qc_ratio=0.0,
)


class GroundTruthTrap(Frame):
    """A frame whose mask raises when anything reads it."""

    def __getattribute__(self, name):
        if name == "mask" and object.__getattribute__(self, "mask") is not None:
            raise AssertionError("training read a ground-truth mask")
        return object.__getattribute__(self, name)


def _trapped(frames):
    return [GroundTruthTrap(**{k: object.__getattribute__(f, k) for k in f.__dataclass_fields__}) for f in frames]


def test_trap_works():
    f = _trapped(make_study(0, size=64)[:1])[0]
    with pytest.raises(AssertionError):
        _ = f.mask


def test_training_never_reads_a_mask():
    frames = _trapped(make_study(0, seed=4, size=96))
    result = train_ssl(frames, TINY_CONFIG)
    assert [r.round for r in result.rounds] == [1, 2]
    assert result.rounds[0].source == "pseudo-labels" and result.rounds[1].source == "self-training"
    assert 0 < result.rounds[0].passed <= 4 and result.images == 4
    preds = result.segmenter.predict([f.pixels for f in make_study(1, size=80)])
    assert all(p.shape == (80, 80) and set(np.unique(p)) <= {0, 1, 2, 3, 4} for p in preds)


def test_unlabelled_drops_masks_without_touching_the_originals():
    frames = make_study(0, size=64)
    copies = unlabelled(frames)
    assert all(c.mask is None for c in copies) and all(f.mask is not None for f in frames)


def test_no_frame_passing_qc_is_a_clear_error():
    from engine.errors import SegroiError

    blank = [Frame(pixels=np.zeros((64, 64), np.float32), spacing_mm=(0.5, 0.5), study="x", source="b")]
    with pytest.raises(SegroiError, match="QC"):
        train_ssl(blank, TINY_CONFIG)


def test_loss_pieces():
    import torch

    target = torch.zeros(2, 8, 8, dtype=torch.long)
    target[:, 2:5, 2:5] = 1
    perfect = torch.nn.functional.one_hot(target, 5).permute(0, 3, 1, 2).float() * 50
    assert float(soft_dice_loss(perfect, target, 5)) < 0.6  # absent classes count as (smoothed) zero
    w = class_weights(target, 5)
    assert w[1] > w[0] > 0 and w[2] == 0 and float(w[w > 0].mean()) == pytest.approx(1.0)


def test_train_command_with_the_truth_folder_deleted(phantom_dir, tmp_path, capsys):
    shutil.rmtree(phantom_dir / "truth")
    weights = tmp_path / "w.pt"
    assert main(["train-ssl", "--data", str(phantom_dir), "--out", str(weights), *TINY]) == 0
    out = capsys.readouterr().out
    assert "round 1 (pseudo-labels)" in out and "round 2 (self-training)" in out
    seg = SslSegmenter.load(weights)
    assert seg.input_size == 32 and seg.net.config["width"] == 4
    store = open_store(read_only=True)
    run = store.query("SELECT * FROM runs WHERE kind = 'train-ssl'")[0]
    assert run["status"] == "ok" and json.loads(run["settings"])["ground_truth_read"] is False
    row = store.query("SELECT * FROM training_runs WHERE run_id = ?", [run["id"]])[0]
    assert row["images"] == 4 and row["epochs"] == 1 and row["rounds"] == 2 and row["image_size"] == 32
    assert row["width"] == 4 and row["device"] == "cpu" and row["seconds"] > 0
    assert len(json.loads(row["qc_pass_rates"])) == 2 and row["weights_path"].endswith("w.pt")
    assert row["energy_method"] in ("rapl", "not_measured")
    assert (row["energy_joules"] is None) == (row["energy_method"] == "not_measured")
    assert store.query("SELECT count(*) AS n FROM hardware WHERE run_id = ?", [run["id"]])[0]["n"] == 1


def test_train_command_does_not_open_label_files(phantom_dir, tmp_path, monkeypatch):
    import engine.data.images as images

    def refuse(*a, **k):
        raise AssertionError("a label file was read")

    monkeypatch.setattr(images, "read_label", refuse)
    assert main(["train-ssl", "--data", str(phantom_dir), "--out", str(tmp_path / "w.pt"), *TINY]) == 0


def test_train_command_rejects_bad_settings(phantom_dir, tmp_path, capsys):
    assert (
        main(
            [
                "train-ssl",
                "--data",
                str(phantom_dir),
                "--out",
                str(tmp_path / "w.pt"),
                "--image-size",
                "30",
                "--levels",
                "3",
            ]
        )
        == 2
    )
    assert "multiple of 4" in capsys.readouterr().err
    assert main(["train-ssl", "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "w.pt"), *TINY]) == 2
    assert open_store(read_only=True).query("SELECT * FROM training_runs") == []


def test_cines_are_grouped_by_source_and_long_ones_sampled_evenly():
    from engine.models.ssl.train import cines, sample_cines

    def f(source, i, size=8):
        return Frame(np.zeros((size, size), np.float32), None, "s", source, i)

    frames = [f("a", i) for i in range(40)] + [f("b", 1), f("b", 0)] + [f("c", 0, 9)]
    groups = cines(frames)
    assert [len(g) for g in groups] == [40, 2, 1]
    assert [frames[i].index for i in groups[1]] == [0, 1]  # in frame order
    picked = sample_cines(frames, 16)
    a = [x.index for x in picked if x.source == "a"]
    assert len(a) == 16 and a[0] == 0 and a[-1] == 39 and a == sorted(a)
    assert len(sample_cines(frames, 0)) == len(frames)


def test_fit_is_the_training_loop_alone_and_returns_the_model():
    import torch

    from engine.models.ssl.train import fit
    from engine.models.unet import UNet

    torch.manual_seed(0)
    seg = SslSegmenter(UNet(width=4, levels=3), input_size=32)
    images = torch.randn(4, 1, 32, 32)
    targets = torch.zeros(4, 32, 32, dtype=torch.long)
    targets[:, 8:20, 8:20] = 1
    before = [p.detach().clone() for p in seg.net.parameters()]
    model, loss = fit(seg, images, targets, TINY_CONFIG)
    assert model is seg and loss is not None and not model.net.training
    assert any(not torch.equal(a, b) for a, b in zip(before, seg.net.parameters()))


def test_a_small_set_is_cycled_so_that_an_epoch_has_enough_steps():
    import torch

    from engine.models.ssl.train import fit
    from engine.models.unet import UNet

    def steps(n_frames, **over):
        torch.manual_seed(0)
        seg = SslSegmenter(UNet(width=4, levels=3), input_size=32)
        images = torch.randn(n_frames, 1, 32, 32)
        targets = torch.zeros(n_frames, 32, 32, dtype=torch.long)
        targets[:, 8:20, 8:20] = 1
        calls = []
        config = dataclasses.replace(TINY_CONFIG, epochs=2, **over)
        fit(seg, images, targets, config, progress=lambda r, e, loss: calls.append(e))
        return calls

    # 4 frames at batch 4 are one batch a pass; an epoch is cycled to 3 batches (12 draws).
    assert steps(4, min_epoch_steps=3) == [0, 0, 0, 1, 1, 1]
    # 10 frames at batch 4: one pass is 3 batches (4 + 4 + 2), already enough; nothing is cycled.
    assert len(steps(10, min_epoch_steps=3)) == 6
    # 10 frames, at least 5 batches: 20 draws, 5 batches of 4.
    assert len(steps(10, min_epoch_steps=5)) == 10


def test_augmentation_scales_about_the_apex_and_pads_with_the_blank_screen():
    import torch

    from engine.models.ssl.train import _augment

    # A 4 x 4 label in the middle of a 32 px crop whose apex is the top centre. Scaling by s about
    # the apex moves its centre from row 16 to row 16 * s: about 9.6 at s = 0.6, 20 at s = 1.25
    # (shift adds at most 1.6 px, rotation of 6 deg about the apex less than 2 px sideways). Scaling
    # about the crop's centre would leave it at row 16 +/- 1.6 whatever s is.
    n = 64
    y = torch.zeros(n, 32, 32, dtype=torch.long)
    y[:, 14:18, 14:18] = 1
    x = torch.full((n, 1, 32, 32), -2.0)
    x[:, 0, 14:18, 14:18] = 3.0
    xa, ya = _augment(x, y, torch.Generator().manual_seed(0))
    rows = torch.arange(32, dtype=torch.float32)[None, :, None]
    area = (ya == 1).sum(dim=(1, 2)).float()
    assert (area > 0).all()
    centroid = ((ya == 1) * rows).sum(dim=(1, 2)) / area
    assert float(centroid.min()) < 12.5 and float(centroid.max()) > 18.5, centroid
    small, large = area < 10, area > 22  # zoomed out / zoomed in (16 px unscaled)
    assert small.any() and large.any()
    assert float(centroid[small].mean()) < float(centroid[large].mean()) - 4  # zoom out moves it up
    # What zooming out brings in from beyond the crop is blank screen (about -2 after contrast and
    # noise), not a zero fill.
    assert abs(float(xa[:, 0, 24:, :].mean()) + 2.0) < 0.6
