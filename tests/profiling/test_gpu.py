"""On a CUDA GPU: NVML through the device layer, CUDA-event timing, a short real profile.

Marked gpu: skipped where torch sees no CUDA device (tests/conftest.py). benchmarks/gpu_check.sh
runs them with `pytest -m gpu`.
"""

from __future__ import annotations

import json
import time

import pytest

torch = pytest.importorskip("torch")

from engine.cli import main  # noqa: E402
from engine.profiling import energy as en  # noqa: E402
from engine.profiling.device import open_device  # noqa: E402
from engine.profiling.profiler import ProfileOptions, profile_models  # noqa: E402
from engine.profiling.timing import steady_state  # noqa: E402

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def gpu():
    device = open_device("cuda")
    yield device
    device.close()


def _busy(seconds: float):
    a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(10):
            a @ a
        torch.cuda.synchronize()


def test_device_layer_reports_the_gpu_through_nvml(gpu):
    info = gpu.info()
    assert info["device_type"] == "cuda"
    assert info["device_name"] == torch.cuda.get_device_name(0)
    assert info["driver_version"] and info["cuda_version"] == torch.version.cuda
    assert info["clocks"]["sm_max_mhz"] > 0 and info["clocks"]["gpu_memory_bytes"] > 0
    assert gpu.energy.method in (en.NVML_COUNTER, en.NVML_SAMPLING)


def test_idle_power_is_below_loaded_power(gpu):
    idle = gpu.idle_power(1.0)
    meter = gpu.energy.meter()
    meter.start()
    _busy(1.5)
    loaded = meter.stop()
    limit = gpu.info()["clocks"]["power_limit_w"] or 2000
    assert 5 < idle < limit
    assert loaded.joules > 0 and idle < loaded.watts < 1.2 * limit


def test_cuda_events_agree_with_the_wall_clock(gpu):
    # ~10 ms per call. Not every torch build reports clock_rate (CUDA 13 dropped it from its own
    # device properties); NVML's maximum SM clock serves instead.
    khz = (
        getattr(torch.cuda.get_device_properties(0), "clock_rate", 0)
        or (gpu.info()["clocks"].get("sm_max_mhz") or 1500) * 1000
    )
    cycles = int(khz * 1000 * 0.01)

    w = steady_state(
        lambda: torch.cuda._sleep(cycles),
        seconds=0.5,
        timer=gpu.timer(),
        synchronize=gpu.synchronize,
        meter=en.NullMeter(),
        warmup_seconds=0.1,
    )
    assert w.timing_method == "cuda_events"
    assert w.seconds == pytest.approx(w.host_seconds, rel=0.1)
    assert w.seconds >= 0.4


def test_short_profile_of_the_unet(gpu):
    opts = ProfileOptions(
        seconds=0.5, warmup_seconds=0.2, idle_seconds=0.5, dtypes=["bf16"], batch_sizes=[8], modes=["plain", "tuned"]
    )
    hardware, rows = profile_models(["ssl_unet"], gpu, opts)
    assert hardware["idle_power_watts"] > 0
    assert [r["recipe"] for r in rows] == ["plain", "tuned"]
    for r in rows:
        assert r["timing_method"] == "cuda_events" and r["device"] == "cuda"
        assert r["images_per_second"] > 100
        assert r["peak_memory_bytes"] > 0 and r["memory_method"] == "cuda_peak_above_baseline"
        assert r["cudnn_allow_tf32"] in (True, False) and r["matmul_allow_tf32"] in (True, False)
        assert r["joules_per_image"] > 0 and r["average_power_watts"] > 0
        assert r["joules_per_image_idle_subtracted"] < r["joules_per_image"]
        assert r["flops_per_image"] == pytest.approx(24.083693568e9)
    assert rows[1]["dtype_mode"] == "weights" and rows[1]["channels_last"]


def test_sam_vit_b_on_gpu_segments_and_sdpa_matches(gpu):
    import numpy as np

    from engine.models import sam as sam_mod
    from engine.models.sam import SamSegmenter

    seg = SamSegmenter("vit_b", device="cuda", attention="default")
    img = np.random.default_rng(0).random((480, 640), dtype=np.float32)
    emb = seg.embed(img)
    assert tuple(emb.features.shape) == (1, 256, 64, 64) and emb.features.is_cuda
    mask = seg.predict(emb, box=(100, 100, 300, 260))
    assert mask.shape == (480, 640) and mask.dtype == bool
    sam_mod.set_attention(seg.model, "sdpa")
    emb2 = seg.embed(img)
    assert torch.allclose(emb.features, emb2.features, atol=2e-3, rtol=2e-3)


def test_profile_command_on_cuda(capsys):
    rc = main(
        [
            "profile",
            "--models",
            "ssl_unet",
            "--device",
            "cuda",
            "--seconds",
            "0.5",
            "--warmup",
            "0.2",
            "--idle-seconds",
            "0.5",
            "--dtypes",
            "bf16",
            "--batch-sizes",
            "8",
            "--modes",
            "plain",
            "--format",
            "json",
            "--no-progress",
        ]
    )
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["device"] == "cuda"
    # Where the counter exists, a window under monitor.SHORT_WINDOW_S (1 s) is too short for its steps:
    # power x time instead. The window is 0.5 s or more (a step may take longer than asked for).
    r = rows[0]
    if r["energy_method"] != en.NVML_SAMPLING:
        short = r["energy_window_seconds"] < 1.0
        assert r["energy_method"] == (en.NVML_POWER_X_TIME if short else en.NVML_COUNTER)
    assert rows[0]["joules_per_image"] > 0


def test_peak_memory_leaves_out_what_was_on_the_gpu_before(gpu):
    from engine.profiling.profiler import measure
    from engine.profiling.settings import Setting
    from engine.profiling.workloads import SslUnetModel

    model = SslUnetModel(gpu.torch_device, input_size=64)
    opts = ProfileOptions(seconds=0.3, warmup_seconds=0.1)
    setting = Setting("full", "fp32", "fp32", 4, "plain")
    alone = measure(gpu, model, setting, opts, None)["peak_memory_bytes"]
    ballast = torch.empty(2**30, dtype=torch.uint8, device="cuda")  # 1 GiB already held
    beside = measure(gpu, model, setting, opts, None)["peak_memory_bytes"]
    del ballast
    # The setting's own weights (31 MB fp32) and activations count; the ballast does not.
    assert 0 < beside < 2**29
    assert beside == pytest.approx(alone, rel=0.25)
    assert alone > sum(p.numel() * 4 for p in model.net.parameters())


def test_sam_is_built_on_the_gpu(gpu):
    from engine.models.sam import build_sam

    t0 = time.perf_counter()
    sam = build_sam("vit_b", 1024, device="cuda")
    assert time.perf_counter() - t0 < 60
    assert {p.device.type for p in sam.parameters()} == {"cuda"}
    assert {b.device.type for b in sam.buffers()} == {"cuda"}
    assert all(torch.isfinite(p).all() for p in sam.parameters())
