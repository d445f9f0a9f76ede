"""Which option is cheapest at each yearly volume, everything else fixed.

Present cost is affine in the volume V except where a shared on-prem server's share saturates
(min(1, V*c) turns flat at V = 1/c), so each option's present cost is piecewise affine with at
most one kink. Between consecutive kinks every option is a straight line; the lower envelope of
straight lines changes only where two of them cross, and those crossings are solved exactly. The
cheapest option on each piece is then read at the piece's midpoint, and neighbouring pieces with the
same winner are merged. Ties go to the option listed first, as for `cheapest`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from engine.costmodel.equations import setup_cost
from engine.costmodel.fields import BREAK_EVEN_LIMIT

_SAME = 1e-12  # relative distance below which two breakpoints are one


def _line(t: Mapping[str, Any], a: float, lo: float, hi: float) -> tuple[float, float]:
    """(intercept, slope) of present cost against V on [lo, hi], where no kink lies inside."""
    per_study = float(t["labour_per_study"] + t["gpu_rental_per_study"] + t["energy_per_study"])
    fixed = float(t["maintenance"])
    slope = per_study
    c = t["share_per_study"]
    server = float(t["server"])
    if c is None or float(c) * (lo + hi) / 2.0 >= 1.0:
        fixed += server
    else:
        slope += server * float(c)
    return float(setup_cost(t)) + a * fixed, a * slope


def cheapest_by_volume(
    terms: Mapping[str, Mapping[str, Any]], a: float, order: Sequence[str], limit: float = BREAK_EVEN_LIMIT
) -> list[dict]:
    """[{option, from_studies_per_year, to_studies_per_year}] covering 0..limit, `to` None on the last."""
    points = {0.0, limit}
    for name in order:
        c = terms[name]["share_per_study"]
        if c is not None and float(c) > 0 and 1.0 / float(c) < limit:
            points.add(1.0 / float(c))
    kinks = sorted(points)
    cuts = set(kinks)
    for lo, hi in zip(kinks, kinks[1:]):
        lines = [_line(terms[n], a, lo, hi) for n in order]
        for i in range(len(lines)):
            for j in range(i + 1, len(lines)):
                (ai, bi), (aj, bj) = lines[i], lines[j]
                if bi != bj:
                    v = (aj - ai) / (bi - bj)
                    if lo < v < hi:
                        cuts.add(v)
    bounds = _distinct(sorted(cuts))
    pieces: list[list] = []
    for lo, hi in zip(bounds, bounds[1:]):
        mid = (lo + hi) / 2.0
        costs = []
        for n in order:
            intercept, slope = _line(terms[n], a, mid, mid)
            costs.append(intercept + slope * mid)
        best = order[min(range(len(order)), key=lambda i: costs[i])]
        if pieces and pieces[-1][0] == best:
            pieces[-1][2] = hi
        else:
            pieces.append([best, lo, hi])
    out = [{"option": n, "from_studies_per_year": lo, "to_studies_per_year": hi} for n, lo, hi in pieces]
    out[-1]["to_studies_per_year"] = None
    return out


def _distinct(points: list[float]) -> list[float]:
    out = [points[0]]
    for x in points[1:]:
        if x - out[-1] > _SAME * max(1.0, abs(x)):
            out.append(x)
    out[-1] = points[-1]
    return out
