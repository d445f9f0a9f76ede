"""Ranges mean what they say: for every distribution, 200,000 draws have their 2.5th and 97.5th
percentiles where the range says (normal, lognormal, beta: at low and high; triangular, uniform:
where their own formulas put them), and no allowed bound collects a pile of clipped draws."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from cm_cases import base
from engine import costmodel
from engine.costmodel import AssumptionError
from engine.costmodel.distributions import MAX_CLIPPED
from engine.costmodel.uncertainty import _draw

N = 200_000

# (field, value, low, high, dist): low/high near the allowed bounds wherever the family allows it
RANGES = [
    ("labour.clinician_wage_per_hour", 37.38, 28.67, 48.87, "triangular"),
    ("labour.clinician_wage_per_hour", 37.38, 28.67, 48.87, "uniform"),
    ("labour.clinician_wage_per_hour", 37.38, 25.88, 48.88, "normal"),
    ("options.sam.failure_rate", 0.5, 0.2, 0.8, "normal"),
    ("options.manual.seconds_per_structure", 11.6, 4.0, 25.0, "lognormal"),
    ("hardware.gpu_price_per_hour", 3.99, 3.99, 6.98, "lognormal"),
    ("options.sam.profile.seconds_per_image", 0.05, 0.01, 2.0, "lognormal"),
    ("options.ssl.failure_rate", 0.02, 0.001, 0.5, "beta"),  # today's bug: 0.02 in 0-0.5
    ("options.sam.failure_rate", 0.3, 0.1, 0.6, "beta"),
    ("options.ssl.failure_rate", 0.0, 0.0000049, 0.0247, "beta"),  # Jeffreys, 0 failures of 100
    ("options.ssl.failure_rate", 0.99, 0.95, 0.9995, "beta"),
    ("hardware.utilization", 0.5, 0.2, 0.9, "beta"),
]


def draws(field, value, low, high, dist, seed=1):
    raw = base(**{field: {"value": value, "low": low, "high": high, "dist": dist}})
    if dist == "beta" and value < low:
        raw = base(**{field: {"value": low, "low": low, "high": high, "dist": dist}})
    s = costmodel.validate(raw)
    return s, _draw(s, N, np.random.default_rng(seed))[field]


def expected_percentiles(value, low, high, dist):
    if dist == "uniform":
        return low + 0.025 * (high - low), low + 0.975 * (high - low)
    if dist == "triangular":
        c = (value - low) / (high - low)
        q = [stats.triang.ppf(p, c, loc=low, scale=high - low) for p in (0.025, 0.975)]
        return q[0], q[1]
    return low, high


@pytest.mark.parametrize("field,value,low,high,dist", RANGES, ids=[f"{r[4]}:{r[0]}" for r in RANGES])
def test_percentiles_match_the_range_and_nothing_piles_on_a_bound(field, value, low, high, dist):
    s, x = draws(field, value, low, high, dist)
    want_lo, want_hi = expected_percentiles(value, low, high, dist)
    # the standard error of a 2.5th percentile from 200,000 draws is about 0.15 % of the 95 % width
    tol = 0.01 * (want_hi - want_lo)
    assert np.percentile(x, 2.5) == pytest.approx(want_lo, abs=tol)
    assert np.percentile(x, 97.5) == pytest.approx(want_hi, abs=tol)
    spec = s.fields[field]
    for bound in (x.min(), x.max()):
        piled = np.mean(x == bound)
        assert piled <= MAX_CLIPPED * 1.5 + 5 / N, (bound, piled)
    assert spec.minimum <= x.min() and x.max() <= spec.maximum
    if dist in ("triangular", "uniform"):
        assert low <= x.min() and x.max() <= high
        assert x.min() - low < 0.01 * (high - low) and high - x.max() < 0.01 * (high - low)
    # the point value stays the deterministic value
    assert s.point[field] == s.uncertain[field].value


def test_the_beta_is_the_one_with_those_percentiles():
    # a Jeffreys interval's own percentiles give back its parameters (k + 1/2, n - k + 1/2)
    for k, n in ((0, 100), (3, 10), (30, 100), (1, 2)):
        a, b = k + 0.5, n - k + 0.5
        low, high = stats.beta.ppf([0.025, 0.975], a, b)
        s = costmodel.validate(
            base(
                **{
                    "options.ssl.failure_rate": {
                        "value": float(np.clip(k / n, low, high)),
                        "low": float(low),
                        "high": float(high),
                        "dist": "beta",
                    }
                }
            )
        )
        got = s.uncertain["options.ssl.failure_rate"].params
        assert got == pytest.approx((a, b), rel=1e-6)


def test_the_lognormal_is_the_one_with_those_percentiles():
    s = costmodel.validate(
        base(**{"options.manual.seconds_per_structure": {"value": 11.6, "low": 4.0, "high": 25.0, "dist": "lognormal"}})
    )
    mu, sigma = s.uncertain["options.manual.seconds_per_structure"].params
    assert stats.lognorm.ppf(0.025, sigma, scale=math.exp(mu)) == pytest.approx(4.0)
    assert stats.lognorm.ppf(0.975, sigma, scale=math.exp(mu)) == pytest.approx(25.0)


REFUSED = [
    ({"value": 0.02, "low": 0.0, "high": 0.5, "dist": "normal"}, "options.ssl.failure_rate", "symmetric"),
    ({"value": 0.3, "low": 0.1, "high": 0.6, "dist": "normal"}, "options.ssl.failure_rate", "lognormal"),
    ({"value": 0.1, "low": 0.0, "high": 0.2, "dist": "normal"}, "options.ssl.failure_rate", "below the allowed"),
    ({"value": 0.1, "low": 0.0, "high": 0.2, "dist": "beta"}, "options.ssl.failure_rate", "0 < low < high < 1"),
    ({"value": 0.5, "low": 0.2, "high": 1.0, "dist": "beta"}, "options.ssl.failure_rate", "0 < low < high < 1"),
    ({"value": 30, "low": 0, "high": 60, "dist": "lognormal"}, "options.ssl.review_seconds_per_study", "low > 0"),
    (
        {"value": 1000, "low": 10, "high": 3500, "dist": "lognormal"},
        "options.sam.profile.seconds_per_image",
        "above the allowed maximum",
    ),
]


@pytest.mark.parametrize("leaf,field,words", REFUSED)
def test_ranges_that_cannot_mean_what_they_say_are_refused(leaf, field, words):
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(base(**{field: leaf}))
    assert info.value.field == field and words in str(info.value)


def test_a_symmetric_normal_within_the_tolerance_is_accepted():
    # 1 % of the width: (48.88 - 37.38) - (37.38 - 26.0) = 0.12 <= 0.01 * 22.88
    costmodel.validate(
        base(**{"labour.clinician_wage_per_hour": {"value": 37.38, "low": 26.0, "high": 48.88, "dist": "normal"}})
    )
    with pytest.raises(AssumptionError, match="symmetric"):
        costmodel.validate(
            base(**{"labour.clinician_wage_per_hour": {"value": 37.38, "low": 25.5, "high": 48.88, "dist": "normal"}})
        )
