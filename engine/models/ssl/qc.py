"""Anatomical quality control of a label map: a frame passes when every chamber looks like one.

The published QC (Ferreira et al., Nat Commun 16, 4070 (2025), quoted in REFERENCES.md) checks
area and eccentricity only. Those pass a leak: an LV that flows into the dropout band along the
sector edge and round the LA keeps a plausible area and elongation. Eight rules, each named so
that `train-ssl` can count the frames it rejected (docs/ssl.md gives the sources in full):

rule          what fails                                          set by
absent        a chamber the view needs is missing                 the view (A4C: 4, A2C: LV + LA)
parts         a chamber in more than one piece                    the published QC
area          outside the physiological range (cm^2)              see AREA below
eccentricity  outside the range of the moment-equivalent ellipse  published, atria floor removed
solidity      area / convex-hull area below the floor             the exact masks of the phantoms
sector edge   over 15 % of the outline on the sector's edge band  the exact masks of the phantoms
layout        ventricles not above atria, LV not right of RV,     ASE standard apical views
              LA not under the LV, RA not under the RV
cine          a chamber far (position or size) from the rest      physiology of one heart beat
              of its cine

AREA: the published floors (atria 6 cm^2) reject small hearts: the atria are smallest at
ventricular end-diastole, and the minimum LA volume of healthy adults goes down to 3 ml/m^2
(Henriksen et al., Int J Cardiovasc Imaging 2015;31:57, reference limits 3-15 ml/m^2 at 40 y).
With the area-length relation V = 0.85 A^2 / L (Lang et al., JASE 2015) and an atrial length of
3 cm, 4.5 ml (1.5 m^2 body surface) is an area of 4.0 cm^2, so atria of 4-5 cm^2 are normal
in small adults. Floors: atria 2.5 cm^2, RV 2.5 cm^2 (an RV of the ASE's lowest normal basal
width, 25 mm, contracting to the normal 35-60 % fractional area change ends systole near 3 cm^2),
LV 4.7 cm^2 (published; the smallest normal adult LV end-systolic volume, 14 ml in women, is an
A4C area near 9 cm^2). Ceilings: the published ones (LV/RV 104, atria 75 cm^2).

ECCENTRICITY: the published ranges, except that the atria have no floor: a round atrium is
normal (the phantoms' exact masks go down to 0.09), and a ventricle's floor stays (0.62/0.65).

SOLIDITY floors (LV/LA/RA 0.85, RV 0.75) sit below every exact mask of 48 phantom-family cines
(6 of each of the first 8 looks) and 6 studies of each original phantom style (minima LV 0.96, LA 0.98, RA 0.96, RV 0.85, the
crescent-shaped RV being the least convex): a chamber that leaks through a gap is not convex.

SECTOR EDGE: no exact mask has more than 8 % of its outline within 2 % of the sector depth of the
sector's edges; a pool that runs along the edge is dropout or outside the image, not blood.

CINE (frames of one cine, at least two): each chamber's centroid within max(10 mm, 0.06 R) of its
median position over the cine, its area within 0.45-2.2 times its median area. Between
end-diastole and end-systole the base moves 1-1.5 cm towards the apex and areas change by up to
60 % (a fractional area change of 35-60 % is normal for the RV; the LV's is similar), so the
median of a cine is never further than that from a correct frame.

Without pixel spacing the area rule is skipped (and each result says so), and the cine rule uses
0.06 R only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, TypedDict

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES


class Range(TypedDict):
    area_cm2: tuple[float, float]  # lowest, highest
    eccentricity: tuple[float, float]
    solidity: float  # lowest


RANGES: dict[str, Range] = {
    "LV": {"area_cm2": (4.7, 104.0), "eccentricity": (0.62, 0.96), "solidity": 0.85},
    "LA": {"area_cm2": (2.5, 75.0), "eccentricity": (0.0, 0.96), "solidity": 0.85},
    "RV": {"area_cm2": (2.5, 104.0), "eccentricity": (0.65, 0.96), "solidity": 0.75},
    "RA": {"area_cm2": (2.5, 75.0), "eccentricity": (0.0, 0.95), "solidity": 0.85},
}
REQUIRED = {"A4C": ("LV", "LA", "RV", "RA"), "A2C": ("LV", "LA")}
RULES = ("absent", "parts", "area", "eccentricity", "solidity", "sector edge", "layout", "cine")
EDGE_BAND = 0.02  # of the sector depth
EDGE_SHARE = 0.15
CINE_SHIFT_MM = 10.0
CINE_SHIFT_R = 0.06
CINE_AREA = (0.45, 2.2)
SOURCE = "segroi QC (docs/ssl.md): Ferreira et al. 2025 ranges, revised floors, shape, sector, layout, cine"


@dataclass
class ChamberQc:
    chamber: str
    passed: bool
    area_cm2: float | None
    eccentricity: float | None
    area_checked: bool
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the rule behind each reason (same order)
    solidity: float | None = None


@dataclass
class FrameQc:
    passed: bool
    view: str
    chambers: dict[str, ChamberQc]
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # every rule this frame failed

    def fail(self, rule: str, reason: str) -> None:
        self.passed = False
        self.reasons.append(reason)
        if rule not in self.rules:
            self.rules.append(rule)


def eccentricity(mask: np.ndarray, spacing_mm: tuple[float, float] | None = None) -> float | None:
    """Eccentricity of the moment-equivalent ellipse, in physical coordinates when spacing is given."""
    rows, cols = np.nonzero(mask)
    if rows.size < 3:
        return None
    sr, sc = spacing_mm if spacing_mm else (1.0, 1.0)
    pts = np.stack([rows * sr, cols * sc])
    cov = np.cov(pts)
    # Each pixel is a square of side s, not a point: add its own second moment s^2/12.
    cov = cov + np.diag([sr * sr / 12.0, sc * sc / 12.0])
    ev = np.sort(np.linalg.eigvalsh(cov))
    if ev[1] <= 0:
        return None
    return float(np.sqrt(max(0.0, 1.0 - ev[0] / ev[1])))


def solidity(mask: np.ndarray) -> float | None:
    from skimage import measure

    if mask.sum() < 3:
        return None
    props = measure.regionprops(mask.astype(np.uint8))
    return float(props[0].solidity) if props else None


def check_chamber(mask: np.ndarray, chamber: str, spacing_mm: tuple[float, float] | None, sector=None) -> ChamberQc:
    """QC of one chamber's binary mask (sector: engine.models.ssl.sector.Sector, optional)."""
    mask = np.asarray(mask, bool)
    rng = RANGES[chamber]
    reasons: list[str] = []
    rules: list[str] = []

    def fail(rule, reason):
        reasons.append(reason)
        rules.append(rule)

    if not mask.any():
        return ChamberQc(chamber, False, None, None, spacing_mm is not None, ["absent"], ["absent"])
    rows, cols = np.nonzero(mask)
    r0, r1 = max(int(rows.min()) - 2, 0), int(rows.max()) + 3
    c0, c1 = max(int(cols.min()) - 2, 0), int(cols.max()) + 3
    full_shape = mask.shape
    mask = mask[r0:r1, c0:c1]  # every shape measure below is local to the chamber
    _, parts = ndimage.label(mask)
    if parts > 1:
        fail("parts", f"{parts} separate parts")
    area = None
    if spacing_mm is not None:
        area = float(mask.sum() * spacing_mm[0] * spacing_mm[1] / 100.0)
        lo, hi = rng["area_cm2"]
        if not lo <= area <= hi:
            fail("area", f"area {area:.1f} cm2 outside {lo}-{hi}")
    ecc = eccentricity(mask, spacing_mm)
    lo, hi = rng["eccentricity"]
    if ecc is None or not lo <= ecc <= hi:
        fail("eccentricity", f"eccentricity {ecc if ecc is None else round(ecc, 2)} outside {lo}-{hi}")
    sol = solidity(mask)
    if sol is not None and sol < rng["solidity"]:
        fail("solidity", f"solidity {sol:.2f} below {rng['solidity']} (not convex: a leak?)")
    if sector is not None and getattr(sector, "fitted", False) and sector.mask.shape == full_shape:
        outline = mask & ~ndimage.binary_erosion(mask)
        near_edge = _near_edge(sector)[r0:r1, c0:c1]
        share = float((outline & near_edge).sum() / max(outline.sum(), 1))
        if share > EDGE_SHARE:
            fail("sector edge", f"{share:.0%} of its outline on the sector edge")
    return ChamberQc(chamber, not reasons, area, ecc, spacing_mm is not None, reasons, rules, sol)


