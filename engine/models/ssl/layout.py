"""Naming blood pools LV, LA, RV, RA from the apical four-chamber layout.

The apical views show the heart with the transducer (the sector's apex) at the LV apex. In the
standard orientation (ASE; Lang et al., JASE 2015) the four-chamber view has the ventricles
nearer the transducer than the atria, the valve plane between them, the LV on the screen's
right and the RV on its left, the LA under the LV and the RA under the RV. The two-chamber view
has the LV above the LA only.

Every candidate pool has its centroid, extent and area in sector coordinates: depth along the
sector's axis and lateral offset from it, both as fractions of the sector depth R. A naming is
an assignment of candidates to LV, LA, RV, RA (RV/RA may stay empty; so may the LA). It must
satisfy the layout (hard rules below) and, among those that do, the one with the largest score
wins. The score is the sum of sqrt(area) of the named pools (so four plausible chambers beat one
big pool), minus penalties for a gap beyond 0.08 R between neighbours that should touch (LV-LA
across the mitral plane, LV-RV across the septum; 0.06 R for RA-LA across the interatrial
septum), for atria at depths more than 0.1 R apart,
and, for a cine, for being more than 0.03 R from where the chamber sits in the cine's other
frames (consistency across frames).

Hard rules, with R the sector depth:
  LV   its top is the nearest of all named pools to the transducer (within 0.1 R: near-field
       clutter can hide the LV apex) and within 0.5 R of the apex (the apex of the heart lies a
       few centimetres below the transducer),
       no other pool half its size or more lies above its top, and its centroid is not left of
       the sector axis by more than 0.12 R;
  LA   centroid deeper than the LV's centroid, top below the LV's upper third, centroid
       horizontally within the LV's extent widened by a quarter of its width;
  RV   centroid left of the LV's centroid, top within the LV's depth range (0.1 R above its top
       allowed), its right edge
       not beyond the LV's centroid, centroid shallower than the LA's top (if any);
  RA   centroid deeper than the RV's centroid and left of the LA's and the LV's centroids, top
       below the RV's upper third, centroid under the RV (within its extent, widened by half its
       width on the left and a quarter on the right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Pool:
    """A candidate blood pool in sector coordinates (fractions of the sector depth R)."""

    id: int
    area: float  # R^2 units
    depth: float  # centroid along the sector axis
    lateral: float  # centroid across it (positive: screen right)
    top: float
    bottom: float
    left: float
    right: float
    area_cm2: float | None = None

    @property
    def width(self) -> float:
        return self.right - self.left


def _la_ok(lv: Pool, la: Pool) -> bool:
    third = lv.top + (lv.bottom - lv.top) / 3
    pad = 0.25 * lv.width
    return la.depth > lv.depth and la.top > third and lv.left - pad < la.lateral < lv.right + pad


def _rv_ok(lv: Pool, rv: Pool, la: Pool | None) -> bool:
    if not (rv.lateral < lv.lateral and rv.right < lv.lateral + 0.1 * lv.width):
        return False
    if not (lv.top - 0.1 < rv.top < lv.bottom):
        return False
    return la is None or rv.depth < la.top + 0.02


def _ra_ok(lv: Pool, rv: Pool | None, ra: Pool, la: Pool | None) -> bool:
    if rv is None:  # the RA is placed against the RV: none is named without one
        return False
    third = rv.top + (rv.bottom - rv.top) / 3
    if not (ra.depth > rv.depth and ra.top > third and ra.lateral < lv.lateral):
        return False
    if not rv.left - 0.5 * rv.width < ra.lateral < rv.right + 0.25 * rv.width:
        return False
    return la is None or ra.lateral < la.lateral


def _gap(a: Pool, b: Pool, vertical: bool) -> float:
    if vertical:
        return max(0.0, b.top - a.bottom)
    return max(0.0, b.left - a.right)


def name_pools(
    pools: list[Pool], view: str | None = None, prior: dict | None = None, max_candidates: int = 9
) -> dict[str, Pool]:
    """The best layout-respecting naming of the pools; {} when no LV fits."""
    pools = sorted(pools, key=lambda p: -p.area)[:max_candidates]
    if not pools:
        return {}
    four = view != "A2C"
    best, best_score = {}, -math.inf
    options = [None, *pools]
    for lv in pools:
        if lv.lateral < -0.12 or lv.top > 0.5:
            continue
        if any(p.area >= 0.5 * lv.area and p.depth < lv.top for p in pools if p is not lv):
            continue
        for la in options:
            if la is lv or (la is not None and not _la_ok(lv, la)):
                continue
            for rv in options if four else [None]:
                if rv is not None and (rv is lv or rv is la or not _rv_ok(lv, rv, la)):
                    continue
                for ra in options if four and rv is not None else [None]:
                    if ra is not None and (ra in (lv, la, rv) or not _ra_ok(lv, rv, ra, la)):
                        continue
                    named = {k: v for k, v in (("LV", lv), ("LA", la), ("RV", rv), ("RA", ra)) if v is not None}
                    if min(p.top for p in named.values()) < lv.top - 0.1:
                        continue
                    score = _score(named, prior)
                    if score > best_score:
                        best, best_score = named, score
    return best


def _score(named: dict[str, Pool], prior: dict | None) -> float:
    score = sum(math.sqrt(p.area) + 0.05 for p in named.values())
    lv = named["LV"]
    if "LA" in named:
        score -= 2.0 * max(0.0, _gap(lv, named["LA"], vertical=True) - 0.08)
    if "RV" in named:
        score -= 2.0 * max(0.0, _gap(named["RV"], lv, vertical=False) - 0.08)
    if "RA" in named and "LA" in named:
        score -= 1.0 * max(0.0, abs(named["RA"].depth - named["LA"].depth) - 0.1)
        score -= 2.0 * max(0.0, _gap(named["RA"], named["LA"], vertical=False) - 0.06)
    if prior:
        for k, p in named.items():
            if k in prior:
                d0, l0 = prior[k]
                score -= 3.0 * max(0.0, math.hypot(p.depth - d0, p.lateral - l0) - 0.03)
        score -= 0.1 * sum(1 for k in prior if k not in named)
    return score


def cine_prior(namings: list[dict[str, Pool]]) -> dict[str, tuple[float, float]]:
    """Median centroid (depth, lateral) of each chamber over the frames of a cine that named it."""
    out = {}
    for k in ("LV", "LA", "RV", "RA"):
        pts = [(n[k].depth, n[k].lateral) for n in namings if k in n]
        if len(pts) * 2 > len(namings) or (pts and len(namings) <= 2):
            ds = sorted(p[0] for p in pts)
            ls = sorted(p[1] for p in pts)
            out[k] = (ds[len(ds) // 2], ls[len(ls) // 2])
    return out
