"""Measure models over a sweep of settings on one device and return `profiles` rows.

    hardware, rows = profile_models(["ssl_unet"], open_device("cpu"), ProfileOptions(seconds=2))

Order of work: the device's idle power first (nothing loaded yet), then each model is built once
and every planned setting measured in turn: reset the peak-memory monitor, warm up, time a
steady-state window with energy over the same window, read the peak. Rows carry every setting as
a column; the caller adds run_id/source when it stores them.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from dataclasses import dataclass, field
from typing import Callable

from engine.errors import SegroiError
from engine.profiling import energy as en
from engine.profiling import settings as st
from engine.profiling import workloads as wl
from engine.profiling.timing import steady_state


@dataclass
class ProfileOptions:
    seconds: float = 3.0
    warmup_seconds: float = 1.0
    idle_seconds: float = 2.0
    dtypes: list[str] = field(default_factory=lambda: ["fp32"])
    batch_sizes: list[int] | None = None  # None: per-model defaults for the device
    prompt_batches: list[int] = field(default_factory=lambda: [1])
    modes: list[str] = field(default_factory=lambda: ["plain"])
    sam_image_size: int = 1024
    sam_checkpoints: list[str] = field(default_factory=list)
    ssl_weights: str | None = None


DEFAULT_BATCHES = {
    ("cuda", "ssl_unet"): [1, 64, 256],
    ("cuda", "sam"): [1, 8],
    ("cpu", "ssl_unet"): [1],
    ("cpu", "sam"): [1],
}


def default_options(device_type: str) -> ProfileOptions:
    if device_type == "cuda":
        return ProfileOptions(
            seconds=3.0,
            warmup_seconds=2.0,
            dtypes=["fp32", "bf16"],
            modes=["plain", "tuned", "compile"],
            prompt_batches=[1],
        )
    return ProfileOptions()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _is_oom(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def tf32_flags() -> dict:
    """PyTorch's TF32 switches at this moment: cuDNN convolutions and CUDA matrix products.

    Both matter for "fp32" rows on Ampere and newer: cuDNN may use TF32 for fp32 convolutions
    unless told not to (its default is on), matrix products only when allowed (default off).
    """
    import torch

    out: dict[str, bool | None] = {}
    for key, read in (
        ("cudnn", lambda: torch.backends.cudnn.allow_tf32),
        ("matmul", lambda: torch.backends.cuda.matmul.allow_tf32),
    ):
        try:
            out[key] = bool(read())
        except Exception:  # noqa: BLE001 - a torch without the switch: not recorded
            out[key] = None
    return out


def match_checkpoints(models: list[str], checkpoints: list[str], image_size: int) -> dict[str, str]:
    """Which SAM model each checkpoint belongs to, checked in full before anything is measured."""
    from engine.models import sam as sam_mod

    out: dict[str, str] = {}
    sams = [m for m in models if m.startswith("sam_")]
    for path in checkpoints:
        if not sams:
            raise SegroiError("--sam-checkpoint given but no SAM model in --models")
        guess = sam_mod.guess_variant(sam_mod.read_state(path))
        if guess is not None and f"sam_{guess}" in sams:
            target = f"sam_{guess}"
        elif len(sams) == 1:
            target = sams[0]  # load_checkpoint names what does not fit
        else:
            raise SegroiError(
                f"SAM checkpoint {path} fits none of {', '.join(sams)} (it looks like {guess or 'no SAM variant'})"
            )
        if target in out:
            raise SegroiError(f"two checkpoints given for {target}")
        sam_mod.load_checkpoint(path, target.removeprefix("sam_"), image_size)
        out[target] = path
    return out


def batches_for(options: ProfileOptions, device_type: str, model: str) -> list[int]:
    if options.batch_sizes:
        return options.batch_sizes
    return DEFAULT_BATCHES[(device_type, "ssl_unet" if model == "ssl_unet" else "sam")]


def plan_for(name: str, options: ProfileOptions, device_type: str) -> list[st.Setting]:
    components, conv = wl.traits(name)
    return st.plan(
        components,
        conv,
        device_type,
        options.dtypes,
        batches_for(options, device_type, name),
        options.prompt_batches,
        options.modes,
    )


def measure(
    device, model_obj, setting: st.Setting, options: ProfileOptions, idle_watts: float | None, meter=None
) -> dict:
    """One row: the setting, timing, energy, memory and FLOPs of `model_obj` under `setting`.

    `meter` replaces the device's own energy meter (benchmarks compare methods this way).
    """
    import torch

    before = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = setting.cudnn_benchmark
    mark = getattr(device.memory, "mark", None)
    if mark is not None:
        mark()  # before the setting's own copy of the weights exists
    try:
        prepared = model_obj.prepare(setting)
        device.memory.reset()
        window = steady_state(
            prepared.step,
            seconds=options.seconds,
            timer=device.timer(),
            synchronize=device.synchronize,
            meter=meter or device.energy.meter(),
            warmup_seconds=options.warmup_seconds,
            min_warmup=3 if setting.compiled else 2,
        )
        peak = device.memory.peak()
    finally:
        torch.backends.cudnn.benchmark = before
    tf32 = tf32_flags()
    items = window.iterations * prepared.items_per_step
    seconds_per_item = window.seconds / items
    joules = window.energy.joules
    raw, net = en.per_item(joules, items, idle_watts, window.host_seconds)
    parts = window.energy.parts  # GPU, CPU packages and DRAM apart (the device's own meter only)
    row = {
        "model": model_obj.name,
        "component": setting.component,
        "weights": model_obj.weights,
        "device": device.type,
        "device_name": device.name(),
        "dtype": setting.dtype,
        "dtype_mode": setting.dtype_mode,
        "batch": setting.batch,
        "input_size": prepared.input_size,
        "recipe": setting.recipe,
        "compiled": setting.compiled,
        "compile_mode": setting.compile_mode,
        "channels_last": setting.channels_last,
        "cuda_graphs": setting.cuda_graphs,
        "attention": setting.attention,
        "cudnn_benchmark": setting.cudnn_benchmark,
        "matmul_precision": torch.get_float32_matmul_precision(),
        "cudnn_allow_tf32": tf32["cudnn"],
        "matmul_allow_tf32": tf32["matmul"],
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "reduced_input": bool(model_obj.reduced_input),
        "parameters": prepared.parameters,
        "timing_method": window.timing_method,
        "window_seconds": window.seconds,
        "iterations": window.iterations,
        "warmup_seconds": window.warmup_seconds,
        "warmup_iterations": window.warmup_iterations,
        "compile_seconds": window.first_step_seconds if setting.compiled else None,
        "energy_method": window.energy.method,
        "energy_window_seconds": window.host_seconds,
        "energy_joules": joules,
        "power_samples": window.energy.samples,
        "gpu_joules": parts.gpu_total if parts else None,
        "cpu_package_joules": parts.cpu_total if parts else None,
        "dram_joules": parts.dram_total if parts else None,
        "average_power_watts": window.energy.watts,
        "idle_power_watts": idle_watts,
        "peak_memory_bytes": peak,
        "memory_method": device.memory.method if peak is not None else "not_measured",
        "flops_per_image": prepared.flops_per_item if prepared.per == "image" else None,
        "provenance": "measured",
        "measured_at": _now(),
        "images_per_second": None,
        "seconds_per_image": None,
        "joules_per_image": None,
        "joules_per_image_idle_subtracted": None,
        "prompts_per_second": None,
        "seconds_per_prompt": None,
        "joules_per_prompt": None,
        "joules_per_prompt_idle_subtracted": None,
    }
    if prepared.per == "image":
        row.update(
            images_per_second=1.0 / seconds_per_item,
            seconds_per_image=seconds_per_item,
            joules_per_image=raw,
            joules_per_image_idle_subtracted=net,
        )
    else:
        row.update(
            prompts_per_second=1.0 / seconds_per_item,
            seconds_per_prompt=seconds_per_item,
            joules_per_prompt=raw,
            joules_per_prompt_idle_subtracted=net,
        )
        row["note"] = f"decoder FLOPs per prompt: {prepared.flops_per_item:.4g}"
    notes = []
    if model_obj.reduced_input:
        notes.append("reduced input size (smoke run): not the published model's compute")
    if model_obj.weights == "random":
        notes.append("random weights: compute only")
    if notes:
        row["note"] = "; ".join(filter(None, [row.get("note"), *notes]))
    del prepared
    return row


def _release(device, compiled: bool) -> None:
    import torch

    if compiled:
        torch._dynamo.reset()
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def profile_models(
    models: list[str],
    device,
    options: ProfileOptions,
    progress: Callable | None = None,
    warn: Callable[[str], None] | None = None,
):
    """(hardware row, profile rows) for `models` on `device`.

    `progress(total)` may return a tqdm-like object (update(n), set_description(s), close()).
    A setting that runs out of device memory is skipped with a warning; any other failure
    raises SegroiError naming the model and setting, and the caller's run is marked failed.
    """
    warn = warn or (lambda msg: print(f"segroi profile: {msg}", file=sys.stderr))
    checkpoints = match_checkpoints(models, options.sam_checkpoints, options.sam_image_size)
    hardware = device.info()
    idle = device.idle_power(options.idle_seconds) if options.idle_seconds > 0 else None
    hardware["idle_power_watts"] = idle
    plans = {name: plan_for(name, options, device.type) for name in models}
    rows: list[dict] = []
    bar = progress(sum(len(p) for p in plans.values())) if progress is not None else None
    try:
        for name in models:
            model_obj = None
            try:
                if bar is not None:
                    bar.set_description(f"{name}: loading")
                try:
                    model_obj = wl.load_model(
                        name,
                        device.torch_device,
                        sam_image_size=options.sam_image_size,
                        sam_checkpoint=checkpoints.get(name),
                        ssl_weights=options.ssl_weights,
                    )
                except SegroiError:
                    raise
                except Exception as exc:
                    raise SegroiError(f"loading {name} failed: {type(exc).__name__}: {exc}") from exc
                for setting in plans[name]:
                    if bar is not None:
                        bar.set_description(f"{name} {setting.label()}")
                    try:
                        rows.append(measure(device, model_obj, setting, options, idle))
                    except SegroiError:
                        raise
                    except Exception as exc:
                        if device.type == "cuda" and _is_oom(exc):
                            warn(f"{name} {setting.label()}: out of device memory, skipped")
                        else:
                            raise SegroiError(
                                f"profiling {name} failed at {setting.label()}: {type(exc).__name__}: {exc}"
                            ) from exc
                    finally:
                        _release(device, setting.compiled)
                    if bar is not None:
                        bar.update(1)
            finally:
                if model_obj is not None:
                    model_obj.close()
                _release(device, False)
    finally:
        if bar is not None:
            bar.close()
    return hardware, rows
