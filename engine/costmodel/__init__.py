"""segroi's cost model: assumptions in, costs out. Pure functions, no I/O; imports nothing from the
rest of segroi (numpy; scipy only to solve a beta range's parameters).

Compares 2-8 named options, each of a kind: ``manual`` (clinicians trace every structure; exactly
one), ``prompted`` (a human prompts each structure, a model such as SAM segments, a human reviews),
``automatic`` (a model such as the label-free SSL network segments, a human reviews) and ``hybrid``
(an automatic option first, a prompted one for the structures it fails), with the equations of
docs/design.md "Cost model". Files with options ``manual``/``sam``/``ssl`` and no kind keep their
meaning (manual, prompted, automatic).

Public API (all money in the scenario's currency, time in the units the names say):

``validate(raw: dict) -> Scenario``
    Check an assumptions dict (the JSON shape documented in docs/assumptions.md) and
    return an immutable ``Scenario``. Any problem raises ``AssumptionError`` (a
    ``ValueError``) whose ``.field`` is the dotted path of the offending field, e.g.
    ``"labour.clinician_wage_per_hour"``, and whose message names it. Nothing else is
    ever raised, whatever ``raw`` is.

``Scenario`` (frozen dataclass)
    ``.name``, ``.currency``, ``.horizon_years`` (int), ``.discount_rate`` (point value),
    ``.mode`` ("cloud" | "on_prem") and ``.dedicated`` (bool) of the scenario's hardware block,
    ``.options`` (``Option`` records in file order), ``.option_names``, ``.manual`` (the manual
    option's name), ``.label(name)``, ``.fields`` {dotted field: Field} (this scenario's schema),
    ``.point`` {dotted field: float}, ``.uncertain`` {dotted field: Uncertain},
    ``.provenance`` {dotted field: {"kind", "source"}},
    ``.to_dict()`` -> the canonical JSON-able assumptions dict (round-trips through validate),
    ``.with_values({dotted field: float}) -> Scenario`` (point values replaced, re-validated),
    ``.with_mode(mode, dedicated=None) -> Scenario``.

``Option``: ``name, kind, label, hardware`` (the dotted hardware block it is costed on),
``mode, dedicated`` (that block's), ``automatic, prompted`` (a hybrid's parts).

``Uncertain`` (frozen dataclass): ``value, low, high, dist`` ("triangular" | "uniform" | "normal" |
"lognormal" | "beta"; see engine/costmodel/distributions.py for what low and high mean).

``evaluate(scenario) -> dict``  (the ``segroi cost --format json`` shape)::

    {"options": {name: {...}, ...},
     "break_even_studies_per_year": float | None,   # only with options named sam and ssl
     "cheapest": name,
     "cheapest_by_volume": [{"option", "from_studies_per_year", "to_studies_per_year"}, ...]}

    each option: {"human_hours_per_year", "labour_cost_per_year", "compute_cost_per_year",
                  "annual_cost", "setup_cost", "present_cost", "npv_savings_vs_manual",
                  "roi" (None when setup is 0), "payback_months" (None when the annual saving
                  vs manual is <= 0), "cost_per_study"}  -- floats
    cheapest_by_volume covers 0 to 1e8 studies a year; the last entry's "to" is None.

``monte_carlo(scenario, n=10_000, seed=0) -> dict``::

    {"draws": n, "seed": seed, "uncertain_fields": [dotted field, ...],
     "p_cheapest": {name: p},
     "percentiles": {name: {output: {"p5": x, "p50": x, "p95": x}}},
     "break_even_studies_per_year": {"p5", "p50", "p95" (over draws where it exists, else None),
                                     "p_exists": fraction of draws with a break-even}}  # sam/ssl only

    ``output`` is each of the per-option keys of ``evaluate``. Draws where roi or payback
    is undefined count as "never pays back" (payback +inf, shown as None when a
    percentile lands there); roi percentiles skip undefined draws.

``tornado(scenario, output=None, top=None) -> list[dict]``
    One-way sensitivity: every uncertain field at its low and its high, the rest at point
    values. ``output`` is ``"<a>_minus_<b>"`` (present cost of option a minus option b),
    ``"<option>.<metric>"`` such as ``"ssl.npv_savings_vs_manual"``, or (options sam and ssl)
    ``"break_even_studies_per_year"``; the default is ``"sam_minus_ssl"`` for files with those two
    options, else the cheapest non-manual option's NPV savings. Rows sorted by swing, largest first::

    [{"field", "low", "high", "dist", "output_at_low", "output_at_high", "base", "swing"}, ...]

``get_field(raw, path, default=<raise KeyError>)`` / ``set_field(raw, path, value)``
    Read or write a dotted field ("labour.clinician_wage_per_hour") of an assumptions dict;
    every package that edits assumptions uses these.

``add_option(raw, name, body, provenance=None)`` / ``remove_option(raw, name)`` / ``free_name(raw, base)``
/ ``set_own_hardware(raw, name, on)``
    Edit an assumptions dict's options (engine/costmodel/editing.py).

``parse_assumptions(text, toml=False) -> dict`` / ``assumptions_text(raw) -> str``
    An assumptions file's text (JSON, or TOML) as a dict, and back as JSON; a syntax error raises
    ``AssumptionError`` (field ""). Reading and writing the file itself is the caller's
    (engine/costmodel/text.py).
``convert_currency(raw, currency, rate, date, source)`` / ``money_fields(raw)``
    Change a scenario's currency: every money field (and its range) times the stated exchange rate, the
    rate, date and source recorded in their provenance (engine/costmodel/currency.py).

``cumulative(scenario) -> dict``
    Cost of each option by the end of year y = 0..H (setup is paid at year 0)::

    {"years": [0, 1, ..., H],
     "options": {option: {"undiscounted": [...], "discounted": [...]}}}

    ``discounted[H]`` equals ``present_cost``.

``breakdown(scenario) -> dict``
    {option: {"labour", "compute", "maintenance", "annual" (per year), "setup",
              "setup_parts": {"engineering", "labelling", "training"},
              "compute_parts": {"gpu_rental", "energy", "server"}}}

``sweep(scenario, field="workload.studies_per_year", values=..., output="present_cost") -> dict``
    {"field", "values": [...], "options": {option: [output at each value]}} -- one
    vectorised evaluation; for charts such as present cost against volume.

``uncertain_fields(scenario) -> list[dict]``  [{"field", "value", "low", "high", "dist"}, ...]

``check_leaf(path, leaf)`` -- AssumptionError when a number or range cannot be field `path`'s.

``field_spec(path) -> Field | None`` -- the schema of any dotted field of any scenario:
``Field.unit``, ``.minimum``, ``.maximum`` (allowed range, see ``.describe_range()``),
``.required``, ``.integer``, ``.description``. ``FIELDS``: the fields of the reference layout
(options manual, sam, ssl). ``OPTIONS`` = ("manual", "sam", "ssl"), ``KINDS``, ``KIND_FIELDS``,
``OUTPUTS`` = the per-option output keys above, ``PROVENANCE_KINDS``, ``DISTRIBUTIONS``.
"""

