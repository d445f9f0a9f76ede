"""Training on several processes: torch.distributed DDP for `segroi train-ssl`.

Two ways in, one code path:
* under `torchrun` (one or several machines) every process is a full `segroi train-ssl` that joins
  the group from the environment torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
  MASTER_PORT): `join`;
* `--nproc N` on one machine: `launch` starts the N processes itself with
  torch.multiprocessing (spawn), gives each the same environment torchrun would, on the loopback
  address only (`loopback_store`), and waits for them. Why not torchrun's elastic agent
  (torch.distributed.run) here: it is a second launcher around the command, with its own failure
  report (a multi-line ChildFailedError with tracebacks), restart and log options that a run which
  cannot resume mid-way has no use for, and a store that listens on every interface. With spawn,
  this process validates the arguments once, each rank leaves its one-line outcome in the store,
  and this process prints one line and marks the run failed if rank 0 could not.

gloo on CPU, NCCL on GPU (one GPU per process, LOCAL_RANK's). The recipe is that of one process,
with the same global batch:
* every rank draws the same order and augmentations for the whole global batch and trains on its
  contiguous part of it (`Group.part`: sizes differ by at most one when the batch does not divide);
* the loss is computed over the global batch, not averaged over the ranks: the pooled soft-Dice
  sums and the weighted cross-entropy's numerator and denominator are summed across ranks
  (`Group.total`, differentiable), and so are the BatchNorm statistics (torch's SyncBatchNorm on
  GPU; `_synced_bn_class` here on CPU, which torch's does not serve). Each rank's loss is then
  the one-process loss, whose gradient through the sum comes back W times; DDP's mean over the W
  ranks turns that into the one-process gradient;
* pseudo-labelling, prediction and QC are split by cine (`Group.share`), and the results are
  gathered so that every rank holds the same labels and trains on the same kept set.
Only rank 0 opens the store and writes files; the others write nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import os
import sys
import zlib
from dataclasses import dataclass, field
from typing import Any
from typing import Callable, Sequence

from engine.errors import SegroiError

LOOPBACK = "127.0.0.1"
ENVIRONMENT = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def under_launcher() -> bool:
    """True when torchrun (or `launch`) started this process as one rank of several."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1) > 1


