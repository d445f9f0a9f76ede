"""Adding and removing named options of an assumptions dict (copies; the input is never changed).

The result is an assumptions dict, not yet validated: `validate` still checks every field. These
helpers refuse only what would leave a scenario that cannot be mended field by field: a second
option of the same name, removing the manual option, an option a hybrid is built from, or the
second-to-last option.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import LEGACY_KINDS, MAX_OPTIONS, MIN_OPTIONS, NAME_PATTERN


def _kind(name: str, body: Any) -> str | None:
    if isinstance(body, Mapping) and "kind" in body:
        return body["kind"]
    return LEGACY_KINDS.get(name)


def free_name(raw: Mapping, base: str) -> str:
    """`base`, or `base_2`, `base_3`, ... : the first name no option of `raw` has (at most 32 characters)."""
    taken = set((raw.get("options") or {}))
    base = base[:29]
    if base not in taken:
        return base
    i = 2
    while f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


def add_option(raw: Mapping, name: str, body: Mapping, provenance: Mapping[str, dict] | None = None) -> dict:
    """A copy of `raw` with option `name` added last; `provenance` maps paths inside the option
    ("failure_rate", "profile.seconds_per_image") to {kind, source}."""
    options = raw.get("options") or {}
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise AssumptionError(
            f"options.{str(name)[:40]}", "an option's name must be 1-32 characters from a-z, 0-9 and _"
        )
    if name in options:
        raise AssumptionError(f"options.{name}", "an option of that name already exists")
    if len(options) >= MAX_OPTIONS:
        raise AssumptionError("options", f"a scenario has at most {MAX_OPTIONS} options")
    out = copy.deepcopy(dict(raw))
    out.setdefault("options", {})[name] = copy.deepcopy(dict(body))
    if provenance:
        prov = out.setdefault("provenance", {})
        for rel, entry in provenance.items():
            prov[f"options.{name}.{rel}"] = dict(entry)
    return out


def remove_option(raw: Mapping, name: str) -> dict:
    """A copy of `raw` without option `name` and without the provenance entries under it."""
    options = raw.get("options") or {}
    if name not in options:
        raise AssumptionError(f"options.{str(name)[:40]}", "no option of that name")
    if _kind(name, options[name]) == "manual":
        raise AssumptionError(
            f"options.{name}", "the manual option cannot be removed: every scenario compares against manual tracing"
        )
    for other, body in options.items():
        if (
            isinstance(body, Mapping)
            and _kind(other, body) == "hybrid"
            and name in (body.get("automatic"), body.get("prompted"))
        ):
            raise AssumptionError(f"options.{name}", f"hybrid {other} is built from it; remove {other} first")
    if len(options) <= MIN_OPTIONS:
        raise AssumptionError("options", f"a scenario needs at least {MIN_OPTIONS} options")
    out = copy.deepcopy(dict(raw))
    del out["options"][name]
    prefix = f"options.{name}"
    if isinstance(out.get("provenance"), dict):
        out["provenance"] = {
            k: v for k, v in out["provenance"].items() if k != prefix and not k.startswith(prefix + ".")
        }
    return out


def set_own_hardware(raw: Mapping, name: str, on: bool) -> dict:
    """A copy of `raw` where option `name` has its own hardware block (a copy of the scenario's to
    start from) or, with `on` False, none (it is then costed on the scenario's)."""
    options = raw.get("options") or {}
    if name not in options or not isinstance(options[name], Mapping):
        raise AssumptionError(f"options.{str(name)[:40]}", "no option of that name")
    out = copy.deepcopy(dict(raw))
    body = out["options"][name]
    if on:
        body.setdefault("hardware", copy.deepcopy(dict(raw.get("hardware") or {"mode": "cloud"})))
    else:
        body.pop("hardware", None)
        prefix = f"options.{name}.hardware"
        if isinstance(out.get("provenance"), dict):
            out["provenance"] = {
                k: v for k, v in out["provenance"].items() if k != prefix and not k.startswith(prefix + ".")
            }
    return out
