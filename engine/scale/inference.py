"""`segroi segment --ray` and `segroi evaluate --ray`: one Ray Data pipeline, the same results.

    driver: plan()  ->  decode (CPU tasks)  ->  label (actor pool)  ->  finish (CPU tasks)  ->  driver

* The driver lists the files (`engine.data.plan`: the walk, no decoding) and sends one read task
  per file. What the walk alone decides (missing paths, skipped files) never leaves the driver.
* decode: `engine.data.read(task)`, the reader every command uses, so a file gives the same frames
  and the same problem as without Ray. Each frame to label becomes a row; what its file was
  (status, reason, the names of all its frames) rides with the file's first frame, or in a row of
  its own when the file gives none, so a batch of rows is a batch of frames. SAM's box prompts are
  made here from the frame's ground truth and travel with the frame; `segment` drops the mask.
* label: an actor pool of `workers` actors, each holding the model once: one GPU per actor when
  the job runs on GPUs (Ray sets CUDA_VISIBLE_DEVICES), else CPU actors with `threads` torch
  threads. Frames arrive a network batch at a time (engine.measure.segmenters.NET_BATCH); the SSL
  model pads a short batch, so a frame's label map does not depend on its neighbours (see
  SslLabeller.label_maps).
* finish: `segment` writes each label PNG into a staging folder inside --out (every node must see
  --out at the same path); `evaluate` scores the frame (`engine.measure.evaluation.score_frame`).
  Only names, scores and where each frame ran travel back to the driver.
The driver sorts what comes back into the walk's order, so its output, checks and stored rows
are those of the run without Ray.

Failures: decoding and finishing are Ray tasks retried `retries` times when their worker dies;
label actors are restarted `retries` times and their batches retried. A batch that still fails,
or an error in segroi's code, fails the whole job: the caller then stores a failed run and
discards the staging folder, so nothing is kept in part.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from engine.data.problems import FileProblem, FileResult, LoadResult
from engine.data.reader import EchoNetSummary, ReadTask, finish, read
from engine.errors import SegroiError
from engine.measure.segmenters import LabellerSpec

DEFAULT_RETRIES = 3


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to know; plain data."""

    what: str  # "segment" or "evaluate"
    spec: LabellerSpec
    weights: str  # as the labeller names them (LabellerSpec.check)
    prompts: str
    workers: int
    gpus_per_worker: float = 0.0  # 1: GPU actors; 0: CPU actors
    threads: int = 1  # torch threads per label actor
    batch: int | None = None  # frames per actor call; default: the SSL network batch of the device
    retries: int = DEFAULT_RETRIES
    staging: str | None = None  # segment: folder the label PNGs are written into
    n_disks: int = 20  # evaluate
    version: str = ""

    @property
    def sam(self) -> bool:
        return self.spec.model == "sam"

    @property
    def frames_per_call(self) -> int:
        from engine.measure.segmenters import net_batch

        return self.batch or net_batch(self.spec.device)


@dataclass
class FrameOut:
    seq: int
    pos: int
    name: str
    path: str | None
    where: dict
    score: object = None  # evaluate: a FrameScore


@dataclass
class Outcome:
    """What came back, in the order of the walk."""

    results: list[FileResult]  # one per file, frames left out
    names: list  # every decoded frame: name, meta["path"], has_mask
    frames: list[FrameOut]  # every labelled frame
    seconds: float
    workers: list[dict] = field(default_factory=list)  # label actors: host, node, device, GPUs, frames
    decoders: set = field(default_factory=set)  # (host, pid) of the processes that decoded

    def load_result(self) -> LoadResult:
        """The LoadResult the reader would give, with light stand-ins for the frames."""
        out = LoadResult(frames=list(self.names))
        for r in self.results:
            if r.status == "error":
                out.problems.append(FileProblem(r.path, r.reason))
            elif r.status == "skipped":
                out.skipped.append(FileProblem(r.path, r.reason))
        return out


