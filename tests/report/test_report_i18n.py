"""The one message catalogue (both languages, plural forms by CLDR's rules) and the number and money formats,
checked against values written out by hand from CLDR's conventions."""

import re
import string
from decimal import Decimal

import numpy as np
import pytest

from engine.report import i18n
from engine.report.messages import MESSAGES

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {f.split(":")[0].split("!")[0] for _, f, _, _ in string.Formatter().parse(text) if f}


def _forms(text) -> list[str]:
    return list(text.values()) if isinstance(text, dict) else [text]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    en, ja = MESSAGES[key]
    for form in _forms(en) + _forms(ja):
        assert isinstance(form, str) and form.strip(), key
    other = _fields(en["other"] if isinstance(en, dict) else en)
    assert all(_fields(f) == other for f in _forms(ja)), key
    if isinstance(en, dict):  # the "one" form may write its numbers out ("1 month"): fewer placeholders
        assert _fields(en["one"]) <= other, key
    if isinstance(en, dict):
        assert set(en) == {"one", "other"}, key  # English has exactly these two categories
    if isinstance(ja, dict):
        assert set(ja) == {"other"}, key  # Japanese has only "other"


def test_japanese_messages_are_japanese():
    def words(forms):  # the text without its placeholders
        return re.sub(r"\{[^}]*\}", "", " ".join(forms))

    untranslated = [
        k
        for k, (en, ja) in MESSAGES.items()
        if not JAPANESE.search(words(_forms(ja)))
        and re.search(r"[a-z]{3,}", words(_forms(en)))
        and words(_forms(en)) != words(_forms(ja))
    ]
    # only names, units and formats may read the same in both languages
    assert untranslated == [], untranslated


def test_plural_forms_follow_cldr():
    assert i18n.plural_category(1, "en") == "one"
    assert i18n.plural_category(2, "en") == i18n.plural_category(0, "en") == "other"
    assert i18n.plural_category(Decimal("1.5"), "en") == "other"
    assert i18n.plural_category(1, "ja") == "other"
    assert i18n.t("scenario.measured_applied", "en", n=1) == "Applied 1 measured value."
    assert i18n.t("scenario.measured_applied", "en", n=3) == "Applied 3 measured values."
    assert i18n.t("scenario.measured_applied", "ja", n=1) == "実測値 1 件を適用しました。"


def test_a_missing_key_is_an_error_not_a_label():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")
    assert not i18n.has("no.such.key") and i18n.has("nav.overview")


@pytest.mark.parametrize(
    "value,currency,lang,expected",
    [
        (1234567.4, "USD", "en", "$1,234,567"),
        (1234567.6, "JPY", "en", "¥1,234,568"),
        (1234567.6, "JPY", "ja", "￥1,234,568"),  # CLDR's Japanese yen sign is the full-width one
        (12.5, "EUR", "en", "€12.50"),
        (0.75, "USD", "en", "$0.75"),
        (1.88, "USD", "ja", "$1.88"),
        (0, "USD", "en", "$0"),
        (-10774.26, "USD", "en", "-$10,774"),
        (99.999, "USD", "en", "$100.00"),
        (-0.001, "USD", "en", "$0.00"),  # no "-$0.00"
    ],
)
def test_money(value, currency, lang, expected):
    assert i18n.money(value, currency, lang) == expected


@pytest.mark.parametrize(
    "value,currency,lang,expected",
    [
        (44737.59, "USD", "en", "$44.7K"),
        (1_234_567, "EUR", "en", "€1.23M"),
        (2.5e9, "USD", "en", "$2.5B"),
        (-10774.26, "USD", "en", "-$10.8K"),
        (512, "USD", "en", "$512"),
        (44737.59, "USD", "ja", "$4.47万"),  # beside "$1.88", not "4.47万ドル"
        (123_456_789, "JPY", "ja", "￥1.23億"),
        (6_700_000, "JPY", "ja", "￥670万"),
        (9_999, "JPY", "ja", "￥9,999"),
        (-25_000, "EUR", "ja", "-€2.5万"),
    ],
)
def test_money_compact(value, currency, lang, expected):
    assert i18n.money_compact(value, currency, lang) == expected


def test_months_and_numpy_numbers():
    assert i18n.months(1.0) == "1 month"
    assert i18n.months(np.float64(1.0)) == "1 month"
    assert i18n.months(6.6767) == "6.7 months"
    assert i18n.months(14.2) == "14 months"
    assert i18n.months(6.6767, "ja") == "6.7か月"
    assert i18n.months(None) == "never" and i18n.months(None, "ja") == "なし"
    assert i18n.percent(np.float32(0.5)) == "50%"
    assert i18n.number(np.int64(1234)) == "1,234"
    assert i18n.money(np.float32(3.5), "USD") == "$3.50"
    assert i18n.percent(0.973) == "97%" and i18n.percent(0.0512, digits=1) == "5.1%"
    assert i18n.number(-1234.5, digits=1) == "-1,234.5"
    assert i18n.number(float("nan")) == "n/a" and i18n.money(None) == "n/a"
    assert i18n.money_compact(float("inf"), "USD", "ja") == "該当なし"


def test_quantity_keeps_three_significant_figures():
    assert [i18n.quantity(v) for v in (0.0000235, 0.000235, 29.44, 123.4, 12345)] == [
        "0.0000235",
        "0.000235",
        "29.4",
        "123",
        "12,345",
    ]


def test_values_in_their_units():
    assert i18n.value_text(37.38, "currency/h", "USD", "en") == "$37.38/h"
    assert i18n.value_text(2449, "currency/h", "JPY", "ja") == "￥2,449/時"
    assert i18n.value_text(0.035, "1/year", "USD", "en") == "3.5%"
    assert i18n.value_text(10000, "studies/year", "USD", "ja") == "10,000件/年"
    assert i18n.input_unit("currency/GPU-h", "EUR", "en") == "€/GPU-h"
    assert i18n.count_compact(10_000, "ja") == "1万" and i18n.count_compact(10_000, "en") == "10K"


def test_field_labels_name_options_and_fall_back_to_the_path():
    assert i18n.field_label("labour.clinician_wage_per_hour") == "Clinician wage"
    assert i18n.field_label("options.sam.failure_rate", "ja") == "SAM：失敗率（手動で再トレース）"
    assert i18n.field_label("options.manual.seconds_per_structure") == "Manual: Seconds to trace one structure"
    assert i18n.field_label("something.new") == "something.new"
    assert i18n.field_help("options.x.failure_rate", "ja").startswith("モデルが誤る構造の割合")


def test_every_reference_source_reads_in_japanese():
    from engine import reference, reference_ja

    sources = set()
    raw = reference.reference_scenario()
    for prov in [reference.reference_parts()[1], reference_ja.reference_parts()[1]] + [
        reference.option_template(t, raw)[1] for t in reference.TEMPLATES
    ]:
        sources |= {p["source"] for p in prov.values()}
    for source in sources:
        ja = i18n.source_text(source, "ja")
        assert JAPANESE.search(ja), source
        # what stays in Latin letters is names, citations and units, never an English phrase of three words
        assert not re.search(r"\b(?:the|and|of|per|range|with|for)\b", ja), ja
        assert i18n.source_text(source, "en") == source
    assert i18n.source_text("typed by a user", "ja") == "typed by a user"
