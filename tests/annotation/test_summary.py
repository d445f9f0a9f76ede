"""Summary statistics against hand-computed values, and the scenario they produce."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.annotation.summary import (
    by_structure,
    old_timed,
    scenario_update,
    summarize,
    t_interval,
    timed_items,
)
from engine.errors import SegroiError


def test_t_interval_matches_hand_computation():
    # mean 12, sd 2 (n-1), t(0.975, 2) = 4.302652729911275, half = 4.3026527 * 2 / sqrt(3)
    mean, low, high, sd = t_interval([10, 12, 14])
    assert mean == 12 and sd == pytest.approx(2.0)
    assert low == pytest.approx(12 - 4.968275, abs=1e-5)
    assert high == pytest.approx(12 + 4.968275, abs=1e-5)
    assert t_interval([5.0]) == (5.0, None, None, None)
    with pytest.raises(ValueError):
        t_interval([])


def _it(task, seconds, accepted=True, review=None, simulated=False, structure="LV", dice=None):
    return {
        "task": task,
        "active_seconds": seconds,
        "accepted": accepted,
        "review_seconds": review,
        "simulated": simulated,
        "structure": structure,
        "dice": dice,
    }


def test_summarize_picks_the_right_items_for_each_input():
    items = [
        _it("manual", 10),
        _it("manual", 12),
        _it("manual", 14),
        _it("sam", 5),
        _it("sam", 7, accepted=False),
        _it("ssl", 3, review=3),
        _it("ssl", 15, accepted=False, review=1),
    ]
    est = summarize(items, source="session abc")
    assert set(est) == {
        "options.manual.seconds_per_structure",
        "options.sam.prompt_seconds_per_structure",
        "options.sam.failure_rate",
        "ssl.review_seconds_per_structure",
        "options.ssl.failure_rate",
    }
    m = est["options.manual.seconds_per_structure"]
    assert (m.value, m.n, m.provenance) == (12, 3, "measured")
    # on the log scale: 12 * exp(t(0.975, 2) * (2 / 12) / sqrt(3)), t = 4.302653 (tables)
    assert m.high == pytest.approx(12 * math.exp(4.302653 * (2 / 12) / math.sqrt(3)), rel=1e-6)
    assert m.low == pytest.approx(12 * math.exp(-4.302653 * (2 / 12) / math.sqrt(3)), rel=1e-6)
    assert est["options.sam.prompt_seconds_per_structure"].value == 6  # failed prompts count
    assert est["options.sam.failure_rate"].value == 0.5
    assert est["ssl.review_seconds_per_structure"].value == 2  # review part only
    assert est["options.ssl.failure_rate"].value == 0.5
    assert "Jeffreys" in est["options.sam.failure_rate"].method


def test_simulated_items_are_labelled_and_never_mixed_with_measured():
    sim = [_it("manual", 10, simulated=True), _it("manual", 11, simulated=True)]
    est = summarize(sim, source="annotate-sim run x")
    assert est["options.manual.seconds_per_structure"].provenance == "simulated"
    with pytest.raises(SegroiError, match="mix simulated and measured"):
        summarize(sim + [_it("manual", 9)], source="both")
    assert summarize([], source="none") == {}


def test_sam_items_under_random_weights_feed_neither_times_nor_failure_rates():
    random = [
        dict(_it("sam", 4, accepted=False), sam_weights="random"),
        dict(_it("sam", 6, accepted=False), sam_weights="random"),
    ]
    assert summarize(random, source="s") == {}
    real = [dict(_it("sam", 9, accepted=False), sam_weights="sam_vit_b_01ec64.pth")]
    est = summarize(random + real, source="s")
    assert est["options.sam.failure_rate"].n == 1 and est["options.sam.failure_rate"].value == 1
    assert est["options.sam.prompt_seconds_per_structure"].value == 9  # the real item's 9 s, not (4+6+9)/3


def test_by_structure_spread_table():
    rows = by_structure(
        [
            _it("manual", 10, dice=0.8),
            _it("manual", 14, dice=0.9),
            _it("manual", 12),
            _it("manual", 4, structure="LA", accepted=False),
        ]
    )
    lv, la = [r for r in rows if r["structure"] == "LV"], [r for r in rows if r["structure"] == "LA"]
    assert lv[0]["n"] == 3 and lv[0]["mean_s"] == 12 and lv[0]["median_s"] == 12
    assert lv[0]["sd_s"] == pytest.approx(2) and lv[0]["mean_dice"] == pytest.approx(0.85)
    assert la[0]["n"] == 1 and la[0]["ci_low_s"] is None and la[0]["accepted_share"] == 0


def _base():
    def opt(extra=None):
        o = {
            "failure_rate": 0.1,
            "review_seconds_per_study": 60,
            "engineering_hours": 100,
            "maintenance_hours_per_year": 10,
            "profile": {"seconds_per_image": 0.1, "joules_per_image": 10},
        }
        o.update(extra or {})
        return o

    return {
        "name": "base",
        "currency": "USD",
        "horizon_years": 5,
        "discount_rate": 0.035,
        "workload": {
            "studies_per_year": 1000,
            "frames_per_study": 2,
            "structures_per_frame": {"value": 4, "low": 3, "high": 4},
        },
        "labour": {"clinician_wage_per_hour": 40, "engineer_wage_per_hour": 80, "overhead_fraction": 0.3},
        "hardware": {"mode": "cloud", "gpu_price_per_hour": 4, "utilization": 0.5},
        "options": {
            "manual": {"seconds_per_structure": 11.6},
            "sam": opt({"prompt_seconds_per_structure": 5.7}),
            "ssl": opt(),
        },
        "provenance": {"labour.clinician_wage_per_hour": {"kind": "published", "source": "BLS"}},
    }


def test_scenario_update_writes_ranges_provenance_and_review_per_study():
    from engine.costmodel import validate

    items = [
        _it("manual", 10),
        _it("manual", 12),
        _it("manual", 14),
        _it("ssl", 3, review=3),
        _it("ssl", 15, accepted=False, review=1),
    ]
    base = _base()
    out, prov, changed = scenario_update(base, summarize(items, "session s1"), "measured s1")
    assert base["options"]["manual"]["seconds_per_structure"] == 11.6  # base untouched
    leaf = out["options"]["manual"]["seconds_per_structure"]
    assert leaf["value"] == 12 and leaf["dist"] == "lognormal"
    assert leaf["low"] == pytest.approx(12 * math.exp(-4.302653 * (2 / 12) / math.sqrt(3)), rel=1e-5)
    # review: 2 s per structure x 4 structures x 2 frames. With n = 2 the interval on the log scale,
    # 16 * exp(+-12.706205 * (sd / mean) / sqrt(2)) = 0.028 .. 9,155 s, would put 0.4 % of its draws above
    # the allowed day per study: the range is left out, and the source says so
    review = out["options"]["ssl"]["review_seconds_per_study"]
    assert review == pytest.approx(16)
    assert "range left out, too wide" in prov["options.ssl.review_seconds_per_study"]["source"]
    assert out["options"]["ssl"]["failure_rate"]["dist"] == "beta"
    assert prov["options.ssl.review_seconds_per_study"]["kind"] == "measured"
    assert "4 structures/frame x 2 frames/study" in prov["options.ssl.review_seconds_per_study"]["source"]
    assert prov["labour.clinician_wage_per_hour"]["kind"] == "published"
    assert set(changed) == {
        "options.manual.seconds_per_structure",
        "options.ssl.failure_rate",
        "options.ssl.review_seconds_per_study",
    }
    assert out["name"] == "measured s1"
    scenario = validate(out)  # the cost model accepts it
    assert scenario.uncertain["options.manual.seconds_per_structure"].dist == "lognormal"
    assert scenario.provenance["options.ssl.failure_rate"]["kind"] == "measured"


def test_items_timed_the_old_way_are_left_out_unless_asked_for_and_a_mix_says_so():
    new = [dict(_it("manual", s), timing="browser") for s in (10, 12, 14)]
    old = [dict(_it("manual", s), timing="server") for s in (2, 3)]
    assert old_timed(new + old) == 2
    est = summarize(new + old, source="sessions a, b")["options.manual.seconds_per_structure"]
    assert (est.value, est.n) == (12, 3)
    assert "2 item(s) timed the old way" in est.source and "left out" in est.source
    est = summarize(new + old, source="sessions a, b", include_old=True)["options.manual.seconds_per_structure"]
    assert (est.value, est.n) == (pytest.approx((10 + 12 + 14 + 2 + 3) / 5), 5)
    assert "mixed: 3 item(s) timed in the browser and 2 item(s) timed the old way" in est.source
    assert summarize(old, source="old") == {}
    only_old = summarize(old, source="old", include_old=True)["options.manual.seconds_per_structure"]
    assert only_old.value == 2.5 and "all 2 item(s) timed the old way" in only_old.source
    # nothing to say when nothing is old
    assert timed_items(new) == (new, "")


def _beta_quantiles_by_integration(a, b):
    """2.5th and 97.5th percentiles of Beta(a, b) from its density on a fine grid (no scipy)."""
    x = np.linspace(0, 1, 2_000_001)[1:-1]
    pdf = x ** (a - 1) * (1 - x) ** (b - 1)
    cdf = np.concatenate([[0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(x))])
    cdf /= cdf[-1]
    return float(np.interp(0.025, cdf, x)), float(np.interp(0.975, cdf, x))


@pytest.mark.parametrize("k,n", [(1, 4), (3, 10), (10, 40)])
def test_jeffreys_interval_is_the_beta_posteriors_percentiles(k, n):
    from engine.annotation.summary import jeffreys, rate_leaf

    p, low, high = jeffreys(k, n)
    want = _beta_quantiles_by_integration(k + 0.5, n - k + 0.5)
    assert p == k / n and (low, high) == pytest.approx(want, abs=2e-4)
    leaf = rate_leaf(k, n)
    assert leaf["dist"] == "beta" and leaf["value"] == pytest.approx(k / n)


def test_a_rate_of_zero_becomes_the_lower_end_of_its_interval():
    from engine import costmodel
    from engine.annotation.summary import rate_leaf

    leaf = rate_leaf(0, 10_000)
    assert 0 < leaf["low"] < 1e-6 and leaf["value"] == leaf["low"]
    s = costmodel.validate(
        dict(_base(), options={**_base()["options"], "ssl": {**_base()["options"]["ssl"], "failure_rate": leaf}})
    )
    assert s.uncertain["options.ssl.failure_rate"].params[0] == pytest.approx(0.5, rel=1e-5)
