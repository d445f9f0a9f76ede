"""One invalid-input case per validation rule; each message names the offending field."""

from __future__ import annotations

import copy
import json

import pytest

from cm_cases import BASE, base, del_path, set_path
from engine import costmodel
from engine.costmodel import AssumptionError

R = {"value": 37, "low": 30, "high": 40}

# (description, dotted path to set (or delete with DELETE), value, expected field, message fragment)
DELETE = object()
CASES = [
    ("unknown top-level key", "colour", "red", "colour", "unknown key"),
    ("unknown nested key", "labour.wage", 3, "labour.wage", "unknown key"),
    (
        "unknown key in a range",
        "labour.clinician_wage_per_hour",
        {**R, "mean": 3},
        "labour.clinician_wage_per_hour.mean",
        "unknown key",
    ),
    ("missing wage", "labour.clinician_wage_per_hour", DELETE, "labour.clinician_wage_per_hour", "missing"),
    ("missing name", "name", DELETE, "name", "missing"),
    ("missing hardware", "hardware", DELETE, "hardware", "missing"),
    ("missing mode", "hardware.mode", DELETE, "hardware.mode", "missing"),
    ("missing cloud price", "hardware.gpu_price_per_hour", DELETE, "hardware.gpu_price_per_hour", "missing"),
    (
        "missing profile figure",
        "options.ssl.profile.joules_per_image",
        DELETE,
        "options.ssl.profile.joules_per_image",
        "missing",
    ),
    (
        "missing sam prompt time",
        "options.sam.prompt_seconds_per_structure",
        DELETE,
        "options.sam.prompt_seconds_per_structure",
        "missing",
    ),
    ("text as number", "labour.clinician_wage_per_hour", "37.38", "labour.clinician_wage_per_hour", "got text"),
    ("bool as number", "workload.studies_per_year", True, "workload.studies_per_year", "true/false"),
    ("null as number", "labour.overhead_fraction", None, "labour.overhead_fraction", "got null"),
    ("list as number", "discount_rate", [0.03], "discount_rate", "a list"),
    ("group not an object", "labour", 5, "labour", "must be an object"),
    ("profile not an object", "options.sam.profile", "fast", "options.sam.profile", "must be an object"),
    ("NaN", "labour.engineer_wage_per_hour", float("nan"), "labour.engineer_wage_per_hour", "finite"),
    ("infinity", "hardware.gpu_price_per_hour", float("inf"), "hardware.gpu_price_per_hour", "finite"),
    ("huge integer", "workload.studies_per_year", 10**400, "workload.studies_per_year", "usable number"),
    ("negative wage", "labour.clinician_wage_per_hour", -1, "labour.clinician_wage_per_hour", "negative"),
    ("negative engineer wage", "labour.engineer_wage_per_hour", -0.01, "labour.engineer_wage_per_hour", "negative"),
    ("utilization zero", "hardware.utilization", 0, "hardware.utilization", "greater than 0"),
    ("utilization above one", "hardware.utilization", 1.5, "hardware.utilization", "at most 1"),
    ("zero volume", "workload.studies_per_year", 0, "workload.studies_per_year", "greater than 0"),
    ("negative volume", "workload.studies_per_year", -10, "workload.studies_per_year", "greater than 0"),
    ("absurd volume", "workload.studies_per_year", 2e8, "workload.studies_per_year", "at most 1e+08"),
    ("frames below one", "workload.frames_per_study", 0.5, "workload.frames_per_study", "at least 1"),
    ("structures below one", "workload.structures_per_frame", 0, "workload.structures_per_frame", "at least 1"),
    ("failure rate below 0", "options.sam.failure_rate", -0.1, "options.sam.failure_rate", "negative"),
    ("failure rate above 1", "options.ssl.failure_rate", 1.01, "options.ssl.failure_rate", "at most 1"),
    ("discount rate -1", "discount_rate", -1, "discount_rate", "greater than -1"),
    ("discount rate below -1", "discount_rate", -3, "discount_rate", "greater than -1"),
    ("absurd discount rate", "discount_rate", 5, "discount_rate", "at most 1"),
    ("horizon zero", "horizon_years", 0, "horizon_years", "at least 1"),
    ("horizon absurd", "horizon_years", 51, "horizon_years", "at most 50"),
    ("horizon fractional", "horizon_years", 2.5, "horizon_years", "whole number"),
    ("absurd wage", "labour.clinician_wage_per_hour", 2e5, "labour.clinician_wage_per_hour", "at most"),
    ("absurd overhead", "labour.overhead_fraction", 11, "labour.overhead_fraction", "at most"),
    ("pue below one", "hardware.pue", 0.9, "hardware.pue", "at least 1"),
    ("amortization zero", "hardware.amortization_years", 0, "hardware.amortization_years", "greater than 0"),
    (
        "absurd seconds per image",
        "options.sam.profile.seconds_per_image",
        1e5,
        "options.sam.profile.seconds_per_image",
        "at most",
    ),
    (
        "range low above value",
        "labour.clinician_wage_per_hour",
        {"value": 30, "low": 35, "high": 40},
        "labour.clinician_wage_per_hour",
        "low <= value <= high",
    ),
    (
        "range value above high",
        "labour.clinician_wage_per_hour",
        {"value": 45, "low": 35, "high": 40},
        "labour.clinician_wage_per_hour",
        "low <= value <= high",
    ),
    (
        "range missing high",
        "labour.clinician_wage_per_hour",
        {"value": 37, "low": 30},
        "labour.clinician_wage_per_hour.high",
        "missing",
    ),
    (
        "range bound out of range",
        "options.sam.failure_rate",
        {"value": 0.3, "low": 0.1, "high": 1.2},
        "options.sam.failure_rate.high",
        "at most 1",
    ),
    ("range bound wrong type", "hardware.pue", {"value": 1.5, "low": "1.2", "high": 2}, "hardware.pue.low", "got text"),
    (
        "unknown dist",
        "labour.clinician_wage_per_hour",
        {**R, "dist": "gamma"},
        "labour.clinician_wage_per_hour.dist",
        "triangular, uniform, normal, lognormal, beta",
    ),
    (
        "dist not text",
        "labour.clinician_wage_per_hour",
        {**R, "dist": 3},
        "labour.clinician_wage_per_hour.dist",
        "triangular",
    ),
    (
        "horizon range fractional",
        "horizon_years",
        {"value": 3, "low": 2.5, "high": 4},
        "horizon_years.low",
        "whole number",
    ),
    ("unknown mode", "hardware.mode", "gpu", "hardware.mode", "cloud or on_prem"),
    ("mode not text", "hardware.mode", 1, "hardware.mode", "cloud or on_prem"),
    ("dedicated not bool", "hardware.dedicated", "yes", "hardware.dedicated", "true or false"),
    ("empty currency", "currency", " ", "currency", "empty"),
    ("name not text", "name", 7, "name", "must be text"),
    ("provenance not an object", "provenance", [], "provenance", "must be an object"),
    (
        "provenance unknown field",
        "provenance",
        {"labour.salary": {"kind": "assumed"}},
        "provenance.labour.salary",
        "names no assumption",
    ),
    (
        "provenance bad kind",
        "provenance",
        {"discount_rate": {"kind": "guessed", "source": "me"}},
        "provenance.discount_rate.kind",
        "measured, published, simulated, assumed",
    ),
    (
        "provenance missing kind",
        "provenance",
        {"discount_rate": {"source": "me"}},
        "provenance.discount_rate.kind",
        "missing",
    ),
    (
        "provenance unknown key",
        "provenance",
        {"discount_rate": {"kind": "assumed", "by": "me"}},
        "provenance.discount_rate.by",
        "unknown key",
    ),
    (
        "provenance source not text",
        "provenance",
        {"discount_rate": {"kind": "assumed", "source": 3}},
        "provenance.discount_rate.source",
        "must be text",
    ),
    (
        "profile provenance unknown key",
        "options.sam.profile.provenance",
        {"kind": "measured", "gpu": "x"},
        "options.sam.profile.provenance.gpu",
        "unknown key",
    ),
    (
        "profile provenance bad kind",
        "options.ssl.profile.provenance",
        {"kind": "real"},
        "options.ssl.profile.provenance.kind",
        "measured",
    ),
]


