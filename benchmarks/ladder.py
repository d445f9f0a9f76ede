"""Measure settings one after another, each on its own, and keep every result (GPU check ladders).

    ladder = Ladder(device, ProfileOptions(seconds=3), idle, deadline, out="results.json", key="unet",
                    header={...}, model_kwargs={"ssl_unet": {...}})
    row = ladder.run(Step("compile", "ssl_unet", setting, cost=45))
    ladder.finish(store=True)

Each step is one `engine.profiling.measure` call (the same window, energy and memory as
`segroi profile`). What a step does not survive stays in its own row, and the ladder goes on:

    status ok              a profile row, plus the step's name and its wall time (compile included)
    status error           the error's type and first line (any exception: a compile failure, a
                           cuDNN refusal, 32-bit index overflow, ...)
    status out_of_memory   the device ran out of memory
    status skipped         not started: the check's deadline left less time than the step is
                           expected to take, or an earlier step broke the CUDA context
    status interrupted     stopped from outside while it ran (the phase's time limit): SIGTERM
                           becomes SystemExit (benchlib.exit_on_term), the row is written and the
                           caller's `finally` still stores and writes what was measured

After every step the whole result is written (under `key` of the results file), so a time limit or
a crash loses at most the step in progress. Compiled steps also record how often Inductor declined
CUDA graphs (`cudagraph_skips`) and the reasons it logged (`perf_hints`; set TORCH_LOGS=perf_hints
to have them printed as well). At the end the measured rows can be stored as one `profile` run.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from dataclasses import asdict, dataclass

from benchlib import Deadline, error_text, write_json

# Keys a ladder adds to profile rows; the store's `profiles` table has no such columns.
LADDER_KEYS = (
    "step",
    "status",
    "step_seconds",
    "error",
    "reason",
    "cudagraph_skips",
    "perf_hints",
    "speedup_vs_first",
    "label",
)
# Errors after which the CUDA context is unusable: every later CUDA call fails the same way.
STICKY = (
    "illegal memory access",
    "device-side assert",
    "unspecified launch failure",
    "CUDA error: misaligned address",
    "cudaErrorLaunchFailure",
)
MARGIN_SECONDS = 5.0  # kept free before the deadline for writing results
# torch's own loggers stop propagation at these names; perf hints and CUDA-graph messages end here.
HINT_LOGGERS = ("torch", "torch._inductor", "torch._dynamo")


@dataclass
class Step:
    name: str  # what this step adds, e.g. "compile"
    model: str  # a workloads model name: ssl_unet, sam_vit_b, ...
    setting: object  # engine.profiling.settings.Setting
    cost: float  # seconds it is expected to take on the GPU, compile included


class _Hints(logging.Handler):
    """Collects what torch logs about CUDA graphs (skips and their reasons) during one step."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is not worth a failed step
            return
        if "cudagraph" in text.lower() or "perf_hints" in record.name:
            if len(self.messages) < 10:
                self.messages.append(text[:300])


def _cudagraph_skips() -> int | None:
    try:
        from torch._dynamo.utils import counters

        return int(counters["inductor"]["cudagraph_skips"])
    except Exception:  # noqa: BLE001 - a torch without the counter: not recorded
        return None