from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import (
    DISTRIBUTIONS,
    FIELDS,
    KIND_FIELDS,
    KINDS,
    MAX_LABEL,
    MAX_OPTIONS,
    MIN_OPTIONS,
    NAME_PATTERN,
    OPTIONS,
    OUTPUTS,
    PROVENANCE_KINDS,
    Field,
    field_spec,
)
from engine.costmodel.paths import get_field, set_field
from engine.costmodel.scenario import Option, Scenario, Uncertain, check_leaf, validate
from engine.costmodel.evaluate import breakdown, cumulative, evaluate, sweep
from engine.costmodel.uncertainty import default_tornado_output, monte_carlo, tornado, uncertain_fields
from engine.costmodel.editing import add_option, free_name, remove_option, set_own_hardware
from engine.costmodel.text import assumptions_text, parse_assumptions
from engine.costmodel.currency import convert_currency, money_fields

__all__ = [
    "AssumptionError",
    "DISTRIBUTIONS",
    "FIELDS",
    "KIND_FIELDS",
    "KINDS",
    "MAX_LABEL",
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "NAME_PATTERN",
    "OPTIONS",
    "OUTPUTS",
    "PROVENANCE_KINDS",
    "Field",
    "field_spec",
    "Option",
    "Scenario",
    "Uncertain",
    "validate",
    "evaluate",
    "breakdown",
    "cumulative",
    "sweep",
    "monte_carlo",
    "tornado",
    "default_tornado_output",
    "uncertain_fields",
    "get_field",
    "set_field",
    "add_option",
    "remove_option",
    "free_name",
    "set_own_hardware",
    "check_leaf",
    "parse_assumptions",
    "assumptions_text",
    "convert_currency",
    "money_fields",
]
