"""The GPU check's parts that run without a GPU: the ladder, the summary, the deadline, the probe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import summarize_gpu_check as summ  # noqa: E402
from benchlib import Deadline, write_json  # noqa: E402
from ladder import Ladder, Step  # noqa: E402

from engine.profiling.profiler import ProfileOptions  # noqa: E402
from engine.profiling.settings import Setting  # noqa: E402


# -- the ladder ------------------------------------------------------------------------------------
class _Memory:
    method = "fake"

    def mark(self):
        pass

    def reset(self):
        pass

    def peak(self):
        return 1000


class _Device:
    """A device for the ladder: CPU timing, no energy; `type` says which branch is taken."""

    def __init__(self, type_="cpu"):
        import torch

        from engine.profiling import energy as en
        from engine.profiling.timing import WallTimer

        self.type = type_
        self.torch_device = torch.device("cpu")
        self.memory = _Memory()
        self.energy = type("E", (), {"method": en.NOT_MEASURED, "meter": staticmethod(en.NullMeter)})()
        self._timer = WallTimer

    def timer(self):
        return self._timer()

    def synchronize(self):
        pass

    def name(self):
        return "test device"

    def info(self):
        return {"device_type": self.type, "device_name": "test device"}


class _Model:
    """A workload whose step sleeps, or raises what `fail` says for the batches it names."""

    name, weights, reduced_input = "ssl_unet", "random", False

    def __init__(self, fail=None):
        self.fail = fail or {}

    def prepare(self, setting):
        from engine.profiling.workloads import Prepared

        if setting.batch in self.fail:
            raise self.fail[setting.batch]
        return Prepared(lambda: time.sleep(0.002), setting.batch, "image", "1x8x8", 1.0e6, 10)

    def close(self):
        pass


def _ladder(tmp_path, model, device=None, deadline=None):
    lad = Ladder(
        device or _Device(),
        ProfileOptions(seconds=0.02, warmup_seconds=0.0),
        None,
        deadline or Deadline(None),
        str(tmp_path / "results.json"),
        "unet",
        {"benchmark": "test"},
    )
    lad.models["ssl_unet"] = model
    return lad


def _step(batch, name="plain", cost=1.0):
    return Step(name, "ssl_unet", Setting("full", "fp32", "fp32", batch, "plain"), cost)


def test_a_failing_step_is_recorded_and_the_next_one_runs(tmp_path):
    lad = _ladder(tmp_path, _Model({2: RuntimeError("cuDNN refused\nsecond line"), 3: ValueError("x")}))
    for b in (1, 2, 3, 4):
        lad.run(_step(b))
    status = [r["status"] for r in lad.rows]
    assert status == ["ok", "error", "error", "ok"]
    assert lad.rows[1]["error"] == "RuntimeError: cuDNN refused"
    assert lad.rows[1]["batch"] == 2 and lad.rows[1]["dtype"] == "fp32"
    written = json.loads((tmp_path / "results.json").read_text())["unet"]["rows"]
    assert [r["status"] for r in written] == status  # written after every step


def test_out_of_memory_on_a_gpu_is_its_own_status(tmp_path):
    import torch

    lad = _ladder(tmp_path, _Model({2: torch.OutOfMemoryError("CUDA out of memory")}), _Device("cuda"))
    lad.run(_step(2))
    assert lad.rows[0]["status"] == "out_of_memory"


def test_a_broken_cuda_context_skips_the_rest(tmp_path):
    err = RuntimeError("CUDA error: an illegal memory access was encountered")
    lad = _ladder(tmp_path, _Model({2: err}), _Device("cuda"))
    for b in (2, 1):
        lad.run(_step(b))
    assert [r["status"] for r in lad.rows] == ["error", "skipped"]
    assert "illegal memory access" in lad.rows[1]["reason"]


def test_a_step_that_does_not_fit_before_the_deadline_is_skipped(tmp_path):
    lad = _ladder(tmp_path, _Model(), deadline=Deadline(time.time() + 30))
    lad.run(_step(1, cost=10))  # 10 s + the 5 s margin fit in 30 s
    lad.run(_step(2, cost=100))  # does not
    assert [r["status"] for r in lad.rows] == ["ok", "skipped"]
    assert "100 s needed" in lad.rows[1]["reason"]


def test_an_interrupted_step_is_written_before_the_exit(tmp_path):
    lad = _ladder(tmp_path, _Model({2: SystemExit(143)}))
    with pytest.raises(SystemExit):
        lad.run(_step(2))
    rows = json.loads((tmp_path / "results.json").read_text())["unet"]["rows"]
    assert rows[0]["status"] == "interrupted"


def test_write_json_under_a_key_keeps_the_other_keys(tmp_path):
    path = tmp_path / "r.json"
    write_json(path, {"a": 1}, key="one", quiet=True)
    write_json(path, {"b": 2}, key="two", quiet=True)
    write_json(path, {"a": 3}, key="one", quiet=True)
    assert json.loads(path.read_text()) == {"one": {"a": 3}, "two": {"b": 2}}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left behind


def test_deadline_from_the_environment(monkeypatch):
    monkeypatch.setenv("GPU_CHECK_DEADLINE", str(time.time() + 50))
    d = Deadline()
    assert 45 < d.left() <= 50 and d.allows(40) and not d.allows(60)
    monkeypatch.delenv("GPU_CHECK_DEADLINE")
    assert Deadline().allows(1e9)


# -- the summary -----------------------------------------------------------------------------------
def _row(model, step, batch, ips, component="encoder", **kw):
    r = {
        "model": model,
        "step": step,
        "batch": batch,
        "status": "ok",
        "component": component,
        "images_per_second": ips,
        "joules_per_image": 600.0 / ips if ips else None,
        "dtype": "bf16",
        "dtype_mode": "weights",
        "recipe": "tuned",
        "channels_last": False,
        "attention": None,
        "compile_mode": None,
        "cudnn_benchmark": True,
        "cudnn_allow_tf32": True,
        "matmul_allow_tf32": False,
        "idle_power_watts": 71.0,
        "energy_method": "nvml_energy_counter",
    }
    r.update(kw)
    return r


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1"
failures="1" skipped="0" tests="8"><testcase classname="tests.profiling.test_gpu" name="test_a"/>
<testcase classname="tests.profiling.test_gpu" name="test_b"><failure message="assert 1 == 2">x</failure>
</testcase><testcase classname="tests.models.test_x" name="test_c"><error message="boom"/></testcase>
</testsuite></testsuites>"""


