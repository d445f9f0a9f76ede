"""The sweep plan: every recipe where it applies, each configuration once."""

from __future__ import annotations

import pytest

from engine.profiling.settings import plan


def test_plain_is_the_cross_product_of_dtypes_and_batches():
    out = plan(["full"], True, "cpu", ["fp32", "bf16"], [1, 8], [1], ["plain"])
    assert [(s.dtype, s.dtype_mode, s.batch) for s in out] == [
        ("fp32", "fp32", 1),
        ("fp32", "fp32", 8),
        ("bf16", "autocast", 1),
        ("bf16", "autocast", 8),
    ]
    assert not any(s.compiled or s.channels_last or s.cudnn_benchmark for s in out)


def test_tuned_unet_uses_channels_last_and_bf16_weights_and_dedupes():
    out = plan(["full"], True, "cuda", ["fp32", "bf16"], [256], [1], ["channels_last", "tuned"])
    keys = [(s.recipe, s.dtype_mode, s.channels_last, s.cudnn_benchmark) for s in out]
    assert ("tuned", "weights", True, True) in keys
    assert len(out) == len({s.key() for s in out})


def test_compile_modes_take_the_largest_batch_and_gpu_only_ones_skip_on_cpu():
    gpu = plan(["full"], True, "cuda", ["bf16"], [1, 64, 256], [1], ["compile", "cuda_graphs"])
    assert [(s.batch, s.compile_mode, s.cuda_graphs) for s in gpu] == [
        (256, "default", False),
        (256, "reduce-overhead", True),
    ]
    cpu = plan(["full"], True, "cpu", ["fp32"], [1, 4], [1], ["compile", "cuda_graphs"])
    assert [(s.batch, s.compile_mode) for s in cpu] == [(4, "default")]


def test_sam_gets_sdpa_and_bf16_weights_but_its_decoder_keeps_autocast():
    out = plan(["encoder", "decoder"], False, "cuda", ["bf16"], [8], [1, 4], ["plain", "channels_last", "tuned"])
    enc = [s for s in out if s.component == "encoder"]
    dec = [s for s in out if s.component == "decoder"]
    assert not any(s.channels_last for s in out)
    assert [(s.attention, s.dtype_mode) for s in enc] == [("default", "autocast"), ("sdpa", "weights")]
    assert {s.dtype_mode for s in dec} == {"autocast"}
    assert sorted({s.batch for s in dec}) == [1, 4]
    assert {s.attention for s in dec} == {None}


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        plan(["full"], True, "cpu", ["fp32"], [1], [1], ["turbo"])


def test_autotune_is_max_autotune_without_cuda_graphs_and_gpu_only():
    gpu = plan(["full"], True, "cuda", ["bf16"], [64, 256], [1], ["autotune", "max_autotune"])
    assert [(s.batch, s.compile_mode, s.cuda_graphs, s.dtype_mode) for s in gpu] == [
        (256, "max-autotune-no-cudagraphs", False, "weights"),
        (256, "max-autotune", True, "weights"),
    ]
    assert plan(["full"], True, "cpu", ["bf16"], [64], [1], ["autotune"]) == []
