"""Monte Carlo and tornado: distributions, seeding, convergence, sorting."""

from __future__ import annotations

import numpy as np
import pytest

from cm_cases import base
from engine import costmodel
from engine.costmodel import OPTIONS, OUTPUTS, AssumptionError
from engine.costmodel.uncertainty import _draw

RANGED = {
    "labour.clinician_wage_per_hour": {"value": 36, "low": 20, "high": 60},
    "options.sam.failure_rate": {"value": 0.5, "low": 0.2, "high": 0.9, "dist": "uniform"},
    "options.ssl.failure_rate": {"value": 0.25, "low": 0.05, "high": 0.45, "dist": "beta"},
    "labour.engineer_wage_per_hour": {"value": 100, "low": 60, "high": 140, "dist": "normal"},
    "hardware.gpu_price_per_hour": {"value": 2, "low": 2, "high": 7},
    "horizon_years": {"value": 3, "low": 1, "high": 6},
}


def ranged(**extra):
    return costmodel.validate(base(**{"workload.studies_per_year": 20000, **RANGED, **extra}))


def test_draws_follow_their_distributions():
    s = ranged()
    d = _draw(s, 200_000, np.random.default_rng(1))
    u = d["options.sam.failure_rate"]
    assert u.min() >= 0.2 and u.max() <= 0.9 and u.mean() == pytest.approx(0.55, abs=0.003)
    t = d["labour.clinician_wage_per_hour"]
    assert t.min() >= 20 and t.max() <= 60 and t.mean() == pytest.approx((20 + 36 + 60) / 3, abs=0.1)
    n = d["labour.engineer_wage_per_hour"]
    # normal: low..high is the 95 % range around the value
    assert np.percentile(n, 2.5) == pytest.approx(60, abs=0.5)
    assert np.percentile(n, 97.5) == pytest.approx(140, abs=0.5)
    b = d["options.ssl.failure_rate"]
    assert np.percentile(b, 2.5) == pytest.approx(0.05, abs=0.003)
    assert np.percentile(b, 97.5) == pytest.approx(0.45, abs=0.003)
    h = d["horizon_years"]
    assert set(np.unique(h)) <= set(range(1, 7)) and np.all(h == np.round(h))


def test_a_lopsided_normal_is_refused_and_a_beta_takes_its_place():
    # today's bug: value 0.02, range 0-0.5 as a clipped normal drew 0 in 44 % of the draws
    with pytest.raises(AssumptionError) as info:
        ranged(**{"options.ssl.failure_rate": {"value": 0.02, "low": 0, "high": 0.5, "dist": "normal"}})
    assert (
        info.value.field == "options.ssl.failure_rate" and "lognormal" in str(info.value) and "beta" in str(info.value)
    )
    s = ranged(**{"options.ssl.failure_rate": {"value": 0.02, "low": 0.001, "high": 0.5, "dist": "beta"}})
    d = _draw(s, 200_000, np.random.default_rng(2))["options.ssl.failure_rate"]
    assert np.mean(d == d.min()) < 1e-4 and d.min() > 0 and d.max() < 1
    assert np.percentile(d, 97.5) == pytest.approx(0.5, abs=0.005)


def test_monte_carlo_shape_and_seeding():
    s = ranged()
    a = costmodel.monte_carlo(s, n=2000, seed=7)
    b = costmodel.monte_carlo(s, n=2000, seed=7)
    c = costmodel.monte_carlo(s, n=2000, seed=8)
    assert a == b and a != c
    assert a["draws"] == 2000 and a["seed"] == 7
    assert a["uncertain_fields"] == [f for f in s.fields if f in RANGED]
    assert set(a["percentiles"]) == set(OPTIONS)
    for opt in OPTIONS:
        assert list(a["percentiles"][opt]) == list(OUTPUTS)
        pc = a["percentiles"][opt]["present_cost"]
        assert pc["p5"] <= pc["p50"] <= pc["p95"]
    assert sum(a["p_cheapest"].values()) == pytest.approx(1.0)
    assert a["percentiles"]["manual"]["roi"] == {"p5": None, "p50": None, "p95": None}
    assert 0 <= a["break_even_studies_per_year"]["p_exists"] <= 1


