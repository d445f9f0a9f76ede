"""Validating an assumptions dict into an immutable Scenario.

Every problem raises AssumptionError naming the dotted field; nothing else escapes,
whatever the input (tests/costmodel/test_costmodel_properties.py checks this with hypothesis).
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Mapping

from engine.costmodel import distributions
from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import (
    DISTRIBUTIONS,
    GENERAL,
    HARDWARE,
    HARDWARE_TEXT,
    KIND_TEXT,
    KINDS,
    LEGACY_KINDS,
    MAX_LABEL,
    MAX_OPTIONS,
    MIN_OPTIONS,
    MODES,
    NAME_PATTERN,
    OPTION_TEXT,
    PROFILE_PROVENANCE_KEYS,
    PROVENANCE_KINDS,
    TOP_KEYS,
    Field,
    hardware_fields,
    option_fields,
)
from engine.costmodel.paths import set_field

MAX_TEXT = 2000
LABEL_FORBIDDEN = set("<>[]`\\|")


@dataclass(frozen=True)
class Uncertain:
    """A range on one assumption; what low and high mean depends on ``dist``
    (engine/costmodel/distributions.py). ``params`` are the distribution's own parameters."""

    value: float
    low: float
    high: float
    dist: str = "triangular"
    params: tuple = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high, "dist": self.dist}


@dataclass(frozen=True)
class Option:
    """One named option: its kind, its display label (None: show the name), the hardware block it
    is costed on (`hardware`: "hardware" or "options.<name>.hardware") with that block's mode, and
    for a hybrid the names of its automatic and prompted options."""

    name: str
    kind: str
    label: str | None
    hardware: str
    mode: str
    dedicated: bool
    automatic: str | None = None
    prompted: str | None = None


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
    options: tuple[Option, ...] = ()
    fields: Mapping[str, Field] = field(default_factory=dict, repr=False, compare=False)

    @property
    def horizon_years(self) -> int:
        return int(self.point["horizon_years"])

    @property
    def discount_rate(self) -> float:
        return self.point["discount_rate"]

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)

    @property
    def manual(self) -> str:
        """The name of the manual option."""
        return next(o.name for o in self.options if o.kind == "manual")

    def option(self, name: str) -> Option:
        for o in self.options:
            if o.name == name:
                return o
        raise KeyError(name)

    def label(self, name: str) -> str:
        """What to show for option `name`: its label, else its name."""
        return self.option(name).label or name

    def to_dict(self) -> dict:
        """The canonical assumptions dict (defaults and kinds filled in); validate(to_dict()) == self."""
        return copy.deepcopy(dict(self.raw))

    def with_values(self, values: Mapping[str, Any]) -> "Scenario":
        """A copy with the given dotted fields replaced (a number, or a {value, low, high, dist}
        dict), validated again. A plain number drops any range the field had."""
        raw = self.to_dict()
        for path, value in values.items():
            if path not in self.fields:
                raise AssumptionError(path, "is not a known assumption of this scenario")
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


def _check_keys(obj: Mapping, path: str, allowed: list[str]) -> None:
    for key in obj:
        if key not in allowed:
            raise AssumptionError(_join(path, key), f"unknown key (allowed here: {', '.join(allowed)})")


def _first_keys(fields: Mapping[str, Field], prefix: str) -> list[str]:
    """The keys directly under `prefix` that `fields` use, in order."""
    out: list[str] = []
    for path in fields:
        if path.startswith(prefix + "."):
            key = path[len(prefix) + 1 :].split(".")[0]
            if key not in out:
                out.append(key)
    return out


def _leaf(x: Any, path: str, spec: Field) -> tuple[float, Uncertain | None, Any]:
    """(point value, range or None, canonical form) of one numeric leaf."""
    if _is_object(x):
        _object(x, path)
        unknown = sorted(k for k in x if k not in ("value", "low", "high", "dist"))
        if unknown:
            raise AssumptionError(f"{path}.{unknown[0]}", "unknown key (a range has value, low, high and dist)")
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
                path,
                f"needs low <= value <= high, got low {parts['low']:.6g}, "
                f"value {parts['value']:.6g}, high {parts['high']:.6g}",
            )
        params = distributions.check(spec, path, parts["value"], parts["low"], parts["high"], dist)
        u = Uncertain(parts["value"], parts["low"], parts["high"], dist, params)
        form = {k: _plain(x[k], parts[k], spec.integer) for k in ("value", "low", "high")}
        return u.value, u, {**form, "dist": dist}
    v = _number(x, path)
    why = spec.check(v)
    if why:
        raise AssumptionError(path, why)
    return v, None, _plain(x, v, spec.integer)


