"""A problem with an input, in the reader's words: the field's name (never its dotted path), what is wrong
and the value entered, in English or Japanese.

The cost model reports a problem as an AssumptionError naming the dotted field; a field outside its
allowed range is re-stated here from the field's own rule (engine.costmodel.Field.problem), so the
message comes out of the catalogue in the reader's language. Other problems (a hybrid naming no option,
an impossible range shape) keep the cost model's English reason after the field's name.
"""

from __future__ import annotations

from engine import costmodel
from engine.report import i18n

RANGE_PARTS = {"value": "scenario.point", "low": "scenario.low", "high": "scenario.high"}


def field_problem(path: str, value, lang: str = "en", labels: dict | None = None, currency: str = "USD") -> str | None:
    """The message for a number entered into field `path`, or None when the field allows it."""
    spec = costmodel.field_spec(path)
    if spec is None or not i18n._finite(value):
        return None
    found = spec.problem(float(value))
    if found is None:
        return None
    code, params = found
    shown = {k: _in_unit(v, spec.unit, currency, lang) for k, v in params.items()}
    reason = i18n.t(f"problem.{code}", lang, **shown)
    return i18n.t(
        "problem.field",
        lang,
        field=i18n.field_label(path, lang, labels),
        reason=reason,
        value=_in_unit(value, spec.unit, currency, lang),
    )


def assumption_message(
    exc: costmodel.AssumptionError, raw: dict | None, lang: str = "en", labels: dict | None = None
) -> str:
    """An AssumptionError from the cost model as one readable sentence in `lang`."""
    path, part = exc.field or "", None
    head, _, last = path.rpartition(".")
    if last in RANGE_PARTS and costmodel.field_spec(head) is not None:
        path, part = head, last
    currency = (raw or {}).get("currency", "USD") if isinstance(raw, dict) else "USD"
    currency = currency if currency in i18n.CURRENCIES else "USD"
    value = costmodel.get_field(raw, exc.field, None) if isinstance(raw, dict) and exc.field else None
    label = i18n.field_label(path, lang, labels) if path else ""
    if part in ("low", "high"):  # the value of a range is the field itself
        label = i18n.t("field.range_part", lang, field=label, part=i18n.t(RANGE_PARTS[part], lang))
    spec = costmodel.field_spec(path) if path else None
    problem = spec.problem(float(value)) if spec is not None and value is not None and i18n._finite(value) else None
    if spec is not None and problem is not None:
        code, params = problem
        reason = i18n.t(
            f"problem.{code}", lang, **{k: _in_unit(v, spec.unit, currency, lang) for k, v in params.items()}
        )
        return i18n.t(
            "problem.field", lang, field=label, reason=reason, value=_in_unit(value, spec.unit, currency, lang)
        )
    if not label:
        return exc.reason
    return i18n.t("problem.other", lang, field=label, reason=exc.reason)


def _in_unit(value, unit: str, currency: str, lang: str) -> str:
    if unit in i18n.PERCENT_UNITS:
        return i18n.percent(value, lang, 1 if 0 < abs(float(value)) < 0.1 else 0)
    if unit.startswith("currency"):
        return i18n.money(value, currency, lang)
    return i18n.quantity(value, lang)
