"""Mask geometry for annotation: polygons to masks, Dice, prompts derived from a mask."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

Point = tuple[float, float]  # (x, y) = (column, row), in image pixels


def polygon_mask(points: list[Point], shape: tuple[int, int]) -> np.ndarray:
    """Boolean mask of the polygon's interior (vertices in image pixel coordinates)."""
    from skimage.draw import polygon

    out = np.zeros(shape, dtype=bool)
    if len(points) < 3:
        return out
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    rr, cc = polygon(ys, xs, shape=shape)
    out[rr, cc] = True
    return out


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Dice coefficient of two boolean masks; two empty masks agree perfectly (1.0)."""
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    total = int(a.sum()) + int(b.sum())
    if total == 0:
        return 1.0
    return 2.0 * int(np.logical_and(a, b).sum()) / total


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) inclusive pixel bounds of a mask, or None when it is empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])


def interior_point(mask: np.ndarray) -> Point | None:
    """The pixel deepest inside the mask (maximum of its distance transform), as (x, y)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    r, c = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return float(c), float(r)


def interior_points(mask: np.ndarray, n: int) -> list[Point]:
    """Up to `n` interior maxima of the distance transform, as (x, y): the deepest pixel first,
    then the deepest outside a disc (radius = the previous depth) around each point taken."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any() or n <= 0:
        return []
    dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    rows, cols = np.indices(mask.shape)
    out: list[Point] = []
    for _ in range(n):
        k = int(np.argmax(dist))
        depth = float(dist.flat[k])
        if depth <= 0:
            break
        r, c = np.unravel_index(k, dist.shape)
        out.append((float(c), float(r)))
        dist = np.where((rows - r) ** 2 + (cols - c) ** 2 <= depth**2, 0.0, dist)
    return out


def correction_click(pred: np.ndarray, truth: np.ndarray) -> tuple[Point, int] | None:
    """Where an annotator would click next to fix `pred`: the interior maximum of the largest
    error region, positive (1) where the structure was missed, negative (0) where the mask
    spills over. None when there is no error."""
    pred = np.asarray(pred, dtype=bool)
    truth = np.asarray(truth, dtype=bool)
    best = None
    for region, label in ((truth & ~pred, 1), (pred & ~truth, 0)):
        labels, n = ndimage.label(region)
        if n == 0:
            continue
        sizes = np.bincount(labels.ravel())[1:]
        k = int(np.argmax(sizes)) + 1
        if best is None or sizes[k - 1] > best[0]:
            best = (int(sizes[k - 1]), labels == k, label)
    if best is None:
        return None
    point = interior_point(best[1])
    assert point is not None  # the region is not empty
    return point, best[2]


def contour_polygon(mask: np.ndarray, vertices: int) -> list[Point]:
    """The mask's outer contour resampled to `vertices` points, as (x, y)."""
    from skimage import measure

    mask = np.asarray(mask, dtype=bool)
    contours = measure.find_contours(np.pad(mask, 1).astype(float), 0.5)
    if not contours:
        return []
    c = max(contours, key=len) - 1.0  # undo the pad; (row, col)
    idx = np.linspace(0, len(c) - 1, num=max(3, vertices), endpoint=False).round().astype(int)
    return [(float(col), float(row)) for row, col in c[idx]]


def overlay(
    pixels: np.ndarray, masks: list[tuple[np.ndarray, tuple[int, int, int]]], alpha: float = 0.45
) -> np.ndarray:
    """RGB uint8 image: the greyscale frame with coloured, semi-transparent masks on top."""
    grey = np.clip(np.asarray(pixels, dtype=np.float32), 0.0, 1.0)
    rgb = np.repeat((grey * 255.0)[..., None], 3, axis=2)
    for mask, color in masks:
        if mask is None:
            continue
        m = np.asarray(mask, dtype=bool)
        rgb[m] = (1 - alpha) * rgb[m] + alpha * np.array(color, dtype=np.float32)
    return rgb.round().astype(np.uint8)
