"""The distributions a range may have, and what its low and high mean for each.

- ``triangular``: low and high are the bounds, the value the mode.
- ``uniform``: low and high are the bounds.
- ``normal``, ``lognormal``, ``beta``: low and high are the 2.5th and 97.5th percentiles, and the
  distribution is the one member of its family with exactly those two percentiles. The value stays
  the deterministic point (it need not be the mean or median) and must lie between them.

A normal must be symmetric about its value (within ``SYMMETRY_TOLERANCE`` of its width): a lopsided
range is what lognormal (positive quantities) and beta (fractions between 0 and 1) are for. A
lognormal needs low > 0; a beta needs 0 < low < high < 1.

Draws outside a field's allowed range are clipped to it, but a range whose distribution would put
more than ``MAX_CLIPPED`` of its draws beyond an allowed bound is refused: clipping that much would
pile draws on the bound (0.1 % clipped leaves the 2.5th and 97.5th percentiles exactly where stated).

The beta's parameters are found by root solving over scipy.special's incomplete beta function
(imported only when a scenario has a beta range); everything else is closed form with numpy and the
standard library.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from engine.costmodel.errors import AssumptionError
from engine.costmodel.fields import Field

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
LOWER_Q, UPPER_Q = 0.025, 0.975
SYMMETRY_TOLERANCE = 0.01  # |(high - value) - (value - low)| may be at most 1 % of high - low
MAX_CLIPPED = 0.001  # share of draws a range may put beyond one allowed bound


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def normal_params(value: float, low: float, high: float) -> tuple[float, float]:
    """(mean, sd) of the normal centred on `value` whose 95 % range is low..high."""
    return value, (high - low) / (2.0 * Z95)


def lognormal_params(low: float, high: float) -> tuple[float, float]:
    """(mu, sigma) of log X for the lognormal with 2.5th percentile `low` and 97.5th `high`."""
    a, b = math.log(low), math.log(high)
    return (a + b) / 2.0, (b - a) / (2.0 * Z95)


def beta_cdf(x: float, a: float, b: float) -> float:
    from scipy.special import betainc

    return float(betainc(a, b, x))


def _root(f, lo: float, hi: float, tol: float = 1e-13) -> float:
    """A root of `f` between `lo` and `hi`, where f changes sign: regula falsi with the Illinois
    correction, and a bisection step whenever the bracket has not halved in two steps."""
    flo, fhi = f(lo), f(hi)
    if flo == 0.0:
        return lo
    if fhi == 0.0:
        return hi
    if (flo > 0) == (fhi > 0):
        raise ArithmeticError("no sign change")
    side, widths = 0, [hi - lo, hi - lo]
    for _ in range(300):
        if hi - lo <= tol * max(1.0, abs(lo), abs(hi)):
            break
        x = (lo * fhi - hi * flo) / (fhi - flo)
        if widths[-2] < 2.0 * (hi - lo) or not lo < x < hi:
            x = 0.5 * (lo + hi)  # slow progress: bisect
        fx = f(x)
        if fx == 0.0:
            return x
        if (fx > 0) == (fhi > 0):
            hi, fhi = x, fx
            if side == 1:
                flo *= 0.5
            side = 1
        else:
            lo, flo = x, fx
            if side == -1:
                fhi *= 0.5
            side = -1
        widths.append(hi - lo)
    return 0.5 * (lo + hi)


@lru_cache(maxsize=4096)
def beta_params(low: float, high: float) -> tuple[float, float]:
    """(a, b) of the beta distribution whose 2.5th and 97.5th percentiles are `low` and `high`.

    For a fixed concentration k = a + b the mean m with F(low) = 0.025 is unique (the distribution
    moves right as m grows); along that curve F(high) rises from about 0.025 (k -> 0: mass at 0 and 1)
    to 1 (k -> infinity: all mass just above low), so the k with F(high) = 0.975 is found by bracketing.
    Both searches run on unbounded scales (logit m, log k). Two percentiles determine a beta uniquely
    (van Dorp & Mazzuchi 2000); the answer is checked against both percentiles before it is used.
    """
    from scipy.special import betainc, expit

    def mean_for(k: float) -> float:
        def f(logit_m: float) -> float:
            m = float(expit(logit_m))
            return float(betainc(m * k, (1.0 - m) * k, low)) - LOWER_Q

        return float(expit(_root(f, -700.0, 37.0)))

    def g(log_k: float) -> float:
        k = math.exp(log_k)
        m = mean_for(k)
        return float(betainc(m * k, (1.0 - m) * k, high)) - UPPER_Q

    lo, hi = math.log(1e-3), math.log(1e3)
    while g(lo) > 0 and lo > math.log(1e-12):
        lo -= 4.0
    while g(hi) < 0 and hi < math.log(1e15):
        hi += 4.0
    k = math.exp(_root(g, lo, hi))
    m = mean_for(k)
    a, b = m * k, (1.0 - m) * k
    if not (abs(beta_cdf(low, a, b) - LOWER_Q) < 1e-7 and abs(beta_cdf(high, a, b) - UPPER_Q) < 1e-7):
        raise ArithmeticError("no beta found")
    return a, b


def check(spec: Field, path: str, value: float, low: float, high: float, dist: str) -> tuple:
    """The distribution's parameters, or AssumptionError naming `path` when the range cannot mean
    what its distribution says (see the module docstring)."""
    if low == high:
        return ()
    if dist in ("triangular", "uniform"):
        return ()
    if dist == "normal":
        lopsided = abs((high - value) - (value - low))
        if lopsided > SYMMETRY_TOLERANCE * (high - low):
            raise AssumptionError(
                path,
                f"a normal range must be symmetric about its value (value - low = {value - low:.6g}, "
                f"high - value = {high - value:.6g}); for a lopsided range use lognormal "
                "(positive quantities such as times and prices) or beta (fractions)",
            )
        mean, sd = normal_params(value, low, high)
        below = _normal_cdf((_lower_bound(spec) - mean) / sd)
        above = 1.0 - _normal_cdf((spec.maximum - mean) / sd)
        _refuse_clipping(spec, path, dist, below, above, "use lognormal (positive quantities) or beta (fractions)")
        return mean, sd
    if dist == "lognormal":
        if low <= 0:
            raise AssumptionError(
                path, f"a lognormal range needs low > 0 (it is for positive quantities), got low {low:.6g}"
            )
        mu, sigma = lognormal_params(low, high)
        lower = _lower_bound(spec)
        below = _normal_cdf((math.log(lower) - mu) / sigma) if lower > 0 else 0.0
        above = 1.0 - _normal_cdf((math.log(spec.maximum) - mu) / sigma)
        _refuse_clipping(spec, path, dist, below, above, "narrow the range")
        return mu, sigma
    # beta
    if not 0.0 < low < high < 1.0:
        raise AssumptionError(
            path, f"a beta range is for fractions: it needs 0 < low < high < 1, got low {low:.6g}, high {high:.6g}"
        )
    try:
        a, b = beta_params(low, high)
    except (ArithmeticError, ValueError, RuntimeError):
        raise AssumptionError(
            path,
            f"no beta distribution has 2.5th percentile {low:.6g} and 97.5th "
            f"percentile {high:.6g} to working precision; use triangular",
        ) from None
    lower = _lower_bound(spec)
    below = beta_cdf(lower, a, b) if lower > 0 else 0.0
    above = 1.0 - beta_cdf(spec.maximum, a, b) if spec.maximum < 1 else 0.0
    _refuse_clipping(spec, path, dist, below, above, "narrow the range")
    return a, b


def _lower_bound(spec: Field) -> float:
    return max(spec.minimum, spec.must_exceed) if spec.must_exceed is not None else spec.minimum


def _refuse_clipping(spec: Field, path: str, dist: str, below: float, above: float, advice: str) -> None:
    for share, where, bound in (
        (below, "below the allowed minimum", _lower_bound(spec)),
        (above, "above the allowed maximum", spec.maximum),
    ):
        if share > MAX_CLIPPED:
            raise AssumptionError(
                path,
                f"a {dist} with this range puts {share * 100:.2g} % of its draws {where} {bound:.6g} "
                f"(at most {MAX_CLIPPED * 100:g} % may be clipped there); {advice}",
            )


def draw(
    rng: np.random.Generator, n: int, spec: Field, value: float, low: float, high: float, dist: str, params: tuple
) -> np.ndarray:
    """n draws of one range, clipped to the field's allowed range (see MAX_CLIPPED)."""
    if low == high:
        return np.full(n, value)
    if dist == "uniform":
        return rng.uniform(low, high, n)
    if dist == "triangular":
        return rng.triangular(low, value, high, n)
    if dist == "normal":
        x = rng.normal(params[0], params[1], n)
    elif dist == "lognormal":
        x = rng.lognormal(params[0], params[1], n)
    else:
        x = rng.beta(params[0], params[1], n)
    lower = _lower_bound(spec)
    if spec.must_exceed is not None and lower == spec.must_exceed:
        lower = np.nextafter(lower, np.inf)
    return np.clip(x, lower, spec.maximum)
