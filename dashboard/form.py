"""Widgets that edit one scenario field each, with the validation message beside the field.

Each field's input is followed by an empty slot; after the whole scenario has been validated by
the cost model, `Form.show_errors` writes each message into the slot of the field it names.
"""

from __future__ import annotations

import copy
import math

import streamlit as st

from engine import costmodel
from engine.report import escape, i18n

DISTS = costmodel.DISTRIBUTIONS


def get_path(raw: dict, path: str):
    return costmodel.get_field(raw, path, None)


def set_path(raw: dict, path: str, value) -> None:
    parts = path.split(".")
    node = raw
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def point(leaf):
    return leaf.get("value") if isinstance(leaf, dict) else leaf


MONEY_ICONS = {"USD": ":material/attach_money:", "EUR": ":material/euro:", "JPY": ":material/currency_yen:"}


class Form:
    def __init__(self, raw: dict, generation: int, lang: str, provenance: dict, labels: dict | None = None):
        self.raw = raw
        self.new = copy.deepcopy(raw)
        self.gen = generation
        self.lang = lang
        self.prov = provenance
        self.labels = labels or {}
        self.currency = raw.get("currency") if raw.get("currency") in i18n.CURRENCIES else "USD"
        self.slots: dict[str, object] = {}
        self.changed: list[str] = []
        self.notes: dict[str, str] = {}

    def key(self, name: str) -> str:
        return f"g{self.gen}:{name}"

    def help(self, path: str) -> str:
        """The field's meaning and where its current figure comes from, in the page's language."""
        p = self.prov.get(path) or {}
        where = i18n.t(
            "help.where",
            self.lang,
            kind=i18n.provenance_name(p.get("kind", "assumed"), self.lang),
            source=escape.md(i18n.source_text(p.get("source", ""), self.lang)),
        )
        return "  \n".join(x for x in (escape.md(i18n.field_help(path, self.lang)), where) if x)

    def number(self, path: str, container=None, label: str | None = None) -> None:
        """A number input for a dotted field in the reader's units (money with its currency, fractions as
        percentages); keeps the field's range, if any, around the new value."""
        box = container or st
        spec = costmodel.field_spec(path)
        leaf = get_path(self.raw, path)
        old = point(leaf)
        percent = spec.unit in i18n.PERCENT_UNITS
        scale = 100.0 if percent else 1.0
        name = label or i18n.field_label(path.split(".", 2)[-1] if path.startswith("options.") else path, self.lang)
        unit = i18n.input_unit(spec.unit, self.currency, self.lang)
        icon = (
            ":material/percent:"
            if percent
            else MONEY_ICONS.get(self.currency)
            if spec.unit.startswith("currency")
            else None
        )
        shown_old = None if old is None else _shown(float(old) * scale)
        value = box.number_input(
            i18n.t("unit.input", self.lang, label=name, unit=unit) if unit else name,
            value=_initial(shown_old, spec.integer),
            key=self.key(path),
            help=self.help(path),
            icon=icon,
            format="%d" if spec.integer else "%.6g",
            step=1 if spec.integer else (0.5 if percent else _step(old, spec.unit)),
        )
        if spec.integer and value is not None:
            value = int(value)
        self.slots[path] = box.empty()
        if value == shown_old or (value is not None and shown_old is not None and math.isclose(value, shown_old)):
            return
        if value is not None and percent:
            value = _shown(value / 100.0)
        if isinstance(leaf, dict) and value is not None:
            updated = dict(leaf, value=value)
            if not leaf["low"] <= value <= leaf["high"] and old:
                # A new figure outside the old range: the range moves with it, keeping its relative spread.
                factor = value / old
                low, high = sorted((leaf["low"] * factor, leaf["high"] * factor))
                updated["low"] = max(spec.minimum, min(low, value))
                updated["high"] = min(spec.maximum, max(high, value))
                self.notes[path] = i18n.t(
                    "scenario.range_moved",
                    self.lang,
                    low=i18n.value_text(updated["low"], spec.unit, self.currency, self.lang),
                    high=i18n.value_text(updated["high"], spec.unit, self.currency, self.lang),
                )
        else:
            updated = value
        set_path(self.new, path, updated)
        self.changed.append(path)

    def text(self, path: str, label: str, container=None, optional: bool = False) -> None:
        """A text input for a text field (an option's label); empty removes an optional one."""
        box = container or st
        old = get_path(self.raw, path)
        value = box.text_input(label, value=old or "", key=self.key(path), max_chars=costmodel.MAX_LABEL)
        self.slots[path] = box.empty()
        if value.strip() != (old or "").strip():
            set_path(self.new, path, value.strip() or (None if optional else value))

    def choice(self, path: str, label: str, choices: list, container=None, format_func=str) -> None:
        """A selectbox for a text field with fixed choices (a hybrid's parts)."""
        box = container or st
        old = get_path(self.raw, path)
        options = list(choices) if old in choices or old is None else [old, *choices]
        value = box.selectbox(
            label,
            options,
            index=options.index(old) if old in options else 0,
            key=self.key(f"{path}:{self.lang}"),
            format_func=format_func,
        )
        self.slots[path] = box.empty()
        if value != old:
            set_path(self.new, path, value)

    def dedicated(self, prefix: str, container=None) -> None:
        box = container or st
        hw = get_path(self.raw, prefix) or {}
        value = box.checkbox(
            i18n.field_label("hardware.dedicated", self.lang),
            value=bool(hw.get("dedicated", True)),
            key=self.key(f"{prefix}.dedicated"),
            help=i18n.field_help("hardware.dedicated", self.lang),
        )
        set_path(self.new, f"{prefix}.dedicated", value)

    def hardware(self, prefix: str) -> None:
        """A hardware block (the scenario's, or an option's own): its mode, then only the fields that mode
        uses; the other mode's figures are kept, unseen, for when it is chosen again."""
        modes = ("cloud", "on_prem")
        hw = get_path(self.raw, prefix) or {}
        mode = st.radio(
            i18n.field_label("hardware.mode", self.lang),
            modes,
            horizontal=True,
            index=modes.index(hw["mode"]) if hw.get("mode") in modes else 0,
            format_func=lambda m: i18n.field_label(f"mode.{m}", self.lang),
            key=self.key(f"{prefix}.mode"),
        )
        set_path(self.new, f"{prefix}.mode", mode)
        cols = st.columns(2 if prefix != "hardware" else 3)
        if mode == "cloud":
            keys = ["gpu_price_per_hour", "utilization"]
        else:
            self.dedicated(prefix)
            keys = ["energy_price_per_kwh", "pue", "server_capex", "amortization_years"]
            if not (get_path(self.new, prefix) or {}).get("dedicated", True):
                keys.append("utilization")
        for i, key in enumerate(keys):
            self.number(f"{prefix}.{key}", cols[i % len(cols)], label=i18n.field_label(f"hardware.{key}", self.lang))

    def set_range_table(self, rows) -> None:
        """Apply the uncertainty table (shown in the reader's units, range_rows): listed fields get
        {value, low, high, dist}; others lose their ranges."""
        wanted = {}
        for r in rows:
            field = r.get("field")
            spec = costmodel.field_spec(field) if field else None
            if spec is None:
                continue
            low, high = r.get("low"), r.get("high")
            if low is None or high is None or _nan(low) or _nan(high):
                continue
            scale = 100.0 if spec.unit in i18n.PERCENT_UNITS else 1.0
            wanted[field] = (_shown(float(low) / scale), _shown(float(high) / scale), r.get("dist") or "triangular")
        before = {r["field"]: (r["low"], r["high"], r["dist"]) for r in range_rows(self.raw, scaled=False)}
        for path in set(wanted) | set(before):
            if path in wanted and path in before and _same(wanted[path], before[path]):
                continue  # untouched row: keep what the inputs above made of it
            leaf = get_path(self.new, path)
            if leaf is None:
                continue
            if path in wanted:
                low, high, dist = wanted[path]
                set_path(self.new, path, {"value": point(leaf), "low": low, "high": high, "dist": dist})
            else:
                set_path(self.new, path, point(leaf))

    def mark_edited(self) -> None:
        """Fields edited here become assumptions made in the dashboard."""
        if not self.changed:
            return
        prov = self.new.setdefault("provenance", {})
        for path in set(self.changed):
            prov[path] = {"kind": "assumed", "source": "set in the dashboard's Scenario page"}

    def show_errors(self, error: costmodel.AssumptionError | None) -> dict[str, str]:
        """One message for each field that fails its own range check, beside the field, in the reader's
        words; then the cost model's first error, beside its field when it has one on this page."""
        from engine.report.problems import assumption_message, field_problem

        messages: dict[str, str] = {}
        for path in self.slots:
            value = point(get_path(self.new, path))
            if value is None or isinstance(value, str):
                continue
            why = field_problem(path, value, self.lang, self.labels, self.currency)
            if why:
                messages[path] = why
        if error is not None:
            target = _slot_for(error.field, self.slots)
            if target not in messages:
                messages[target or ""] = assumption_message(error, self.new, self.lang, self.labels)
        for path, message in messages.items():
            if path in self.slots:
                self.slots[path].error(escape.md(message), icon=":material/error:")
        for path, note in self.notes.items():
            if path not in messages:
                self.slots[path].caption(note)
        return messages