@dataclass
class Group:
    """This process's place in the training group, and the few collective steps training needs."""

    rank: int
    world: int
    local_rank: int
    backend: str
    device: str
    _stats: object = field(default=None, repr=False)  # process group for loss and BatchNorm sums
    _objects: Any = field(default=None, repr=False)  # gloo group for Python objects

    @property
    def lead(self) -> bool:
        return self.rank == 0

    # -- splitting the work by cine ----------------------------------------------------------
    def share(self, groups: Sequence[Sequence[int]]) -> list:
        """This rank's cines: each cine to the rank with the fewest frames so far, largest first."""
        load = [0] * self.world
        mine = []
        for k in sorted(range(len(groups)), key=lambda k: (-len(groups[k]), k)):
            r = min(range(self.world), key=lambda r: (load[r], r))
            load[r] += len(groups[k])
            if r == self.rank:
                mine.append(k)
        return [groups[k] for k in sorted(mine)]

    def gather(self, mine: dict, what: str = "work") -> dict:
        """Every rank's dict merged, on every rank. A rank's exception (put in as `mine`) fails all."""
        import torch.distributed as dist

        if isinstance(mine, BaseException):
            mine = _Failure(
                f"{type(mine).__name__}: {_first_line(mine)}" if not isinstance(mine, SegroiError) else str(mine)
            )
        parts: list = [None] * self.world
        dist.all_gather_object(parts, mine, group=self._objects)
        for r, p in enumerate(parts):
            if isinstance(p, _Failure):
                raise SegroiError(f"rank {r} of {self.world} failed during {what}: {p.message}")
        merged: dict = {}
        for p in parts:
            merged.update(p)
        return merged

    def check_same_frames(self, frames: Sequence) -> None:
        """Every rank must read the same frames in the same order (each reads --data itself)."""
        import numpy as np

        mine = 0
        for f in frames:
            pixels = np.ascontiguousarray(f.pixels)
            mine = zlib.crc32(repr((getattr(f, "index", 0), pixels.shape, str(pixels.dtype))).encode(), mine)
            mine = zlib.crc32(pixels.tobytes(), mine)
        seen = self.gather({self.rank: (len(frames), mine)}, "reading the data")
        if len({v for v in seen.values()}) > 1:
            counts = ", ".join(f"rank {r}: {seen[r][0]} frames" for r in sorted(seen))
            raise SegroiError(
                f"the ranks did not read the same frames ({counts}): every process must see the same --data"
            )

    # -- training -------------------------------------------------------------------------------
    def wrap(self, net):
        """`net` with synchronised BatchNorm, in DistributedDataParallel (the same parameters)."""
        from torch import nn
        from torch.nn.parallel import DistributedDataParallel

        if self.backend == "nccl":
            _swap_batchnorm(
                net,
                lambda bn: _copy_bn(
                    bn, nn.SyncBatchNorm(bn.num_features, bn.eps, bn.momentum, process_group=self._stats)
                ),
            )
            return DistributedDataParallel(net, device_ids=[self.local_rank])
        _swap_batchnorm(
            net, lambda bn: _copy_bn(bn, _synced_bn_class()(bn.num_features, bn.eps, bn.momentum, total=self.total))
        )
        return DistributedDataParallel(net)

    def unwrap(self, net) -> None:
        """Plain BatchNorm2d again (the saved weights are those of the one-process network)."""
        from torch import nn

        _swap_batchnorm(net, lambda bn: _copy_bn(bn, nn.BatchNorm2d(bn.num_features, bn.eps, bn.momentum)), plain=False)

    def part(self, batch):
        """This rank's contiguous part of a global batch (sizes differ by at most one)."""
        n = batch.shape[0]
        base, extra = divmod(n, self.world)
        start = self.rank * base + min(self.rank, extra)
        return batch[start : start + base + (1 if self.rank < extra else 0)]

    def total(self, tensor):
        """The sum of `tensor` over the ranks, differentiable (its gradient is summed back)."""
        return _sum_class().apply(tensor, self._stats)

    def cross_entropy(self, logits, target, weights):
        """Class-weighted cross-entropy over the global batch: sum(w_y * nll) / sum(w_y), both summed over ranks."""
        import torch
        import torch.nn.functional as F

        both = torch.stack(
            [F.cross_entropy(logits, target, weight=weights, reduction="sum"), weights[target].sum().to(logits.dtype)]
        )
        both = self.total(both)
        return both[0] / both[1]

    def barrier(self) -> None:
        import torch.distributed as dist

        dist.barrier(group=self._objects)

    def close(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


class _Failure:
    def __init__(self, message: str):
        self.message = message


def _copy_bn(old, new):
    new.train(old.training)
    new.weight, new.bias = old.weight, old.bias
    new.running_mean, new.running_var = old.running_mean, old.running_var
    new.num_batches_tracked = old.num_batches_tracked
    return new


def _swap_batchnorm(net, make: Callable, plain: bool = True) -> None:
    """Replace every BatchNorm2d (plain=True) or every synchronised one (plain=False) in place."""
    from torch import nn

    for module in list(net.modules()):
        for name, child in list(module.named_children()):
            is_plain = type(child) is nn.BatchNorm2d
            is_sync = isinstance(child, (nn.SyncBatchNorm, _synced_bn_class()))
            if (plain and is_plain) or (not plain and is_sync):
                setattr(module, name, make(child))


@functools.cache
def _sum_class():
    """Autograd sum over the ranks: forward all-reduces the values, backward all-reduces the gradients
    (every rank's output is the same sum, so the gradient of each input is the sum of theirs)."""
    import torch
    import torch.distributed as dist

    class _Sum(torch.autograd.Function):
        @staticmethod
        def forward(ctx, tensor, group):
            ctx.group = group
            out = tensor.clone()
            dist.all_reduce(out, group=group)
            return out

        @staticmethod
        def backward(ctx, grad):
            grad = grad.clone()
            dist.all_reduce(grad, group=ctx.group)
            return grad, None

    return _Sum


@functools.cache
def _synced_bn_class():
    from torch import nn

    class _SyncedBatchNorm2d(nn.BatchNorm2d):
        """BatchNorm2d whose training statistics are those of the global batch (sums over the ranks).

        For CPU training (torch's SyncBatchNorm serves GPUs only). The sums are accumulated in
        float64, so the one-pass variance (E[x^2] - mean^2) loses nothing at these magnitudes.
        """

        def __init__(self, *args, total=None, **kwargs):
            super().__init__(*args, **kwargs)
            self._total = total

        def forward(self, x):
            import torch

            if not self.training:
                return super().forward(x)
            c = x.shape[1]
            xd = x.double()
            count = torch.tensor([x.numel() / c if c else 0.0], dtype=torch.float64, device=x.device)
            sums = self._total(torch.cat([xd.sum(dim=(0, 2, 3)), (xd * xd).sum(dim=(0, 2, 3)), count]))
            n = sums[-1]
            mean = sums[:c] / n
            var = (sums[c : 2 * c] / n - mean * mean).clamp_min(0)
            assert self.running_mean is not None and self.running_var is not None  # track_running_stats
            assert self.num_batches_tracked is not None
            with torch.no_grad():
                m = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked + 1)
                self.running_mean.mul_(1 - m).add_(mean.to(x.dtype), alpha=m)
                self.running_var.mul_(1 - m).add_((var * n / (n - 1).clamp_min(1)).to(x.dtype), alpha=m)
                self.num_batches_tracked.add_(1)
            scale = self.weight.double() / torch.sqrt(var + self.eps)
            shift = self.bias.double() - mean * scale
            return (xd * scale[None, :, None, None] + shift[None, :, None, None]).to(x.dtype)

    return _SyncedBatchNorm2d


