"""Property tests (hypothesis): no input makes the validator raise anything but AssumptionError,
costs are monotone in wage and volume, and an option costing what manual costs each year
saves exactly minus its setup."""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cm_cases import BASE, base
from engine import costmodel
from engine.costmodel import FIELDS, OPTIONS, AssumptionError

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["cloud", "on_prem", "triangular", "normal", "measured"])
)
json_like = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["value", "low", "high", "dist", "kind"]), children, max_size=4
        )
    ),
    max_leaves=20,
)


def _paths(node, prefix=""):
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}{key}"
            out.append(path)
            out.extend(_paths(value, path + "."))
    return out


ALL_PATHS = _paths(BASE)


def _check_only_assumption_errors(raw):
    try:
        s = costmodel.validate(raw)
    except AssumptionError as exc:
        assert str(exc)
        return None
    _check_outputs(costmodel.evaluate(s))
    return s


def _check_outputs(out):
    assert out["cheapest"] in out["options"]
    for opt, values in out["options"].items():
        for key, x in values.items():
            if x is None:
                assert key in ("roi", "payback_months"), (opt, key)
            else:
                assert math.isfinite(x), (opt, key, x)
    be = out.get("break_even_studies_per_year")
    assert be is None or 0 < be <= 1e8
    pieces = out["cheapest_by_volume"]
    assert pieces[0]["from_studies_per_year"] == 0 and pieces[-1]["to_studies_per_year"] is None
    assert all(p["option"] in out["options"] for p in pieces)


@SETTINGS
@given(json_like)
def test_validator_raises_only_assumption_errors_on_any_json(raw):
    _check_only_assumption_errors(raw)


@SETTINGS
@given(st.sampled_from(ALL_PATHS), json_like, st.sampled_from(["replace", "delete", "add"]))
def test_validator_raises_only_assumption_errors_on_mutated_scenarios(path, value, how):
    raw = copy.deepcopy(BASE)
    parts = path.split(".")
    node = raw
    for part in parts[:-1]:
        node = node[part]
    if how == "replace":
        node[parts[-1]] = value
    elif how == "delete":
        del node[parts[-1]]
    else:
        target = node[parts[-1]]
        if isinstance(target, dict):
            target["value" if isinstance(value, (int, float)) else "extra"] = value
        else:
            node[parts[-1]] = {"value": target, "low": value, "high": value}
    _check_only_assumption_errors(raw)


def _value(field):
    spec = FIELDS[field]
    if spec.integer:
        return st.integers(int(spec.minimum), int(spec.maximum))
    return st.floats(spec.minimum, spec.maximum, allow_nan=False)


@st.composite
def valid_scenarios(draw):
    raw = copy.deepcopy(BASE)
    mode = draw(st.sampled_from(["cloud", "on_prem"]))
    raw["hardware"]["mode"] = mode
    raw["hardware"]["dedicated"] = draw(st.booleans())
    for field in FIELDS:
        if draw(st.booleans()):
            value = draw(_value(field))
            node = raw
            parts = field.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
    if mode == "on_prem":
        for opt in ("sam", "ssl"):
            prof = raw["options"][opt]["profile"]
            if prof.get("average_power_watts", 0) == 0:
                prof["average_power_watts"] = 300.0
    return raw


@SETTINGS
@given(valid_scenarios())
def test_any_valid_scenario_gives_finite_costs(raw):
    s = costmodel.validate(raw)
    _check_outputs(costmodel.evaluate(s))


@SETTINGS
@given(valid_scenarios(), st.floats(0, 1e5), st.floats(0, 1e5))
def test_present_cost_is_monotone_in_wages(raw, w1, w2):
    s = costmodel.validate(raw)
    lo, hi = sorted([w1, w2])
    for field in ("labour.clinician_wage_per_hour", "labour.engineer_wage_per_hour"):
        a = costmodel.evaluate(s.with_values({field: lo}))["options"]
        b = costmodel.evaluate(s.with_values({field: hi}))["options"]
        for opt in OPTIONS:
            assert b[opt]["present_cost"] >= a[opt]["present_cost"] * (1 - 1e-12)
            assert b[opt]["annual_cost"] >= a[opt]["annual_cost"] * (1 - 1e-12)


@SETTINGS
@given(valid_scenarios(), st.floats(1, 1e8), st.floats(1, 1e8))
def test_present_cost_is_monotone_in_volume(raw, v1, v2):
    s = costmodel.validate(raw)
    lo, hi = sorted([v1, v2])
    a = costmodel.evaluate(s.with_values({"workload.studies_per_year": lo}))["options"]
    b = costmodel.evaluate(s.with_values({"workload.studies_per_year": hi}))["options"]
    for opt in OPTIONS:
        assert b[opt]["present_cost"] >= a[opt]["present_cost"] * (1 - 1e-12)
        assert b[opt]["human_hours_per_year"] >= a[opt]["human_hours_per_year"] * (1 - 1e-12)


