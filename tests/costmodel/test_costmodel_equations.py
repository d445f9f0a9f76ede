"""Hand-computed cases for each equation of DESIGN.md "Cost model", cloud and on-prem."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from cm_cases import base
from engine import costmodel

approx = pytest.approx


def ev(raw):
    return costmodel.evaluate(costmodel.validate(raw))


def test_human_hours_and_labour_per_option():
    out = ev(base())["options"]
    # manual: N_s * t = 4000 * 30 s = 120000 s; at 0.01/s
    assert out["manual"]["human_hours_per_year"] == approx(120000 / 3600)
    assert out["manual"]["labour_cost_per_year"] == approx(1200)
    # sam: 4000 * (5 + 0.5 * 30) + 1000 * 20 = 100000 s
    assert out["sam"]["human_hours_per_year"] == approx(100000 / 3600)
    assert out["sam"]["labour_cost_per_year"] == approx(1000)
    # ssl: 4000 * 0.25 * 30 + 1000 * 20 = 50000 s
    assert out["ssl"]["human_hours_per_year"] == approx(50000 / 3600)
    assert out["ssl"]["labour_cost_per_year"] == approx(500)


def test_overhead_loads_both_wages():
    out = ev(base(**{"labour.overhead_fraction": 0.5}))["options"]
    assert out["manual"]["labour_cost_per_year"] == approx(1800)
    # sam maintenance 10 h * 100 * 1.5 and setup 10 h * 150
    assert out["sam"]["annual_cost"] - out["sam"]["labour_cost_per_year"] - out["sam"][
        "compute_cost_per_year"
    ] == approx(1500)
    assert out["sam"]["setup_cost"] == approx(1500)


def test_cloud_compute_setup_and_totals():
    out = ev(base())["options"]
    # sam busy B = 2000 * 0.9 + 4000 * 0.45 = 3600 s = 1 h; / 0.5 utilization * 2/h = 4
    assert out["sam"]["compute_cost_per_year"] == approx(4)
    # ssl busy 2000 * 0.09 = 180 s = 0.05 h -> 0.1 paid hours * 2 = 0.2
    assert out["ssl"]["compute_cost_per_year"] == approx(0.2)
    assert out["manual"]["compute_cost_per_year"] == 0
    assert out["sam"]["annual_cost"] == approx(1000 + 4 + 1000)  # + 10 h maintenance * 100
    assert out["ssl"]["annual_cost"] == approx(500 + 0.2 + 100)
    assert out["sam"]["setup_cost"] == approx(1000)  # 10 h engineering
    # ssl: 20 h * 100 + 100 images * 2 structures * 30 s / 3600 * 36 + 3 GPU-h * 2/h
    assert out["ssl"]["setup_cost"] == approx(2000 + 60 + 6)


def test_present_cost_npv_roi_payback_cost_per_study():
    out = ev(base())["options"]  # r = 0, H = 2 -> A = 2
    assert out["manual"]["present_cost"] == approx(2400)
    assert out["sam"]["present_cost"] == approx(1000 + 2 * 2004)
    assert out["ssl"]["present_cost"] == approx(2066 + 2 * 600.2)
    assert out["sam"]["npv_savings_vs_manual"] == approx(2400 - 5008)
    assert out["ssl"]["npv_savings_vs_manual"] == approx(2400 - 3266.4)
    assert out["ssl"]["roi"] == approx((2400 - 3266.4) / 2066)
    assert out["ssl"]["payback_months"] == approx(12 * 2066 / (1200 - 600.2))
    assert out["sam"]["payback_months"] is None  # sam costs more per year than manual
    assert out["manual"]["roi"] is None and out["manual"]["payback_months"] is None
    assert out["manual"]["npv_savings_vs_manual"] == 0
    assert out["ssl"]["cost_per_study"] == approx(0.6002)


def test_annuity_factor_discounts_each_year():
    out = ev(base(**{"discount_rate": 0.1, "horizon_years": 3}))["options"]
    a = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3
    assert out["manual"]["present_cost"] == approx(1200 * a)
    assert out["ssl"]["present_cost"] == approx(2066 + 600.2 * a)
    neg = ev(base(**{"discount_rate": -0.1, "horizon_years": 2}))["options"]
    assert neg["manual"]["present_cost"] == approx(1200 * (1 / 0.9 + 1 / 0.81))


def test_on_prem_dedicated_server():
    out = ev(base(**{"hardware.mode": "on_prem"}))["options"]
    # sam energy 2000 * 360 + 4000 * 180 J = 0.4 kWh * 1.5 PUE * 0.2 = 0.12, + 40000 / 4 server
    assert out["sam"]["compute_cost_per_year"] == approx(0.12 + 10000)
    # ssl energy 2000 * 36 J = 0.02 kWh * 0.3 = 0.006
    assert out["ssl"]["compute_cost_per_year"] == approx(0.006 + 10000)
    # training on-prem: 3 h * 500 W = 1.5 kWh * 1.5 * 0.2 = 0.45
    assert out["ssl"]["setup_cost"] == approx(2000 + 60 + 0.45)


def test_on_prem_shared_server_share():
    out = ev(base(**{"hardware.mode": "on_prem", "hardware.dedicated": False}))["options"]
    # sam busy 1 h of 8760 * 0.5 usable hours
    assert out["sam"]["compute_cost_per_year"] == approx(0.12 + 10000 / 4380)
    assert out["ssl"]["compute_cost_per_year"] == approx(0.006 + 10000 * 0.05 / 4380)


def test_shared_server_share_caps_at_one():
    raw = base(
        **{"hardware.mode": "on_prem", "hardware.dedicated": False, "options.sam.profile.seconds_per_image": 3600.0}
    )  # 2000 GPU-h/yr > 4380 * ... no: cap
    raw["workload"]["studies_per_year"] = 10000  # 20000 h busy > 4380 usable
    out = ev(raw)["options"]
    energy = (20000 * 360 + 40000 * 180) / 3.6e6 * 0.3
    assert out["sam"]["compute_cost_per_year"] == approx(energy + 10000)


def test_cheapest_is_lowest_present_cost():
    r = ev(base())
    assert r["cheapest"] == "manual"
    r = ev(base(**{"workload.studies_per_year": 100000}))
    assert r["cheapest"] == "ssl"
    assert set(r) == {"options", "break_even_studies_per_year", "cheapest", "cheapest_by_volume"}
    assert list(r["options"]) == ["manual", "sam", "ssl"]
    assert all(list(o) == list(costmodel.OUTPUTS) for o in r["options"].values())


def test_break_even_closed_form_cloud():
    raw = base(**{"options.sam.engineering_hours": 0, "options.sam.maintenance_hours_per_year": 0})
    # present sam = 2 * 1.004 V ; present ssl = 2066 + 2 * (0.5002 V + 100)
    v = ev(raw)["break_even_studies_per_year"]
    assert v == approx(2266 / (2 * 1.004 - 2 * 0.5002))
    at = ev(
        base(
            **{
                "options.sam.engineering_hours": 0,
                "options.sam.maintenance_hours_per_year": 0,
                "workload.studies_per_year": v,
            }
        )
    )["options"]
    assert at["sam"]["present_cost"] == approx(at["ssl"]["present_cost"])


def test_break_even_none_when_lines_do_not_cross():
    # sam is dearer per study and in fixed costs: never equal at V > 0
    assert ev(base())["break_even_studies_per_year"] is None


def test_break_even_none_when_beyond_limit():
    raw = base(
        **{
            "options.sam.engineering_hours": 0,
            "options.sam.maintenance_hours_per_year": 0,
            "options.ssl.engineering_hours": 1e6,
            "options.ssl.maintenance_hours_per_year": 1e5,
        }
    )
    # crossing near (1e8 + 2e7) / 1.0076 studies/year, beyond 1e8
    assert ev(raw)["break_even_studies_per_year"] is None


def _reference_difference(raw, v):
    """present(sam) - present(ssl) at volume v, written out independently of the library."""
    w = raw["labour"]["clinician_wage_per_hour"] / 3600
    we = raw["labour"]["engineer_wage_per_hour"]
    hw = raw["hardware"]
    f, s = raw["workload"]["frames_per_study"], raw["workload"]["structures_per_frame"]
    t = raw["options"]["manual"]["seconds_per_structure"]
    a = sum((1 + raw["discount_rate"]) ** -y for y in range(1, raw["horizon_years"] + 1))
    total = []
    for opt in ("sam", "ssl"):
        o = raw["options"][opt]
        pr = o["profile"]
        human = (
            f * s * (o.get("prompt_seconds_per_structure", 0) + o["failure_rate"] * t) + o["review_seconds_per_study"]
        )
        busy = v * (f * pr["seconds_per_image"] + f * s * pr.get("seconds_per_prompt", 0))
        joules = v * (f * pr["joules_per_image"] + f * s * pr.get("joules_per_prompt", 0))
        share = min(1.0, busy / 3600 / (8760 * hw["utilization"]))
        compute = (
            joules / 3.6e6 * hw["pue"] * hw["energy_price_per_kwh"]
            + hw["server_capex"] / hw["amortization_years"] * share
        )
        annual = v * human * w + compute + o["maintenance_hours_per_year"] * we
        setup = (
            o["engineering_hours"] * we
            + o["label_images"] * s * t * w
            + o["training_gpu_hours"] * pr["average_power_watts"] / 1000 * hw["pue"] * hw["energy_price_per_kwh"]
        )
        total.append(setup + a * annual)
    return total[0] - total[1]


def test_break_even_piecewise_shared_server_beyond_the_kink():
    # sam: cheap to set up, but its GPU share of a shared server grows with volume until it saturates at
    # V = 4380 h / 2000 s per study ~ 7884 studies/year; ssl: expensive setup, cheaper labour.
    raw = base(
        **{
            "hardware.mode": "on_prem",
            "hardware.dedicated": False,
            "hardware.server_capex": 400000,
            "options.sam.profile.seconds_per_image": 1000.0,
            "options.sam.engineering_hours": 0,
            "options.sam.maintenance_hours_per_year": 0,
            "options.ssl.engineering_hours": 5000,
            "options.sam.failure_rate": 0.3,
        }
    )
    v = ev(raw)["break_even_studies_per_year"]
    assert v is not None
    kink = 4380 * 3600 / 2000.9
    assert v > kink  # the root lies on the saturated piece
    assert _reference_difference(raw, v) == approx(0, abs=1e-6 * 20000)
    expected = brentq(lambda x: _reference_difference(raw, x), kink, 1e8, xtol=1e-9)
    assert v == approx(expected, rel=1e-9)
    grid = np.geomspace(1e-3, v * (1 - 1e-9), 4000)
    signs = np.sign([_reference_difference(raw, x) for x in grid])
    assert np.all(signs == signs[0])  # no earlier crossing


def test_break_even_root_before_the_kink():
    raw = base(
        **{
            "hardware.mode": "on_prem",
            "hardware.dedicated": False,
            "options.sam.engineering_hours": 0,
            "options.sam.maintenance_hours_per_year": 0,
        }
    )
    v = ev(raw)["break_even_studies_per_year"]
    expected = brentq(lambda x: _reference_difference(raw, x), 1e-6, 1e8, xtol=1e-9)
    assert v == approx(expected, rel=1e-9)


def test_roi_none_when_setup_is_zero():
    raw = base(**{"options.sam.engineering_hours": 0})
    assert ev(raw)["options"]["sam"]["roi"] is None


def test_payback_zero_months_when_no_setup_and_a_saving():
    raw = base(
        **{"options.ssl.engineering_hours": 0, "options.ssl.label_images": 0, "options.ssl.training_gpu_hours": 0}
    )
    assert ev(raw)["options"]["ssl"]["payback_months"] == 0


def test_scalar_and_array_evaluation_agree():
    from engine.costmodel.equations import outputs

    s = costmodel.validate(base())
    p = dict(s.point)
    p["workload.studies_per_year"] = np.array([500.0, 1000.0, 2000.0])
    arr = outputs(p, s.options)
    for i, v in enumerate([500, 1000, 2000]):
        one = ev(base(**{"workload.studies_per_year": v}))["options"]
        for opt in costmodel.OPTIONS:
            for k in ("annual_cost", "present_cost", "setup_cost"):
                assert float(np.broadcast_to(arr["options"][opt][k], (3,))[i]) == approx(one[opt][k])
    # the break-even volume does not depend on the current volume: one value, here none (NaN)
    assert np.ndim(arr["break_even"]) == 0
    assert math.isnan(float(arr["break_even"]))


@pytest.mark.parametrize("mode,dedicated", [("cloud", True), ("on_prem", True), ("on_prem", False)])
def test_vectorised_break_even_agrees_with_the_scalar_path(mode, dedicated):
    from engine.costmodel.equations import outputs
    from engine.costmodel.uncertainty import _draw

    raw = base(
        **{
            "hardware.mode": mode,
            "hardware.dedicated": dedicated,
            "options.sam.engineering_hours": {"value": 10, "low": 0, "high": 3000},
            "options.ssl.engineering_hours": {"value": 20, "low": 0, "high": 3000},
            "options.sam.profile.seconds_per_image": {"value": 0.9, "low": 0, "high": 2000},
            "options.sam.failure_rate": {"value": 0.5, "low": 0, "high": 1},
            "hardware.server_capex": {"value": 40000, "low": 0, "high": 400000},
        }
    )
    s = costmodel.validate(raw)
    draws = _draw(s, 300, np.random.default_rng(5))
    arr = outputs({**s.point, **draws}, s.options)["break_even"]
    found = 0
    for i in range(300):
        one = outputs({**s.point, **{k: float(v[i]) for k, v in draws.items()}}, s.options)
        scalar = float(one["break_even"])
        if math.isnan(scalar):
            assert math.isnan(arr[i])
        else:
            found += 1
            assert arr[i] == approx(scalar, rel=1e-9)
    assert found > 10