def _near_edge(sector) -> np.ndarray:
    cached = getattr(sector, "_near_edge", None)
    if cached is None:
        cached = (sector.edge_distance() < EDGE_BAND * sector.depth) | ~sector.mask
        sector._near_edge = cached
    return cached


def _position(mask: np.ndarray, sector) -> tuple[float, float, float, float, float, float]:
    """(depth, lateral, top, bottom, left, right) in pixels along/across the sector axis."""
    rows, cols = np.nonzero(mask)
    if sector is not None:
        a = np.radians(sector.axis_deg)
        dy, dx = rows - sector.apex_row, cols - sector.apex_col
        depth = dy * np.cos(a) + dx * np.sin(a)
        lat = dx * np.cos(a) - dy * np.sin(a)
    else:
        depth, lat = rows.astype(float), cols.astype(float)
    return (
        float(depth.mean()),
        float(lat.mean()),
        float(np.percentile(depth, 5)),
        float(np.percentile(depth, 95)),
        float(np.percentile(lat, 5)),
        float(np.percentile(lat, 95)),
    )


def layout_problems(label: np.ndarray, sector=None) -> list[str]:
    """The standard apical layout: ventricles above atria, LV right of RV, LA under LV, RA under RV."""
    pos = {c: _position(label == v, sector) for c, v in STRUCTURES.items() if (label == v).any()}
    out = []
    if "LV" in pos and "LA" in pos:
        lv, la = pos["LV"], pos["LA"]
        if la[0] <= lv[0]:
            out.append("LA not below the LV")
        elif not lv[4] - 0.25 * (lv[5] - lv[4]) < la[1] < lv[5] + 0.25 * (lv[5] - lv[4]):
            out.append("LA not under the LV")
    if "LV" in pos and "RV" in pos and pos["RV"][1] >= pos["LV"][1]:
        out.append("RV not left of the LV")
    if "RV" in pos and "RA" in pos and pos["RA"][0] <= pos["RV"][0]:
        out.append("RA not below the RV")
    if "LA" in pos and "RA" in pos and pos["RA"][1] >= pos["LA"][1]:
        out.append("RA not left of the LA")
    return out