def test_monte_carlo_mean_converges_to_point_for_a_linear_output():
    # manual's present cost is linear in the wage; a symmetric range averages to the point value
    s = costmodel.validate(
        base(**{"labour.clinician_wage_per_hour": {"value": 36, "low": 20, "high": 52, "dist": "normal"}})
    )
    point = costmodel.evaluate(s)["options"]["manual"]["present_cost"]
    mc = costmodel.monte_carlo(s, n=200_000, seed=3)
    assert mc["percentiles"]["manual"]["present_cost"]["p50"] == pytest.approx(point, rel=0.005)


def test_monte_carlo_narrow_ranges_converge_to_point():
    raw = base(
        **{
            f: {"value": v, "low": v * 0.999999, "high": v * 1.000001}
            for f, v in [
                ("labour.clinician_wage_per_hour", 36),
                ("options.sam.failure_rate", 0.5),
                ("hardware.gpu_price_per_hour", 2.0),
            ]
        }
    )
    s = costmodel.validate(raw)
    point = costmodel.evaluate(s)
    mc = costmodel.monte_carlo(s, n=1000, seed=0)
    for opt in OPTIONS:
        assert mc["percentiles"][opt]["present_cost"]["p50"] == pytest.approx(
            point["options"][opt]["present_cost"], rel=1e-5
        )


def test_payback_percentiles_treat_never_as_infinite():
    s = ranged()
    mc = costmodel.monte_carlo(s, n=4000, seed=0)
    sam = mc["percentiles"]["sam"]["payback_months"]
    assert sam["p95"] is None  # sam costs more per year than manual in most draws: never pays back


@pytest.mark.parametrize("n,seed", [(0, 0), (-1, 0), (True, 0), (10, -1), (2_000_000, 0), (1.5, 0)])
def test_monte_carlo_rejects_bad_settings(n, seed):
    with pytest.raises(AssumptionError):
        costmodel.monte_carlo(ranged(), n=n, seed=seed)


def test_monte_carlo_without_ranges_is_the_point():
    s = costmodel.validate(base())
    mc = costmodel.monte_carlo(s, n=10, seed=0)
    point = costmodel.evaluate(s)
    assert mc["uncertain_fields"] == []
    assert mc["percentiles"]["ssl"]["annual_cost"]["p50"] == pytest.approx(point["options"]["ssl"]["annual_cost"])
    assert mc["p_cheapest"][point["cheapest"]] == 1.0


def test_tornado_rows_sorted_by_swing_and_consistent_with_evaluate():
    s = ranged()
    rows = costmodel.tornado(s)
    assert [r["field"] for r in rows] and len(rows) == len(RANGED)
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    point = costmodel.evaluate(s)["options"]
    assert rows[0]["base"] == pytest.approx(point["sam"]["present_cost"] - point["ssl"]["present_cost"])
    for r in rows:
        lo = costmodel.evaluate(s.with_values({r["field"]: r["low"]}))["options"]
        assert r["output_at_low"] == pytest.approx(lo["sam"]["present_cost"] - lo["ssl"]["present_cost"])
        assert r["swing"] == pytest.approx(abs(r["output_at_high"] - r["output_at_low"]))
    # a range with mode at its low end: output at low equals the base
    price = next(r for r in rows if r["field"] == "hardware.gpu_price_per_hour")
    assert price["output_at_low"] == pytest.approx(price["base"])


def test_tornado_other_outputs_and_top():
    s = ranged()
    rows = costmodel.tornado(s, output="ssl.npv_savings_vs_manual", top=2)
    assert len(rows) == 2 and rows[0]["output"] == "ssl.npv_savings_vs_manual"
    wage = costmodel.tornado(s, output="manual.present_cost")
    assert wage[0]["field"] in ("labour.clinician_wage_per_hour", "horizon_years")
    assert all(r["swing"] == 0 for r in wage if r["field"].startswith("options."))
    costmodel.tornado(s, output="break_even_studies_per_year")
    with pytest.raises(AssumptionError):
        costmodel.tornado(s, output="ssl.happiness")


def test_tornado_without_ranges_is_empty():
    assert costmodel.tornado(costmodel.validate(base())) == []
