"""segroi's cost model: assumptions in, costs out. Pure Python + numpy, no I/O.

Compares three ways of segmenting echo studies - ``manual`` (clinicians trace every
structure), ``sam`` (a human prompts each structure, SAM segments, a human reviews) and
``ssl`` (a label-free self-supervised model segments, a human reviews) - with the
equations of docs/design.md "Cost model". Imports nothing from the rest of segroi.

Public API (all money in the scenario's currency, time in the units the names say):

``validate(raw: dict) -> Scenario``
    Check an assumptions dict (the JSON shape documented in docs/assumptions.md) and
    return an immutable ``Scenario``. Any problem raises ``AssumptionError`` (a
    ``ValueError``) whose ``.field`` is the dotted path of the offending field, e.g.
    ``"labour.clinician_wage_per_hour"``, and whose message names it. Nothing else is
    ever raised, whatever ``raw`` is.

``Scenario`` (frozen dataclass)
    ``.name``, ``.currency``, ``.horizon_years`` (int), ``.discount_rate`` (point value),
    ``.mode`` ("cloud" | "on_prem"), ``.dedicated`` (bool), ``.point`` {dotted field: float},
    ``.uncertain`` {dotted field: Uncertain}, ``.provenance`` {dotted field: {"kind", "source"}},
    ``.to_dict()`` -> the canonical JSON-able assumptions dict (round-trips through validate),
    ``.with_values({dotted field: float}) -> Scenario`` (point values replaced, re-validated),
    ``.with_mode(mode, dedicated=None) -> Scenario``.

``Uncertain`` (frozen dataclass): ``value, low, high, dist`` ("triangular" | "uniform" | "normal").

``evaluate(scenario) -> dict``  (the ``segroi cost --format json`` shape)::

    {"options": {"manual": {...}, "sam": {...}, "ssl": {...}},
     "break_even_studies_per_year": float | None,
     "cheapest": "manual" | "sam" | "ssl"}

    each option: {"human_hours_per_year", "labour_cost_per_year", "compute_cost_per_year",
                  "annual_cost", "setup_cost", "present_cost", "npv_savings_vs_manual",
                  "roi" (None when setup is 0), "payback_months" (None when the annual saving
                  vs manual is <= 0), "cost_per_study"}  -- floats

``monte_carlo(scenario, n=10_000, seed=0) -> dict``::

    {"draws": n, "seed": seed, "uncertain_fields": [dotted field, ...],
     "p_cheapest": {"manual": p, "sam": p, "ssl": p},
     "percentiles": {option: {output: {"p5": x, "p50": x, "p95": x}}},
     "break_even_studies_per_year": {"p5", "p50", "p95" (over draws where it exists, else None),
                                     "p_exists": fraction of draws with a break-even}}

    ``output`` is each of the per-option keys of ``evaluate``. Draws where roi or payback
    is undefined count as "never pays back" (payback +inf, shown as None when a
    percentile lands there); roi percentiles skip undefined draws.

``tornado(scenario, output="sam_minus_ssl", top=None) -> list[dict]``
    One-way sensitivity: every uncertain field at its low and its high, the rest at point
    values. ``output`` is ``"sam_minus_ssl"`` (present cost of sam minus present cost of
    ssl: positive means ssl is cheaper; the default) or ``"<option>.<metric>"`` such as
    ``"ssl.npv_savings_vs_manual"``. Rows sorted by swing, largest first::

    [{"field", "low", "high", "dist", "output_at_low", "output_at_high", "base", "swing"}, ...]

``get_field(raw, path, default=<raise KeyError>)`` / ``set_field(raw, path, value)``
    Read or write a dotted field ("labour.clinician_wage_per_hour") of an assumptions dict;
    every package that edits assumptions uses these.

``cumulative(scenario) -> dict``
    Cost of each option by the end of year y = 0..H (setup is paid at year 0)::

    {"years": [0, 1, ..., H],
     "options": {option: {"undiscounted": [...], "discounted": [...]}}}

    ``discounted[H]`` equals ``present_cost``.

``breakdown(scenario) -> dict``
    {option: {"labour", "compute", "maintenance", "annual" (per year), "setup",
              "setup_parts": {"engineering", "labelling", "training"},
              "compute_parts": {"gpu_rental", "energy", "server"}}}

``recommendation(scenario, mc=None) -> dict``
    {"cheapest", "next_best", "horizon_years", "currency",
     "present_cost": {option: x}, "savings_vs_next_best", "savings_vs_manual",
     "payback_months" (of the cheapest; None if it never pays back or is manual),
     "p_cheapest" (from ``mc`` when given, else None), "headline" (one plain sentence)}

``sweep(scenario, field="workload.studies_per_year", values=..., output="present_cost") -> dict``
    {"field", "values": [...], "options": {option: [output at each value]}} -- one
    vectorised evaluation; for charts such as present cost against volume.

``uncertain_fields(scenario) -> list[dict]``  [{"field", "value", "low", "high", "dist"}, ...]

``FIELDS`` : {dotted field: Field}  -- the schema: ``Field.unit``, ``.minimum``, ``.maximum``
(allowed range, see ``.describe_range()``), ``.required``, ``.integer``, ``.description``.
``OPTIONS`` = ("manual", "sam", "ssl"); ``OUTPUTS`` = the per-option output keys above.
``PROVENANCE_KINDS`` = ("measured", "published", "simulated", "assumed").
"""

from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import FIELDS, OPTIONS, OUTPUTS, PROVENANCE_KINDS, Field
from engine.costmodel.paths import get_field, set_field
from engine.costmodel.scenario import Scenario, Uncertain, validate
from engine.costmodel.evaluate import breakdown, cumulative, evaluate, recommendation, sweep
from engine.costmodel.uncertainty import monte_carlo, tornado, uncertain_fields

__all__ = [
    "AssumptionError", "FIELDS", "OPTIONS", "OUTPUTS", "PROVENANCE_KINDS", "Field",
    "Scenario", "Uncertain", "validate", "evaluate", "breakdown", "cumulative",
    "recommendation", "sweep", "monte_carlo", "tornado", "uncertain_fields", "get_field", "set_field",
]
