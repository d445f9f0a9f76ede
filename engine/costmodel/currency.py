"""Changing a scenario's currency: every amount is converted at one stated exchange rate.

A scenario's money fields (unit "currency", "currency/h", ...) are all in its `currency`. Changing the
label alone would turn a $37.38 wage into ¥37.38, so the currency only changes together with every amount,
at a rate the user states; ranges move with their values. The rate, its date and its source are recorded
in the provenance of each converted field and of `currency`.
"""

from __future__ import annotations

import copy
import math

from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import field_spec
from engine.costmodel.paths import get_field, set_field

CURRENCIES = ("USD", "JPY", "EUR")
MAX_NOTE = 200


def money_fields(raw: dict, prefix: str = "") -> list[str]:
    """Every money field the assumptions dict `raw` holds (a number or a range), in its order."""
    out = []
    for key, node in (raw or {}).items():
        path = f"{prefix}{key}"
        spec = field_spec(path)
        if spec is not None:
            if spec.unit.startswith("currency"):
                out.append(path)
        elif isinstance(node, dict) and key != "provenance":
            out.extend(money_fields(node, path + "."))
    return out


def convert_currency(raw: dict, currency: str, rate: float, date: str, source: str) -> dict:
    """A copy of `raw` in `currency`: every money field (and its range) times `rate`, the units of
    `currency` per unit of the old one, stated on `date` by `source`. AssumptionError on a rate that is
    not a positive finite number, an unknown currency, or a missing date or source."""
    old = raw.get("currency", "USD")
    if currency not in CURRENCIES:
        raise AssumptionError("currency", f"must be one of {', '.join(CURRENCIES)}")
    try:
        rate = float(rate)
    except (TypeError, ValueError):
        raise AssumptionError("currency", "the exchange rate must be a number") from None
    if not math.isfinite(rate) or rate <= 0:
        raise AssumptionError("currency", "the exchange rate must be greater than 0")
    date, source = str(date or "").strip(), str(source or "").strip()
    if not date or not source:
        raise AssumptionError("currency", "an exchange rate needs its date and its source")
    if len(source) > MAX_NOTE or len(date) > 40:
        raise AssumptionError("currency", f"the rate's source is too long (at most {MAX_NOTE} characters)")
    out = copy.deepcopy(raw)
    out["currency"] = currency
    if old == currency:
        return out
    note = f"converted from {old} at {rate:.6g} {currency} per {old} ({date}, {source})"
    prov = out.setdefault("provenance", {})
    for path in money_fields(out):
        leaf = get_field(out, path)
        if isinstance(leaf, dict):
            set_field(out, path, {**leaf, **{k: _times(leaf[k], rate) for k in ("value", "low", "high") if k in leaf}})
        else:
            set_field(out, path, _times(leaf, rate))
        entry = prov.get(path)
        if isinstance(entry, dict) and entry.get("kind"):
            prov[path] = {**entry, "source": f"{entry.get('source', '')}; {note}".lstrip("; ")}
        else:
            prov[path] = {"kind": "assumed", "source": note}
    prov["currency"] = {"kind": "assumed", "source": f"{currency}: {note}"}
    return out


def _times(x, rate: float):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return x  # not a number: validate() names the problem
    return float(f"{x * rate:.10g}")