def check_leaf(path: str, x: Any) -> None:
    """Refuse (AssumptionError) a number or range that field `path` of no scenario could hold."""
    from engine.costmodel.fields import field_spec

    spec = field_spec(path)
    if spec is None:
        raise AssumptionError(path, "is not a field of any scenario")
    _leaf(x, path, spec)


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


# -- the scenario's parts --------------------------------------------------------------------


def _hardware(node: Mapping, path: str) -> tuple[str, bool, Mapping]:
    """(mode, dedicated, block) of the hardware block at `path`."""
    hw = _object(node, path)
    _check_keys(hw, path, [*HARDWARE, *HARDWARE_TEXT])
    if "mode" not in hw:
        raise AssumptionError(f"{path}.mode", "is missing (cloud or on_prem)")
    mode = hw["mode"]
    if not isinstance(mode, str) or mode not in MODES:
        shown = repr(mode)[:40] if isinstance(mode, str) else _kind(mode)
        raise AssumptionError(f"{path}.mode", f"must be cloud or on_prem, got {shown}")
    dedicated = True
    if "dedicated" in hw:
        dedicated = hw["dedicated"]
        if not isinstance(dedicated, bool):
            raise AssumptionError(f"{path}.dedicated", f"must be true or false, got {_kind(dedicated)}")
    elif mode == "on_prem":
        raise AssumptionError(
            f"{path}.dedicated", "is missing (true: one server per option; false: a share of a shared server)"
        )
    return mode, dedicated, hw


def _hardware_needs(key: str, mode: str, dedicated: bool) -> bool:
    if key == "utilization":
        return mode == "cloud" or not dedicated
    return HARDWARE[key].needed_in in ("always", mode)


def _label(x: Any, path: str) -> str:
    text = _text(x, path, MAX_LABEL)
    bad = sorted({c for c in text if c in LABEL_FORBIDDEN or ord(c) < 32 or ord(c) == 127})
    if bad:
        shown = " ".join(repr(c)[1:-1] for c in bad)
        raise AssumptionError(path, f"may not contain {shown} (labels are shown in pages and the PDF)")
    return text


def _options(top: Mapping, hw_mode: str, hw_dedicated: bool) -> tuple[list[Option], dict[str, Mapping]]:
    if "options" not in top:
        raise AssumptionError("options", "is missing")
    node = _object(top["options"], "options")
    if not MIN_OPTIONS <= len(node) <= MAX_OPTIONS:
        raise AssumptionError("options", f"needs {MIN_OPTIONS} to {MAX_OPTIONS} options, got {len(node)}")
    kinds: dict[str, str] = {}
    for name, body in node.items():
        if not NAME_PATTERN.fullmatch(name):
            raise AssumptionError(
                f"options.{name[:40]}", "an option's name must be 1-32 characters from a-z, 0-9 and _"
            )
        path = f"options.{name}"
        body = _object(body, path)
        if "kind" in body:
            kind = body["kind"]
            if not isinstance(kind, str) or kind not in KINDS:
                shown = repr(kind)[:40] if isinstance(kind, str) else _kind(kind)
                raise AssumptionError(f"{path}.kind", f"must be one of {', '.join(KINDS)}, got {shown}")
        elif name in LEGACY_KINDS:
            kind = LEGACY_KINDS[name]
        else:
            raise AssumptionError(f"{path}.kind", f"is missing ({', '.join(KINDS)})")
        kinds[name] = kind
    manual = [n for n, k in kinds.items() if k == "manual"]
    if not manual:
        raise AssumptionError(
            "options",
            "needs exactly one option of kind manual (clinicians trace every "
            "structure); its seconds_per_structure prices every re-trace",
        )
    if len(manual) > 1:
        raise AssumptionError(f"options.{manual[1]}.kind", f"only one option may be manual ({manual[0]} already is)")
    options, blocks = [], {}
    for name, body in node.items():
        path, kind = f"options.{name}", kinds[name]
        allowed = [*_first_keys(option_fields(name, kind), path), *KIND_TEXT[kind], *OPTION_TEXT]
        _check_keys(body, path, list(dict.fromkeys(allowed)))
        if "profile" in body:
            prof = _object(body["profile"], f"{path}.profile")
            _check_keys(
                prof, f"{path}.profile", [*_first_keys(option_fields(name, kind), f"{path}.profile"), "provenance"]
            )
        label = _label(body["label"], f"{path}.label") if "label" in body else None
        refs = {}
        if kind == "hybrid":
            for role in ("automatic", "prompted"):
                where = f"{path}.{role}"
                if role not in body:
                    raise AssumptionError(where, f"is missing (the name of a {role} option)")
                ref = body[role]
                if not isinstance(ref, str) or ref not in kinds:
                    shown = repr(ref)[:40] if isinstance(ref, str) else _kind(ref)
                    raise AssumptionError(where, f"must name an option of this scenario, got {shown}")
                if kinds[ref] != role:
                    raise AssumptionError(where, f"must name a {role} option; {ref} is {kinds[ref]}")
                refs[role] = ref
        if "hardware" in body:
            mode, dedicated, _ = _hardware(body["hardware"], f"{path}.hardware")
            hw = f"{path}.hardware"
        else:
            mode, dedicated, hw = hw_mode, hw_dedicated, "hardware"
        options.append(Option(name, kind, label, hw, mode, dedicated, refs.get("automatic"), refs.get("prompted")))
        blocks[name] = body
    return options, blocks


