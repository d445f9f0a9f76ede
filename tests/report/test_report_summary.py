"""The shared scenario summary: headline text follows the cost model's numbers in both languages."""

import copy

import pytest

from engine import costmodel, reference
from engine.report import i18n
from engine.report.summary import (assumption_rows, field_provenance, headline, savings_range,
                                   summarize)


@pytest.fixture(scope="module")
def raw():
    return reference.reference_scenario()


@pytest.fixture(scope="module")
def ref(raw):
    return summarize(raw, draws=2000, seed=3)


def test_headline_figures_are_the_cost_models(ref, raw):
    result = costmodel.evaluate(costmodel.validate(raw))
    focus = min(("sam", "ssl"), key=lambda o: result["options"][o]["present_cost"])
    h = headline(ref, "en")
    savings = result["options"][focus]["npv_savings_vs_manual"]
    assert h["savings"] == i18n.money_compact(savings, raw["currency"], "en")
    assert h["payback"] == i18n.months(result["options"][focus]["payback_months"], "en")
    assert h["savings"] in h["sentence"] and h["payback"] in h["sentence"]
    assert h["p_cheapest"] == i18n.percent(ref["monte_carlo"]["p_cheapest"][focus], "en")
    assert ref["monte_carlo"]["draws"] == 2000 and ref["monte_carlo"]["seed"] == 3


def test_japanese_headline_carries_the_same_numbers(ref):
    en, ja = headline(ref, "en"), headline(ref, "ja")
    assert ja["sentence"].endswith("です。")
    assert ja["cost_per_study"] == en["cost_per_study"]
    assert ja["payback"].replace("か月", "") == en["payback"].replace(" months", "")
    assert ja["savings"] in ja["sentence"]


def test_keep_manual_when_nothing_saves(raw):
    slow = copy.deepcopy(raw)
    slow["options"]["ssl"]["failure_rate"] = 1.0
    slow["options"]["sam"]["failure_rate"] = 1.0
    slow["options"]["sam"]["prompt_seconds_per_structure"] = 30
    s = summarize(slow, draws=0)
    assert s["monte_carlo"] is None
    assert headline(s, "en")["sentence"].startswith("Keep manual tracing")
    assert savings_range(s, "en") is None


def test_invalid_scenario_raises_the_cost_models_error(raw):
    bad = copy.deepcopy(raw)
    bad["labour"]["engineer_wage_per_hour"] = -1
    with pytest.raises(costmodel.AssumptionError) as err:
        summarize(bad, draws=0)
    assert err.value.field == "labour.engineer_wage_per_hour"


def test_every_assumption_has_provenance_and_appears_in_the_table(ref):
    scenario = ref["scenario"]
    prov = field_provenance(scenario)
    assert set(scenario.point) <= set(prov)
    assert all(p["kind"] in costmodel.PROVENANCE_KINDS for p in prov.values())
    rows = assumption_rows(ref, "en")
    assert {r["field"] for r in rows} >= set(scenario.point)
    wage = next(r for r in rows if r["field"] == "labour.clinician_wage_per_hour")
    assert wage["kind"] == "published" and wage["value"].startswith("$37.38/h")


def test_currency_comes_from_the_scenario(raw):
    yen = copy.deepcopy(raw)
    yen["currency"] = "JPY"
    s = summarize(yen, draws=0)
    en, ja = headline(s, "en"), headline(s, "ja")
    assert en["savings"].startswith("¥") and en["cost_per_study"]["ssl"].startswith("¥")
    assert ja["savings"].startswith("￥") and ja["savings"].endswith("万")  # CLDR: the yen sign, then 万
    rows = assumption_rows(s, "en")
    assert next(r for r in rows if r["field"] == "labour.engineer_wage_per_hour")["value"].startswith("¥")