@SETTINGS
@given(
    st.sampled_from(["sam", "ssl"]),
    st.sampled_from([("cloud", True), ("on_prem", False)]),
    st.floats(0, 1e4),
    st.floats(0, 1e5),
    st.floats(0, 1e4),  # engineering h, label images, GPU-h
    st.floats(0, 500),
    st.floats(1, 1e6),
    st.floats(-0.5, 1),
    st.integers(1, 50),
)
def test_option_with_manuals_annual_cost_saves_minus_its_setup(
    opt, hw, eng, labels, gpu_h, wage, volume, rate, horizon
):
    mode, dedicated = hw
    o = f"options.{opt}."
    raw = base(
        **{
            "hardware.mode": mode,
            "hardware.dedicated": dedicated,
            "labour.clinician_wage_per_hour": wage,
            "workload.studies_per_year": volume,
            "discount_rate": rate,
            "horizon_years": horizon,
            # every structure re-traced by hand, no review, no compute, no upkeep:
            o + "failure_rate": 1,
            o + "review_seconds_per_study": 0,
            o + "maintenance_hours_per_year": 0,
            o + "profile.seconds_per_image": 0,
            o + "profile.joules_per_image": 0,
            o + "profile.seconds_per_prompt": 0,
            o + "profile.joules_per_prompt": 0,
            o + "engineering_hours": eng,
            o + "label_images": labels,
            o + "training_gpu_hours": gpu_h,
        }
    )
    if opt == "sam":
        raw["options"]["sam"]["prompt_seconds_per_structure"] = 0
    out = costmodel.evaluate(costmodel.validate(raw))["options"]
    assert out[opt]["annual_cost"] == pytest.approx(out["manual"]["annual_cost"], rel=1e-12, abs=1e-9)
    setup = out[opt]["setup_cost"]
    scale = max(1.0, out["manual"]["present_cost"])
    assert out[opt]["npv_savings_vs_manual"] == pytest.approx(-setup, rel=1e-9, abs=1e-9 * scale)
    assert out[opt]["payback_months"] is None


@settings(max_examples=40, deadline=None)
@given(valid_scenarios(), st.integers(0, 2**32 - 1))
def test_monte_carlo_with_collapsed_ranges_is_the_point_estimate(raw, seed):
    s = costmodel.validate(raw)
    collapsed = {
        f: {"value": v, "low": v, "high": v, "dist": d}
        for (f, v), d in zip(list(s.point.items())[:12], ["triangular", "uniform", "normal"] * 4)
    }
    s = s.with_values(collapsed)
    assume(len(s.uncertain) == 12)
    point = costmodel.evaluate(s)
    mc = costmodel.monte_carlo(s, n=64, seed=seed)
    for opt in OPTIONS:
        for key in ("present_cost", "annual_cost", "setup_cost", "npv_savings_vs_manual"):
            for q in ("p5", "p50", "p95"):
                assert mc["percentiles"][opt][key][q] == pytest.approx(point["options"][opt][key], rel=1e-9, abs=1e-9)
    assert mc["p_cheapest"][point["cheapest"]] == 1.0 or len({point["options"][o]["present_cost"] for o in OPTIONS}) < 3


def _through_the_cli_layer(text: str, toml: bool) -> None:
    from engine.costmodel import AssumptionError, parse_assumptions

    try:
        raw = parse_assumptions(text, toml=toml)
    except AssumptionError as exc:
        assert "\n" not in str(exc).strip()
        return
    _check_only_assumption_errors(raw)


VALID_JSON = __import__("json").dumps(BASE)


@SETTINGS
@given(st.text(max_size=200), st.booleans())
def test_any_file_text_gives_a_segroi_or_assumption_error(text, toml):
    _through_the_cli_layer(text, toml)


@SETTINGS
@given(
    st.integers(0, len(VALID_JSON) - 1),
    st.integers(0, 12),
    st.text(alphabet='{}[]",:0123456789.-eEtrufalsn ', max_size=6),
)
def test_damaged_scenario_files_give_a_segroi_or_assumption_error(at, cut, insert):
    _through_the_cli_layer(VALID_JSON[:at] + insert + VALID_JSON[at + cut :], False)


def test_scenarios_pickle_for_caching():
    import pickle

    s = costmodel.validate(base(**{"options.sam.failure_rate": {"value": 0.5, "low": 0.2, "high": 0.7}}))
    assert pickle.loads(pickle.dumps(s)) == s


from cm_cases import NAMED, ON_PREM  # noqa: E402

NAMED_PATHS = _paths(NAMED)


@SETTINGS
@given(st.sampled_from(NAMED_PATHS), json_like, st.sampled_from(["replace", "delete", "add"]))
def test_named_options_mutated_give_only_assumption_errors(path, value, how):
    raw = copy.deepcopy(NAMED)
    raw["options"]["hyb"]["hardware"] = copy.deepcopy(ON_PREM)
    parts = path.split(".")
    node = raw
    for part in parts[:-1]:
        node = node[part]
    if how == "replace":
        node[parts[-1]] = value
    elif how == "delete":
        del node[parts[-1]]
    elif isinstance(node[parts[-1]], dict):
        node[parts[-1]]["extra" if not isinstance(value, (int, float)) else "value"] = value
    else:
        node[parts[-1]] = {"value": node[parts[-1]], "low": value, "high": value}
    _check_only_assumption_errors(raw)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["sam_vit_b", "sam_vit_l", "sam_vit_h", "sam_finetuned", "ssl", "hybrid"]),
        min_size=0,
        max_size=5,
    ),
    st.lists(st.sampled_from([None, "cloud", "on_prem", "shared"]), min_size=8, max_size=8),
)
def test_any_set_of_template_options_evaluates(templates, hardware):
    from engine import reference

    raw = reference.reference_scenario()
    for template in templates:  # the reference has the automatic and prompted parts a hybrid needs
        raw = reference.add_option_from_template(raw, template)
    blocks = {
        "cloud": {"mode": "cloud", "gpu_price_per_hour": 2.5, "utilization": 0.4},
        "on_prem": ON_PREM,
        "shared": {**ON_PREM, "dedicated": False, "utilization": 0.3},
    }
    for (name, body), hw in zip(raw["options"].items(), hardware):
        if hw is not None and name != "manual":
            body["hardware"] = copy.deepcopy(blocks[hw])
    s = costmodel.validate(raw)
    out = costmodel.evaluate(s)
    _check_outputs(out)
    assert len(out["options"]) == 3 + len(templates)
