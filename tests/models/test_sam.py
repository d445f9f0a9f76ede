"""SAM at a reduced image size with random weights: shapes, prompts, attention, checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.errors import SegroiError
from engine.models import sam as sam_mod
from engine.models.sam import SamSegmenter

SIZE = 128  # encoder input side for tests: an 8x8 token grid


@pytest.fixture(scope="module")
def seg():
    torch.set_num_threads(1)
    return SamSegmenter("vit_b", image_size=SIZE)


@pytest.fixture(scope="module")
def image():
    rng = np.random.default_rng(0)
    img = rng.random((90, 120), dtype=np.float32) * 0.2
    img[20:60, 30:80] += 0.7  # a bright rectangle
    return img


@pytest.fixture(scope="module")
def emb(seg, image):
    return seg.embed(image)


def test_embedding_keeps_the_sizes_needed_to_map_back(seg, emb):
    assert seg.weights == "random" and seg.name == "sam_vit_b"
    assert tuple(emb.features.shape) == (1, 256, SIZE // 16, SIZE // 16)
    assert emb.original_size == (90, 120)
    assert emb.input_size == (96, 128)  # longest side scaled to SIZE, as ResizeLongestSide does
    assert emb.seconds > 0 and seg.last_embed_seconds == emb.seconds


@pytest.mark.parametrize(
    "prompt",
    [
        {"box": (30, 20, 80, 60)},
        {"points": [(55, 40)]},
        {"points": [(55, 40), (5, 5)], "labels": [1, 0]},
        {"box": (80, 60, 30, 20), "points": [(55, 40)]},
    ],
)
def test_predict_returns_a_boolean_mask_of_the_original_size(seg, emb, prompt):
    mask = seg.predict(emb, **prompt)
    assert mask.dtype == bool and mask.shape == (90, 120)


def test_predict_is_deterministic(seg, emb, image):
    a = seg.predict(emb, box=(30, 20, 80, 60))
    assert np.array_equal(a, seg.predict(emb, box=(30, 20, 80, 60)))
    assert a.any() and not a.all()  # random weights still give a non-trivial mask


@pytest.mark.slow
def test_segment_protocol_labels_each_prompted_structure(seg, image):
    from engine.data.frame import Frame

    frame = Frame(image, None, "s", "a", 0)
    (labels,) = seg.segment([frame], [{"LV": (30, 20, 80, 60), "LA": {"points": [(10, 80)]}}])
    assert labels.shape == image.shape and labels.dtype == np.int64
    assert set(np.unique(labels)) <= {0, 1, 2} and (labels == 1).any()
    with pytest.raises(SegroiError, match="unknown structure"):
        seg.segment([frame], [{"XX": (1, 1, 5, 5)}])
    with pytest.raises(SegroiError, match="prompt sets"):
        seg.segment([frame], [])


def test_rgb_uint8_and_grey_float_give_the_same_embedding(seg, emb, image):
    rgb = np.repeat((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)[:, :, None], 3, axis=2)
    assert torch.allclose(emb.features, seg.embed(rgb).features)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "needs a prompt"),
        ({"box": (1, 2, 3)}, "box is"),
        ({"box": (0, 0, float("nan"), 4)}, "box is"),
        ({"points": [(1, 2, 3)]}, "points are"),
        ({"points": [(1, 2)], "labels": [2]}, "labels"),
        ({"points": [(1, 2)], "labels": [1, 0]}, "labels"),
    ],
)
def test_bad_prompts_are_clear_errors(seg, emb, kwargs, message):
    with pytest.raises(SegroiError, match=message):
        seg.predict(emb, **kwargs)


def test_embedding_from_another_size_is_refused(seg, emb):
    emb2 = sam_mod.Embedding(emb.features, emb.original_size, emb.input_size, 256, 0.0)
    with pytest.raises(SegroiError, match="image size"):
        seg.predict(emb2, box=(1, 1, 5, 5))


def test_bad_images_and_settings_are_clear_errors(seg):
    with pytest.raises(SegroiError, match="HxW"):
        seg.embed(np.zeros((4, 4, 2)))
    with pytest.raises(SegroiError, match="variant"):
        SamSegmenter("vit_x")
    with pytest.raises(SegroiError, match="multiple of 16"):
        SamSegmenter("vit_b", image_size=100)


def test_reduced_size_resizes_position_tables():
    sam = sam_mod.build_sam("vit_b", 256, device="meta")
    enc = sam.image_encoder
    assert tuple(enc.pos_embed.shape) == (1, 16, 16, 768)
    assert tuple(enc.blocks[2].attn.rel_pos_h.shape) == (31, 64)  # global block: 2*16-1
    assert tuple(enc.blocks[0].attn.rel_pos_h.shape) == (27, 64)  # windowed block: 2*14-1
    assert sam.prompt_encoder.image_embedding_size == (16, 16)
    assert enc.img_size == 256


@pytest.mark.slow
def test_sdpa_attention_computes_the_same_as_the_reference(seg):
    import copy

    torch.manual_seed(1)
    enc = copy.deepcopy(seg.model.image_encoder)
    with torch.no_grad():  # non-zero relative position tables, so the bias path is exercised
        for block in enc.blocks:
            block.attn.rel_pos_h.normal_(0, 0.5)
            block.attn.rel_pos_w.normal_(0, 0.5)
        enc.pos_embed.normal_(0, 0.5)
    x = torch.randn(1, 3, SIZE, SIZE)
    with torch.inference_mode():
        sam_mod.set_attention(enc, "default")
        ref = enc(x)
        sam_mod.set_attention(enc, "sdpa")
        fast = enc(x)
        sam_mod.set_attention(enc, "default")
        again = enc(x)
    assert torch.allclose(ref, fast, atol=1e-4, rtol=1e-4)
    assert torch.equal(ref, again)
    with pytest.raises(SegroiError):
        sam_mod.set_attention(enc, "flash")


def test_encoder_flops_match_the_published_architecture():
    # 972.08 GFLOP for ViT-B at 1024 (REFERENCES.md anchors, same counter).
    assert sam_mod.encoder_flops("vit_b") == pytest.approx(972.077334528e9, rel=1e-9)


def test_estimate_of_embed_time_is_labelled_an_estimate(seg):
    est = seg.estimate_embed_seconds(probe_seconds=0.02)
    assert est["kind"] == "estimate" and est["seconds"] > 0
    assert est["measured_seconds"] == seg.last_embed_seconds


def test_estimate_is_the_published_encoder_flops_over_the_matmul_rate(monkeypatch):
    # ViT-B at 1024: 972.08 GFLOP per image (REFERENCES.md anchors); at 1e12 FLOP/s that is 0.972 s.
    monkeypatch.setattr(sam_mod, "matmul_flops_per_second", lambda device, probe_seconds=0.2: 1e12)
    full = SamSegmenter.__new__(SamSegmenter)  # the estimate needs only the shape, not the weights
    full.variant, full.image_size, full.device, full.last_embed_seconds = "vit_b", 1024, torch.device("cpu"), None
    est = full.estimate_embed_seconds()
    assert est["seconds"] == pytest.approx(0.972077334528, rel=1e-9)
    assert est["matmul_flops_per_second"] == 1e12 and est["measured_seconds"] is None


# -- checkpoints -----------------------------------------------------------------------------------
def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(SegroiError, match="not found"):
        SamSegmenter("vit_b", checkpoint=tmp_path / "sam_vit_b_01ec64.pth", image_size=SIZE)


def test_unreadable_checkpoint_is_a_clear_error(tmp_path):
    bad = tmp_path / "junk.pth"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(SegroiError, match="cannot read"):
        sam_mod.load_checkpoint(bad, "vit_b")
    empty = tmp_path / "empty.pth"
    torch.save({"epoch": 3}, empty)
    with pytest.raises(SegroiError, match="cannot read"):
        sam_mod.load_checkpoint(empty, "vit_b")


def test_checkpoint_of_another_variant_names_the_variant(tmp_path):
    ckpt = tmp_path / "medsam_vit_b.pth"
    torch.save({"model": {"image_encoder.patch_embed.proj.weight": torch.zeros(768, 3, 16, 16)}}, ckpt)
    with pytest.raises(SegroiError, match="vit_b checkpoint.*not vit_h"):
        sam_mod.load_checkpoint(ckpt, "vit_h")


def test_checkpoint_with_missing_keys_is_refused(tmp_path):
    ckpt = tmp_path / "partial.pth"
    torch.save({"image_encoder.patch_embed.proj.weight": torch.zeros(768, 3, 16, 16)}, ckpt)
    with pytest.raises(SegroiError, match="missing"):
        sam_mod.load_checkpoint(ckpt, "vit_b")


@pytest.mark.slow
def test_full_checkpoint_round_trip_and_wrong_variant(tmp_path, seg, emb, image):
    """Save vit_b's state dict (1024-pixel shapes), load it as vit_b at SIZE and as vit_h."""
    big = sam_mod.build_sam("vit_b", 1024)
    state = {k: v.clone() for k, v in big.state_dict().items()}
    path = tmp_path / "sam_vit_b_random.pth"
    torch.save({"model": state}, path)
    loaded = SamSegmenter("vit_b", checkpoint=path, image_size=SIZE)
    assert loaded.weights == "sam_vit_b_random.pth"
    # Same seed -> the 1024 model resized equals the model built at SIZE directly.
    for k, v in seg.model.state_dict().items():
        assert torch.allclose(v, loaded.model.state_dict()[k], atol=1e-5), k
    with pytest.raises(SegroiError, match="vit_b checkpoint"):
        SamSegmenter("vit_h", checkpoint=path, image_size=SIZE)
    state["mask_decoder.iou_token.weight"] = torch.zeros(2, 256)
    torch.save(state, path)
    with pytest.raises(SegroiError, match="mask_decoder.iou_token.weight has shape"):
        SamSegmenter("vit_b", checkpoint=path, image_size=SIZE)
