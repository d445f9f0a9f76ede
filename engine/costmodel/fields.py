"""The schema of an assumptions file: every numeric field, its unit and its allowed range.

A scenario has general fields (horizon, discount rate, workload, labour), a `hardware` block, and
2-8 named options. Each option has a `kind` - manual, prompted, automatic or hybrid - that decides
its fields; any option may carry its own `hardware` block with the scenario block's fields. Field
paths are dotted: `options.<name>.<key>`, `options.<name>.hardware.<key>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

OUTPUTS = (
    "human_hours_per_year",
    "labour_cost_per_year",
    "compute_cost_per_year",
    "annual_cost",
    "setup_cost",
    "present_cost",
    "npv_savings_vs_manual",
    "roi",
    "payback_months",
    "cost_per_study",
)
PROVENANCE_KINDS = ("measured", "published", "simulated", "assumed")
MODES = ("cloud", "on_prem")
DISTRIBUTIONS = ("triangular", "uniform", "normal", "lognormal", "beta")
KINDS = ("manual", "prompted", "automatic", "hybrid")
# Files written before named options: these option names with no `kind` keep their old meaning.
LEGACY_KINDS = {"manual": "manual", "sam": "prompted", "ssl": "automatic"}
OPTIONS = tuple(LEGACY_KINDS)  # the reference scenario's options (and every file of that layout)
NAME_PATTERN = re.compile(r"[a-z0-9_]{1,32}")
MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_LABEL = 60
MAX_HORIZON_YEARS = 50
BREAK_EVEN_LIMIT = 1e8


@dataclass(frozen=True)
class Field:
    """One numeric assumption.

    Allowed values are ``minimum <= x <= maximum``; when ``must_exceed`` is set, x must also
    be strictly greater than it (the message then says so: "must be greater than 0").
    ``needed_in`` is "always", "cloud" or "on_prem": a field is required only where the
    equations use it (``default`` set means it is optional everywhere).
    """

    path: str
    unit: str
    minimum: float
    maximum: float
    description: str
    must_exceed: float | None = None
    integer: bool = False
    needed_in: str = "always"
    default: float | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def at(self, path: str) -> "Field":
        return replace(self, path=path)

    def describe_range(self) -> str:
        low = (
            f"> {_fmt(self.must_exceed)} and >= {_fmt(self.minimum)}"
            if self.must_exceed is not None
            else f">= {_fmt(self.minimum)}"
        )
        return f"{low}, <= {_fmt(self.maximum)}" + (" (whole number)" if self.integer else "")

    def problem(self, value: float) -> tuple[str, dict] | None:
        """Why ``value`` is not allowed, as a code and its numbers (for messages in other languages):
        ("greater_than", {"limit"}), ("not_negative", {}), ("at_least", {"limit"}), ("at_most", {"limit"}),
        ("whole", {}); None when it is allowed."""
        if self.must_exceed is not None and value <= self.must_exceed:
            return "greater_than", {"limit": self.must_exceed}
        if value < self.minimum:
            return ("not_negative", {}) if self.minimum == 0 else ("at_least", {"limit": self.minimum})
        if value > self.maximum:
            return "at_most", {"limit": self.maximum}
        if self.integer and value != int(value):
            return "whole", {}
        return None

    def check(self, value: float) -> str | None:
        """Why ``value`` is not allowed, or None when it is."""
        found = self.problem(value)
        if found is None:
            return None
        code, params = found
        what = {
            "greater_than": "must be greater than {limit}",
            "not_negative": "must not be negative",
            "at_least": "must be at least {limit}",
            "at_most": "must be at most {limit} (larger is not plausible)",
            "whole": "must be a whole number",
        }[code]
        return f"{what.format(limit=_fmt(params.get('limit')))}, got {_fmt(value)}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "None"
    return f"{x:.6g}"


def _f(path, unit, minimum, maximum, description, **kw) -> tuple[str, Field]:
    return path, Field(path, unit, float(minimum), float(maximum), description, **kw)


GENERAL: dict[str, Field] = dict(
    [
        _f("horizon_years", "years", 1, MAX_HORIZON_YEARS, "years the comparison covers", integer=True),
        _f("discount_rate", "1/year", -0.5, 1, "annual discount rate (0.035 = 3.5 %)", must_exceed=-1),
        _f("workload.studies_per_year", "studies/year", 1, 1e8, "echo studies segmented each year", must_exceed=0),
        _f("workload.frames_per_study", "frames/study", 1, 1e4, "frames segmented in each study"),
        _f(
            "workload.structures_per_frame",
            "structures/frame",
            1,
            100,
            "structures (LV, LA, ...) segmented in each frame",
        ),
        _f("labour.clinician_wage_per_hour", "currency/h", 0, 1e5, "clinician (sonographer) wage"),
        _f("labour.engineer_wage_per_hour", "currency/h", 0, 1e5, "ML/IT engineer wage"),
        _f("labour.overhead_fraction", "fraction", 0, 10, "benefits and overhead on top of wages"),
    ]
)

# Keys of a hardware block (the scenario's, or an option's own), relative to the block.
HARDWARE: dict[str, Field] = dict(
    [
        _f("gpu_price_per_hour", "currency/GPU-h", 0, 1e4, "cloud GPU rental price", needed_in="cloud"),
        _f(
            "utilization",
            "fraction",
            0.001,
            1,
            "share of paid (cloud) or available (shared on-prem) GPU time that does useful work",
            must_exceed=0,
            needed_in="cloud",
        ),
        _f("energy_price_per_kwh", "currency/kWh", 0, 100, "electricity price", needed_in="on_prem"),
        _f("pue", "ratio", 1, 5, "power usage effectiveness of the machine room", needed_in="on_prem"),
        _f("server_capex", "currency", 0, 1e8, "purchase price of a GPU server", needed_in="on_prem"),
        _f(
            "amortization_years",
            "years",
            0.25,
            50,
            "years the server is written off over",
            must_exceed=0,
            needed_in="on_prem",
        ),
    ]
)
HARDWARE_TEXT = ("mode", "dedicated")

_MODEL_FIELDS = dict(
    [
        _f("failure_rate", "fraction", 0, 1, "share of structures the human must re-trace by hand after the model"),
        _f("review_seconds_per_study", "s/study", 0, 86400, "human review time per study"),
        _f("engineering_hours", "h", 0, 1e6, "one-off engineering effort to deploy"),
        _f("maintenance_hours_per_year", "h/year", 0, 1e5, "engineering upkeep each year"),
        _f(
            "label_images", "images", 0, 1e8, "images labelled by hand once (fine-tuning / validation set)", default=0.0
        ),
        _f("training_gpu_hours", "GPU-h", 0, 1e7, "one-off GPU hours to train or fine-tune", default=0.0),
        _f("profile.seconds_per_image", "s/image", 0, 3600, "GPU busy time per image"),
        _f("profile.joules_per_image", "J/image", 0, 1e7, "GPU energy per image"),
        _f(
            "profile.seconds_per_prompt",
            "s/structure",
            0,
            3600,
            "GPU busy time per prompted structure (SAM's decoder)",
            default=0.0,
        ),
        _f("profile.joules_per_prompt", "J/structure", 0, 1e7, "GPU energy per prompted structure", default=0.0),
        _f(
            "profile.average_power_watts",
            "W",
            0,
            1e5,
            "average board power while training (on-prem training energy); required on_prem when "
            "training_gpu_hours > 0",
            default=0.0,
        ),
    ]
)

# Numeric keys of each kind of option, relative to the option, in the order they are drawn and shown.
KIND_FIELDS: dict[str, dict[str, Field]] = {
    "manual": dict(
        [_f("seconds_per_structure", "s/structure", 0, 3600, "clinician time to trace one structure by hand")]
    ),
    "prompted": dict(
        [
            _f("prompt_seconds_per_structure", "s/structure", 0, 3600, "human time to prompt one structure"),
            *_MODEL_FIELDS.items(),
        ]
    ),
    "automatic": dict(_MODEL_FIELDS),
    "hybrid": {
        k: _MODEL_FIELDS[k] for k in ("review_seconds_per_study", "engineering_hours", "maintenance_hours_per_year")
    },
}
# Text keys of each kind (besides `kind`, `label` and `hardware`, which every option accepts).
KIND_TEXT: dict[str, tuple[str, ...]] = {
    "manual": (),
    "prompted": ("profile",),
    "automatic": ("profile",),
    "hybrid": ("automatic", "prompted"),
}
OPTION_TEXT = ("kind", "label", "hardware")
TOP_KEYS = (
    "name",
    "currency",
    "note",
    "horizon_years",
    "discount_rate",
    "workload",
    "labour",
    "hardware",
    "options",
    "provenance",
)
PROFILE_PROVENANCE_KEYS = ("kind", "source", "run_id", "model", "hardware", "date", "weights", "note")


@lru_cache(maxsize=1024)
def hardware_fields(prefix: str) -> dict[str, Field]:
    """The fields of the hardware block at `prefix` ("hardware" or "options.<name>.hardware").
    Cached: callers read the dict, never change it."""
    return {f"{prefix}.{k}": f.at(f"{prefix}.{k}") for k, f in HARDWARE.items()}


@lru_cache(maxsize=1024)
def option_fields(name: str, kind: str) -> dict[str, Field]:
    """The numeric fields of option `name` of `kind` (its own hardware block not included).
    Cached: callers read the dict, never change it."""
    return {f"options.{name}.{k}": f.at(f"options.{name}.{k}") for k, f in KIND_FIELDS[kind].items()}


def field_spec(path: str) -> Field | None:
    """The Field at any dotted path of any scenario (None when no scenario can have it)."""
    if path in GENERAL:
        return GENERAL[path]
    parts = path.split(".")
    if parts[0] == "hardware" and len(parts) == 2 and parts[1] in HARDWARE:
        return HARDWARE[parts[1]].at(path)
    if parts[0] != "options" or len(parts) < 3 or not NAME_PATTERN.fullmatch(parts[1]):
        return None
    rest = ".".join(parts[2:])
    if parts[2] == "hardware" and len(parts) == 4 and parts[3] in HARDWARE:
        return HARDWARE[parts[3]].at(path)
    for fields in KIND_FIELDS.values():
        if rest in fields:
            return fields[rest].at(path)
    return None


def legacy_fields() -> dict[str, Field]:
    """The fields of a scenario with options manual, sam and ssl (the reference layout)."""
    out = dict(GENERAL)
    out.update(hardware_fields("hardware"))
    for name, kind in LEGACY_KINDS.items():
        out.update(option_fields(name, kind))
    return out


# The reference layout's fields, in schema order. A scenario's own fields: `Scenario.fields`.
FIELDS: dict[str, Field] = legacy_fields()