def absolute(path) -> str | None:
    """A path as every node must see it: absolute (workers do not share the driver's working folder)."""
    return None if path is None else str(Path(path).expanduser().absolute())


def absolute_spec(spec: LabellerSpec) -> LabellerSpec:
    return replace(spec, weights=absolute(spec.weights), sam_checkpoint=absolute(spec.sam_checkpoint))


def workers_for(cluster, device: str, requested: int | None) -> tuple[int, float]:
    """(label actors, GPUs per actor) for a cluster. GPU jobs get one actor per GPU; CPU jobs one per
    CPU, less one CPU per node for decoding and finishing."""
    if device == "cuda":
        gpus = int(cluster.gpus)
        if gpus < 1:
            raise SegroiError("--device cuda: the Ray cluster has no GPU; use --device cpu, or add GPU nodes")
        n = requested or gpus
        if n > gpus:
            raise SegroiError(f"--ray-workers {n}: the cluster has {gpus} GPU(s), one per worker")
        return n, 1.0
    spare = int(cluster.cpus) - len(cluster.nodes)
    if spare < 1:
        raise SegroiError(
            f"the Ray cluster has {cluster.cpus:g} CPU(s) on {len(cluster.nodes)} node(s): "
            "CPU workers need one CPU each besides one per node for reading and writing"
        )
    n = requested or spare
    if n > spare:
        raise SegroiError(
            f"--ray-workers {n}: the cluster has {cluster.cpus:g} CPU(s) on {len(cluster.nodes)} "
            f"node(s); at most {spare} CPU workers leave one CPU per node for reading and writing"
        )
    return n, 0.0


# -- worker side ----------------------------------------------------------------------------------
def _rows() -> dict[str, list]:
    return {"seq": [], "pos": [], "kind": [], "data": []}