class Ladder:
    def __init__(
        self,
        device,
        options,
        idle_watts,
        deadline: Deadline | None,
        out: str | None,
        key: str | None,
        header: dict,
        model_kwargs: dict | None = None,
    ):
        self.device = device
        self.options = options
        self.idle = idle_watts
        self.deadline = deadline or Deadline()
        self.out, self.key = out, key
        self.header = header
        self.model_kwargs = model_kwargs or {}
        self.models: dict[str, object] = {}
        self.load_errors: dict[str, str] = {}
        self.rows: list[dict] = []
        self.broken: str | None = None
        self.store_note: str | None = None
        self.started = time.time()

    # -- models ------------------------------------------------------------------------------------
    def model(self, name: str):
        if name in self.load_errors:
            raise RuntimeError(self.load_errors[name])
        if name not in self.models:
            from engine.profiling.workloads import SslUnetModel, SamModel

            t0 = time.perf_counter()
            kw = self.model_kwargs.get(name, {})
            try:
                if name == "ssl_unet":
                    self.models[name] = SslUnetModel(self.device.torch_device, **kw)
                else:
                    self.models[name] = SamModel(name.removeprefix("sam_"), self.device.torch_device, **kw)
            except Exception as exc:  # noqa: BLE001 - recorded on every step of that model
                self.load_errors[name] = f"loading {name} failed: {error_text(exc)}"
                raise RuntimeError(self.load_errors[name]) from exc
            print(f"  {name} built in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        return self.models[name]

    # -- steps -------------------------------------------------------------------------------------
    def _record(self, step: Step, status: str, **extra) -> dict:
        s = step.setting
        row = {
            "step": step.name,
            "status": status,
            "model": step.model,
            "label": s.label(),
            **{k: v for k, v in asdict(s).items()},
            **extra,
        }
        row.setdefault("compiled", s.compiled)
        row.setdefault("cuda_graphs", s.cuda_graphs)
        return row

    def run(self, step: Step) -> dict:
        """Measure one step (or record why not); the result is appended and written at once."""

        from engine.profiling.profiler import _is_oom, measure

        s = step.setting
        left = self.deadline.left()
        if self.broken:
            row = self._record(step, "skipped", reason=f"not started: {self.broken}")
        elif left < step.cost + MARGIN_SECONDS:
            row = self._record(
                step,
                "skipped",
                reason=f"not started: about {step.cost:.0f} s needed, {max(left, 0):.0f} s left before the deadline",
            )
        else:
            print(f"{step.model} {step.name} batch {s.batch} ...", file=sys.stderr, flush=True)
            hints = _Hints()
            for name in HINT_LOGGERS:
                logging.getLogger(name).addHandler(hints)
            skips0 = _cudagraph_skips()
            t0 = time.perf_counter()
            try:
                row = measure(self.device, self.model(step.model), s, self.options, self.idle)
                row.update(step=step.name, status="ok", label=s.label())
            except Exception as exc:  # noqa: BLE001 - every failure is a result; the ladder goes on
                text = error_text(exc)
                oom = self.device.type == "cuda" and _is_oom(exc)
                row = self._record(step, "out_of_memory" if oom else "error", error=text)
                if self.device.type == "cuda" and any(k.lower() in text.lower() for k in STICKY):
                    self.broken = f"the CUDA context failed at {step.model} {step.name}: {text}"
            except BaseException as exc:  # SystemExit from SIGTERM, KeyboardInterrupt: keep a trace
                self.rows.append(
                    self._record(step, "interrupted", error=error_text(exc), step_seconds=time.perf_counter() - t0)
                )
                self.broken = f"interrupted at {step.model} {step.name}"
                self.write()
                raise
            finally:
                for name in HINT_LOGGERS:
                    logging.getLogger(name).removeHandler(hints)
            row["step_seconds"] = time.perf_counter() - t0
            skips1 = _cudagraph_skips()
            if s.compiled:
                row["cudagraph_skips"] = (skips1 - skips0) if None not in (skips0, skips1) else None
                row["perf_hints"] = hints.messages
            self._release(s.compiled)
        self.rows.append(row)
        if row["status"] == "ok":
            rate = row["images_per_second"] or row["prompts_per_second"]
            print(f"  {rate:.4g} per s, {row['step_seconds']:.0f} s in all", file=sys.stderr, flush=True)
        else:
            print(f"  {row['status']}: {row.get('error') or row.get('reason')}", file=sys.stderr, flush=True)
        self.write()
        return row

    def _release(self, compiled: bool) -> None:
        import torch

        try:
            if compiled:
                torch._dynamo.reset()
            gc.collect()
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
        except Exception as exc:  # noqa: BLE001 - a failing clean-up breaks the context too
            self.broken = self.broken or f"cleaning up failed: {error_text(exc)}"

    # -- results -----------------------------------------------------------------------------------
    def ok_rows(self, model: str | None = None, component: str | None = None) -> list[dict]:
        return [
            r
            for r in self.rows
            if r["status"] == "ok"
            and (model is None or r["model"] == model)
            and (component is None or r["component"] == component)
        ]

    def best(self, model: str | None = None, component: str | None = None) -> dict | None:
        rows = self.ok_rows(model, component)
        return max(rows, key=lambda r: r["images_per_second"] or r["prompts_per_second"] or 0, default=None)

    def payload(self) -> dict:
        return {
            **self.header,
            "idle_power_watts": self.idle,
            "seconds": self.options.seconds,
            "warmup_seconds": self.options.warmup_seconds,
            "elapsed_seconds": time.time() - self.started,
            "load_errors": self.load_errors,
            "broken": self.broken,
            "store": self.store_note,
            "rows": self.rows,
        }

    def write(self) -> None:
        write_json(self.out, self.payload(), key=self.key, quiet=True)

    def finish(self, store: bool = True, command: str | None = None) -> None:
        """Store the measured rows as one `profile` run (where the store can be opened), write."""
        rows = [r for r in self.rows if r["status"] == "ok"]
        if store and rows:
            try:
                from engine.store import open_store

                st = open_store()
                with st.run(
                    "profile",
                    settings={
                        "benchmark": self.header.get("benchmark"),
                        "seconds": self.options.seconds,
                        "warmup_seconds": self.options.warmup_seconds,
                    },
                    command=command,
                ) as run_:
                    stored = []
                    for r in rows:
                        r["run_id"] = run_.id
                        stored.append({k: v for k, v in r.items() if k not in LADDER_KEYS} | {"source": run_.id})
                    hardware = self.device.info()
                    hardware["idle_power_watts"] = self.idle
                    run_.add("hardware", hardware)
                    run_.add("profiles", stored)
                self.store_note = f"stored as run {run_.id}"
            except Exception as exc:  # noqa: BLE001 - the JSON keeps the rows either way
                for r in rows:
                    r.pop("run_id", None)
                self.store_note = f"not stored: {error_text(exc)}"
            print(f"store: {self.store_note}", file=sys.stderr)
        self.write()
        for m in self.models.values():
            m.close()
        self.models.clear()
