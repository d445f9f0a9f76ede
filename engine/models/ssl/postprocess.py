"""Clean-up of a predicted label map: one filled region per chamber.

For each chamber label, only its largest connected region (8-connected) is kept and holes
inside it are filled (pixels of a hole that belong to another chamber stay with that chamber).
Everything else becomes background. A chamber that a neighbour's filled region cut in two keeps
its largest piece, so every chamber ends as one region. Used on the U-Net's predictions before self-training QC
and in `segroi segment` / `evaluate` for the SSL model.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES

_EIGHT = np.ones((3, 3), bool)


def _box(m: np.ndarray):
    rows = np.nonzero(m.any(axis=1))[0]
    cols = np.nonzero(m.any(axis=0))[0]
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def _largest(m: np.ndarray) -> np.ndarray:
    lab, n = ndimage.label(m, structure=_EIGHT)
    if n > 1:
        sizes = ndimage.sum(m, lab, range(1, n + 1))
        m = lab == (int(np.argmax(sizes)) + 1)
    return m


def largest_regions(label: np.ndarray) -> np.ndarray:
    label = np.asarray(label)
    out = np.zeros(label.shape, np.uint8)
    for value in STRUCTURES.values():
        m = label == value
        if not m.any():
            continue
        box = _box(m)
        sub = ndimage.binary_fill_holes(_largest(m[box]))
        region = out[box]
        region[sub & (region == 0)] = value
    for value in STRUCTURES.values():
        m = out == value
        if not m.any():
            continue
        box = _box(m)
        region = out[box]
        region[(region == value) & ~_largest(m[box])] = 0
    return out