def _schema(options: list[Option]) -> dict[str, Field]:
    """Every numeric field this scenario may hold, in the order they are drawn and shown."""
    out = dict(GENERAL)
    out.update(hardware_fields("hardware"))
    for o in options:
        out.update(option_fields(o.name, o.kind))
        if o.hardware != "hardware":
            out.update(hardware_fields(o.hardware))
    return out


def _needed(path: str, options: list[Option], mode: str, dedicated: bool) -> bool:
    parts = path.split(".")
    if parts[0] == "hardware":
        return _hardware_needs(parts[1], mode, dedicated)
    if len(parts) == 4 and parts[2] == "hardware":
        o = next(o for o in options if o.name == parts[1])
        return _hardware_needs(parts[3], o.mode, o.dedicated)
    return True


def _training_power(point: Mapping[str, float], uncertain: Mapping[str, Uncertain], options: list[Option]) -> None:
    """On-prem training is priced from the option's average power: refuse a missing one."""

    def trains(name: str) -> bool:
        hours = uncertain.get(f"options.{name}.training_gpu_hours")
        return point[f"options.{name}.training_gpu_hours"] > 0 or (hours is not None and hours.high > 0)

    def has_power(name: str) -> bool:
        power = f"options.{name}.profile.average_power_watts"
        return point[power] > 0 or power in uncertain

    for o in options:
        if o.kind in ("prompted", "automatic") and o.mode == "on_prem" and trains(o.name) and not has_power(o.name):
            raise AssumptionError(
                f"options.{o.name}.profile.average_power_watts",
                "is needed on_prem to price training_gpu_hours (give the board's average power while training)",
            )
        if o.kind == "hybrid" and o.mode == "on_prem":
            for ref in (o.automatic, o.prompted):
                if ref is not None and trains(ref) and not has_power(ref):
                    raise AssumptionError(
                        f"options.{ref}.profile.average_power_watts",
                        f"is needed to price {ref}'s training_gpu_hours on the on-prem hardware of "
                        f"hybrid {o.name} (give the board's average power while training)",
                    )


def _known_paths(options: list[Option], schema: Mapping[str, Field]) -> frozenset[str]:
    """Every path a provenance entry may name in this scenario."""
    paths = set(schema)
    for o in options:  # an option's own hardware fields, even where it has no block
        paths.update(hardware_fields(f"options.{o.name}.hardware"))
        for key in (*OPTION_TEXT, *KIND_TEXT[o.kind], "hardware.mode", "hardware.dedicated"):
            paths.add(f"options.{o.name}.{key}")
    for path in list(paths):
        parts = path.split(".")
        paths.update(".".join(parts[:i]) for i in range(1, len(parts)))
    paths.update(k for k in TOP_KEYS if k != "provenance")
    paths.update(("hardware.mode", "hardware.dedicated"))
    return frozenset(paths)


