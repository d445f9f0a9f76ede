"""Two Ray nodes on one machine: segment and evaluate joined with --ray HOST:PORT give the local
results; GPU jobs get one logical GPU per actor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scale_helpers import png_bytes, ray_env, run_cli

from engine.cli import main
from engine.store import open_store

pytestmark = pytest.mark.slow


def test_segment_and_evaluate_on_two_nodes_equal_the_local_run(two_nodes, phantom, weights, tmp_path):
    base = ["--model", "ssl", "--weights", str(weights), "--data", str(phantom)]
    assert main(["segment", *base, "--out", str(tmp_path / "local")]) == 0
    # Relative paths, from a folder the nodes' workers are not in: the driver makes them absolute.
    (tmp_path / "data").symlink_to(phantom)
    relative = ["--model", "ssl", "--weights", str(weights), "--data", "data"]
    joined = run_cli(["segment", *relative, "--out", "ray", "--ray", two_nodes], cwd=tmp_path)
    assert joined.returncode == 0, joined.stderr
    assert "wrote 20 label maps to ray " in joined.stdout
    assert "ray: 2 node(s), 4 CPU(s), 2 GPU(s)" in joined.stderr
    assert png_bytes(tmp_path / "ray") == png_bytes(tmp_path / "local")

    assert main(["evaluate", *base]) == 0
    ev = run_cli(["evaluate", *base, "--ray", two_nodes])
    assert ev.returncode == 0, ev.stderr
    store = open_store(read_only=True)
    runs = store.query("SELECT id, settings FROM runs WHERE kind = 'evaluate' AND status = 'ok' ORDER BY started_at")
    rows = [
        store.query("SELECT * EXCLUDE (run_id) FROM evaluations WHERE run_id = ? ORDER BY frame, structure", [r["id"]])
        for r in runs
    ]
    assert len(rows[0]) > 0 and rows[0] == rows[1]
    meas = [
        store.query(
            "SELECT * EXCLUDE (run_id) FROM measurements WHERE run_id = ? ORDER BY name, study, view, phase", [r["id"]]
        )
        for r in runs
    ]
    assert meas[0] == meas[1]
    ray_settings = json.loads(runs[1]["settings"])["ray"]
    assert ray_settings["nodes"] == 2 and ray_settings["workers"] == 2  # one CPU worker per node's spare CPU
    assert sum(w["frames"] for w in ray_settings["frames_per_worker"]) == 20


def test_gpu_jobs_get_one_gpu_per_actor(two_nodes, phantom, weights):
    probe = Path(__file__).with_name("gpu_probe.py")
    done = subprocess.run(
        [sys.executable, str(probe), two_nodes, str(phantom), str(weights)],
        env=ray_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cluster_gpus"] == 2 and result["workers"] == 2 and result["gpus_per_worker"] == 1
    assert result["frames"] == 20
    actors = {(w["node"], w["pid"]): w for w in result["where"]}
    # Two actors were asked for; on a loaded machine Ray Data may hand every block to the one that started
    # first, so one or two of them report frames - each with exactly one GPU of its own.
    assert 1 <= len(actors) <= 2
    for w in actors.values():
        assert len(w["gpus"]) == 1 and w["cuda_visible_devices"] == w["gpus"][0]
    # Each logical GPU is held by one actor: two nodes with GPU 0 each, or one node's two GPUs.
    assert len({(w["node"], w["gpus"][0]) for w in actors.values()}) == len(actors)


def test_more_gpu_workers_than_gpus_is_refused(two_nodes, phantom, weights, tmp_path):
    done = run_cli(
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            str(weights),
            "--data",
            str(phantom),
            "--out",
            str(tmp_path / "o"),
            "--device",
            "cuda",
            "--ray",
            two_nodes,
            "--ray-workers",
            "3",
        ]
    )
    assert done.returncode == 2
    assert "segroi segment: error: --ray-workers 3: the cluster has 2 GPU(s), one per worker" in done.stderr


def test_profile_runs_one_job_per_node_tagged_with_its_host(two_nodes, weights):
    import socket

    done = run_cli(
        [
            "profile",
            "--models",
            "ssl_unet",
            "--device",
            "cpu",
            "--seconds",
            "0.3",
            "--warmup",
            "0",
            "--idle-seconds",
            "0",
            "--threads",
            "1",
            "--ssl-weights",
            str(weights),
            "--ray",
            two_nodes,
            "--format",
            "json",
        ]
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    store = open_store(read_only=True)
    runs = store.query("SELECT * FROM runs WHERE kind = 'profile' ORDER BY started_at")
    assert [r["status"] for r in runs] == ["ok", "ok"]
    jobs = [json.loads(r["settings"])["ray"]["job"] for r in runs]
    assert len({j["node_id"] for j in jobs}) == 2 and {j["device"] for j in jobs} == {"cpu"}
    assert {r["run_id"] for r in rows} == {r["id"] for r in runs}
    # Both nodes run on this machine, so both carry its host name; each run has its own hardware row.
    assert {r["host"] for r in rows} == {socket.gethostname()}
    hw = store.query("SELECT run_id, host, device_type FROM hardware")
    assert sorted(h["run_id"] for h in hw) == sorted(r["id"] for r in runs)
    assert {h["host"] for h in hw} == {socket.gethostname()} and {h["device_type"] for h in hw} == {"cpu"}


def test_a_node_job_that_fails_is_a_failed_run_of_its_own(two_nodes):
    """--device cuda on logical GPUs: torch finds no CUDA device on either node; both runs fail, each
    with its reason, no profile row is kept, and the command says so in one line."""
    done = run_cli(
        [
            "profile",
            "--models",
            "ssl_unet",
            "--device",
            "cuda",
            "--seconds",
            "0.3",
            "--ray",
            two_nodes,
            "--ray-per",
            "gpu-model",
        ]
    )
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("segroi profile: error:")]
    assert len(errors) == 1 and "1 of 1 node job(s) failed" in errors[0], done.stderr
    store = open_store(read_only=True)
    runs = store.query("SELECT status, reason FROM runs WHERE kind = 'profile'")
    assert [r["status"] for r in runs] == ["failed"] and runs[0]["reason"]
    assert store.query("SELECT * FROM profiles") == []
