"""`segroi profile` end to end on the CPU, into a temporary store (SEGROI_DB from conftest)."""

from __future__ import annotations

import json

import pytest
import torch

from engine.cli import main
from engine.models.ssl_net import SslSegmenter
from engine.models.unet import UNet
from engine.store import open_store

REQUIRED = (
    "model",
    "weights",
    "device_name",
    "dtype",
    "batch",
    "input_size",
    "images_per_second",
    "seconds_per_image",
    "joules_per_image",
    "joules_per_image_idle_subtracted",
    "energy_method",
    "average_power_watts",
    "peak_memory_bytes",
    "flops_per_image",
)
FAST = ["--seconds", "0.1", "--warmup", "0", "--idle-seconds", "0", "--no-progress"]


@pytest.fixture
def tiny_weights(tmp_path):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    return str(SslSegmenter(UNet(width=4), input_size=32).save(tmp_path / "tiny_unet.pt"))


def _runs():
    return open_store(read_only=True).runs()


@pytest.mark.slow
def test_ssl_profile_on_cpu_writes_one_ok_run_and_prints_its_rows(tiny_weights, capsys):
    rc = main(
        [
            "profile",
            "--models",
            "ssl_unet",
            "--device",
            "cpu",
            "--ssl-weights",
            tiny_weights,
            "--batch-sizes",
            "1,2",
            "--format",
            "json",
            *FAST,
        ]
    )
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and [r["batch"] for r in rows] == [1, 2]
    for r in rows:
        for key in REQUIRED:
            assert key in r
        assert r["model"] == "ssl_unet" and r["weights"] == "tiny_unet.pt"
        assert r["input_size"] == "1x32x32" and r["dtype"] == "fp32" and r["device"] == "cpu"
        assert r["timing_method"] == "wall_clock" and r["images_per_second"] > 0
        assert r["seconds_per_image"] == pytest.approx(r["window_seconds"] / (r["iterations"] * r["batch"]))
        assert r["provenance"] == "measured" and r["source"] == r["run_id"]
        if r["energy_method"] == "not_measured":  # no readable RAPL here: nothing invented
            assert r["joules_per_image"] is None and r["average_power_watts"] is None
    runs = _runs()
    assert len(runs) == 1 and runs[0]["status"] == "ok" and runs[0]["kind"] == "profile"
    assert "--models ssl_unet" in runs[0]["command"]
    assert json.loads(runs[0]["settings"])["batch_sizes"] == {"ssl_unet": [1, 2]}
    hw = open_store(read_only=True).query("SELECT * FROM hardware")
    assert len(hw) == 1 and hw[0]["device_type"] == "cpu" and hw[0]["run_id"] == runs[0]["id"]


@pytest.mark.slow
def test_table_output(tiny_weights, capsys):
    assert main(["profile", "--models", "ssl_unet", "--device", "cpu", "--ssl-weights", tiny_weights, *FAST]) == 0
    out = capsys.readouterr().out
    assert "ssl_unet" in out and "idle power" in out
    assert "not_measured" in out or "rapl" in out


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_clear_error_and_leaves_no_run(capsys):
    rc = main(["profile", "--models", "ssl_unet", "--device", "cuda", *FAST])
    err = capsys.readouterr().err
    assert rc == 2 and "no CUDA GPU" in err and "Traceback" not in err
    assert _runs() == []


def test_missing_and_wrong_checkpoints_are_clear_errors(tmp_path, capsys):
    rc = main(
        [
            "profile",
            "--models",
            "sam_vit_b",
            "--device",
            "cpu",
            "--sam-checkpoint",
            str(tmp_path / "sam_vit_b.pth"),
            *FAST,
        ]
    )
    assert rc == 2 and "SAM checkpoint not found" in capsys.readouterr().err
    vit_b = tmp_path / "medsam_vit_b.pth"
    torch.save({"image_encoder.patch_embed.proj.weight": torch.zeros(768, 3, 16, 16)}, vit_b)
    rc = main(["profile", "--models", "sam_vit_h", "--device", "cpu", "--sam-checkpoint", str(vit_b), *FAST])
    assert rc == 2 and "is a vit_b checkpoint" in capsys.readouterr().err
    rc = main(["profile", "--models", "ssl_unet", "--device", "cpu", "--sam-checkpoint", str(vit_b), *FAST])
    assert rc == 2 and "no SAM model" in capsys.readouterr().err
    assert _runs() == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--models", "sam_vit_x"], "unknown model"),
        (["--models", "ssl_unet", "--dtypes", "fp8"], "--dtypes"),
        (["--models", "ssl_unet", "--modes", "turbo"], "--modes"),
        (["--models", "ssl_unet", "--modes", "cuda_graphs", "--device", "cpu"], "need --device cuda"),
        (["--models", "ssl_unet", "--batch-sizes", "0"], "--batch-sizes"),
        (["--models", "ssl_unet", "--batch-sizes", "a"], "--batch-sizes"),
        (["--models", "ssl_unet", "--seconds", "-1"], "--seconds"),
        (["--models", "sam_vit_b", "--image-size", "100"], "--image-size"),
        (["--models", "ssl_unet", "--ssl-weights", "/nonexistent/w.pt"], "not found"),
        (["--models", "sam_vit_b", "--ssl-weights", "/nonexistent/w.pt"], "ssl_unet is not in --models"),
    ],
)
def test_bad_arguments_are_one_line_errors(args, message, capsys):
    rc = main(["profile", "--device", "cpu", *args, "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and len(err.strip().splitlines()) == 1
    assert _runs() == []


@pytest.mark.slow
def test_a_failing_model_marks_the_run_failed_and_keeps_no_rows(tiny_weights, monkeypatch, capsys):
    from engine.profiling import workloads

    real = workloads.load_model

    def load(name, device, **kw):
        if name == "sam_vit_b":
            raise RuntimeError("simulated driver crash")
        return real(name, device, **kw)

    monkeypatch.setattr(workloads, "load_model", load)
    rc = main(["profile", "--models", "ssl_unet,sam_vit_b", "--device", "cpu", "--ssl-weights", tiny_weights, *FAST])
    assert rc == 2
    assert "loading sam_vit_b failed: RuntimeError: simulated driver crash" in capsys.readouterr().err
    runs = _runs()
    assert len(runs) == 1 and runs[0]["status"] == "failed"
    assert "simulated driver crash" in runs[0]["reason"]
    store = open_store(read_only=True)
    assert store.query("SELECT count(*) AS n FROM profiles")[0]["n"] == 0
    assert store.query("SELECT count(*) AS n FROM hardware")[0]["n"] == 0


@pytest.mark.slow
def test_sam_smoke_run_on_cpu_is_labelled_reduced(capsys):
    rc = main(["profile", "--models", "sam_vit_b", "--device", "cpu", "--image-size", "64", "--format", "json", *FAST])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["component"] for r in rows] == ["encoder", "decoder"]
    enc, dec = rows
    assert enc["reduced_input"] and "reduced input size" in enc["note"]
    assert enc["weights"] == "random" and enc["input_size"] == "3x64x64"
    assert enc["flops_per_image"] > 0 and enc["seconds_per_image"] > 0
    assert dec["seconds_per_prompt"] > 0 and dec["seconds_per_image"] is None
    assert dec["prompts_per_second"] == pytest.approx(1 / dec["seconds_per_prompt"])
