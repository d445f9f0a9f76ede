"""The network's region of interest: the echo sector, cropped to a square and masked.

The U-Net does not need the scanner's screen around the sector (text, depth ruler, grey bar,
ECG trace), and those differ from scanner to scanner, so the SSL model sees only the sector:
its bounding box, widened to a square (no distortion; rows or columns outside the frame are
zeros), with every pixel outside the fitted sector set to zero. The crop also spends the
network's few input pixels on the heart rather than on margins, which matters at the quick
settings' 64-96 pixels. A frame with no fitted sector is used whole (padded to a square).

The sector is fitted on a copy at most 256 pixels on its long side (the fit is geometric, so
this loses nothing and keeps inference fast).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from engine.models.ssl.sector import Sector

FIT_SIZE = 256


@dataclass
class Roi:
    box: tuple[int, int, int, int]  # row0, row1, col0, col1 (exclusive ends; may exceed the frame)
    mask: np.ndarray | None  # pixels of the frame the network may use; None: all

    @property
    def side(self) -> int:
        return self.box[1] - self.box[0]


def whole(shape) -> Roi:
    h, w = shape
    side = max(h, w)
    r0 = (h - side) // 2
    c0 = (w - side) // 2
    return Roi((r0, r0 + side, c0, c0 + side), None)


def sector_roi(pixels: np.ndarray) -> Roi:
    """The sector's square box and mask, or the whole frame when no sector is fitted."""
    from skimage import transform

    from engine.models.ssl.sector import find_sector

    arr = np.asarray(pixels, dtype=np.float32)
    h, w = arr.shape
    scale = min(1.0, FIT_SIZE / max(h, w))
    small = (
        arr
        if scale == 1.0
        else transform.resize(
            arr, (max(2, round(h * scale)), max(2, round(w * scale))), anti_aliasing=True, preserve_range=True
        ).astype(np.float32)
    )
    sector = find_sector(small)
    if sector is None or not sector.fitted:
        return whole((h, w))
    return roi_from_sector(sector.scaled(1.0 / scale, (h, w)))


def roi_from_sector(sector: Sector) -> Roi:
    """The square box and mask of a fitted sector given at the frame's size (unfitted: the whole frame)."""
    if not sector.fitted:
        return whole(sector.mask.shape)
    mask = sector.mask
    h, w = mask.shape
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    if rows.size == 0 or cols.size == 0:
        return whole((h, w))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    side = max(r1 - r0, c1 - c0)
    r0 -= (side - (r1 - r0)) // 2
    c0 -= (side - (c1 - c0)) // 2
    return Roi((r0, r0 + side, c0, c0 + side), mask)


def crop(arr: np.ndarray, roi: Roi, fill=0) -> np.ndarray:
    """The ROI's square of a frame-sized array, zeros (fill) outside the frame and the mask."""
    r0, r1, c0, c1 = roi.box
    h, w = arr.shape[:2]
    src = arr if roi.mask is None else np.where(roi.mask, arr, fill)
    out = np.full((r1 - r0, c1 - c0, *arr.shape[2:]), fill, dtype=arr.dtype)
    rs, re = max(r0, 0), min(r1, h)
    cs, ce = max(c0, 0), min(c1, w)
    if rs < re and cs < ce:
        out[rs - r0 : re - r0, cs - c0 : ce - c0] = src[rs:re, cs:ce]
    return out
