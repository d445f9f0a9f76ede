"""Agreement between measurements and their references, and paired tests between two models.

* r^2: the square of Pearson's correlation coefficient (as clinical method-comparison papers
  report it), not the coefficient of determination about the identity line.
* MAE: mean absolute difference.
* Bland-Altman: bias = mean(value - reference); limits of agreement = bias +/- 1.96 SD of the
  differences (SD with n - 1).
* Paired tests (two models on the same items): paired t-test and Wilcoxon signed-rank, both
  two-sided, from scipy.stats.

Statistics that need more data than given (r^2 and SD need 2 pairs, r^2 needs non-constant
inputs, the tests need 2 pairs with some non-zero difference) come back as None.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def _paired(a, b) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired values differ in length: {a.size} vs {b.size}")
    keep = np.isfinite(a) & np.isfinite(b)
    return a[keep], b[keep]


def r_squared(values, references) -> float | None:
    x, y = _paired(values, references)
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    r = np.corrcoef(x, y)[0, 1]
    return float(r * r)


def mae(values, references) -> float | None:
    x, y = _paired(values, references)
    if x.size == 0:
        return None
    return float(np.mean(np.abs(x - y)))


def bland_altman(values, references) -> dict:
    x, y = _paired(values, references)
    diff = x - y
    n = int(diff.size)
    if n == 0:
        return {"n": 0, "bias": None, "sd": None, "loa_low": None, "loa_high": None}
    bias = float(diff.mean())
    if n < 2:
        return {"n": n, "bias": bias, "sd": None, "loa_low": None, "loa_high": None}
    sd = float(diff.std(ddof=1))
    return {"n": n, "bias": bias, "sd": sd, "loa_low": bias - 1.96 * sd, "loa_high": bias + 1.96 * sd}


def agreement(values, references) -> dict:
    """r^2, MAE and Bland-Altman of values against references, with n."""
    return {"r2": r_squared(values, references), "mae": mae(values, references), **bland_altman(values, references)}


def paired_tests(model_a, model_b) -> dict:
    """Paired t-test and Wilcoxon signed-rank between two models' scores on the same items."""
    a, b = _paired(model_a, model_b)
    out = {
        "n": int(a.size),
        "mean_difference": float(np.mean(a - b)) if a.size else None,
        "t_statistic": None,
        "t_p_value": None,
        "wilcoxon_statistic": None,
        "wilcoxon_p_value": None,
    }
    if a.size < 2 or not np.any(a - b):
        return out
    t = stats.ttest_rel(a, b)
    if math.isfinite(t.statistic):
        out["t_statistic"], out["t_p_value"] = float(t.statistic), float(t.pvalue)
    w = stats.wilcoxon(a, b)
    out["wilcoxon_statistic"], out["wilcoxon_p_value"] = float(w.statistic), float(w.pvalue)
    return out
