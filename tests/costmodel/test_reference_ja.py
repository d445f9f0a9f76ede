"""The Japanese reference scenario: yen, Japanese wages, electricity and discounting, each cited."""

import pytest

from engine import costmodel, reference_ja


def test_it_is_valid_in_yen_and_every_money_figure_has_a_source():
    raw = reference_ja.reference_scenario()
    scenario = costmodel.validate(raw)
    assert raw["currency"] == "JPY"
    prov = raw["provenance"]
    for field in costmodel.money_fields(raw):
        assert prov[field]["source"], field
    # 臨床検査技師 2023: 351,400 yen x 12 + 868,100 yen = 5,084,900 yen a year over 173 h x 12 = 2,076 h
    assert raw["labour"]["clinician_wage_per_hour"]["value"] == pytest.approx(5_084_900 / 2_076, abs=0.5)
    assert prov["labour.clinician_wage_per_hour"]["kind"] == "published"
    assert "賃金構造基本統計調査" in prov["labour.clinician_wage_per_hour"]["source"]
    assert raw["hardware"]["energy_price_per_kwh"]["value"] == 29.38
    assert "TEPCO" in prov["hardware.energy_price_per_kwh"]["source"]
    # no Japanese cloud GPU price was found: the US price converted, and marked assumed, not published
    assert prov["hardware.gpu_price_per_hour"]["kind"] == "assumed"
    assert raw["hardware"]["gpu_price_per_hour"]["value"] == round(3.99 * 157.86)
    assert raw["discount_rate"]["value"] == 0.02
    assert all(f in scenario.provenance for f in scenario.point)
