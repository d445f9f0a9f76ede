"""Clean-up of a predicted label map: one filled region per chamber.

For each chamber label, only its largest connected region (8-connected) is kept and holes
inside it are filled (pixels of a hole that belong to another chamber stay with that chamber).
Everything else becomes background. Used on the U-Net's predictions before self-training QC
and in `segroi segment` / `evaluate` for the SSL model.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES

_EIGHT = np.ones((3, 3), bool)


def largest_regions(label: np.ndarray) -> np.ndarray:
    label = np.asarray(label)
    out = np.zeros(label.shape, np.uint8)
    for value in STRUCTURES.values():
        m = label == value
        if not m.any():
            continue
        lab, n = ndimage.label(m, structure=_EIGHT)
        if n > 1:
            sizes = ndimage.sum(m, lab, range(1, n + 1))
            m = lab == (int(np.argmax(sizes)) + 1)
        m = ndimage.binary_fill_holes(m)
        out[m & (out == 0)] = value
    return out