def check_frame(label: np.ndarray, spacing_mm: tuple[float, float] | None, view: str | None, sector=None) -> FrameQc:
    """QC of a whole label map: every chamber the view needs, every chamber present, the layout."""
    label = np.asarray(label)
    present = [c for c, v in STRUCTURES.items() if (label == v).any()]
    view_used = view if view in REQUIRED else ("A4C" if {"RV", "RA"} & set(present) else "A2C")
    needed = REQUIRED[view] if view in REQUIRED else REQUIRED["A2C"]
    names = list(dict.fromkeys([*needed, *present]))
    results = {c: check_chamber(label == STRUCTURES[c], c, spacing_mm, sector) for c in names}
    qc = FrameQc(True, view_used, results)
    for c, r in results.items():
        for rule, reason in zip(r.rules, r.reasons):
            qc.fail(rule, f"{c}: {reason}")
    for problem in layout_problems(label, sector):
        qc.fail("layout", problem)
    return qc


def check_cine(
    labels: Sequence[np.ndarray], spacing_mm, view: str | None, sector=None, views: Sequence[str | None] | None = None
) -> list[FrameQc]:
    """QC of the frames of one cine: every frame on its own, then consistency across the cine."""
    views = list(views) if views is not None else [view] * len(labels)
    out = [check_frame(lab, spacing_mm, v, sector) for lab, v in zip(labels, views)]
    if len(labels) < 2:
        return out
    if sector is not None:
        limit = CINE_SHIFT_R * sector.depth
    else:
        limit = CINE_SHIFT_R * max(np.asarray(labels[0]).shape)
    if spacing_mm is not None:
        limit = max(limit, CINE_SHIFT_MM / float(np.sqrt(spacing_mm[0] * spacing_mm[1])))
    for chamber, value in STRUCTURES.items():
        stats = []
        for i, lab in enumerate(labels):
            m = np.asarray(lab) == value
            if m.any():
                rows, cols = np.nonzero(m)
                stats.append((i, rows.mean(), cols.mean(), m.sum()))
        if len(stats) < 2:
            continue
        r0 = float(np.median([s[1] for s in stats]))
        c0 = float(np.median([s[2] for s in stats]))
        a0 = float(np.median([s[3] for s in stats]))
        for i, r, c, a in stats:
            shift = float(np.hypot(r - r0, c - c0))
            if shift > limit:
                out[i].fail("cine", f"{chamber}: {shift:.0f} px from its place in the rest of the cine")
            elif not CINE_AREA[0] * a0 <= a <= CINE_AREA[1] * a0:
                out[i].fail("cine", f"{chamber}: area {a / a0:.2f} x its median in the cine")
    return out
