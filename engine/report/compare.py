"""The inputs two scenarios differ in (two saved scenarios, or a saved one and its unsaved edit).

A field differs when its value or range, or where it comes from, is not the same: numbers are shown in
their units and each side's currency, text fields (currency, compute mode, an option's kind, label or
parts) as they are, a field only one scenario has as absent on the other side.
"""

from __future__ import annotations

from engine import costmodel
from engine.report import i18n
from engine.report.summary import raw_option_names
from engine.store.versions import leaves

TEXT_FIELDS = ("currency", "hardware.mode", "hardware.dedicated")


def _provenance(raw: dict) -> dict:
    try:
        from engine.report.summary import field_provenance

        return field_provenance(costmodel.validate(raw))
    except costmodel.AssumptionError:
        return dict(raw.get("provenance") or {})


def _shown(field: str, leaf, currency: str, lang: str) -> str:
    if leaf is None:
        return i18n.t("scenario.absent", lang)
    spec = costmodel.field_spec(field)
    if spec is None:
        if field.endswith(".mode") and leaf in ("cloud", "on_prem"):
            return i18n.field_label(f"mode.{leaf}", lang)
        if isinstance(leaf, bool):
            return i18n.t("scenario.yes" if leaf else "scenario.no", lang)
        if field.endswith(".kind") and i18n.has(f"kind.{leaf}"):
            return i18n.t(f"kind.{leaf}", lang)
        return str(leaf)
    value = leaf.get("value") if isinstance(leaf, dict) else leaf
    text = i18n.value_text(value, spec.unit, currency, lang)
    if isinstance(leaf, dict):
        text += " " + i18n.t(
            "scenario.interval",
            lang,
            low=i18n.value_text(leaf.get("low"), spec.unit, currency, lang),
            high=i18n.value_text(leaf.get("high"), spec.unit, currency, lang),
        )
    return text


def differences(a: dict, b: dict, lang: str = "en") -> list[dict]:
    """[{field, label, a, b, a_source, b_source}] for every input whose value, range or source differs,
    in `b`'s order then the fields only `a` has."""
    la = {
        k: v
        for k, v in leaves({k: v for k, v in a.items() if k not in ("provenance", "note", "name")}).items()
        if not k.endswith(".provenance")
    }
    lb = {
        k: v
        for k, v in leaves({k: v for k, v in b.items() if k not in ("provenance", "note", "name")}).items()
        if not k.endswith(".provenance")
    }
    pa, pb = _provenance(a), _provenance(b)
    labels = {**raw_option_names(a, lang, short=True), **raw_option_names(b, lang, short=True)}
    cur_a, cur_b = a.get("currency", "USD"), b.get("currency", "USD")
    out = []
    for field in list(lb) + [f for f in la if f not in lb]:
        va, vb = la.get(field), lb.get(field)
        sa, sb = pa.get(field) or {}, pb.get(field) or {}
        if va == vb and (sa.get("kind"), sa.get("source")) == (sb.get("kind"), sb.get("source")):
            continue
        out.append(
            {
                "field": field,
                "label": _label(field, lang, labels),
                "a": _shown(field, va, cur_a, lang),
                "b": _shown(field, vb, cur_b, lang),
                "a_source": _source(sa, lang) if va is not None else "",
                "b_source": _source(sb, lang) if vb is not None else "",
            }
        )
    return out


def _label(field: str, lang: str, labels: dict) -> str:
    parts = field.split(".")
    if parts[0] == "options" and len(parts) == 3 and parts[2] in ("kind", "label", "automatic", "prompted"):
        option = labels.get(parts[1]) or parts[1]
        return i18n.t("field.of_option", lang, option=option, field=i18n.t(f"scenario.option_{parts[2]}", lang))
    return i18n.field_label(field, lang, labels)


def _source(entry: dict, lang: str) -> str:
    if not entry:
        return ""
    return i18n.t(
        "scenario.source_entry",
        lang,
        kind=i18n.provenance_name(entry.get("kind", "assumed"), lang),
        source=i18n.source_text(entry.get("source", ""), lang),
    )