def _slot_for(field: str, slots: dict) -> str | None:
    while field:
        if field in slots:
            return field
        field = field.rpartition(".")[0]
    return None


def _nan(x) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _initial(old, integer: bool):
    if old is None:
        return None
    return int(old) if integer and float(old).is_integer() else float(old)


def _step(value, unit: str) -> float:
    if unit == "fraction":
        return 0.01
    if value in (None, 0):
        return 1.0
    mag = 10 ** math.floor(math.log10(abs(float(value))))
    return max(mag / 10, 1e-6)


def numeric_fields(raw: dict, prefix: str = "") -> list[str]:
    """Every numeric field the assumptions dict `raw` holds (a number or a range), in its order."""
    out = []
    for key, node in (raw or {}).items():
        path = f"{prefix}{key}"
        if costmodel.field_spec(path) is not None:
            out.append(path)
        elif isinstance(node, dict) and key != "provenance":
            out.extend(numeric_fields(node, path + "."))
    return out


def range_rows(raw: dict, scaled: bool = True) -> list[dict]:
    """The ranges of `raw`, one row per field: low and high in the reader's units (percentages for
    fractions) unless `scaled` is False."""
    rows = []
    for path in numeric_fields(raw):
        leaf = get_path(raw, path)
        if isinstance(leaf, dict):
            spec = costmodel.field_spec(path)
            scale = 100.0 if scaled and spec.unit in i18n.PERCENT_UNITS else 1.0
            low, high = leaf.get("low"), leaf.get("high")
            rows.append(
                {
                    "field": path,
                    "low": None if low is None else _shown(float(low) * scale),
                    "high": None if high is None else _shown(float(high) * scale),
                    "dist": leaf.get("dist", "triangular"),
                }
            )
    return rows


def _shown(x: float) -> float:
    """A number as typed and shown: 12 significant digits, so 0.035 x 100 is 3.5, not 3.5000000000000004."""
    return float(f"{x:.12g}")


def _same(a: tuple, b: tuple) -> bool:
    return a[2] == b[2] and all(
        math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-12)
        for x, y in zip(a[:2], b[:2])
        if x is not None and y is not None
    )
