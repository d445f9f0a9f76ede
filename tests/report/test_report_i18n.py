"""Labels exist in both languages and number/money formats are exact."""

import re
import string

import pytest

from engine.report import i18n


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(i18n.LABELS))
def test_every_label_has_both_languages_with_the_same_placeholders(key):
    en, ja = i18n.LABELS[key]
    assert en.strip() and ja.strip()
    assert {f.split(":")[0] for f in _fields(en)} == {f.split(":")[0] for f in _fields(ja)}, key


def test_japanese_labels_are_japanese():
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    translated = [k for k, (en, ja) in i18n.LABELS.items() if en != ja]
    assert len(translated) > 0.9 * len(i18n.LABELS)
    for key in translated:
        en, ja = i18n.LABELS[key]
        if japanese.search(en) is None and not key.startswith(("option.", "metric.roi")):
            assert japanese.search(ja), key


@pytest.mark.parametrize("value,currency,expected", [
    (1234567.4, "USD", "$1,234,567"),
    (1234567.6, "JPY", "¥1,234,568"),
    (12.5, "EUR", "€12.50"),
    (0.75, "USD", "$0.75"),
    (0, "USD", "$0"),
    (-10774.26, "USD", "-$10,774"),
    (99.999, "USD", "$100.00"),
    (-0.001, "USD", "$0.00"),
])
def test_money(value, currency, expected):
    assert i18n.money(value, currency) == expected


@pytest.mark.parametrize("value,currency,lang,expected", [
    (44737.59, "USD", "en", "$44.7k"),
    (1_234_567, "EUR", "en", "€1.23M"),
    (2.5e9, "USD", "en", "$2.50B"),
    (-10774.26, "USD", "en", "-$10.8k"),
    (512, "USD", "en", "$512"),
    (44737.59, "USD", "ja", "4.47万ドル"),
    (123_456_789, "JPY", "ja", "1.23億円"),
    (6_700_000, "JPY", "ja", "670万円"),
    (9_999, "JPY", "ja", "9,999円"),
    (-25_000, "EUR", "ja", "-2.50万ユーロ"),
])
def test_money_compact(value, currency, lang, expected):
    assert i18n.money_compact(value, currency, lang) == expected


def test_months_percent_number_and_missing_values():
    assert i18n.months(6.6767) == "6.7 months"
    assert i18n.months(1.0) == "1.0 months"
    assert i18n.months(14.2) == "14 months"
    assert i18n.months(6.6767, "ja") == "6.7か月"
    assert i18n.months(None) == "never" and i18n.months(None, "ja") == "なし"
    assert i18n.percent(0.973) == "97%"
    assert i18n.percent(0.0512, digits=1) == "5.1%"
    assert i18n.number(-1234.5, digits=1) == "-1,234.5"
    assert i18n.number(float("nan")) == "n/a"
    assert i18n.money(None) == "n/a" and i18n.money_compact(float("inf"), "USD", "ja") == "該当なし"


def test_field_labels_name_options_and_fall_back_to_the_path():
    assert i18n.field_label("labour.clinician_wage_per_hour") == "Clinician wage per hour"
    assert i18n.field_label("options.sam.failure_rate", "ja") == "SAM: 失敗率（手動トレースが必要）"
    assert i18n.field_label("options.ssl.profile.joules_per_image") == "SSL: Joules per image"
    assert i18n.field_label("something.new") == "something.new"
    assert i18n.t("no.such.key") == "no.such.key"
