"""Agreement statistics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from engine.measure.agreement import agreement, bland_altman, mae, paired_tests, r_squared

X = [1.0, 2.0, 3.0, 4.0]
Y = [1.5, 2.0, 2.5, 5.0]
# differences X - Y = [-0.5, 0, 0.5, -1]: mean -0.25; squared deviations 1/16, 1/16, 9/16, 9/16
# sum 1.25, / 3 -> SD sqrt(5/12).
SD = math.sqrt(1.25 / 3)


def test_bland_altman_by_hand():
    ba = bland_altman(X, Y)
    assert ba["n"] == 4
    assert ba["bias"] == pytest.approx(-0.25)
    assert ba["sd"] == pytest.approx(SD)
    assert ba["loa_low"] == pytest.approx(-0.25 - 1.96 * SD)
    assert ba["loa_high"] == pytest.approx(-0.25 + 1.96 * SD)


def test_mae_and_r2_by_hand():
    assert mae(X, Y) == pytest.approx((0.5 + 0 + 0.5 + 1) / 4)
    # dx = [-1.5, -.5, .5, 1.5], dy = [-1.25, -.75, -.25, 2.25]: Sxy 5.5, Sxx 5, Syy 7.25
    assert r_squared(X, Y) == pytest.approx(5.5**2 / (5 * 7.25))
    a = agreement(X, Y)
    assert (
        a["r2"] == pytest.approx(5.5**2 / 36.25)
        and a["mae"] == pytest.approx(0.5)
        and a["bias"] == pytest.approx(-0.25)
    )


def test_paired_tests_by_hand():
    out = paired_tests(X, Y)
    t = -0.25 / (SD / 2)  # mean difference / (SD / sqrt(4))
    assert out["t_statistic"] == pytest.approx(t)
    assert out["t_p_value"] == pytest.approx(2 * stats.t.sf(abs(t), df=3))
    # Wilcoxon: the zero difference is dropped; |d| = .5, .5, 1 -> ranks 1.5, 1.5, 3;
    # positive ranks sum 1.5, negative 4.5; the statistic is the smaller, 1.5.
    assert out["wilcoxon_statistic"] == pytest.approx(1.5)
    assert 0 < out["wilcoxon_p_value"] <= 1
    assert out["mean_difference"] == pytest.approx(-0.25)


def test_too_little_data_gives_none_not_a_number():
    assert r_squared([1.0], [2.0]) is None
    assert r_squared([1, 1, 1], [1, 2, 3]) is None
    assert bland_altman([1.0], [2.0])["sd"] is None
    assert bland_altman([], [])["bias"] is None
    assert mae([], []) is None
    same = paired_tests([1, 2, 3], [1, 2, 3])
    assert same["t_statistic"] is None and same["wilcoxon_statistic"] is None


def test_missing_values_are_dropped_pairwise():
    assert mae([1.0, np.nan, 3.0], [1.0, 2.0, 4.0]) == pytest.approx(0.5)
    assert bland_altman([1.0, np.nan, 3.0], [1.0, 2.0, 4.0])["n"] == 2


def test_unequal_lengths_are_refused():
    with pytest.raises(ValueError):
        mae([1, 2], [1])