def _results():
    unet = [
        _row(
            "ssl_unet",
            "naive_fp32",
            256,
            2500.0,
            "full",
            dtype="fp32",
            dtype_mode="fp32",
            recipe="plain",
            cudnn_benchmark=False,
        ),
        _row("ssl_unet", "compile", 256, 9000.0, "full", channels_last=True, compile_mode="default"),
        _row("ssl_unet", "compile", 512, 10500.0, "full", channels_last=True, compile_mode="default"),
        {
            "model": "ssl_unet",
            "step": "compile",
            "batch": 1024,
            "status": "error",
            "error": "RuntimeError: too many elements",
        },
    ]
    sam = [
        _row("sam_vit_h", "autocast_bf16", 8, 20.0, dtype_mode="autocast", recipe="plain", attention="default"),
        _row("sam_vit_h", "sdpa", 8, 26.0, attention="sdpa"),
        _row("sam_vit_h", "sdpa", 16, 25.0, attention="sdpa"),
        _row("sam_vit_b", "sdpa", 8, 55.0, attention="sdpa"),
        {
            **_row("sam_vit_b", "decoder", 1, None, "decoder", dtype="fp32", dtype_mode="fp32"),
            "seconds_per_prompt": 0.004,
            "prompts_per_second": 250.0,
            "images_per_second": None,
        },
        {
            **_row(
                "sam_vit_b",
                "decoder_graphs",
                1,
                None,
                "decoder",
                dtype="fp32",
                dtype_mode="fp32",
                compile_mode="reduce-overhead",
            ),
            "seconds_per_prompt": 0.001,
            "prompts_per_second": 1000.0,
            "images_per_second": None,
        },
    ]
    return {
        "probe": {
            "date": "2026-12-01T10:00:00+00:00",
            "gpu": {
                "device_name": "NVIDIA H200",
                "idle_power_watts": 75.5,
                "nvml": {"match": "uuid"},
                "counter_update_idle": {"interval": 0.1},
                "energy_method": "nvml_energy_counter",
            },
        },
        "unet": {"rows": unet, "idle_power_watts": 76.0},
        "sam": {"rows": sam},
        "overhead": {
            "overhead": {"profiled": 0.004, "sampled": 0.01},
            "images_per_second": {"bare": [10000.0, 10020.0, 10010.0]},
        },
        "stability": {
            "results": [
                {"model": "ssl_unet", "joules_per_image": {"cv": 0.012}},
                {"model": "sam_vit_b", "joules_per_image": {"cv": 0.021}},
            ]
        },
        "train": {
            "rows": [
                {"setting": "fp32 b8", "status": "ok", "images_per_second": 900.0},
                {"setting": "bf16 b64 channels_last", "status": "ok", "images_per_second": 2400.0},
            ]
        },
    }