# -- joining the group ---------------------------------------------------------------------------


def join(device: str) -> Group | None:
    """Join the group described by the environment (torchrun's, or `launch`'s); None for one process."""
    if not under_launcher():
        return None
    missing = [k for k in ENVIRONMENT if not os.environ.get(k)]
    if missing:
        raise SegroiError(
            f"WORLD_SIZE is {os.environ['WORLD_SIZE']} but {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set: start the processes with torchrun "
            "or --nproc"
        )
    import torch
    import torch.distributed as dist

    try:
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local = int(os.environ["LOCAL_RANK"])
    except ValueError:
        raise SegroiError("RANK, WORLD_SIZE and LOCAL_RANK must be whole numbers") from None
    backend = "nccl" if device == "cuda" else "gloo"
    if backend == "nccl":
        if not torch.cuda.is_available() or local >= torch.cuda.device_count():
            raise SegroiError(
                f"LOCAL_RANK {local} needs GPU {local}, and this machine has "
                f"{torch.cuda.device_count() if torch.cuda.is_available() else 0}"
            )
        torch.cuda.set_device(local)
    try:
        dist.init_process_group(backend, init_method="env://", rank=rank, world_size=world)
    except (RuntimeError, ValueError) as exc:
        raise SegroiError(
            f"rank {rank} could not join the training group at "
            f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}: {_first_line(exc)}"
        ) from None
    stats = dist.new_group(backend=backend)
    objects = dist.new_group(backend="gloo")
    # Leave the group on every way out, an error included (else the C++ side aborts noisily at exit).
    atexit.register(lambda: dist.destroy_process_group() if dist.is_initialized() else None)
    return Group(rank, world, local, backend, f"cuda:{local}" if backend == "nccl" else "cpu", stats, objects)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- --nproc N on one machine ----------------------------------------------------------------------


def check_nproc(nproc: int, batch_size: int, device: str) -> None:
    """One line for an --nproc this machine or this batch cannot serve."""
    if under_launcher():
        raise SegroiError(
            "--nproc starts processes on this machine; under torchrun leave it out "
            "(torchrun's --nproc-per-node sets how many)"
        )
    if nproc < 1:
        raise SegroiError(f"--nproc must be at least 1 (got {nproc})")
    if nproc > batch_size:
        raise SegroiError(
            f"--nproc {nproc} is more than --batch-size {batch_size}: each process trains on "
            f"its part of the batch (batch / processes), so give a batch of at least {nproc}"
        )
    if device == "cuda":
        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if nproc > gpus:
            raise SegroiError(
                f"--nproc {nproc} with --device cuda needs {nproc} GPUs (one per process); this machine has {gpus}"
            )
    else:
        cores = os.cpu_count() or 1
        if nproc > cores:
            raise SegroiError(f"--nproc {nproc} is more than this machine's {cores} CPU cores")


def launch(args, nproc: int) -> int:
    """Run `args.func(args)` in `nproc` spawned processes (ranks 0..nproc-1) on 127.0.0.1; its exit code.

    This process hosts the rendezvous store on a free port of 127.0.0.1 (`loopback_store`) and the
    ranks join it as torchrun's workers join its agent's store. Each rank leaves its outcome there
    (rank 0 also its run's id). When a rank fails, the others are stopped, one line names the first
    failure, and a run rank 0 had opened is marked failed.
    """
    import torch.multiprocessing as mp

    logging.getLogger("torch.multiprocessing.spawn").setLevel(logging.ERROR)
    _ensure_salt()
    board, listener = loopback_store(nproc)
    env = {
        "WORLD_SIZE": str(nproc),
        "LOCAL_WORLD_SIZE": str(nproc),
        "GROUP_RANK": "0",
        "MASTER_ADDR": LOOPBACK,
        "MASTER_PORT": str(board.port),
        "TORCHELASTIC_USE_AGENT_STORE": "True",
        "GLOO_SOCKET_IFNAME": _loopback_interface(),
        "NCCL_SOCKET_IFNAME": _loopback_interface(),
    }
    context = mp.start_processes(_rank_main, args=(env, args), nprocs=nproc, join=False, start_method="spawn")
    stopped = None
    try:
        while not context.join(grace_period=10):
            pass
    except mp.ProcessExitedException as exc:
        stopped = f"rank {exc.error_index} of {nproc} stopped ({_signal_name(exc)})"
    except mp.ProcessRaisedException as exc:
        stopped = f"rank {exc.error_index} of {nproc} failed: {_first_line(exc)}"
    except KeyboardInterrupt:
        for p in context.processes:
            if p.is_alive():
                p.terminate()
        for p in context.processes:
            p.join(30)
        stopped = "interrupted"
    run_id = board.get(RUN_KEY).decode() if board.check([RUN_KEY]) else None
    outcomes = [json.loads(board.get(f"{OUTCOME_KEY}{r}")) for r in range(nproc) if board.check([f"{OUTCOME_KEY}{r}"])]
    listener.close()
    errors = sorted((o for o in outcomes if o["code"]), key=lambda o: o["at"])
    if stopped is None and not errors:
        return 0
    # A rank's own error names the cause; else the rank the launcher saw stop; a rank that only lost
    # its peers (they stopped under it) comes last.
    own = [o["text"] for o in errors if not o["lost"]]
    line = own[0] if own else stopped or errors[0]["text"]
    if run_id:
        _mark_failed(run_id, line)
    print(f"segroi {args.command}: error: {_term(line)}", file=sys.stderr)
    return max([o["code"] for o in errors] or [1])


