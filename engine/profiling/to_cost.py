"""Turn stored profile rows into the cost model's option `profile` (engine/costmodel).

    rows = results.run_profiles(store, run_id)        # engine.store.results
    scenario["options"]["sam"]["profile"] = cost_profile(rows, "sam_vit_h")
    scenario["options"]["ssl"]["profile"] = cost_profile(rows, "ssl_unet")

or `latest_cost_profile(store, "sam_vit_h")` for the newest ok run that measured that model.

Choice of row, stated in the provenance note: per image, the fastest measured setting of the
model's encoder (SAM) or whole network (U-Net) and that same row's energy; per prompt (SAM), the
fastest decoder setting at one prompt per call, because a person prompts one structure at a time.
Energy is the raw meter reading (what the board drew) unless `idle_subtracted=True`.
Average power is the per-image row's own reading; a row without one gets joules_per_image x
images_per_second of that row (the source says it was derived), and without those the profile
has no `average_power_watts` (the cost model then needs it only for on-prem training).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.errors import SegroiError

_PER_IMAGE = ("encoder", "full")


def _fastest(rows: list[dict], key: str) -> dict | None:
    rows = [r for r in rows if r.get(key) is not None]
    return min(rows, key=lambda r: r[key]) if rows else None


def _setting(row: dict) -> str:
    dtype = row.get("dtype", "?")
    if row.get("dtype_mode") == "weights":
        dtype += " weights"
    elif row.get("dtype_mode") == "autocast":
        dtype += " autocast"
    bits = [f"{row.get('component')}", dtype, f"batch {row.get('batch')}"]
    for flag in ("channels_last", "compiled", "cuda_graphs"):
        if row.get(flag):
            bits.append(flag)
    if row.get("attention") == "sdpa":
        bits.append("sdpa attention")
    return " ".join(bits)


def _energy(row: dict, per: str, idle_subtracted: bool, model: str) -> float:
    key = f"joules_per_{per}" + ("_idle_subtracted" if idle_subtracted else "")
    value = row.get(key)
    if value is None:
        why = row.get("energy_method") or "unknown"
        if idle_subtracted and row.get(f"joules_per_{per}") is not None:
            why = "no idle power was measured"
        raise SegroiError(
            f"profile run {row.get('run_id')} has no energy for {model} {row.get('component')} "
            f"({key}: {why}); profile on a GPU with NVML or a CPU with readable RAPL"
        )
    return float(value)


def _average_power(row: dict) -> tuple[float | None, str | None]:
    """(watts, how it was obtained when not read directly); (None, None) when it cannot be had."""
    watts = row.get("average_power_watts")
    if watts is not None:
        return float(watts), None
    joules, rate = row.get("joules_per_image"), row.get("images_per_second")
    if joules is not None and rate:
        return float(joules) * float(rate), "joules_per_image x images_per_second"
    return None, None


def cost_profile(rows: list[dict], model: str, *, idle_subtracted: bool = False, allow_reduced: bool = False) -> dict:
    """The cost model's `profile` dict for `model` from one run's profile rows, with provenance."""
    mine = [r for r in rows if r.get("model") == model]
    if not mine:
        raise SegroiError(f"no profile rows for {model}")
    runs = {r.get("run_id") for r in mine}
    if len(runs) > 1:
        raise SegroiError(f"profile rows for {model} come from {len(runs)} runs; pass one run's rows")
    if not allow_reduced and any(r.get("reduced_input") for r in mine):
        raise SegroiError(
            f"the {model} profile ran at a reduced input size (a smoke run); its compute is not "
            "the published model's. Profile at full size, or pass allow_reduced=True knowingly"
        )
    image = _fastest([r for r in mine if r.get("component") in _PER_IMAGE], "seconds_per_image")
    if image is None:
        raise SegroiError(f"no per-image profile row for {model}")
    prompts = [r for r in mine if r.get("component") == "decoder"]
    prompt = _fastest([r for r in prompts if r.get("batch") == 1], "seconds_per_prompt") or _fastest(
        prompts, "seconds_per_prompt"
    )
    out: dict[str, Any] = {
        "seconds_per_image": float(image["seconds_per_image"]),
        "joules_per_image": _energy(image, "image", idle_subtracted, model),
    }
    watts, derived = _average_power(image)
    if watts is not None:
        out["average_power_watts"] = watts
    note = [f"per image: {_setting(image)}"]
    if prompt is not None:
        out["seconds_per_prompt"] = float(prompt["seconds_per_prompt"])
        out["joules_per_prompt"] = _energy(prompt, "prompt", idle_subtracted, model)
        note.append(f"per prompt: {_setting(prompt)}")
    elif model.startswith("sam_"):
        raise SegroiError(f"no decoder (per prompt) profile row for {model}")
    note.append(
        f"energy {image.get('energy_method')}, " + ("idle subtracted" if idle_subtracted else "idle not subtracted")
    )
    if watts is None:
        note.append("average power not recorded")
    source = f"segroi profile run {image.get('run_id')}"
    if derived:
        source += f"; average power not recorded, derived as {derived}"
    date = image.get("measured_at")
    out["provenance"] = {
        "kind": image.get("provenance") or "measured",
        "source": source,
        "run_id": str(image.get("run_id")),
        "model": model,
        "hardware": str(image.get("device_name") or image.get("device")),
        "date": date.date().isoformat() if isinstance(date, dt.datetime) else str(date)[:10],
        "weights": str(image.get("weights")),
        "note": "; ".join(note),
    }
    return out


def latest_cost_profile(store, model: str, device: str | None = None, **kwargs) -> dict:
    """`cost_profile` from the newest ok run that profiled `model` (optionally on `device`)."""
    from engine.store import results

    run_id = results.latest_full_size_profile_run(store, model, device)
    if run_id is None:
        raise SegroiError(f"no full-size profile of {model} in the store; run segroi profile first")
    return cost_profile(results.run_profiles(store, run_id, model), model, **kwargs)
