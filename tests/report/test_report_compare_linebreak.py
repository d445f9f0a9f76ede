"""The inputs two scenarios differ in; PDF line breaks that follow the Japanese rules."""

import copy

from engine import reference, reference_ja
from engine.report import compare, linebreak


def test_differences_name_fields_in_their_units_and_sources():
    a = reference.reference_scenario()
    b = copy.deepcopy(a)
    b["labour"]["engineer_wage_per_hour"] = 75
    b["provenance"]["labour.engineer_wage_per_hour"] = {"kind": "assumed", "source": "HR, 2026"}
    b["hardware"]["mode"] = "on_prem"
    rows = {r["field"]: r for r in compare.differences(a, b)}
    assert set(rows) == {"labour.engineer_wage_per_hour", "hardware.mode"}
    wage = rows["labour.engineer_wage_per_hour"]
    assert wage["label"] == "Engineer wage"
    assert wage["a"] == "$60.00/h ($45.00/h to $90.00/h)" and wage["b"] == "$75.00/h"
    assert wage["b_source"] == "assumed: HR, 2026"
    assert (
        rows["hardware.mode"]["a"] == "Cloud (pay per GPU-hour)" and rows["hardware.mode"]["b"] == "On-premises server"
    )
    assert compare.differences(a, copy.deepcopy(a)) == []


def test_the_two_reference_scenarios_differ_in_money_and_discounting_only():
    rows = compare.differences(reference.reference_scenario(), reference_ja.reference_scenario(), "ja")
    fields = {r["field"] for r in rows}
    assert {"currency", "discount_rate", "labour.clinician_wage_per_hour", "hardware.energy_price_per_kwh"} <= fields
    assert not any(f.startswith("workload.") or f.endswith("seconds_per_structure") for f in fields)
    wage = next(r for r in rows if r["field"] == "labour.clinician_wage_per_hour")
    assert wage["label"] == "臨床担当者の時給" and wage["b"].startswith("￥")


def _width(text: str) -> float:
    """A monospaced measure: every character one unit."""
    return float(len(text))


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one():
    text = (
        "入力41件のうち27件は segroi の既定値のままです。施設の実際の数値に置き換えてください（例：時給、電力単価）。"
    )
    for width in range(6, 30):
        lines = linebreak.wrap(text, width, _width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert line[:1] not in linebreak.NO_START, (width, lines)
            assert line[-1:] not in linebreak.NO_END, (width, lines)
            assert _width(line) <= width or len(line) == 1


def test_latin_words_stay_whole():
    lines = linebreak.wrap("SAM ViT-H costs $44.7K over 5 years", 12, _width)
    assert lines == ["SAM ViT-H", "costs $44.7K", "over 5 years"]