def loopback_store(world: int):
    """A rendezvous store listening on 127.0.0.1 only, on a port the system chose; (store, socket).

    TCPStore's own server listens on every interface; handed a socket already bound to loopback, it
    listens there and nowhere else (and no port is guessed). Keep the socket until the store is done.
    """
    import socket

    import torch.distributed as dist

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((LOOPBACK, 0))
    listener.listen(128)
    store = dist.TCPStore(
        LOOPBACK,
        listener.getsockname()[1],
        world,
        is_master=True,
        wait_for_workers=False,
        master_listen_fd=listener.fileno(),
    )
    return store, listener


RUN_KEY = "segroi/run"
OUTCOME_KEY = "segroi/outcome/"


def _rank_main(local_rank: int, env: dict, args) -> None:
    """One spawned rank: torchrun's environment, then the command; its outcome goes back as one line."""
    import signal
    import time
    from datetime import timedelta

    import torch
    import torch.distributed as dist

    os.environ.update(env, RANK=str(local_rank), LOCAL_RANK=str(local_rank))
    args.nproc = None
    if not args.threads:  # the cores shared out, not each rank using all of them
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(env["WORLD_SIZE"])))
    signal.signal(signal.SIGTERM, _stop)
    board = dist.TCPStore(env["MASTER_ADDR"], int(env["MASTER_PORT"]), is_master=False, timeout=timedelta(seconds=60))
    args.announce = (lambda run_id: board.set(RUN_KEY, run_id)) if local_rank == 0 else None

    def outcome(code: int, text: str = "", lost: bool = False) -> None:
        board.set(
            f"{OUTCOME_KEY}{local_rank}", json.dumps({"code": code, "text": text, "lost": lost, "at": time.time()})
        )
        if code:
            sys.exit(code)

    try:
        code = int(args.func(args) or 0)
    except SegroiError as exc:
        outcome(2, str(exc))
    except KeyboardInterrupt:
        outcome(130, f"rank {local_rank} was stopped", lost=True)
    except OSError as exc:
        from engine.cli import os_error

        outcome(2, os_error(exc))
    except Exception as exc:  # noqa: BLE001 - any failure of a rank is the command's, in one line
        text = _first_line(exc)
        if any(s in text for s in ("Connection closed by peer", "Connection reset", "Broken pipe")):
            outcome(1, f"rank {local_rank} lost its peers (another rank stopped)", lost=True)
        outcome(1, f"rank {local_rank}: {type(exc).__name__}: {text}")
    else:
        outcome(code)


def _stop(signum, frame):
    raise KeyboardInterrupt


def _signal_name(exc) -> str:
    import signal

    if exc.exit_code < 0:
        try:
            return f"signal {signal.Signals(-exc.exit_code).name}"
        except ValueError:
            return f"signal {-exc.exit_code}"
    return f"exit status {exc.exit_code}"


def _loopback_interface() -> str:
    import socket

    names = [name for _, name in socket.if_nameindex()]
    return next((n for n in ("lo", "lo0") if n in names), "lo")


def _ensure_salt() -> None:
    """The study-hash salt exists before the ranks start (else each would race to create it)."""
    from engine.data.privacy import default_salt

    default_salt()


def _mark_failed(run_id: str, reason: str) -> None:
    from engine.store import open_store

    open_store().fail_open_run(run_id, reason)


def _term(text: str) -> str:
    from engine.report.escape import term

    return term(text)


class NoStore:
    """What ranks other than 0 have instead of the store: a run that records nothing, nowhere."""

    class _Run:
        id = None

        def add(self, table, rows) -> None:
            pass

    @contextlib.contextmanager
    def run(self, kind: str, settings: dict | None = None, command: str | None = None):
        yield self._Run()