def test_summary_has_the_issue_keys_with_hand_checked_values(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps(_results()))
    (tmp_path / "tests.xml").write_text(JUNIT)
    (tmp_path / "env.txt").write_text("date: x\n")
    s = summ.build(tmp_path, "tests=0:40:80 unet=124:150:150", git="abc1234", date="2026-12-01")
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert list(on_disk)[: len(summ.KEYS)] == list(summ.KEYS)
    assert on_disk["gpu_name"] == "NVIDIA H200" and on_disk["git"] == "abc1234"
    assert on_disk["date"] == "2026-12-01"
    assert (on_disk["gpu_tests_passed"], on_disk["gpu_tests_failed"]) == (6, 2)  # 8 - 1 - 1
    assert on_disk["unet_naive_img_per_s"] == 2500.0
    assert on_disk["unet_best_img_per_s"] == 10500.0
    assert on_disk["unet_best_settings"] == (
        "compile, bf16 weights, channels_last, cudnn.benchmark, torch.compile default, batch 512"
    )
    assert on_disk["unet_best_joules_per_img"] == pytest.approx(600 / 10500)
    assert on_disk["sam_vit_h_autocast_img_per_s"] == 20.0
    assert on_disk["sam_vit_h_best_img_per_s"] == 26.0
    assert "SDPA attention" in on_disk["sam_vit_h_best_settings"]
    assert on_disk["sam_vit_b_best_img_per_s"] == 55.0
    assert on_disk["decoder_seconds_per_prompt"] == 0.001
    assert on_disk["profiler_overhead_fraction"] == 0.004
    assert on_disk["energy_cv"] == 0.021  # the worse of the two models
    assert on_disk["ssl_train_img_per_s"] == 900.0  # the product's recipe, listed first
    assert on_disk["idle_watts"] == 75.5  # the probe's, before any load
    met = {g["goal"].split(" (")[0]: g["met"] for g in s["goals"]}
    assert met["gpu tests all pass"] is False
    assert met["U-Net best img/s"] is True  # 10,500 >= 10,000
    assert met["U-Net best / naive fp32 b256"] is True  # 4.2 >= 2
    assert met["SAM ViT-H best img/s"] is True  # 26 >= 25.6
    assert met["SAM ViT-H best / bf16 autocast b8"] is True  # 1.3 >= 1.2
    assert met["profiler overhead"] is True  # 0.4 %, spread 0.2 %
    assert met["energy per image, CV over repeats"] is True  # 2.1 % < 3 %
    md = (tmp_path / "summary.md").read_text()
    assert "timed out" in md and "RuntimeError: too many elements" in md
    assert "test_b (failure: assert 1 == 2)" in md


def test_summary_of_an_empty_folder_still_has_every_key(tmp_path):
    s = summ.build(tmp_path, "", git=None, date="2026-12-01")
    assert all(k in s for k in summ.KEYS)
    assert s["unet_best_img_per_s"] is None and s["gpu_tests_passed"] is None
    assert all(g["met"] is None for g in s["goals"])
    assert (tmp_path / "summary.md").read_text().startswith("# segroi GPU check")


def test_an_overhead_inside_the_noise_is_not_called_met():
    assert summ.overhead_met(0.004, 0.002) is True
    assert summ.overhead_met(0.004, 0.05) is None  # spread 5 %: cannot tell
    assert summ.overhead_met(0.08, 0.05) is False  # above goal + spread
    assert summ.overhead_met(0.02, 0.002) is False