@pytest.mark.parametrize("desc,path,value,field,fragment", CASES, ids=[c[0] for c in CASES])
def test_each_rule_names_the_field(desc, path, value, field, fragment):
    raw = copy.deepcopy(BASE)
    if value is DELETE:
        del_path(raw, path)
    else:
        set_path(raw, path, value)
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(raw)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("raw", [None, [], "text", 3, True])
def test_top_level_must_be_an_object(raw):
    with pytest.raises(AssumptionError, match="must be an object"):
        costmodel.validate(raw)


def test_dedicated_is_required_on_prem_only():
    raw = base(**{"hardware.mode": "on_prem"})
    del raw["hardware"]["dedicated"]
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(raw)
    assert info.value.field == "hardware.dedicated"
    cloud = base()
    del cloud["hardware"]["dedicated"]
    assert costmodel.validate(cloud).mode == "cloud"


def test_fields_unused_in_a_mode_may_be_left_out():
    cloud = base()
    for key in ("energy_price_per_kwh", "pue", "server_capex", "amortization_years", "dedicated"):
        del cloud["hardware"][key]
    costmodel.validate(cloud)
    on_prem = base(**{"hardware.mode": "on_prem"})
    for key in ("gpu_price_per_hour", "utilization"):
        del on_prem["hardware"][key]
    costmodel.validate(on_prem)  # dedicated: utilization unused
    on_prem["hardware"]["dedicated"] = False
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(on_prem)
    assert info.value.field == "hardware.utilization"


