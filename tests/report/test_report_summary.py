"""The shared scenario summary: headline text follows the cost model's numbers in both languages."""

import copy
import re

import pytest

from hand_costs import ssl_against_manual_by_hand

from engine import costmodel, reference
from engine.report.summary import assumption_rows, field_provenance, headline, savings_range, summarize


@pytest.fixture(scope="module")
def raw():
    return reference.reference_scenario()


@pytest.fixture(scope="module")
def ref(raw):
    return summarize(raw, draws=2000, seed=3)


def test_headline_figures_are_the_cost_models(ref, raw):
    savings, payback = ssl_against_manual_by_hand(costmodel.validate(raw).point)
    h = headline(ref, "en")
    assert h["option"] == "Label-free SSL"
    # "$44.7K" (CLDR short form): three significant figures of the savings worked out by hand
    amount = re.fullmatch(r"\$([\d.]+)K", h["savings"])
    assert amount and float(amount[1]) * 1e3 == pytest.approx(savings, abs=50)
    months = re.fullmatch(r"([\d.]+) months", h["payback"])
    assert months and float(months[1]) == pytest.approx(payback, abs=0.05)
    assert h["savings"] in h["sentence"] and h["payback"] in h["sentence"]
    share = ref["monte_carlo"]["p_cheapest"]["ssl"]
    assert h["p_cheapest"] == f"{share * 100:.0f}%" and h["p_cheapest"] in h["sentence"]
    assert ref["monte_carlo"]["draws"] == 2000 and ref["monte_carlo"]["seed"] == 3


def test_the_answer_is_the_cost_models_cheapest_option(raw):
    """One answer: the headline speaks of `evaluate`'s cheapest option, or keeps manual tracing when
    that is the cheapest - at every volume, whichever option wins there."""
    seen = set()
    for volume in (50, 300, 1000, 10_000, 200_000):
        case = copy.deepcopy(raw)
        case["workload"]["studies_per_year"] = volume
        s = summarize(case, draws=0)
        cheapest = costmodel.evaluate(costmodel.validate(case))["cheapest"]
        sentence = headline(s, "en")["sentence"]
        seen.add(cheapest)
        if cheapest == "manual":
            assert sentence.startswith("Keep manual tracing"), (volume, sentence)
        else:
            assert sentence.startswith(headline(s, "en")["option"] + " saves"), (volume, sentence)
            assert s["best"] == cheapest
    assert seen == {"manual", "ssl"}  # both branches were taken


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
