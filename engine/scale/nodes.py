"""`segroi profile --ray`: one profile job per node, or per GPU model, each its own run.

* `--ray-per node` (default): every live node is profiled; `--ray-per gpu-model` (GPU jobs): one
  node for each distinct GPU model (Ray's accelerator_type), the hardware a hospital could buy.
* A job is a Ray task pinned to its node. A GPU job holds one GPU (Ray sets CUDA_VISIBLE_DEVICES);
  a CPU job holds every CPU of its node, so nothing else Ray schedules runs there while it measures.
* The task runs the same profiler as `segroi profile` (engine.profiling.profiler.profile_models)
  and returns its hardware row and profile rows, tagged with the node's host; the driver writes
  each job's run in one transaction when that job ends (ok with every row, or failed with its
  reason), so one node's failure loses nothing of the others'.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.errors import SegroiError
from engine.scale.cluster import ClusterInfo, Node

PER = ("node", "gpu-model")


@dataclass
class NodeJob:
    node: Node
    device_type: str  # cuda or cpu

    def settings(self) -> dict:
        n = self.node
        return {
            "node_id": n.node_id,
            "host": n.host,
            "ip": n.ip,
            "cpus": n.cpus,
            "gpus": n.gpus,
            "accelerator": n.accelerator,
            "device": self.device_type,
        }

    def label(self) -> str:
        what = (
            f"GPU {self.node.accelerator}" if self.device_type == "cuda" and self.node.accelerator else self.device_type
        )
        return f"{self.node.host or self.node.ip} ({what}, node {self.node.node_id[:8]})"


def plan_jobs(cluster: ClusterInfo, device: str, per: str = "node") -> list[NodeJob]:
    """The profile jobs for `device` (auto, cpu, cuda) on the cluster's live nodes."""
    if per not in PER:
        raise SegroiError(f"--ray-per must be one of {', '.join(PER)}")
    if device == "cpu" and per == "gpu-model":
        raise SegroiError("--ray-per gpu-model profiles GPUs: use --device cuda or auto")
    jobs = []
    for n in cluster.nodes:
        if device == "cuda" and n.gpus < 1:
            continue
        kind = "cuda" if device == "cuda" or (device == "auto" and n.gpus >= 1) else "cpu"
        jobs.append(NodeJob(n, kind))
    if per == "gpu-model":
        seen: dict[str, NodeJob] = {}
        for j in jobs:
            if j.device_type == "cuda":
                seen.setdefault(j.node.accelerator or f"unnamed GPU on {j.node.host}", j)
        jobs = list(seen.values())
    if not jobs:
        raise SegroiError(
            "the Ray cluster has no node with a GPU: use --device cpu"
            if device != "cpu"
            else "the Ray cluster has no live node"
        )
    return jobs


def profile_here(models: list[str], device_type: str, options, threads: int | None):
    """Runs on the node: the profiler, with every row tagged with this machine's host.
    Returns (hardware row, profile rows, warnings such as settings skipped for lack of memory)."""
    import torch

    from engine.profiling.device import open_device
    from engine.profiling.profiler import profile_models

    if threads is not None:
        torch.set_num_threads(threads)
    warnings: list[str] = []
    with open_device(device_type) as device:
        hardware, rows = profile_models(models, device, options, progress=None, warn=warnings.append)
    for row in rows:
        row["host"] = hardware["host"]
    return hardware, rows, warnings


def launch(ray, job: NodeJob, models: list[str], options, threads: int | None):
    """Start one job's Ray task on its node; the object ref of (hardware, rows)."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    resources: dict[str, float]
    if job.device_type == "cuda":
        resources = {"num_gpus": 1, "num_cpus": 1}
    else:
        resources = {"num_cpus": max(1.0, job.node.cpus)}
    task = ray.remote(profile_here).options(
        scheduling_strategy=NodeAffinitySchedulingStrategy(job.node.node_id, soft=False), max_retries=0, **resources
    )
    return task.remote(models, job.device_type, options, threads)


def wait_all(ray, refs: dict, on_done, poll: float = 1.0) -> None:
    """Call `on_done(key, result_or_exception)` as each job ends."""
    pending = {ref: key for key, ref in refs.items()}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=poll)
        for ref in ready:
            key = pending.pop(ref)
            try:
                result = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - reported per job
                result = exc
            on_done(key, result)
        if not ready:
            time.sleep(0)