def test_on_prem_training_needs_average_power():
    raw = base(**{"hardware.mode": "on_prem", "options.ssl.profile.average_power_watts": 0})
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(raw)
    assert info.value.field == "options.ssl.profile.average_power_watts"
    costmodel.validate(base(**{"options.ssl.profile.average_power_watts": 0}))  # cloud prices GPU-hours


def test_optional_fields_default_to_zero():
    raw = base()
    for key in ("label_images", "training_gpu_hours"):
        del raw["options"]["sam"][key]
    del raw["options"]["sam"]["profile"]["seconds_per_prompt"]
    s = costmodel.validate(raw)
    assert s.point["options.sam.label_images"] == 0
    assert s.point["options.sam.profile.seconds_per_prompt"] == 0


def test_ranges_and_canonical_round_trip():
    raw = base(
        **{
            "labour.clinician_wage_per_hour": {"value": 37.38, "low": 28.67, "high": 48.87},
            "options.sam.failure_rate": {"value": 0.3, "low": 0.1, "high": 0.6, "dist": "beta"},
            "options.ssl.failure_rate": {"value": 0.3, "low": 0.25, "high": 0.35, "dist": "normal"},
            "provenance": {"labour.clinician_wage_per_hour": {"kind": "published", "source": "BLS"}},
        }
    )
    s = costmodel.validate(raw)
    assert s.point["labour.clinician_wage_per_hour"] == 37.38
    assert s.uncertain["labour.clinician_wage_per_hour"].dist == "triangular"  # the default
    assert s.uncertain["options.sam.failure_rate"].dist == "beta"
    assert s.uncertain["options.ssl.failure_rate"].dist == "normal"
    assert s.provenance["labour.clinician_wage_per_hour"]["kind"] == "published"
    canon = s.to_dict()
    assert json.loads(json.dumps(canon)) == canon
    assert costmodel.validate(canon) == s
    assert canon["horizon_years"] == 2 and isinstance(canon["horizon_years"], int)


def test_validate_does_not_change_its_input():
    raw = base()
    before = copy.deepcopy(raw)
    costmodel.validate(raw)
    assert raw == before


def test_with_values_and_with_mode():
    s = costmodel.validate(base())
    t = s.with_values({"labour.clinician_wage_per_hour": 72})
    assert t.point["labour.clinician_wage_per_hour"] == 72 and s.point["labour.clinician_wage_per_hour"] == 36
    with pytest.raises(AssumptionError) as info:
        s.with_values({"labour.clinician_wage_per_hour": -5})
    assert info.value.field == "labour.clinician_wage_per_hour"
    with pytest.raises(AssumptionError):
        s.with_values({"labour.salary": 5})
    u = s.with_mode("on_prem", dedicated=False)
    assert u.mode == "on_prem" and u.dedicated is False
