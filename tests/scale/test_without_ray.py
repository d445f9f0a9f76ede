"""What needs no Ray: the commands run without it installed, `--ray` without it is one clear line,
addresses and worker counts are checked before anything starts, and the plans are plain arithmetic."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.cli import main
from engine.errors import SegroiError
from engine.scale import inference, nodes
from engine.scale.cluster import ClusterInfo, Node, check_address

BLOCK_RAY = "import sys; sys.modules['ray'] = None; sys.modules['ray.data'] = None\n"


def _without_ray(code: str, tmp_path):
    return subprocess.run(
        [sys.executable, "-c", BLOCK_RAY + code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )


@pytest.mark.slow
def test_commands_work_without_ray_and_say_how_to_get_it(tmp_path, phantom, weights):
    code = f"""
from engine.cli import main
assert main(["segment", "--model", "ssl", "--weights", {str(weights)!r}, "--data", {str(phantom)!r},
             "--out", "labels"]) == 0
assert not [m for m in sys.modules if m == "ray" or m.startswith("ray.")] or sys.modules["ray"] is None
sys.exit(main(["evaluate", "--model", "ssl", "--weights", {str(weights)!r}, "--data", {str(phantom)!r},
               "--ray", "local"]))
"""
    done = _without_ray(code, tmp_path)
    assert done.returncode == 2, done.stderr
    assert len(list((tmp_path / "labels").glob("*.png"))) == 20
    assert done.stderr.strip().splitlines()[-1] == (
        "segroi evaluate: error: --ray needs Ray, which is not installed here (ray is missing): "
        "pip install 'segroi[ray]'"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "address", ["local", "auto", "10.0.0.5:6379", "head.example.org:6379", "ray://10.0.0.5:10001", "[::1]:6379"]
)
def test_addresses_accepted(address):
    assert check_address(address) == address


@pytest.mark.parametrize(
    "address", ["", "head", "head:", "head:0", "head:70000", "http://head:8265", "ray://head", "-x:1", "a b:1"]
)
def test_addresses_refused(address):
    with pytest.raises(SegroiError, match="is not an address"):
        check_address(address)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ray", "nowhere"], "--ray 'nowhere' is not an address"),
        (["--ray-workers", "2"], "--ray-workers needs --ray ADDRESS"),
        (["--ray-retries", "1"], "--ray-retries needs --ray ADDRESS"),
        (["--ray", "local", "--ray-workers", "0"], "--ray-workers must be at least 1"),
        (["--ray", "local", "--ray-retries", "-1"], "--ray-retries must be between 0 and 100"),
    ],
)
def test_ray_options_checked_before_anything_runs(tmp_path, weights, capsys, args, message):
    code = main(
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            str(weights),
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            *args,
        ]
    )
    assert code == 2 and f"segroi segment: error: {message}" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_profile_ray_per_needs_ray(capsys):
    assert main(["profile", "--models", "ssl_unet", "--ray-per", "gpu-model"]) == 2
    assert "--ray-per needs --ray ADDRESS" in capsys.readouterr().err


def _node(i, cpus, gpus=0.0, acc=None):
    return Node(f"node{i:02d}" + "0" * 50, f"host{i}", f"10.0.0.{i}", cpus, gpus, acc)


def test_worker_counts():
    gpu = ClusterInfo("auto", False, [_node(1, 16, 4, "H100"), _node(2, 16, 2, "L4")])
    assert inference.workers_for(gpu, "cuda", None) == (6, 1.0)
    assert inference.workers_for(gpu, "cuda", 3) == (3, 1.0)
    with pytest.raises(SegroiError, match="has 6 GPU"):
        inference.workers_for(gpu, "cuda", 7)
    cpu = ClusterInfo("auto", False, [_node(1, 8), _node(2, 8)])
    assert inference.workers_for(cpu, "cpu", None) == (14, 0.0)  # one CPU per node kept for reading/writing
    with pytest.raises(SegroiError, match="at most 14 CPU workers"):
        inference.workers_for(cpu, "cpu", 15)
    with pytest.raises(SegroiError, match="has no GPU"):
        inference.workers_for(cpu, "cuda", None)
    with pytest.raises(SegroiError, match="CPU workers need one CPU each"):
        inference.workers_for(ClusterInfo("local", True, [_node(1, 1)]), "cpu", None)


def test_profile_jobs_per_node_and_per_gpu_model():
    cluster = ClusterInfo(
        "auto", False, [_node(1, 16, 8, "H100"), _node(2, 16, 8, "H100"), _node(3, 8, 1, "L4"), _node(4, 32)]
    )
    per_node = nodes.plan_jobs(cluster, "auto", "node")
    assert [(j.node.host, j.device_type) for j in per_node] == [
        ("host1", "cuda"),
        ("host2", "cuda"),
        ("host3", "cuda"),
        ("host4", "cpu"),
    ]
    per_model = nodes.plan_jobs(cluster, "auto", "gpu-model")
    assert [(j.node.host, j.node.accelerator) for j in per_model] == [("host1", "H100"), ("host3", "L4")]
    assert [j.node.host for j in nodes.plan_jobs(cluster, "cuda", "node")] == ["host1", "host2", "host3"]
    assert {j.device_type for j in nodes.plan_jobs(cluster, "cpu", "node")} == {"cpu"}
    with pytest.raises(SegroiError, match="profiles GPUs"):
        nodes.plan_jobs(cluster, "cpu", "gpu-model")
    with pytest.raises(SegroiError, match="no node with a GPU"):
        nodes.plan_jobs(ClusterInfo("auto", False, [_node(4, 32)]), "cuda", "node")


def test_job_errors_keep_segroi_messages_and_name_dead_workers():
    inner = SegroiError("scan_001: label map (2, 2) does not match its frame (3, 3)")
    wrapped = RuntimeError("task failed")
    wrapped.__cause__ = inner
    assert str(inference.job_error(wrapped)) == str(inner)
    text = RuntimeError("ray.exceptions.RayTaskError(SegroiError): SegroiError: a.png: bad (pid=12, ip=127.0.0.1)")
    assert str(inference.job_error(text)) == "a.png: bad"

    class ActorDiedError(Exception):
        pass

    died = inference.job_error(ActorDiedError("The actor died unexpectedly before finishing this task."), 2)
    assert str(died).startswith(
        "a Ray worker died (ActorDiedError) and its work could not be finished after 2 retries (--ray-retries)"
    )