def _put(out: dict, seq: int, pos: int, kind: str, payload) -> None:
    out["seq"].append(int(seq))
    out["pos"].append(int(pos))
    out["kind"].append(kind)
    out["data"].append(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def decode(batch: dict, job: Job) -> dict:
    """Read each file with the shared reader: a row per frame to label, what the file was riding with
    its first frame (or in a row of its own when it gives none)."""
    from engine.measure import prompts as pr

    out = _rows()
    for seq, blob in zip(batch["seq"], batch["data"]):
        task: ReadTask = pickle.loads(blob)
        result = read(task)
        frames = result.frames
        names = [((f.meta or {}).get("path"), f.name, f.source, f.mask is not None) for f in frames]
        about: dict[str, Any] | None = {
            "path": result.path,
            "status": result.status,
            "reason": result.reason,
            "info": {k: v for k, v in result.info.items() if k == "table_problems"},
            "frames": names,
            "decoded_by": (socket.gethostname(), os.getpid()),
        }
        for pos, f in enumerate(frames):
            prompts = None
            if job.what == "evaluate" and f.mask is None:
                continue
            if job.sam:
                if f.mask is None:
                    continue  # the driver reports it, as the run without Ray does
                prompts = pr.frame_prompts(f.mask, f.name, job.spec.jitter, job.spec.seed)
            if job.what == "segment":
                f.mask = None
            _put(out, seq, pos, "frame", {"frame": f, "prompts": prompts, "file": about})
            about = None
        if about is not None:
            _put(out, seq, -1, "file", about)
    return out


class LabelWorker:
    """One model per actor, loaded once."""

    def __init__(self, job: Job):
        import torch

        from engine import __version__

        if job.version and job.version != __version__:
            raise SegroiError(
                f"{socket.gethostname()} runs segroi {__version__}, the driver {job.version}: "
                "install the same segroi on every node"
            )
        torch.set_num_threads(job.threads)
        self.job = job
        self.labeller = job.spec.build()
        if self.labeller.weights != job.weights:
            raise SegroiError(
                f"{socket.gethostname()} loaded weights {self.labeller.weights}, the driver "
                f"checked {job.weights}: every node must see the same files"
            )
        self.where = _where(job.spec.device)

    def __call__(self, batch: dict) -> dict:
        idx = [i for i, k in enumerate(batch["kind"]) if k == "frame"]
        if not idx:
            return batch
        items = [pickle.loads(batch["data"][i]) for i in idx]
        frames = [it["frame"] for it in items]
        if self.job.sam:
            labels = self.labeller.label_maps(frames, prompts=[it["prompts"] for it in items])
        else:
            labels = self.labeller.label_maps(frames)
        import numpy as np

        data = list(batch["data"])
        for i, it, label in zip(idx, items, labels):
            data[i] = pickle.dumps(
                {
                    "frame": it["frame"],
                    "label": np.asarray(label, dtype=np.uint8),
                    "where": self.where,
                    "file": it["file"],
                },
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        return {**batch, "data": data}


def _where(device: str) -> dict:
    import ray

    ctx = ray.get_runtime_context()
    gpus = [str(g) for g in (ctx.get_accelerator_ids() or {}).get("GPU", [])]
    name = "cpu"
    if device == "cuda":
        import torch

        name = torch.cuda.get_device_name(0)
    return {
        "host": socket.gethostname(),
        "node": ctx.get_node_id(),
        "pid": os.getpid(),
        "gpus": gpus,
        "device": name,
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
    }


def finish_frames(batch: dict, job: Job) -> dict:
    """Write the label maps (segment) or score the frames (evaluate); send back the small part."""
    from engine.measure.evaluation import score_frame
    from engine.measure.segmenters import save_label_map

    data = list(batch["data"])
    for i, kind in enumerate(batch["kind"]):
        if kind != "frame":
            continue
        item = pickle.loads(data[i])
        f, label = item["frame"], item["label"]
        score = None
        if job.what == "segment":
            save_label_map(job.staging, f, label)
        else:
            try:
                score = score_frame(
                    f, label, model=job.spec.model, weights=job.weights, prompts=job.prompts, n_disks=job.n_disks
                )
            except ValueError as exc:
                raise SegroiError(str(exc)) from None
        data[i] = pickle.dumps(
            {
                "name": f.name,
                "path": (f.meta or {}).get("path"),
                "where": item["where"],
                "score": score,
                "file": item["file"],
            },
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    return {**batch, "data": data}


# -- driver side ----------------------------------------------------------------------------------
def run(items: list, job: Job, progress=None) -> Outcome:
    """Run the pipeline over the planned `items` (engine.data.plan) and gather the results."""
    from engine.scale import require_ray

    ray = require_ray()
    from ray.data import ActorPoolStrategy

    from engine.scale.cluster import quiet

    quiet(ray)
    t0 = time.perf_counter()
    tasks = [(seq, item) for seq, item in enumerate(items) if isinstance(item, ReadTask)]
    files: dict[int, dict] = {}
    frames: list[FrameOut] = []
    if tasks:
        ds = ray.data.from_items(
            [
                {"seq": seq, "pos": 0, "kind": "task", "data": pickle.dumps(t, protocol=pickle.HIGHEST_PROTOCOL)}
                for seq, t in tasks
            ],
            override_num_blocks=len(tasks),
        )
        with warnings.catch_warnings():
            # Retry limits are passed as remote arguments, which Ray 2.60 (pinned) takes and calls
            # deprecated. They also keep decoding its own stage: Ray Data fuses a task stage into the
            # actor stage after it only when their remote arguments are equal, and then the label
            # actors would decode too (tests/scale checks that other processes decode).
            warnings.simplefilter("ignore", category=DeprecationWarning)
            ds = ds.map_batches(decode, fn_kwargs={"job": job}, batch_size=1, num_cpus=1, max_retries=job.retries)
            actor_args = {"num_gpus": job.gpus_per_worker, "num_cpus": 1 if not job.gpus_per_worker else 0}
            ds = ds.map_batches(
                LabelWorker,
                fn_constructor_kwargs={"job": job},
                compute=ActorPoolStrategy(size=job.workers),
                batch_size=job.frames_per_call,
                max_restarts=job.retries,
                max_task_retries=job.retries,
                **actor_args,
            )
            ds = ds.map_batches(
                finish_frames,
                fn_kwargs={"job": job},
                batch_size=job.frames_per_call,
                num_cpus=1,
                max_retries=job.retries,
            )
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                for seq, pos, kind, blob in zip(batch["seq"], batch["pos"], batch["kind"], batch["data"]):
                    payload = pickle.loads(blob)
                    if kind == "file":
                        files[int(seq)] = payload
                    else:
                        if payload["file"] is not None:
                            files[int(seq)] = payload["file"]
                        frames.append(
                            FrameOut(
                                int(seq), int(pos), payload["name"], payload["path"], payload["where"], payload["score"]
                            )
                        )
                        if progress:
                            progress(1)
        except Exception as exc:  # noqa: BLE001 - Ray wraps the cause; one line for the user
            raise job_error(exc, job.retries) from None
    frames.sort(key=lambda f: (f.seq, f.pos))
    return _gather(items, files, frames, time.perf_counter() - t0)


def _gather(items: list, files: dict[int, dict], frames: list[FrameOut], seconds: float) -> Outcome:
    results: list[FileResult] = []
    names = []
    decoders = set()
    videos: dict[str, FileResult] = {}
    for seq, item in enumerate(items):
        if isinstance(item, ReadTask):
            row = files.get(seq)
            if row is None:
                raise SegroiError(f"the Ray job returned nothing for {item.path}")
            result = FileResult(row["path"], row["status"], row["reason"], info=row["info"])
            if item.kind == "echonet":
                videos[item.path] = result
            results.append(result)
            decoders.add(tuple(row["decoded_by"]))
            names += [
                SimpleNamespace(name=n, source=src, meta={"path": p}, has_mask=m) for p, n, src, m in row["frames"]
            ]
        elif isinstance(item, EchoNetSummary):
            results += finish(item, [videos.pop(v) for v in item.videos])
        else:
            results.append(item)
    workers: dict[tuple, dict] = {}
    for f in frames:
        w = f.where
        key = (w["host"], w["node"], w["pid"], tuple(w["gpus"]))
        entry = workers.setdefault(
            key,
            {
                "host": w["host"],
                "node": w["node"][:12],
                "pid": w["pid"],
                "device": w["device"],
                "gpus": w["gpus"],
                "frames": 0,
            },
        )
        entry["frames"] += 1
    return Outcome(results, names, frames, seconds, list(workers.values()), decoders)


_DIED = (
    "ActorDiedError",
    "WorkerCrashedError",
    "NodeDiedError",
    "OwnerDiedError",
    "ActorUnavailableError",
    "ObjectLostError",
    "OutOfMemoryError",
)


def job_error(exc: BaseException, retries: int | None = None) -> SegroiError:
    """A SegroiError raised in a worker, as it was; anything else as one line naming Ray."""
    seen = set()
    stack: list[BaseException] = [exc]
    names = []
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, SegroiError):
            return SegroiError(str(e))
        names.append(type(e).__name__)
        stack += [x for x in (getattr(e, "cause", None), e.__cause__, e.__context__) if x is not None]
    text = " ".join(str(exc).split())
    if "SegroiError: " in text:
        return SegroiError(text.split("SegroiError: ", 1)[1].split(" (pid=")[0][:300])
    died = next((n for n in names if n in _DIED), None) or next((n for n in _DIED if n in text), None)
    if died:
        tried = f" after {retries} retr{'y' if retries == 1 else 'ies'} (--ray-retries)" if retries is not None else ""
        return SegroiError(
            f"a Ray worker died ({died}) and its work could not be finished{tried}; "
            "nothing of this run was kept. Ray's logs: /tmp/ray/session_latest/logs on each node"
        )
    first = text.split(". ")[0][:300]
    return SegroiError(f"the Ray job failed ({names[0] if names else type(exc).__name__}): {first}")
