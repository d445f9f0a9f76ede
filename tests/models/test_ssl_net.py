"""The SSL U-Net segmenter: label maps at each frame's size, weights saved and loaded with config."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.data.frame import Frame
from engine.errors import SegroiError
from engine.models.ssl_net import SslSegmenter, preprocess, preprocess_masks
from engine.models.unet import UNet


@pytest.fixture
def seg():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    return SslSegmenter(UNet(width=4), input_size=32)


def _frames():
    rng = np.random.default_rng(0)
    return [
        Frame(rng.random((70, 50), dtype=np.float32), (0.3, 0.3), "s1", "a", 0),
        Frame(rng.random((20, 24), dtype=np.float32), None, "s1", "a", 1),
        rng.random((32, 32)).astype(np.float32),  # a bare array works too
    ]


def test_predict_gives_integer_labels_at_each_frame_size(seg):
    out = seg.predict(_frames(), batch_size=2)
    assert [o.shape for o in out] == [(70, 50), (20, 24), (32, 32)]
    for o in out:
        assert o.dtype == np.int64 and o.min() >= 0 and o.max() <= 4


def test_segment_protocol_is_predict(seg):
    frames = _frames()
    assert all(np.array_equal(a, b) for a, b in zip(seg.segment(frames, None), seg.predict(frames)))


def test_probabilities_sum_to_one_and_agree_with_labels(seg):
    frames = _frames()
    probs = seg.probabilities(frames)
    labels = seg.predict(frames)
    for p, lab, f in zip(probs, labels, frames):
        assert p.shape == (5, *np.asarray(getattr(f, "pixels", f)).shape)
        assert np.allclose(p.sum(axis=0), 1.0, atol=1e-5)
        assert np.array_equal(p.argmax(axis=0), lab)


def test_predict_leaves_training_mode_alone(seg):
    seg.net.train()
    seg.predict(_frames()[:1])
    assert seg.net.training


def test_save_and_load_round_trip(seg, tmp_path):
    frames = _frames()
    before = seg.predict(frames)
    assert seg.weights == "unsaved"
    path = seg.save(tmp_path / "weights" / "ssl_round1.pt", meta={"round": 1})
    assert seg.weights == "ssl_round1.pt" and not list(path.parent.glob("*.partial"))
    loaded = SslSegmenter.load(path)
    assert loaded.config == {
        "in_channels": 1,
        "classes": 5,
        "width": 4,
        "levels": 5,
        "input_size": 32,
        "normalize": "zscore",
        "roi": "frame",
    }
    assert loaded.weights == "ssl_round1.pt" and loaded.meta["round"] == 1 and "saved_at" in loaded.meta
    after = loaded.predict(frames)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_default_network_is_the_published_architecture():
    seg = SslSegmenter()
    assert seg.weights == "random" and seg.input_size == 256
    assert seg.net.config == {"in_channels": 1, "classes": 5, "width": 32, "levels": 5}


def test_load_refuses_missing_foreign_and_mismatched_files(tmp_path, seg):
    with pytest.raises(SegroiError, match="not found"):
        SslSegmenter.load(tmp_path / "nope.pt")
    junk = tmp_path / "junk.pt"
    junk.write_text("hello")
    with pytest.raises(SegroiError, match="cannot read"):
        SslSegmenter.load(junk)
    foreign = tmp_path / "foreign.pt"
    torch.save({"state_dict": {}}, foreign)
    with pytest.raises(SegroiError, match="not a segroi SSL weights file"):
        SslSegmenter.load(foreign)
    path = seg.save(tmp_path / "w.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"]["width"] = 8
    torch.save(payload, path)
    with pytest.raises(SegroiError, match="do not fit"):
        SslSegmenter.load(path)
    payload["version"] = 99
    torch.save(payload, path)
    with pytest.raises(SegroiError, match="newer segroi"):
        SslSegmenter.load(path)


def test_bad_sizes_and_frames_are_clear_errors(seg):
    with pytest.raises(SegroiError, match="multiple of 16"):
        SslSegmenter(UNet(width=4), input_size=40)
    with pytest.raises(SegroiError, match="2-D"):
        seg.predict([np.zeros((2, 3, 4, 5))])
    with pytest.raises(SegroiError, match="batch size"):
        seg.predict(_frames(), batch_size=0)


def test_preprocessing_normalises_and_masks_keep_their_labels():
    x = preprocess([np.full((40, 60), 0.5, np.float32), np.linspace(0, 1, 64 * 64).reshape(64, 64)], 32)
    assert x.shape == (2, 1, 32, 32) and x.dtype == torch.float32
    assert torch.allclose(x[0], torch.zeros(1, 32, 32), atol=1e-4)  # a blank frame stays blank
    assert abs(float(x[1].mean())) < 1e-5 and abs(float(x[1].std()) - 1) < 1e-3
    mask = np.zeros((70, 50), np.int64)
    mask[10:40, 10:30] = 1
    mask[45:60, 20:40] = 2
    m = preprocess_masks([mask], 32)
    assert m.shape == (1, 32, 32) and m.dtype == torch.long
    assert set(np.unique(m.numpy())) == {0, 1, 2}


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_clear_error():
    from engine.models.sam import SamSegmenter

    with pytest.raises(SegroiError, match="no CUDA GPU"):
        SslSegmenter(UNet(width=4), input_size=32, device="cuda")
    with pytest.raises(SegroiError, match="no CUDA GPU"):
        SamSegmenter("vit_b", device="cuda", image_size=64)


def test_sector_roi_keeps_predictions_inside_the_fan(tmp_path):
    from engine.models.ssl.sector import sector_mask

    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    fan = sector_mask((120, 160), 5, 80, -35, 35, 110)
    img = np.zeros((120, 160), np.float32)
    img[fan] = 0.2 + 0.5 * rng.random(fan.sum())
    img[2:8, 2:40] = 0.9  # text beside the fan
    seg = SslSegmenter(UNet(width=4, levels=3), input_size=32, roi="sector")
    # Whatever the random network says, nothing outside the fan is labelled.
    with torch.no_grad():
        for p in seg.net.head.parameters():
            p.zero_()
        seg.net.head.bias[1] = 5.0  # the network says "LV" everywhere
    lab = seg.predict([img])[0]
    assert lab.shape == img.shape
    inside = sector_mask((120, 160), 5, 80, -33, 33, 106, top=8)  # the fitted fan starts a few px below its tip
    assert (lab[~fan] == 0).all() and (lab[inside] == 1).all()
    probs = seg.probabilities([img])[0]
    assert np.array_equal(probs.argmax(axis=0), lab)
    path = seg.save(tmp_path / "w.pt")
    assert SslSegmenter.load(path).roi == "sector"


def test_unknown_roi_is_refused():
    with pytest.raises(SegroiError, match="region of interest"):
        SslSegmenter(UNet(width=4), input_size=32, roi="nope")