def test_rows_without_idle_power_or_energy_are_named():
    n, bad = summ.rows_complete(
        [
            _row("ssl_unet", "a", 1, 1.0),
            _row("ssl_unet", "b", 1, 1.0, idle_power_watts=None),
            _row("ssl_unet", "c", 1, 1.0, energy_method="not_measured"),
        ]
    )
    assert n == 3 and len(bad) == 2 and "idle_power_watts" in bad[0] and "not measured" in bad[1]


# -- the whole script, on the CPU, against a deadline ------------------------------------------------
@pytest.mark.slow
def test_gpu_check_writes_its_summary_when_the_deadline_cuts_it_short(tmp_path):
    # 60 s in all: the probe takes ~10 s and 20 s are kept for the summary, so the SAM ladder gets
    # ~30 s, less than building ViT-H and running its plan takes on a CPU.
    out = tmp_path / "out"
    env = {
        **os.environ,
        "GPU_CHECK_PYTHON": sys.executable,
        "GPU_CHECK_DEVICE": "cpu",
        "GPU_CHECK_SMALL": "1",
        "GPU_CHECK_SECONDS": "60",
        "GPU_CHECK_WHEELS": str(tmp_path / "none"),
        "SEGROI_DB": str(tmp_path / "s.duckdb"),
        "PYTHONPATH": str(ROOT),
    }
    t0 = time.time()
    proc = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "gpu_check.sh"), str(out), "sam"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    took = time.time() - t0
    summary = json.loads((out / "summary.json").read_text())
    assert all(k in summary for k in summ.KEYS)
    assert took < 60 + 10, proc.stdout[-2000:]
    assert set(summary["phases"]) == {"sam"}
    assert summary["phases"]["sam"]["seconds"] <= summary["phases"]["sam"]["limit"] + 6
    assert (out / "summary.md").exists() and (out / "env.txt").exists()
    assert len(list(out.iterdir())) <= 8
    sam = json.loads((out / "results.json").read_text()).get("sam") or {"rows": []}
    statuses = {r["status"] for r in sam["rows"]}
    assert statuses <= {"ok", "skipped", "interrupted", "error"}
    assert "skipped" in statuses or "interrupted" in statuses  # the plan was cut short
    assert (
        any("left before the deadline" in n or "sam:" in n for n in summary["notes"])
        or summary["phases"]["sam"]["status"] != "ok"
    )


# -- what the GPU image lacks -----------------------------------------------------------------------
def test_segroi_commands_load_without_pydicom():
    # The GPU machine's image has no pydicom unless its wheel travels; the profiler and the
    # training command must still load (pydicom is needed only to read a DICOM file).
    code = (
        "import sys; sys.modules['pydicom'] = None\n"
        "from engine.cli import build_parser; build_parser()\n"
        "import engine.data.dicom, engine.profiling.workloads\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr[-1500:]


def test_reading_a_dicom_file_still_turns_value_validation_off():
    from pydicom import config

    from engine.data import dicom

    config.settings.reading_validation_mode = config.WARN
    try:
        dicom.open_dicom(ROOT / "tests/fixtures/real-dicom/OBXXXX1A.dcm", salt="s", limit=2**31)
        assert config.settings.reading_validation_mode == config.IGNORE
    finally:
        config.settings.reading_validation_mode = config.IGNORE


def test_test_counts_come_from_the_log_when_the_phase_was_cut_short(tmp_path):
    (tmp_path / "log.txt").write_text(
        "[12:00:00 +5s] phase tests (limit 80s)\n"
        "tests/profiling/test_gpu.py::test_a PASSED                                [ 12%]\n"
        "tests/profiling/test_gpu.py::test_b FAILED                                [ 25%]\n"
        "tests/profiling/test_gpu.py::test_c SKIPPED (needs a CUDA GPU)            [ 37%]\n"
        "tests/profiling/test_gpu.py::test_d PASSED                                [ 50%]\n"
        "tests/profiling/test_gpu.py::test_d ERROR                                 [ 50%]\n"
        "PASSED tests/profiling/test_gpu.py::test_a\n"
    )  # -rA's own summary lines are not counted
    s = summ.build(tmp_path, "tests=124:80:80", date="2026-12-01")
    assert (s["gpu_tests_passed"], s["gpu_tests_failed"], s["gpu_tests_skipped"]) == (1, 2, 1)
    assert s["gpu_tests_source"].startswith("log.txt")
