"""Pseudo-labels from classical image processing: no human label, no ground truth.

After Ferreira et al. (Nat Commun 2025): unsharp masking, a dark-region threshold, a distance
transform with `peak_local_max` seeds and a watershed, then position rules that name the
segments LV, LA, RV and RA. Their rules are written for 256 x 256 images; here every length is
relative to the ultrasound fan found in the image, so the same rules hold at any size:

* fan       pixels above a small floor, closed and hole-filled; its apex (top) and depth R
            (apex to the deepest fan row) set the scale. Lengths below are fractions of R.
* contrast  percentiles 1-99 inside the fan stretched to [0, 1]; Gaussian smoothing of
            0.012 R against speckle; unsharp mask of radius 0.03 R (amount 1.0).
* dark      the lower of two multi-Otsu thresholds inside the fan (3 classes: blood,
            tissue, bright walls); opened by 0.012 R; restricted to the fan eroded by 0.02 R.
* seeds     distance transform of the dark mask; `peak_local_max` with a minimum distance of
            20/256 of the image width (the paper's 20 px at 256) and a floor of 0.03 R.
* watershed on the negated distance; then neighbouring segments are merged when the
            distance map along their shared border reaches 75 % of the smaller segment's peak
            (no narrowing between them: one chamber cut in two by a spurious seed).
* keep      a segment whose perimeter is under 2.15 x the image width (the paper's 550 px at
            256), whose centroid lies in the central 60 % of the fan's width (the paper's
            75-200 px band, widened symmetrically so that the right heart is kept), whose area
            is at least 0.3 % of the fan, and which touches the fan's edge along less than a
            quarter of its outline.
* names     LV: the largest kept segment in the upper 65 % of the fan that is not left of
            the fan's midline by more than 0.1 R (A2C: the largest upper segment).
            LA: the largest segment below the LV (centroid deeper than the LV's, top below the
            LV's centroid) and horizontally overlapping it.
            RV (A4C): the largest upper segment whose centroid is left of the LV's left edge
            plus a quarter of the LV's width. RA (A4C): the largest segment below the RV and
            left of the LA's centroid.
            The paper's simpler rule (above mid-height LV, below LA) is the A2C special case.
* edges     each named chamber's border is moved to the half-way level between its blood
            (median inside) and its walls (75th percentile of a 0.04 R ring), growing at most
            0.03 R and never into a neighbour's territory (refine_edges). The global threshold
            sits near the blood level, so without this the labels came out 10-20 % too small on
            the phantom.

The view (A4C/A2C) comes from the frame's metadata when present; otherwise A4C is assumed when
a right-ventricle candidate exists. Each chamber is hole-filled and reduced to its largest part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage
from skimage import feature, filters, measure, morphology, segmentation, transform

from engine.data.frame import STRUCTURES

WORK_MAX = 384          # frames larger than this (long side) are processed at 256
WORK_SIZE = 256


@dataclass
class Fan:
    mask: np.ndarray
    apex_row: float
    apex_col: float
    depth: float        # R, pixels from the apex to the deepest fan row
    col0: int
    col1: int


@dataclass
class PseudoLabel:
    """A label map plus what the rules saw (for debugging and the QC report)."""

    label: np.ndarray
    view: str
    segments: int
    named: dict = field(default_factory=dict)     # chamber -> area in pixels
    reason: str | None = None                     # why nothing could be named


def find_fan(pixels: np.ndarray, floor: float = 0.02) -> Fan | None:
    """The ultrasound sector: the largest bright-ish connected region, closed and filled."""
    h, w = pixels.shape
    rough = ndimage.gaussian_filter(pixels, max(1.0, 0.005 * max(h, w))) > floor
    rough = morphology.closing(rough, morphology.disk(max(1, int(0.02 * max(h, w)))))
    rough = ndimage.binary_fill_holes(rough)
    lab, n = ndimage.label(rough)
    if n == 0:
        return None
    sizes = ndimage.sum(rough, lab, range(1, n + 1))
    mask = lab == (int(np.argmax(sizes)) + 1)
    if mask.sum() < 0.05 * h * w:
        return None
    rows = np.nonzero(mask.any(axis=1))[0]
    top = rows[0]
    top_band = mask[top:top + max(2, int(0.02 * h))]
    cols = np.nonzero(top_band.any(axis=0))[0]
    apex_col = float(cols.mean())
    depth = float(rows[-1] - top + 1)
    cc = np.nonzero(mask.any(axis=0))[0]
    return Fan(mask, float(top), apex_col, depth, int(cc[0]), int(cc[-1]))


def enhance(pixels: np.ndarray, fan: Fan) -> np.ndarray:
    """Contrast-normalised, despeckled, unsharp-masked image (0 outside the fan)."""
    inside = pixels[fan.mask]
    lo, hi = np.percentile(inside, [1, 99])
    img = np.clip((pixels - lo) / max(hi - lo, 1e-6), 0, 1)
    img = ndimage.gaussian_filter(img, max(0.7, 0.012 * fan.depth))
    img = filters.unsharp_mask(img, radius=max(1.0, 0.03 * fan.depth), amount=1.0)
    img = np.clip(img, 0, 1)
    img[~fan.mask] = 0
    return img


def dark_regions(img: np.ndarray, fan: Fan) -> np.ndarray:
    """Blood-pool candidates: below the lower multi-Otsu threshold, inside the (eroded) fan."""
    values = img[fan.mask]
    try:
        t = filters.threshold_multiotsu(values, classes=3)[0]
    except ValueError:
        t = filters.threshold_otsu(values)
    dark = (img < t) & fan.mask
    r = max(1, int(round(0.012 * fan.depth)))
    dark = morphology.opening(dark, morphology.disk(r))
    inner = ndimage.binary_erosion(fan.mask, iterations=max(1, int(round(0.02 * fan.depth))))
    dark &= inner
    return ndimage.binary_fill_holes(dark)


def _merge_necks(seg: np.ndarray, dist: np.ndarray, ratio: float = 0.75) -> np.ndarray:
    """Merge neighbouring segments with no narrowing between them (union-find over borders)."""
    n = int(seg.max())
    if n < 2:
        return seg
    peaks = ndimage.maximum(dist, seg, range(1, n + 1))
    peak = {i + 1: float(p) for i, p in enumerate(np.atleast_1d(peaks))}
    border: dict[tuple[int, int], float] = {}
    for axis in (0, 1):
        a = seg
        b = np.roll(seg, -1, axis=axis)
        valid = np.ones_like(seg, bool)
        if axis == 0:
            valid[-1, :] = False
        else:
            valid[:, -1] = False
        sel = valid & (a > 0) & (b > 0) & (a != b)
        if not sel.any():
            continue
        da = dist[sel]
        db = np.roll(dist, -1, axis=axis)[sel]
        for i, j, v in zip(a[sel], b[sel], np.minimum(da, db)):
            key = (min(i, j), max(i, j))
            if v > border.get(key, 0.0):
                border[key] = float(v)
    parent = list(range(n + 1))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), v in sorted(border.items(), key=lambda kv: -kv[1]):
        if v >= ratio * min(peak[i], peak[j]):
            parent[find(i)] = find(j)
    lut = np.array([find(i) for i in range(n + 1)])
    lut[0] = 0
    return lut[seg]


def watershed_segments(dark: np.ndarray, width: int, fan: Fan) -> tuple[np.ndarray, np.ndarray]:
    """Watershed of the dark mask seeded at distance-transform peaks; returns (segments, distance)."""
    dist = ndimage.distance_transform_edt(dark)
    smooth = ndimage.gaussian_filter(dist, 1.0)
    min_distance = max(2, int(round(20 / 256 * width)))
    comp, _ = ndimage.label(dark)
    peaks = feature.peak_local_max(
        smooth, min_distance=min_distance, threshold_abs=0.03 * fan.depth, labels=comp, exclude_border=False
    )
    markers = np.zeros(dark.shape, np.int32)
    for i, (r, c) in enumerate(peaks, start=1):
        markers[r, c] = i
    if not len(peaks):
        return np.zeros(dark.shape, np.int32), dist
    seg = segmentation.watershed(-smooth, markers, mask=dark)
    return _merge_necks(seg, smooth), dist


@dataclass
class Segment:
    id: int
    area: float
    row: float
    col: float
    top: float
    bottom: float
    left: float
    right: float


def _candidates(seg: np.ndarray, fan: Fan, width: int) -> list[Segment]:
    fan_area = fan.mask.sum()
    edge = fan.mask & ~ndimage.binary_erosion(fan.mask, iterations=max(2, int(round(0.03 * fan.depth))))
    out = []
    fan_w = max(fan.col1 - fan.col0, 1)
    for p in measure.regionprops(seg):
        if p.area < 0.003 * fan_area or p.perimeter >= 2.15 * width:
            continue
        r, c = p.centroid
        if abs((c - fan.col0) / fan_w - 0.5) > 0.3:
            continue
        outline = segmentation.find_boundaries(seg == p.label, mode="inner")
        if (outline & edge).sum() > 0.25 * outline.sum():
            continue
        r0, c0, r1, c1 = p.bbox
        out.append(Segment(p.label, float(p.area), r, c, r0, r1, c0, c1))
    return out


def _name(cands: list[Segment], fan: Fan, view: str | None) -> tuple[dict[str, Segment], str]:
    """Position rules, relative to the fan and to the LV once found."""
    named: dict[str, Segment] = {}
    upper = [s for s in cands if (s.row - fan.apex_row) / fan.depth < 0.65]

    def largest(items):
        return max(items, key=lambda s: s.area) if items else None

    four = view == "A4C"
    if view is None:
        # Guess: a large upper segment clearly left of another large upper one means A4C.
        right = [s for s in upper if s.col >= fan.apex_col - 0.1 * fan.depth]
        lv = largest(right)
        four = lv is not None and any(
            s.col < lv.left + 0.25 * (lv.right - lv.left) and s.area > 0.25 * lv.area for s in upper if s is not lv
        )
    if four:
        lv = largest([s for s in upper if s.col >= fan.apex_col - 0.1 * fan.depth])
    else:
        lv = largest(upper)
    if lv is None:
        return named, "A4C" if four else "A2C"
    named["LV"] = lv
    rest = [s for s in cands if s is not lv]
    below = [s for s in rest if s.row > lv.row and s.top > lv.row]
    la = largest([s for s in below if s.right > lv.left and s.left < lv.right and s.col > lv.left])
    if four:
        rv = largest([s for s in rest if s in upper and s not in below
                      and s.col < lv.left + 0.25 * (lv.right - lv.left)])
        if rv is not None:
            named["RV"] = rv
            limit = la.col if la is not None else lv.col
            ra = largest([s for s in rest if s is not la and s.row > rv.row and s.top > rv.row
                          and s.col < limit and s.right > rv.left - 0.2 * fan.depth])
            if ra is not None:
                named["RA"] = ra
    if la is not None:
        named["LA"] = la
    return named, "A4C" if four else "A2C"


def _clean(mask: np.ndarray) -> np.ndarray:
    mask = ndimage.binary_fill_holes(mask)
    lab, n = ndimage.label(mask)
    if n > 1:
        sizes = ndimage.sum(mask, lab, range(1, n + 1))
        mask = lab == (int(np.argmax(sizes)) + 1)
    return mask


def refine_edges(img: np.ndarray, chambers: dict[str, np.ndarray], fan: Fan) -> dict[str, np.ndarray]:
    """Move each chamber's border to the half-way level between its blood and its walls.

    The global dark threshold sits close to the blood level, so blurred borders fall inside the
    chamber. For each chamber: blood level = median inside, wall level = 75th percentile of a
    ring 0.04 R wide around it; the chamber becomes the part of (image < half-way level) that is
    connected to it, within 0.03 R of it, and not nearer to another chamber.
    """
    if not chambers:
        return chambers
    names = list(chambers)
    # Each pixel belongs to the nearest chamber (no growth into a neighbour's territory).
    dists = np.stack([ndimage.distance_transform_edt(~chambers[n]) for n in names])
    owner = np.argmin(dists, axis=0)
    grow = max(1, int(round(0.03 * fan.depth)))
    ring_w = max(2, int(round(0.04 * fan.depth)))
    out = {}
    for i, n in enumerate(names):
        m = chambers[n]
        ring = ndimage.binary_dilation(m, iterations=ring_w) & ~m & fan.mask
        if not ring.any():
            out[n] = m
            continue
        level = 0.5 * (np.median(img[m]) + np.percentile(img[ring], 75))
        zone = ndimage.binary_dilation(m, iterations=grow) & (owner == i) & fan.mask
        cand = ((img < level) & zone) | m
        lab, _ = ndimage.label(cand)
        keep = np.unique(lab[m])
        out[n] = _clean(np.isin(lab, keep[keep > 0]))
    return out


def pseudo_label(pixels: np.ndarray, view: str | None = None) -> PseudoLabel:
    """Label map (0 bg, 1 LV, 2 LA, 3 RV, 4 RA) for one greyscale frame in [0, 1]."""
    pixels = np.asarray(pixels, dtype=np.float32)
    shape = pixels.shape
    work = pixels
    if max(shape) > WORK_MAX:
        scale = WORK_SIZE / max(shape)
        work = transform.resize(pixels, (round(shape[0] * scale), round(shape[1] * scale)),
                                anti_aliasing=True, preserve_range=True).astype(np.float32)
    view = view if view in ("A4C", "A2C") else None
    fan = find_fan(work)
    if fan is None:
        return PseudoLabel(np.zeros(shape, np.uint8), view or "unknown", 0, reason="no ultrasound fan found")
    img = enhance(work, fan)
    dark = dark_regions(img, fan)
    seg, _ = watershed_segments(dark, work.shape[1], fan)
    cands = _candidates(seg, fan, work.shape[1])
    named, view_used = _name(cands, fan, view)
    masks = {c: _clean(seg == s.id) for c, s in named.items()}
    masks = refine_edges(img, masks, fan)
    label = np.zeros(work.shape, np.uint8)
    for chamber in ("LV", "LA", "RV", "RA"):
        if chamber in masks:
            label[masks[chamber] & (label == 0)] = STRUCTURES[chamber]
    if label.shape != shape:
        label = transform.resize(label, shape, order=0, preserve_range=True, anti_aliasing=False).astype(np.uint8)
    reason = None if named else "no dark segment passed the position rules"
    return PseudoLabel(label, view_used, int(seg.max()), {k: int((label == STRUCTURES[k]).sum()) for k in named},
                       reason)
