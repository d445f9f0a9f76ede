"""A label worker killed mid-run: Ray retries and the result is whole; without retries the run
fails and nothing of it is kept (no label map, no stored row)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from scale_helpers import png_bytes, ray_env, unet_weights, worker_pids

from engine.cli import main
from engine.store import open_store

pytestmark = pytest.mark.slow
TITLE = "LabelWorker"


@pytest.fixture(scope="module")
def slow_weights(tmp_path_factory):
    """A U-Net slow enough on one thread (about 0.2 s a frame) to be killed in the middle."""
    return unet_weights(tmp_path_factory.mktemp("slow") / "slow.pt", width=16, levels=5, input_size=256)


def _start(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "engine.cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _kill_label_worker_when(ready, proc, timeout=120.0) -> int:
    """SIGKILL the session's label actor once `ready()` says the run is under way; its pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        pids = worker_pids(TITLE)
        if pids and ready():
            os.kill(pids[0], signal.SIGKILL)
            return pids[0]
        time.sleep(0.05)
    raise AssertionError("the label worker never started")


def test_segment_survives_a_killed_worker(ray_local, phantom, slow_weights, tmp_path):
    env = {**ray_env(), "SEGROI_DB": os.environ["SEGROI_DB"]}
    local = tmp_path / "local"
    base = ["segment", "--model", "ssl", "--weights", str(slow_weights), "--data", str(phantom)]
    assert main([*base, "--out", str(local)]) == 0
    out = tmp_path / "ray"
    proc = _start([*base, "--out", str(out), "--ray", ray_local], env)

    def first_batch_written():
        return any(p.suffix == ".png" for d in out.glob(".segroi-partial-*") for p in d.iterdir())

    killed = _kill_label_worker_when(first_batch_written, proc)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert killed not in worker_pids(TITLE)
    assert png_bytes(out) == png_bytes(local)  # nothing lost, nothing twice, byte for byte
    assert "wrote 20 label maps" in stdout


def test_a_job_that_still_fails_stores_a_failed_run_and_no_rows(ray_local, phantom, slow_weights, tmp_path):
    env = {**ray_env(), "SEGROI_DB": os.environ["SEGROI_DB"]}
    proc = _start(
        [
            "evaluate",
            "--model",
            "ssl",
            "--weights",
            str(slow_weights),
            "--data",
            str(phantom),
            "--ray",
            ray_local,
            "--ray-retries",
            "0",
        ],
        env,
    )

    def run_open():
        return bool(open_store(read_only=True).query("SELECT id FROM runs WHERE status = 'running'"))

    _kill_label_worker_when(run_open, proc)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2
    lines = [line for line in stderr.splitlines() if line.startswith("segroi evaluate: error:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    store = open_store(read_only=True)
    runs = store.query("SELECT * FROM runs WHERE kind = 'evaluate'")
    assert [r["status"] for r in runs] == ["failed"] and runs[0]["reason"]
    assert store.query("SELECT * FROM evaluations") == [] and store.query("SELECT * FROM measurements") == []


def test_segment_that_fails_leaves_no_label_map(ray_local, phantom, slow_weights, tmp_path):
    env = {**ray_env(), "SEGROI_DB": os.environ["SEGROI_DB"]}
    out = tmp_path / "out"
    proc = _start(
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            str(slow_weights),
            "--data",
            str(phantom),
            "--out",
            str(out),
            "--ray",
            ray_local,
            "--ray-retries",
            "0",
        ],
        env,
    )

    # killed as soon as it exists: waiting for a first label map races with the worker finishing
    # all 20 frames before the first one is written, and then there is nothing left to fail
    _kill_label_worker_when(lambda: True, proc)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2, stderr
    assert "segroi segment: error:" in stderr and "Traceback" not in stderr
    assert list(out.iterdir()) == []  # the staging folder is gone, and nothing was moved in
