"""Overlap and boundary metrics between a predicted and a reference mask.

Conventions (stated because papers differ):
* Dice = 2|A n B| / (|A| + |B|), IoU = |A n B| / |A u B|; both 1.0 when both masks are empty
  (nothing to find, nothing found) and 0.0 when exactly one is empty.
* HD95 is the 95th percentile of the pooled surface distances A->B and B->A (MedPy's `hd95`
  convention), in millimetres with the frame's (row_mm, col_mm) spacing, in pixels when the
  spacing is unknown. A surface is the set of mask pixels with a 4-neighbour outside the mask;
  distances are Euclidean between pixel centres. HD95 is undefined (None) when either mask is
  empty, and 0.0 when both are empty.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES


def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, bool)
    b = np.asarray(b, bool)
    if a.shape != b.shape:
        raise ValueError(f"masks differ in shape: {a.shape} vs {b.shape}")
    return a, b


def dice(pred, ref) -> float:
    a, b = _pair(pred, ref)
    total = int(a.sum()) + int(b.sum())
    if total == 0:
        return 1.0
    return 2.0 * int((a & b).sum()) / total


def iou(pred, ref) -> float:
    a, b = _pair(pred, ref)
    union = int((a | b).sum())
    if union == 0:
        return 1.0
    return int((a & b).sum()) / union


def surface(mask: np.ndarray) -> np.ndarray:
    """Mask pixels with at least one 4-neighbour outside the mask (the image edge counts as outside)."""
    mask = np.asarray(mask, bool)
    eroded = ndimage.binary_erosion(mask, structure=ndimage.generate_binary_structure(2, 1), border_value=0)
    return mask & ~eroded


def surface_distances(pred, ref, spacing_mm=None) -> tuple[np.ndarray, np.ndarray]:
    """Distances from each surface pixel of pred to ref's surface, and of ref to pred's."""
    a, b = _pair(pred, ref)
    sampling = tuple(spacing_mm) if spacing_mm is not None else (1.0, 1.0)
    sa, sb = surface(a), surface(b)
    to_b = ndimage.distance_transform_edt(~sb, sampling=sampling)
    to_a = ndimage.distance_transform_edt(~sa, sampling=sampling)
    return to_b[sa], to_a[sb]


def hd95(pred, ref, spacing_mm=None) -> float | None:
    a, b = _pair(pred, ref)
    if not a.any() and not b.any():
        return 0.0
    if not a.any() or not b.any():
        return None
    d_ab, d_ba = surface_distances(a, b, spacing_mm)
    return float(np.percentile(np.concatenate([d_ab, d_ba]), 95))


def per_structure(
    pred_label: np.ndarray, ref_label: np.ndarray, spacing_mm=None, structures: list[str] | None = None
) -> dict[str, dict]:
    """Dice, IoU and HD95 for each structure present in the reference (or those named)."""
    pred_label = np.asarray(pred_label)
    ref_label = np.asarray(ref_label)
    names = structures or [c for c, v in STRUCTURES.items() if (ref_label == v).any()]
    out = {}
    for c in names:
        p, r = pred_label == STRUCTURES[c], ref_label == STRUCTURES[c]
        out[c] = {"dice": dice(p, r), "iou": iou(p, r), "hd95": hd95(p, r, spacing_mm)}
    return out
