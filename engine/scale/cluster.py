"""Joining a Ray cluster, or starting one on this machine, and saying what it holds.

Addresses (`--ray ADDRESS`):
* `local`          start Ray here for this command only (every core, the GPUs torch sees), bound to
                   127.0.0.1, stopped when the command ends;
* `auto`           the cluster this machine already belongs to (`ray start` ran here, or RAY_ADDRESS);
* `HOST:PORT`      a cluster's head node (the GCS port, 6379 unless `ray start --port` said otherwise);
* `ray://HOST:PORT` the head's Ray Client server (10001 by default), for a driver outside the cluster.

Ray's usage statistics are off unless the user turned them on (RAY_USAGE_STATS_ENABLED). Its log
lines below errors stay in its own log folder (/tmp/ray/session_latest/logs): a command prints its
own lines. Ray's token authentication stays as Ray sets it (on); a driver joining a cluster needs
the cluster's token (RAY_AUTH_TOKEN, or ~/.ray/auth_token).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from engine.errors import SegroiError
from engine.scale import require_ray

ADDRESS_HELP = (
    "run on a Ray cluster: local (start one here), auto (the cluster this machine is in), "
    "HOST:PORT or ray://HOST:PORT; needs the ray extra"
)
_HOST_PORT = re.compile(r"(ray://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-]*):([0-9]{1,5})")


def check_address(text: str) -> str:
    """The address as given, or a SegroiError saying what an address looks like."""
    value = (text or "").strip()
    if value in ("local", "auto"):
        return value
    m = _HOST_PORT.fullmatch(value)
    if not m or not 1 <= int(m.group(3)) <= 65535:
        raise SegroiError(f"--ray {text!r} is not an address: use local, auto, HOST:PORT or ray://HOST:PORT")
    return value


@dataclass
class Node:
    node_id: str
    host: str
    ip: str
    cpus: float
    gpus: float
    accelerator: str | None  # Ray's accelerator_type resource (e.g. "H100"), when the node has GPUs


@dataclass
class ClusterInfo:
    address: str
    started_here: bool
    nodes: list[Node] = field(default_factory=list)

    @property
    def cpus(self) -> float:
        return sum(n.cpus for n in self.nodes)

    @property
    def gpus(self) -> float:
        return sum(n.gpus for n in self.nodes)

    def settings(self) -> dict:
        """What a run records about the cluster it ran on."""
        return {
            "address": self.address,
            "nodes": len(self.nodes),
            "cpus": self.cpus,
            "gpus": self.gpus,
            "hosts": sorted({n.host for n in self.nodes}),
            "accelerators": sorted({n.accelerator for n in self.nodes if n.accelerator}),
        }

    def line(self) -> str:
        return f"ray: {len(self.nodes)} node(s), {self.cpus:g} CPU(s), {self.gpus:g} GPU(s)" + (
            " (started here)" if self.started_here else f" at {self.address}"
        )


def nodes(ray) -> list[Node]:
    """The cluster's live nodes, in a stable order (host, then node id)."""
    out = []
    for n in ray.nodes():
        if not n.get("Alive"):
            continue
        res = n.get("Resources") or {}
        acc = next((k.split(":", 1)[1] for k in res if k.startswith("accelerator_type:")), None)
        out.append(
            Node(
                n["NodeID"],
                n.get("NodeManagerHostname") or "",
                n.get("NodeManagerAddress") or "",
                float(res.get("CPU", 0)),
                float(res.get("GPU", 0)),
                acc,
            )
        )
    return sorted(out, key=lambda x: (x.host, x.ip, x.node_id))


def quiet(ray) -> None:
    """Keep Ray's console lines to errors, and Ray Data's off: a failed job is reported by segroi in
    one line (Ray Data's own traceback stays in its log file folder)."""
    from ray.data._internal.logging import configure_logging

    configure_logging()  # Ray Data sets its loggers up once; set the levels after it
    for name in ("ray", "ray._private", "ray.util"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


@contextlib.contextmanager
def connect(address: str, num_cpus: int | None = None, num_gpus: int | None = None) -> Iterator[ClusterInfo]:
    """Be connected to Ray for the block. A connection made before (a test's shared Ray) is used
    as it is and left open; one made here is closed at the end (and a `local` Ray stopped)."""
    address = check_address(address)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = require_ray()
    started = False
    if not ray.is_initialized():
        kwargs = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
        try:
            if address == "local":
                ray.init(
                    address="local",
                    num_cpus=num_cpus or os.cpu_count() or 1,
                    num_gpus=num_gpus,
                    _node_ip_address="127.0.0.1",
                    **kwargs,
                )
            else:
                kwargs.pop("include_dashboard")
                ray.init(address=address, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure to join is the same user problem
            with contextlib.suppress(Exception):
                ray.shutdown()
            what = "cannot start Ray here" if address == "local" else f"cannot join the Ray cluster at {address}"
            raise SegroiError(f"{what}: {_first_line(exc)}") from None
        started = True
    quiet(ray)
    try:
        yield ClusterInfo(address, started_here=started and address == "local", nodes=nodes(ray))
    finally:
        if started:
            ray.shutdown()
