"""Changing a scenario's currency converts every amount at a stated rate, ranges and provenance with it."""

import pytest

from engine import costmodel, reference


def test_every_amount_and_its_range_is_converted_and_cited():
    raw = reference.reference_scenario()
    out = costmodel.convert_currency(raw, "JPY", 150, "2026-11-02", "a bank's reference rate")
    assert out["currency"] == "JPY" and raw["currency"] == "USD"  # the input is left alone
    wage = out["labour"]["clinician_wage_per_hour"]
    # by hand: 37.38 x 150 = 5607; 28.67 x 150 = 4300.5; 48.87 x 150 = 7330.5
    assert (wage["value"], wage["low"], wage["high"]) == pytest.approx((5607, 4300.5, 7330.5))
    assert out["hardware"]["gpu_price_per_hour"]["value"] == pytest.approx(3.99 * 150)
    assert out["hardware"]["energy_price_per_kwh"]["value"] == pytest.approx(22.5)
    # what is not money stays as it was
    assert out["workload"] == raw["workload"] and out["discount_rate"] == raw["discount_rate"]
    assert out["options"]["sam"]["failure_rate"] == raw["options"]["sam"]["failure_rate"]
    src = out["provenance"]["labour.clinician_wage_per_hour"]
    assert src["kind"] == "published" and src["source"].startswith("US BLS OEWS")
    assert "converted from USD at 150 JPY per USD (2026-11-02, a bank's reference rate)" in src["source"]
    assert set(costmodel.money_fields(raw)) == {
        "labour.clinician_wage_per_hour",
        "labour.engineer_wage_per_hour",
        "hardware.gpu_price_per_hour",
        "hardware.energy_price_per_kwh",
        "hardware.server_capex",
    }
    costmodel.validate(out)


def test_costs_scale_with_the_rate():
    raw = reference.reference_scenario()
    before = costmodel.evaluate(costmodel.validate(raw))["options"]
    after = costmodel.evaluate(costmodel.validate(costmodel.convert_currency(raw, "EUR", 0.5, "d", "s")))["options"]
    for name in before:  # every cost is money: half the dollars, in euros
        assert after[name]["present_cost"] == pytest.approx(before[name]["present_cost"] * 0.5)
        assert after[name]["human_hours_per_year"] == pytest.approx(before[name]["human_hours_per_year"])


@pytest.mark.parametrize(
    "rate,date,source,words",
    [
        (0, "d", "s", "greater than 0"),
        (-1, "d", "s", "greater than 0"),
        (float("nan"), "d", "s", "greater than 0"),
        ("x", "d", "s", "must be a number"),
        (1.1, "", "s", "date and its source"),
        (1.1, "d", " ", "date and its source"),
    ],
)
def test_a_rate_without_its_date_and_source_is_refused(rate, date, source, words):
    with pytest.raises(costmodel.AssumptionError, match=words):
        costmodel.convert_currency(reference.reference_scenario(), "EUR", rate, date, source)


def test_an_unknown_currency_is_refused():
    with pytest.raises(costmodel.AssumptionError, match="must be one of"):
        costmodel.convert_currency(reference.reference_scenario(), "GBP", 0.8, "d", "s")
