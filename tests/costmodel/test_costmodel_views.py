"""What the dashboard and the PDF read: cumulative cost, breakdown, sweep."""

from __future__ import annotations

import pytest

from cm_cases import base
from engine import costmodel
from engine.costmodel import OPTIONS, AssumptionError


def scenario(**changes):
    return costmodel.validate(base(**{"discount_rate": 0.05, "horizon_years": 4, **changes}))


def test_cumulative_ends_at_present_cost_and_counts_setup_at_year_zero():
    s = scenario()
    cum = costmodel.cumulative(s)
    ev = costmodel.evaluate(s)["options"]
    assert cum["years"] == [0, 1, 2, 3, 4]
    for opt in OPTIONS:
        c = cum["options"][opt]
        assert c["discounted"][-1] == pytest.approx(ev[opt]["present_cost"])
        assert c["undiscounted"][0] == c["discounted"][0] == pytest.approx(ev[opt]["setup_cost"])
        assert c["undiscounted"][-1] == pytest.approx(ev[opt]["setup_cost"] + 4 * ev[opt]["annual_cost"])
        assert c["discounted"][1] == pytest.approx(ev[opt]["setup_cost"] + ev[opt]["annual_cost"] / 1.05)


def test_breakdown_adds_up_to_evaluate():
    for changes in ({}, {"hardware.mode": "on_prem"}, {"hardware.mode": "on_prem", "hardware.dedicated": False}):
        s = scenario(**changes)
        b = costmodel.breakdown(s)
        ev = costmodel.evaluate(s)["options"]
        for opt in OPTIONS:
            assert b[opt]["labour"] + b[opt]["compute"] + b[opt]["maintenance"] == pytest.approx(ev[opt]["annual_cost"])
            assert b[opt]["annual"] == pytest.approx(ev[opt]["annual_cost"])
            assert sum(b[opt]["setup_parts"].values()) == pytest.approx(ev[opt]["setup_cost"])
            assert sum(b[opt]["compute_parts"].values()) == pytest.approx(ev[opt]["compute_cost_per_year"])
    cloud = costmodel.breakdown(scenario())["sam"]["compute_parts"]
    assert cloud["gpu_rental"] == pytest.approx(4) and cloud["server"] == 0
    ssl_setup = costmodel.breakdown(scenario())["ssl"]["setup_parts"]
    assert ssl_setup == pytest.approx({"engineering": 2000, "labelling": 60, "training": 6})


def test_sweep_matches_point_evaluations():
    s = scenario()
    sw = costmodel.sweep(s, values=[100, 1000, 10000])
    for i, v in enumerate([100, 1000, 10000]):
        ev = costmodel.evaluate(s.with_values({"workload.studies_per_year": v}))["options"]
        for opt in OPTIONS:
            assert sw["options"][opt][i] == pytest.approx(ev[opt]["present_cost"])
    default = costmodel.sweep(s, field="labour.clinician_wage_per_hour", output="annual_cost")
    assert len(default["values"]) == 50
    with pytest.raises(AssumptionError):
        costmodel.sweep(s, values=[0])
    with pytest.raises(AssumptionError):
        costmodel.sweep(s, output="happiness")


def test_uncertain_fields_lists_ranges_in_schema_order():
    s = costmodel.validate(
        base(
            **{
                "options.sam.failure_rate": {"value": 0.5, "low": 0.3, "high": 0.6},
                "discount_rate": {"value": 0.0, "low": 0.0, "high": 0.05, "dist": "uniform"},
            }
        )
    )
    assert costmodel.uncertain_fields(s) == [
        {"field": "discount_rate", "value": 0.0, "low": 0.0, "high": 0.05, "dist": "uniform"},
        {"field": "options.sam.failure_rate", "value": 0.5, "low": 0.3, "high": 0.6, "dist": "triangular"},
    ]


def test_field_schema_describes_every_field():
    for path, f in costmodel.FIELDS.items():
        assert f.path == path and f.unit and f.description and f.minimum <= f.maximum
        assert f.check(f.minimum) is None and f.check(f.maximum) is None
        assert f.describe_range()
