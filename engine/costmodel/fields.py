"""The schema of an assumptions file: every numeric field, its unit and its allowed range."""

from __future__ import annotations

from dataclasses import dataclass

OPTIONS = ("manual", "sam", "ssl")
OUTPUTS = (
    "human_hours_per_year", "labour_cost_per_year", "compute_cost_per_year", "annual_cost",
    "setup_cost", "present_cost", "npv_savings_vs_manual", "roi", "payback_months",
    "cost_per_study",
)
PROVENANCE_KINDS = ("measured", "published", "simulated", "assumed")
MODES = ("cloud", "on_prem")
DISTRIBUTIONS = ("triangular", "uniform", "normal")
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

    def describe_range(self) -> str:
        low = f"> {_fmt(self.must_exceed)} and >= {_fmt(self.minimum)}" if self.must_exceed is not None \
            else f">= {_fmt(self.minimum)}"
        return f"{low}, <= {_fmt(self.maximum)}" + (" (whole number)" if self.integer else "")

    def check(self, value: float) -> str | None:
        """Why ``value`` is not allowed, or None when it is."""
        if self.must_exceed is not None and value <= self.must_exceed:
            return f"must be greater than {_fmt(self.must_exceed)}, got {_fmt(value)}"
        if value < self.minimum:
            what = "must not be negative" if self.minimum == 0 else f"must be at least {_fmt(self.minimum)}"
            return f"{what}, got {_fmt(value)}"
        if value > self.maximum:
            return f"must be at most {_fmt(self.maximum)} (larger is not plausible), got {_fmt(value)}"
        if self.integer and value != int(value):
            return f"must be a whole number, got {_fmt(value)}"
        return None


def _fmt(x: float | None) -> str:
    if x is None:
        return "None"
    return f"{x:.6g}"


def _f(path, unit, minimum, maximum, description, **kw) -> tuple[str, Field]:
    return path, Field(path, unit, float(minimum), float(maximum), description, **kw)


def _option_fields(opt: str) -> list[tuple[str, Field]]:
    p = f"options.{opt}"
    out = [
        _f(f"{p}.failure_rate", "fraction", 0, 1,
           "share of structures the human must re-trace by hand after the model"),
        _f(f"{p}.review_seconds_per_study", "s/study", 0, 86400, "human review time per study"),
        _f(f"{p}.engineering_hours", "h", 0, 1e6, "one-off engineering effort to deploy"),
        _f(f"{p}.maintenance_hours_per_year", "h/year", 0, 1e5, "engineering upkeep each year"),
        _f(f"{p}.label_images", "images", 0, 1e8,
           "images labelled by hand once (fine-tuning / validation set)", default=0.0),
        _f(f"{p}.training_gpu_hours", "GPU-h", 0, 1e7, "one-off GPU hours to train or fine-tune",
           default=0.0),
        _f(f"{p}.profile.seconds_per_image", "s/image", 0, 3600, "GPU busy time per image"),
        _f(f"{p}.profile.joules_per_image", "J/image", 0, 1e7, "GPU energy per image"),
        _f(f"{p}.profile.seconds_per_prompt", "s/structure", 0, 3600,
           "GPU busy time per prompted structure (SAM's decoder)", default=0.0),
        _f(f"{p}.profile.joules_per_prompt", "J/structure", 0, 1e7,
           "GPU energy per prompted structure", default=0.0),
        _f(f"{p}.profile.average_power_watts", "W", 0, 1e5,
           "average board power while training (on-prem training energy); required on_prem when "
           "training_gpu_hours > 0", default=0.0),
    ]
    if opt == "sam":
        out.insert(0, _f(f"{p}.prompt_seconds_per_structure", "s/structure", 0, 3600,
                         "human time to prompt one structure"))
    return out


FIELDS: dict[str, Field] = dict([
    _f("horizon_years", "years", 1, MAX_HORIZON_YEARS, "years the comparison covers", integer=True),
    _f("discount_rate", "1/year", -0.5, 1, "annual discount rate (0.035 = 3.5 %)", must_exceed=-1),
    _f("workload.studies_per_year", "studies/year", 1, 1e8, "echo studies segmented each year",
       must_exceed=0),
    _f("workload.frames_per_study", "frames/study", 1, 1e4, "frames segmented in each study"),
    _f("workload.structures_per_frame", "structures/frame", 1, 100,
       "structures (LV, LA, ...) segmented in each frame"),
    _f("labour.clinician_wage_per_hour", "currency/h", 0, 1e5, "clinician (sonographer) wage"),
    _f("labour.engineer_wage_per_hour", "currency/h", 0, 1e5, "ML/IT engineer wage"),
    _f("labour.overhead_fraction", "fraction", 0, 10, "benefits and overhead on top of wages"),
    _f("hardware.gpu_price_per_hour", "currency/GPU-h", 0, 1e4, "cloud GPU rental price",
       needed_in="cloud"),
    _f("hardware.utilization", "fraction", 0.001, 1,
       "share of paid (cloud) or available (shared on-prem) GPU time that does useful work",
       must_exceed=0, needed_in="cloud"),
    _f("hardware.energy_price_per_kwh", "currency/kWh", 0, 100, "electricity price",
       needed_in="on_prem"),
    _f("hardware.pue", "ratio", 1, 5, "power usage effectiveness of the machine room",
       needed_in="on_prem"),
    _f("hardware.server_capex", "currency", 0, 1e8, "purchase price of a GPU server",
       needed_in="on_prem"),
    _f("hardware.amortization_years", "years", 0.25, 50, "years the server is written off over",
       must_exceed=0, needed_in="on_prem"),
    _f("options.manual.seconds_per_structure", "s/structure", 0, 3600,
       "clinician time to trace one structure by hand"),
    *_option_fields("sam"),
    *_option_fields("ssl"),
])

# Non-numeric keys each group accepts, besides its numeric fields.
TEXT_KEYS = {"": ("name", "currency", "note", "provenance"), "hardware": ("mode", "dedicated"),
             "options.sam.profile": ("provenance",), "options.ssl.profile": ("provenance",)}
REQUIRED_TEXT = {"": ("name", "currency")}
PROFILE_PROVENANCE_KEYS = ("kind", "source", "run_id", "model", "hardware", "date", "weights", "note")


def groups() -> dict[str, list[str]]:
    """Each object path ("" = top level) -> the keys it accepts (sub-objects included)."""
    out: dict[str, list[str]] = {}
    for path in FIELDS:
        parts = path.split(".")
        for i in range(len(parts)):
            parent = ".".join(parts[:i])
            out.setdefault(parent, [])
            if parts[i] not in out[parent]:
                out[parent].append(parts[i])
    for parent, keys in TEXT_KEYS.items():
        out.setdefault(parent, []).extend(k for k in keys if k not in out[parent])
    return out


GROUPS = groups()
