"""Words and numbers in the reader's language: one message catalogue, one set of formats.

The dashboard, the PDF and the spreadsheet take every label from `t` (engine/report/messages.py) and
format every figure here, with Babel's CLDR data: grouping and decimals, percentages, plural forms, and
money - full amounts (`$1,234`, `￥123,457`) and compact ones (`$44.7K`, `$4.47万`, `￥1.23億`). The same
scenario prints the same text everywhere.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_compact_currency, format_currency, format_decimal

from engine.report.messages import (
    ANCHOR_WORDS_JA,
    GENERATED_PHRASES_JA,
    MESSAGES,
    REFERENCE_JA_SOURCES_JA,
    SOURCE_PREFIXES_JA,
    SOURCES_JA,
)

LANGS = ("en", "ja")
ANCHOR_PREFIX = "H100 80GB HBM3, random weights, "  # engine.reference.ANCHOR_SOURCE, without its date
CURRENCIES = ("USD", "JPY", "EUR")
LOCALES = {"en": "en_US", "ja": "ja_JP"}
# Below these the compact form would say nothing shorter: 512 stays "$512", 9,999 yen "￥9,999".
COMPACT_FROM = {"en": 1e3, "ja": 1e4}


def locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


@lru_cache(maxsize=8)
def _plural_rule(lang: str):
    return Locale.parse(locale(lang)).plural_form


def plural_category(n, lang: str = "en") -> str:
    """The CLDR plural category of `n` in `lang` ("one" for English 1, "other" for 1.5 or 2; always
    "other" in Japanese). A Decimal keeps its visible digits: Decimal("1.0") is "other" in English."""
    try:
        return _plural_rule(lang)(n if isinstance(n, Decimal) else abs(n))
    except (TypeError, ValueError, ArithmeticError):
        return "other"


def t(key: str, lang: str = "en", **kw) -> str:
    """The message `key` in `lang`, its placeholders filled. A message with plural forms picks its form
    by `n`. A key missing from the catalogue raises KeyError (a programming error, never user input)."""
    en, ja = MESSAGES[key]
    text = ja if lang == "ja" else en
    if isinstance(text, dict):
        text = text.get(plural_category(kw["n"], lang)) or text["other"]
    return text.format(**kw) if kw else text


def has(key: str) -> bool:
    return key in MESSAGES


def field_label(path: str, lang: str = "en", labels: dict | None = None) -> str:
    """Human name of a dotted scenario field, e.g. `options.sam.failure_rate` ("SAM: failure rate");
    `labels` maps option names to what to call them (their labels), else known names are translated.
    A field no scenario has shows its path."""
    parts = path.split(".")
    if parts[0] == "options" and len(parts) >= 3:
        option = (labels or {}).get(parts[1]) or option_name(parts[1], lang, short=True)
        rest = ".".join(parts[2:])
        name = t(f"field.{rest}", lang) if has(f"field.{rest}") else rest
        return t("field.of_option", lang, option=option, field=name)
    return t(f"field.{path}", lang) if has(f"field.{path}") else path


def field_key(path: str) -> str:
    """A field's key in the catalogue's help and unit entries: `options.x.failure_rate` -> failure_rate,
    `options.x.hardware.pue` -> hardware.pue, general fields as they are."""
    parts = path.split(".")
    return ".".join(parts[2:]) if parts[0] == "options" and len(parts) >= 3 else path


def field_help(path: str, lang: str = "en") -> str:
    """What the field means, in `lang` (empty for a field the catalogue does not describe)."""
    key = f"help.{field_key(path)}"
    return t(key, lang) if has(key) else ""


def option_name(option: str, lang: str = "en", short: bool = False, label: str | None = None) -> str:
    """What to call an option: its own `label` when the scenario gives one, else the translated name
    of a known option (manual, sam, ssl, the templates' names), else its name."""
    if label:
        return label
    key = f"option.{option}.short" if short else f"option.{option}"
    if not has(key) and short and has(f"option.{option}"):
        key = f"option.{option}"
    return t(key, lang) if has(key) else option


def provenance_name(kind: str, lang: str = "en") -> str:
    return t(f"prov.{kind}", lang) if has(f"prov.{kind}") else kind


def run_kind_name(kind: str, lang: str = "en") -> str:
    """A stored run's kind (profile, evaluate, train-ssl, ...) in words."""
    key = f"run.{str(kind).replace('_', '-')}"
    return t(key, lang) if has(key) else str(kind)


def source_text(source: str, lang: str = "en") -> str:
    """A provenance source in `lang`: the reference data's own sources have a Japanese text (messages.
    SOURCES_JA and its prefixes); a source someone typed, or a run's own description, stays as written."""
    if lang != "ja" or not source:
        return source
    known = _japanese_sources()
    if source in known:
        return known[source]
    for en, ja in SOURCE_PREFIXES_JA:
        if source.startswith(en):
            rest = source[len(en) :]
            return ja + known.get(rest, rest)
    if source.startswith(ANCHOR_PREFIX):
        text = source
        for en, ja in ANCHOR_WORDS_JA:
            text = text.replace(en, ja)
        text = text.replace(", ", "、").replace(" (", "（", 1).replace(": ", "：", 1)
        return text.removesuffix(")") + "）" if text.endswith(")") else text
    if any(en in source for en, _ in GENERATED_PHRASES_JA):
        for en, ja in GENERATED_PHRASES_JA:
            source = source.replace(en, ja)
    return source


def measurement_name(name: str, lang: str = "en") -> str:
    """A clinical measurement's name in words (`lv_volume_biplane_ml` -> "LV volume, biplane (ml)"); a
    structure's area by pattern (`la_area_cm2` -> "LA area (cm²)"); an unknown name as it is."""
    name = str(name)
    if has(f"measure.{name}"):
        return t(f"measure.{name}", lang)
    if name.endswith("_area_cm2"):
        return t("measure.area", lang, structure=name.removesuffix("_area_cm2").upper())
    return name


@lru_cache(maxsize=1)
def _japanese_sources() -> dict[str, str]:
    """SOURCES_JA, plus the Japanese reference scenario's sources by the field they describe."""
    from engine import reference_ja

    prov = reference_ja.reference_parts()[1]
    out = dict(SOURCES_JA)
    out.update({prov[f]["source"]: ja for f, ja in REFERENCE_JA_SOURCES_JA.items() if f in prov})
    return out


# -- numbers -------------------------------------------------------------------------------


def _finite(value) -> bool:
    """A number that can be shown: any real number type (numpy's included), not NaN or infinite."""
    if value is None or isinstance(value, (bool, str, bytes)):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _pattern(digits: int, optional: bool = False) -> str:
    return "#,##0" + ("." + ("#" if optional else "0") * digits if digits > 0 else "")


def _rounded(value, digits: int) -> float:
    """`value` rounded as it will print, with no negative zero ("-0.00")."""
    out = round(float(value), digits)
    return 0.0 if out == 0 else out


def number(value, lang: str = "en", digits: int = 0) -> str:
    """Grouped, `digits` decimals: 1,234.5 (the Japanese convention groups the same way)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    return format_decimal(_rounded(value, digits), format=_pattern(digits), locale=locale(lang))


def percent(fraction, lang: str = "en", digits: int = 0) -> str:
    if not _finite(fraction):
        return t("metric.not_applicable", lang)
    return number(float(fraction) * 100, lang, digits) + "%"


def months(value, lang: str = "en") -> str:
    """A duration in months, one decimal below 10 ("6.7 months", "1 month", "14 months"); never
    when there is none."""
    if not _finite(value):
        return t("metric.never", lang)
    digits = 1 if abs(value) < 10 else 0
    text = format_decimal(_rounded(value, digits), format=_pattern(digits, optional=True), locale=locale(lang))
    return t("unit.months", lang, n=Decimal(text.replace(",", "")), value=text)


def money_digits(value: float, currency: str) -> int:
    """Whole units for JPY and for amounts of 100 or more; cents below that."""
    if currency == "JPY" or value == 0:
        return 0
    return 0 if abs(value) >= 100 else 2


def money(value, currency: str = "USD", lang: str = "en", digits: int | None = None) -> str:
    """A full amount in the currency's own signs: `$1,234,567`, `€12.50`, `-$1,234`; yen in whole units
    (`¥1,234` in English, `￥1,234` in Japanese, as CLDR writes them)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    d = money_digits(float(value), currency) if digits is None else digits
    return format_currency(
        _rounded(value, d), currency, format="¤" + _pattern(d), locale=locale(lang), currency_digits=False
    )


def money_compact(value, currency: str = "USD", lang: str = "en") -> str:
    """A headline amount to three significant figures: `$1.23M`, `$456K` in English; `$4.47万`, `￥1.23億`,
    `￥670万` in Japanese (CLDR's compact forms). Smaller amounts are written in full."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    v = float(value)
    if abs(v) < COMPACT_FROM.get(lang, 1e3):
        return money(v, currency, lang)
    v = round(v, 2 - int(math.floor(math.log10(abs(v)))))  # three significant figures
    return format_compact_currency(v, currency, locale=locale(lang), fraction_digits=2)


def count_compact(value, lang: str = "en") -> str:
    """A count for an axis: 10K, 1M in English; 1万, 1億 in Japanese (CLDR's compact forms)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    from babel.numbers import format_compact_decimal

    return format_compact_decimal(float(value), locale=locale(lang), fraction_digits=1)


def quantity(value, lang: str = "en") -> str:
    """A plain measured or assumed number, three significant figures below 1,000 (0.000235, 29.4, 0.74),
    whole and grouped from there (10,000)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    v = abs(float(value))
    if v == 0 or v >= 1000:
        return number(value, lang, 0)
    digits = max(0, 2 - int(math.floor(math.log10(v))))
    return format_decimal(_rounded(value, digits), format=_pattern(digits, optional=True), locale=locale(lang))


# -- a field's value in its unit ---------------------------------------------------------------


def unit_suffix(unit: str, lang: str = "en") -> str:
    """How a unit is written after a number ("studies/year" -> "studies/year", "件/年")."""
    key = f"unit.{unit}"
    return t(key, lang) if has(key) else unit


def value_text(value, unit: str, currency: str, lang: str = "en") -> str:
    """A field's value in its unit: money in the scenario's currency (`$37.38/h`, `￥2,449/時`),
    fractions as percentages, counts and times with their unit in `lang`."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    if unit.startswith("currency"):
        per = unit[len("currency") :]
        amount = money(value, currency, lang)
        return amount + (unit_suffix("per" + per, lang) if per else "")
    if unit == "fraction":
        return percent(value, lang, 1 if 0 < abs(value) < 0.1 else 0)
    if unit == "1/year":
        return percent(value, lang, 1)
    return t("unit.value", lang, value=quantity(value, lang), unit=unit_suffix(unit, lang))


def input_unit(unit: str, currency: str, lang: str = "en") -> str:
    """The unit an input is typed in, for its label: `$/h`, `%`, `GPU-h` ..."""
    if unit.startswith("currency"):
        from babel.numbers import get_currency_symbol

        per = unit[len("currency") :]
        symbol = get_currency_symbol(currency, locale=locale(lang))
        return symbol + (unit_suffix("per" + per, lang) if per else "")
    if unit in ("fraction", "1/year"):
        return "%"
    return unit_suffix(unit, lang)


PERCENT_UNITS = ("fraction", "1/year")


def problem_text(code: str, params: dict, lang: str = "en") -> str:
    """A field's problem (engine.costmodel.Field.problem) in words."""
    shown = {k: quantity(v, lang) if isinstance(v, (int, float)) else v for k, v in params.items()}
    return t(f"problem.{code}", lang, **shown)
