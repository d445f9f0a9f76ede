"""Anatomical quality control of a label map, in physical units.

A chamber passes when it is one connected region whose area (cm^2) and eccentricity lie in the
ranges of Ferreira et al. (Nat Commun 2025), quoted in REFERENCES.md:

    chamber  area (cm^2)  eccentricity
    LV       4.7-104      0.62-0.96
    LA       6-75         0.30-0.96
    RV       4.7-104      0.65-0.96
    RA       6-75         0.17-0.95

Eccentricity is that of the ellipse with the same second moments, computed in millimetres (so
anisotropic pixels are handled): sqrt(1 - minor^2 / major^2).

A frame passes when every chamber its view should show passes: A4C needs LV, LA, RV and RA;
A2C (and a frame of unknown view) needs LV and LA, and any RV/RA it does have must pass too.

Without pixel spacing the area cannot be checked: QC then runs on shape only (connectedness and
eccentricity) and says so in each result (`area_checked` False).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES

RANGES = {
    "LV": {"area_cm2": (4.7, 104.0), "eccentricity": (0.62, 0.96)},
    "LA": {"area_cm2": (6.0, 75.0), "eccentricity": (0.30, 0.96)},
    "RV": {"area_cm2": (4.7, 104.0), "eccentricity": (0.65, 0.96)},
    "RA": {"area_cm2": (6.0, 75.0), "eccentricity": (0.17, 0.95)},
}
REQUIRED = {"A4C": ("LV", "LA", "RV", "RA"), "A2C": ("LV", "LA")}
SOURCE = "Ferreira et al., Nat Commun 16, 4070 (2025), QC table"


@dataclass
class ChamberQc:
    chamber: str
    passed: bool
    area_cm2: float | None
    eccentricity: float | None
    area_checked: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class FrameQc:
    passed: bool
    view: str
    chambers: dict[str, ChamberQc]
    reasons: list[str] = field(default_factory=list)


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


def check_chamber(mask: np.ndarray, chamber: str, spacing_mm: tuple[float, float] | None) -> ChamberQc:
    """QC of one chamber's binary mask."""
    mask = np.asarray(mask, bool)
    rng = RANGES[chamber]
    reasons: list[str] = []
    if not mask.any():
        return ChamberQc(chamber, False, None, None, spacing_mm is not None, ["absent"])
    _, parts = ndimage.label(mask)
    if parts > 1:
        reasons.append(f"{parts} separate parts")
    area = None
    if spacing_mm is not None:
        area = float(mask.sum() * spacing_mm[0] * spacing_mm[1] / 100.0)
        lo, hi = rng["area_cm2"]
        if not lo <= area <= hi:
            reasons.append(f"area {area:.1f} cm2 outside {lo}-{hi}")
    ecc = eccentricity(mask, spacing_mm)
    lo, hi = rng["eccentricity"]
    if ecc is None or not lo <= ecc <= hi:
        reasons.append(f"eccentricity {ecc if ecc is None else round(ecc, 2)} outside {lo}-{hi}")
    return ChamberQc(chamber, not reasons, area, ecc, spacing_mm is not None, reasons)


def check_frame(label: np.ndarray, spacing_mm: tuple[float, float] | None, view: str | None) -> FrameQc:
    """QC of a whole label map: every chamber the view needs, and every chamber present."""
    label = np.asarray(label)
    present = [c for c, v in STRUCTURES.items() if (label == v).any()]
    view_used = view if view in REQUIRED else ("A4C" if {"RV", "RA"} & set(present) else "A2C")
    needed = REQUIRED.get(view, REQUIRED["A2C"]) if view in REQUIRED else REQUIRED["A2C"]
    names = list(dict.fromkeys([*needed, *present]))
    results = {c: check_chamber(label == STRUCTURES[c], c, spacing_mm) for c in names}
    reasons = [f"{c}: {', '.join(r.reasons)}" for c, r in results.items() if not r.passed]
    return FrameQc(not reasons, view_used, results, reasons)
