"""Validating an assumptions dict into an immutable Scenario.

Every problem raises AssumptionError naming the dotted field; nothing else escapes,
whatever the input (tests/costmodel/test_validate_properties.py checks this with hypothesis).
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Mapping

from engine.costmodel.errors import AssumptionError
from engine.costmodel.paths import set_field
from engine.costmodel.fields import (
    DISTRIBUTIONS, FIELDS, GROUPS, MODES, PROFILE_PROVENANCE_KEYS, PROVENANCE_KINDS, REQUIRED_TEXT,
)

MAX_TEXT = 2000


@dataclass(frozen=True)
class Uncertain:
    """A range on one assumption: ``dist`` is triangular (mode = value), uniform, or normal
    (mean = value, low..high is its 95 % range)."""

    value: float
    low: float
    high: float
    dist: str = "triangular"

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high, "dist": self.dist}


@dataclass(frozen=True)
class Scenario:
    name: str
    currency: str
    mode: str
    dedicated: bool
    point: Mapping[str, float]
    uncertain: Mapping[str, Uncertain]
    provenance: Mapping[str, dict]
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def horizon_years(self) -> int:
        return int(self.point["horizon_years"])

    @property
    def discount_rate(self) -> float:
        return self.point["discount_rate"]

    def to_dict(self) -> dict:
        """The canonical assumptions dict (defaults filled in); validate(to_dict()) == self."""
        return copy.deepcopy(dict(self.raw))

    def with_values(self, values: Mapping[str, Any]) -> "Scenario":
        """A copy with the given dotted fields replaced (a number, or a {value, low, high, dist}
        dict), validated again. A plain number drops any range the field had."""
        raw = self.to_dict()
        for path, value in values.items():
            if path not in FIELDS:
                raise AssumptionError(path, "is not a known assumption")
            set_field(raw, path, value.to_dict() if isinstance(value, Uncertain) else value)
        return validate(raw)

    def with_mode(self, mode: str, dedicated: bool | None = None) -> "Scenario":
        raw = self.to_dict()
        raw.setdefault("hardware", {})["mode"] = mode
        if dedicated is not None:
            raw["hardware"]["dedicated"] = dedicated
        return validate(raw)


def _kind(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true/false"
    if isinstance(x, str):
        return "text"
    if isinstance(x, Mapping):
        return "an object"
    if isinstance(x, (list, tuple)):
        return "a list"
    return type(x).__name__


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _number(x: Any, path: str) -> float:
    if type(x) is float or type(x) is int:  # the common case, without the slow ABC checks
        if type(x) is float and math.isfinite(x):
            return x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise AssumptionError(path, f"must be a number, got {_kind(x)}")
    try:
        value = float(x)
    except (OverflowError, ValueError, TypeError):
        raise AssumptionError(path, "is not a usable number (too large?)") from None
    if not math.isfinite(value):
        raise AssumptionError(path, f"must be a finite number, got {value}")
    return value


def _text(x: Any, path: str, max_len: int = MAX_TEXT) -> str:
    if not isinstance(x, str):
        raise AssumptionError(path, f"must be text, got {_kind(x)}")
    if not x.strip():
        raise AssumptionError(path, "must not be empty")
    if len(x) > max_len:
        raise AssumptionError(path, f"is too long ({len(x)} characters, at most {max_len})")
    return x


def _is_object(x: Any) -> bool:
    return type(x) is dict or isinstance(x, Mapping)


def _object(x: Any, path: str) -> Mapping:
    if not _is_object(x):
        raise AssumptionError(path or "(top level)", f"must be an object, got {_kind(x)}")
    for key in x:
        if not isinstance(key, str):
            raise AssumptionError(path or "(top level)", f"has a key that is not text: {key!r:.40}")
    return x


def _check_keys(obj: Mapping, path: str) -> None:
    allowed = _ALLOWED.get(path, frozenset())
    if obj.keys() <= allowed:
        return
    unknown = sorted(k for k in obj if k not in allowed)
    allowed = GROUPS.get(path, [])
    if unknown:
        where = _join(path, unknown[0])
        raise AssumptionError(where, f"unknown key (allowed here: {', '.join(allowed)})")


def _leaf(x: Any, path: str) -> tuple[float, Uncertain | None, Any]:
    """(point value, range or None, canonical form) of one numeric leaf."""
    spec = FIELDS[path]
    if _is_object(x):
        _object(x, path)
        unknown = sorted(k for k in x if k not in ("value", "low", "high", "dist"))
        if unknown:
            raise AssumptionError(f"{path}.{unknown[0]}",
                                  "unknown key (a range has value, low, high and dist)")
        for key in ("value", "low", "high"):
            if key not in x:
                raise AssumptionError(f"{path}.{key}", "is missing (a range needs value, low and high)")
        parts = {}
        for key in ("value", "low", "high"):
            v = _number(x[key], f"{path}.{key}")
            why = spec.check(v)
            if why:
                raise AssumptionError(f"{path}.{key}", why)
            parts[key] = v
        dist = x.get("dist", "triangular")
        if not isinstance(dist, str) or dist not in DISTRIBUTIONS:
            shown = repr(dist)[:40] if isinstance(dist, str) else _kind(dist)
            raise AssumptionError(f"{path}.dist", f"must be one of {', '.join(DISTRIBUTIONS)}, got {shown}")
        if not parts["low"] <= parts["value"] <= parts["high"]:
            raise AssumptionError(
                path, f"needs low <= value <= high, got low {parts['low']:.6g}, "
                      f"value {parts['value']:.6g}, high {parts['high']:.6g}")
        u = Uncertain(parts["value"], parts["low"], parts["high"], dist)
        form = {k: _plain(x[k], parts[k], spec.integer) for k in ("value", "low", "high")}
        return u.value, u, {**form, "dist": dist}
    v = _number(x, path)
    why = spec.check(v)
    if why:
        raise AssumptionError(path, why)
    return v, None, _plain(x, v, spec.integer)


def _plain(x: Any, v: float, integer: bool) -> float | int:
    """Whole numbers stay ints in the canonical dict (5 years, not 5.0)."""
    return int(v) if integer or (isinstance(x, numbers.Integral) and v.is_integer()) else v


def _provenance_entry(x: Any, path: str, keys: tuple[str, ...]) -> dict:
    _object(x, path)
    unknown = sorted(k for k in x if k not in keys)
    if unknown:
        raise AssumptionError(f"{path}.{unknown[0]}", f"unknown key (allowed: {', '.join(keys)})")
    if "kind" not in x:
        raise AssumptionError(f"{path}.kind", "is missing")
    if x["kind"] not in PROVENANCE_KINDS or not isinstance(x["kind"], str):
        raise AssumptionError(f"{path}.kind", f"must be one of {', '.join(PROVENANCE_KINDS)}")
    return {k: _text(v, f"{path}.{k}") for k, v in x.items()}


KNOWN_PATHS = frozenset(
    [*FIELDS, *GROUPS, *(_join(parent, key) for parent, keys in GROUPS.items() for key in keys)]) - {""}
_ALLOWED = {group: frozenset(keys) for group, keys in GROUPS.items()}


def _known_path(path: str) -> bool:
    return path in KNOWN_PATHS


def validate(raw: Any) -> Scenario:
    """Check an assumptions dict and return a Scenario; AssumptionError names any bad field."""
    top = _object(raw, "")
    _check_keys(top, "")
    for key in REQUIRED_TEXT[""]:
        if key not in top:
            raise AssumptionError(key, "is missing")
    canon: dict[str, Any] = {
        "name": _text(top["name"], "name", 200), "currency": _text(top["currency"], "currency", 12)}
    if "note" in top:
        canon["note"] = _text(top["note"], "note")

    hardware = _object(top.get("hardware"), "hardware") if "hardware" in top else None
    if hardware is None:
        raise AssumptionError("hardware", "is missing")
    if "mode" not in hardware:
        raise AssumptionError("hardware.mode", "is missing (cloud or on_prem)")
    mode = hardware["mode"]
    if not isinstance(mode, str) or mode not in MODES:
        shown = repr(mode)[:40] if isinstance(mode, str) else _kind(mode)
        raise AssumptionError("hardware.mode", f"must be cloud or on_prem, got {shown}")
    dedicated = True
    if "dedicated" in hardware:
        dedicated = hardware["dedicated"]
        if not isinstance(dedicated, bool):
            raise AssumptionError("hardware.dedicated", f"must be true or false, got {_kind(dedicated)}")
    elif mode == "on_prem":
        raise AssumptionError("hardware.dedicated", "is missing (true: one server per option; "
                                                    "false: a share of a shared server)")

    # Walk every object on the way, rejecting unknown keys and non-objects.
    for group in sorted(GROUPS, key=lambda g: g.count(".")):
        if not group:
            continue
        parent, _, key = group.rpartition(".")
        node = _lookup(top, parent)
        if node is None or key not in node:
            continue
        _check_keys(_object(node[key], group), group)

    point: dict[str, float] = {}
    uncertain: dict[str, Uncertain] = {}
    numeric_canon: dict[str, Any] = {}
    for path, spec in FIELDS.items():
        parent, _, key = path.rpartition(".")
        node = _lookup(top, parent)
        if node is not None and key in node:
            value, rng, form = _leaf(node[key], path)
        elif not spec.required:
            value, rng, form = spec.default, None, spec.default
        elif _needed(path, spec, mode, dedicated):
            raise AssumptionError(path, "is missing")
        else:
            continue  # not used in this hardware mode
        point[path] = value
        numeric_canon[path] = form
        if rng is not None:
            uncertain[path] = rng

    for opt in ("sam", "ssl"):
        hours = uncertain.get(f"options.{opt}.training_gpu_hours")
        trains = point[f"options.{opt}.training_gpu_hours"] > 0 or (hours is not None and hours.high > 0)
        power = f"options.{opt}.profile.average_power_watts"
        if mode == "on_prem" and trains and point[power] == 0 and power not in uncertain:
            raise AssumptionError(power, "is needed on_prem to price training_gpu_hours (give the "
                                         "board's average power while training)")

    provenance = _provenances(top)
    for path, form in numeric_canon.items():
        set_field(canon, path, form)
    canon.setdefault("hardware", {})["mode"] = mode
    if "dedicated" in hardware or mode == "on_prem":
        canon["hardware"]["dedicated"] = dedicated
    for opt in ("sam", "ssl"):
        prof = _lookup(top, f"options.{opt}.profile")
        if prof is not None and "provenance" in prof:
            canon["options"][opt]["profile"]["provenance"] = _provenance_entry(
                prof["provenance"], f"options.{opt}.profile.provenance", PROFILE_PROVENANCE_KEYS)
    if provenance:
        canon["provenance"] = provenance
    return Scenario(name=canon["name"], currency=canon["currency"], mode=mode, dedicated=dedicated,
                    point=point, uncertain=uncertain, provenance=provenance, raw=canon)


def _needed(path: str, spec, mode: str, dedicated: bool) -> bool:
    if path == "hardware.utilization":
        return mode == "cloud" or not dedicated
    return spec.needed_in in ("always", mode)


def _lookup(top: Mapping, path: str) -> Mapping | None:
    node: Any = top
    if not path:
        return node
    for part in path.split("."):
        if not _is_object(node) or part not in node:
            return None
        node = node[part]
    if not _is_object(node):
        return None
    return node


def _provenances(top: Mapping) -> dict:
    if "provenance" not in top:
        return {}
    prov = _object(top["provenance"], "provenance")
    out = {}
    for path, entry in prov.items():
        where = f"provenance.{path}"
        if not _known_path(path):
            raise AssumptionError(where, "names no assumption in this file's format")
        out[path] = _provenance_entry(entry, where, ("kind", "source"))
    return out