def validate(raw: Any) -> Scenario:
    """Check an assumptions dict and return a Scenario; AssumptionError names any bad field."""
    top = _object(raw, "")
    _check_keys(top, "", list(TOP_KEYS))
    for key in ("name", "currency"):
        if key not in top:
            raise AssumptionError(key, "is missing")
    canon: dict[str, Any] = {
        "name": _text(top["name"], "name", 200),
        "currency": _text(top["currency"], "currency", 12),
    }
    if "note" in top:
        canon["note"] = _text(top["note"], "note")
    for group in ("workload", "labour"):
        if group in top:
            _check_keys(_object(top[group], group), group, _first_keys(GENERAL, group))
    if "hardware" not in top:
        raise AssumptionError("hardware", "is missing")
    mode, dedicated, hardware = _hardware(top["hardware"], "hardware")
    options, blocks = _options(top, mode, dedicated)
    schema = _schema(options)

    point: dict[str, float] = {}
    uncertain: dict[str, Uncertain] = {}
    numeric_canon: dict[str, Any] = {}
    for path, spec in schema.items():
        parent, _, key = path.rpartition(".")
        node = _lookup(top, parent)
        if node is not None and key in node:
            value, rng, form = _leaf(node[key], path, spec)
        elif spec.default is not None:
            value, rng, form = spec.default, None, spec.default
        elif _needed(path, options, mode, dedicated):
            raise AssumptionError(path, "is missing")
        else:
            continue  # not used with this hardware
        point[path] = value
        numeric_canon[path] = form
        if rng is not None:
            uncertain[path] = rng
    _training_power(point, uncertain, options)
    provenance = _provenances(top, _known_paths(options, schema))

    for path in GENERAL:
        if path in numeric_canon:
            set_field(canon, path, numeric_canon[path])
    canon["hardware"] = _hardware_canon(hardware, "hardware", numeric_canon)
    canon["options"] = {}
    for o in options:
        body = blocks[o.name]
        entry: dict[str, Any] = {"kind": o.kind}
        if o.label is not None:
            entry["label"] = o.label
        if o.kind == "hybrid":
            entry["automatic"], entry["prompted"] = o.automatic, o.prompted
        prefix = f"options.{o.name}."
        for path in option_fields(o.name, o.kind):
            set_field(entry, path[len(prefix) :], numeric_canon[path])
        prof = _lookup(body, "profile")
        if prof is not None and "provenance" in prof:
            entry.setdefault("profile", {})["provenance"] = _provenance_entry(
                prof["provenance"], f"{prefix}profile.provenance", PROFILE_PROVENANCE_KEYS
            )
        if o.hardware != "hardware":
            entry["hardware"] = _hardware_canon(body["hardware"], o.hardware, numeric_canon)
        canon["options"][o.name] = entry
    if provenance:
        canon["provenance"] = provenance
    return Scenario(
        name=canon["name"],
        currency=canon["currency"],
        mode=mode,
        dedicated=dedicated,
        point=point,
        uncertain=uncertain,
        provenance=provenance,
        raw=canon,
        options=tuple(options),
        fields=schema,
    )


def _hardware_canon(block: Mapping, prefix: str, numeric_canon: Mapping[str, Any]) -> dict:
    out: dict[str, Any] = {"mode": block["mode"]}
    if "dedicated" in block or block["mode"] == "on_prem":
        out["dedicated"] = block.get("dedicated", True)
    for key in HARDWARE:
        if f"{prefix}.{key}" in numeric_canon:
            out[key] = numeric_canon[f"{prefix}.{key}"]
    return out


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


def _provenances(top: Mapping, known: frozenset[str]) -> dict:
    if "provenance" not in top:
        return {}
    prov = _object(top["provenance"], "provenance")
    out = {}
    for path, entry in prov.items():
        where = f"provenance.{path}"
        if path not in known:
            raise AssumptionError(where, "names no assumption of this scenario")
        out[path] = _provenance_entry(entry, where, ("kind", "source"))
    return out
