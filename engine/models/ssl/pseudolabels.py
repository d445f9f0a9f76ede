"""Pseudo-labels from classical image processing: no human label, no ground truth.

The recipe of Ferreira et al. (Nat Commun 2025) - unsharp masking, a dark-region threshold, a
distance transform with seeds, a watershed and position rules - works on clean images. On echo
drawn differently it let the LV flow into the dark dropout band along the sector edge and round
the LA. This version keeps the idea (dark pools, seeds, watershed, position rules) and adds what
classical echo segmentation uses to keep a label inside its chamber. Why each step (docs/ssl.md
has the longer argument):

1. sector (sector.py): the fan is fitted as geometry (apex, edge angles, depth). Nothing outside
   it is used; the outer band along its edges and the near field are marked as not-chamber,
   because lateral dropout and near-field clutter make them dark without being blood.
2. overlays (overlays.py): graphics that are identical in every frame of a cine are painted over;
   thin lines vanish in the despeckling median.
3. physical scale: every length is in millimetres from the frame's pixel spacing. Without a
   spacing the sector depth is taken as 160 mm (a common adult apical depth; 120-240 mm is the
   usual range), so lengths are still relative to the sector.
4. gain normalisation: depth attenuation left over by the TGC and lateral dropout are
   multiplicative gains along range and along angle. Each is estimated from the 90th percentile
   of the image in bins of range (4 mm) and of angle (2 deg) - a level set by tissue and walls -
   the angular one as a smooth low-order curve (a free profile follows the anatomy: rays along
   the LV and LA cross mostly blood), and divided out, so tissue sits at a similar level
   everywhere.
5. blood: Otsu's threshold on the normalised, despeckled image (median 3 px, then Gaussian 1.2 mm),
   restricted to the sector minus its edge band and near field, opened by 1.5 mm.
6. separation by a marker-controlled watershed on an edge-aware relief: the normalised
   intensity plus a bright-ridge (Sato) response at wall scales (1.5 and 3 mm). Markers: a seed
   at every distance-transform peak of the blood mask (at least 2.5 mm from tissue, 8 mm apart),
   and one background marker made of everything outside the sector, the edge band, the near
   field and bright tissue cores. Seeds need 4 mm to the nearest tissue (a chamber is at least
   8 mm across), pools at least 1.5 cm^2 and blood darker than 0.8 of its wall ring (dark
   speckle in tissue is neither big nor contrasted enough). A pool is therefore bounded by the highest wall between it and
   anything else - a weak lateral wall still stops the LV before the dropout band, which is
   flooded from the background marker. Parts of one pool split by a spurious seed or a papillary
   muscle are merged when they lie one behind the other along the beam with a wide opening
   between them (see _merge_parts: a wall along the beam may fade, one across it should not).
7. naming by the four-chamber layout relative to the apex and the valve plane (layout.py).
8. consistency across a cine: the frames of one cine are named twice; the second time each
   chamber is pulled towards its median position in the cine's first-pass namings.
9. boundaries: within its watershed basin, each chamber's border moves to the half-way level
   between its blood (median) and its walls (75th percentile of a 2 mm ring); holes are filled,
   one component is kept, and a pool with low solidity (below 0.8: a leak through a gap) is
   opened by an eighth of its equivalent radius and the part around its seed kept.
10. the RV's apical tip: a moderator band cuts the RV's cavity in two and the watershed stops the
   RV at it; the dark part beyond it, nearer the transducer, is joined back across the band, as
   the guidelines trace the RV (see _rv_apex).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from scipy import ndimage
from skimage import feature, filters, measure, segmentation, transform

from engine.data.frame import STRUCTURES
from engine.models.ssl.layout import Pool, cine_prior, name_pools
from engine.models.ssl.overlays import inpaint, static_overlay
from engine.models.ssl.sector import Sector, find_sector

WORK_MAX = 320  # frames larger than this (long side) are processed at WORK_SIZE
WORK_SIZE = 256
ASSUMED_DEPTH_MM = 160.0
EDGE_BAND = 0.035  # of the sector depth
SEED_MM = 4.0  # a chamber is at least 8 mm across at its widest
MIN_AREA_CM2 = 1.5  # smallest pool named (the smallest atrium seen in small hearts is ~3 cm^2)
MAX_CONTRAST = 0.8  # a pool's blood is at most this fraction of its wall level
NEAR_FIELD = 0.06


@dataclass
class PseudoLabel:
    """A label map plus what the rules saw (for debugging and the QC report)."""

    label: np.ndarray
    view: str
    segments: int
    named: dict = field(default_factory=dict)  # chamber -> area in pixels
    reason: str | None = None  # why nothing could be named
    sector: Sector | None = None  # at the frame's own size
    spacing_assumed: bool = False


@dataclass
class _Prepared:
    norm: np.ndarray  # gain-normalised, despeckled (smooth)
    fine: np.ndarray  # gain-normalised, lightly smoothed (borders)
    sector: Sector
    mm: float  # millimetres per work pixel
    assumed: bool
    blood: np.ndarray
    excluded: np.ndarray  # outside the sector, its edge band and near field


def _work_scale(shape) -> float:
    return WORK_SIZE / max(shape) if max(shape) > WORK_MAX else 1.0


def _resize(img: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return img.astype(np.float32)
    shape = (round(img.shape[0] * scale), round(img.shape[1] * scale))
    return transform.resize(img, shape, anti_aliasing=True, preserve_range=True).astype(np.float32)


def _bin_levels(values: np.ndarray, coord: np.ndarray, inside: np.ndarray, step: float, q: float):
    """(bin centres, q-th percentile of values per bin, pixel count per bin, bin index per pixel)."""
    lo, hi = float(coord[inside].min()), float(coord[inside].max())
    edges = np.arange(lo, hi + step, step)
    if edges.size < 3:
        return None
    idx = np.clip(np.digitize(coord, edges) - 1, 0, edges.size - 2)
    level = np.full(edges.size - 1, np.nan)
    count = np.zeros(edges.size - 1)
    for b in range(edges.size - 1):
        sel = inside & (idx == b)
        count[b] = sel.sum()
        if count[b] >= 12:
            level[b] = np.percentile(values[sel], q)
    return 0.5 * (edges[:-1] + edges[1:]), level, count, idx


def _gain_field(img: np.ndarray, sector: Sector, r: np.ndarray, th: np.ndarray, mm: float) -> np.ndarray:
    """Range gain x angle gain, from the 90th percentile of the image per bin (tissue and walls).

    Range: bins of 4 mm, smoothed over 8 mm (TGC ripple is smooth). Angle: bins of 2 deg, then a
    smooth model (log gain = a + b*th + c*th^2 + d*th^4), because lateral gain (element
    directivity, dropout towards the edges) varies slowly; a free profile would follow anatomy
    (rays along the LV and LA cross mostly blood) and brighten the blood.
    """
    inside = sector.mask
    field_ = np.ones(img.shape, np.float32)
    got = _bin_levels(img, r, inside, 4.0 / mm, 90)
    if got is not None:
        centres, level, _, idx = got
        good = np.isfinite(level)
        if good.sum() >= 2:
            level = np.interp(centres, centres[good], level[good])
            level = ndimage.gaussian_filter1d(level, 2.0, mode="nearest")
            level = np.maximum(level, 0.05 * float(level.max()) + 1e-4)
            field_ = field_ * level[idx].astype(np.float32)
    got = _bin_levels(img / field_, th, inside, 2.0, 90)
    if got is not None:
        centres, level, count, _ = got
        good = np.isfinite(level) & (level > 0)
        if good.sum() >= 5:
            t = centres[good] / max(sector.half_angle, 1.0)
            design = np.stack([np.ones_like(t), t, t * t, t**4], axis=1)
            w = np.sqrt(count[good])
            coef, *_ = np.linalg.lstsq(design * w[:, None], np.log(level[good]) * w, rcond=None)
            tt = np.clip(th / max(sector.half_angle, 1.0), -1.2, 1.2)
            ang = np.exp(coef[0] + coef[1] * tt + coef[2] * tt * tt + coef[3] * tt**4)
            ang = ang / np.exp(coef[0])
            field_ = field_ * np.maximum(ang, 0.05).astype(np.float32)
    return field_


def _prepare(work: np.ndarray, sector: Sector, overlay: np.ndarray | None, mm: float, assumed: bool) -> _Prepared:
    img = work
    if overlay is not None and overlay.any():
        img = inpaint(img, overlay)
    img = ndimage.median_filter(img, size=3)
    r, th = sector.polar(img.shape)
    gain = _gain_field(ndimage.gaussian_filter(img, max(0.7, 1.2 / mm)), sector, r, th, mm)
    norm = ndimage.gaussian_filter(img, max(0.7, 1.2 / mm)) / gain
    fine = ndimage.gaussian_filter(img, max(0.5, 0.8 / mm)) / gain
    norm[~sector.mask] = 2.0
    fine[~sector.mask] = 2.0
    edge, near = sector.bands(EDGE_BAND, NEAR_FIELD)
    excluded = ~sector.mask | edge | near
    usable = sector.mask & ~excluded
    values = np.clip(norm[usable], 0, 2)
    try:
        t = filters.threshold_otsu(values) if values.size > 50 else 0.5
    except ValueError:
        t = 0.5
    blood = (norm < t) & usable
    blood = ndimage.binary_opening(blood, structure=_disk(max(1, int(round(1.5 / mm)))))
    return _Prepared(norm, fine, sector, mm, assumed, blood, excluded)


def _disk(r: int) -> np.ndarray:
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    return x * x + y * y <= r * r


def _merge_parts(
    seg: np.ndarray, sector: Sector, neck: float = 0.5, opening: float = 0.5, solidity: float = 0.8
) -> np.ndarray:
    """Merge touching parts of one chamber that a spurious seed or a muscle inside it split.

    Two touching segments of the blood mask are merged when
    * they lie one behind the other along the beam (their deepest points differ more in range
      than across it). Side by side, the wall between them runs along the beam, where echo is
      weakest (specular reflection): the interatrial septum and the interventricular septum
      often fade there, so a gap in such a wall is expected and is no reason to merge;
    * the opening between them is wide: the distance map along their shared border reaches
      `neck` of the smaller part's peak (one wide neck), or the border is longer in total than
      `opening` times the smaller part's widest inscribed diameter (channels round a papillary
      muscle);
    * their union stays compact (solidity at least `solidity`: a chamber is roughly convex, a
      chamber plus a leak is not).
    """
    n = int(seg.max())
    if n < 2:
        return seg
    dist = ndimage.distance_transform_edt(seg > 0)
    peaks = ndimage.maximum(dist, seg, range(1, n + 1))
    peak = {i + 1: float(p) for i, p in enumerate(np.atleast_1d(peaks))}
    where = ndimage.maximum_position(dist, seg, range(1, n + 1))
    border: dict[tuple[int, int], float] = {}
    length: dict[tuple[int, int], int] = {}
    for axis in (0, 1):
        b = np.roll(seg, -1, axis=axis)
        valid = np.ones_like(seg, bool)
        if axis == 0:
            valid[-1, :] = False
        else:
            valid[:, -1] = False
        sel = valid & (seg > 0) & (b > 0) & (seg != b)
        if not sel.any():
            continue
        v = np.minimum(dist[sel], np.roll(dist, -1, axis=axis)[sel])
        for i, j, d in zip(seg[sel].tolist(), b[sel].tolist(), v.tolist()):
            key = (min(i, j), max(i, j))
            length[key] = length.get(key, 0) + 1
            border[key] = max(border.get(key, 0.0), d)
    parent = list(range(n + 1))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), v in sorted(border.items(), key=lambda kv: -kv[1]):
        small = min(peak[i], peak[j])
        if v < neck * small and length[(i, j)] < opening * 2 * small:
            continue
        (yi, xi), (yj, xj) = where[i - 1], where[j - 1]
        ri = np.hypot(yi - sector.apex_row, xi - sector.apex_col)
        rj = np.hypot(yj - sector.apex_row, xj - sector.apex_col)
        ai = np.arctan2(xi - sector.apex_col, yi - sector.apex_row)
        aj = np.arctan2(xj - sector.apex_col, yj - sector.apex_row)
        if 0.5 * (ri + rj) * abs(ai - aj) > abs(ri - rj):
            continue
        ri_, rj_ = find(i), find(j)
        if ri_ == rj_:
            continue
        union = np.isin(seg, [k for k in range(1, n + 1) if find(k) in (ri_, rj_)])
        if measure.regionprops(union.astype(np.uint8))[0].solidity >= solidity:
            parent[ri_] = rj_
    lut = np.array([find(i) for i in range(n + 1)])
    lut[0] = 0
    return lut[seg]


def _pools(prep: _Prepared) -> tuple[np.ndarray, np.ndarray]:
    """(pool labels within the blood mask, watershed basins over the image); background = 0."""
    mm = prep.mm
    dist = ndimage.distance_transform_edt(prep.blood)
    smooth = ndimage.gaussian_filter(dist, 1.0)
    comp, _ = ndimage.label(prep.blood)
    peaks = feature.peak_local_max(
        smooth, min_distance=max(2, int(round(8.0 / mm))), threshold_abs=SEED_MM / mm, labels=comp, exclude_border=False
    )
    if not len(peaks):
        return np.zeros(prep.blood.shape, np.int32), np.zeros(prep.blood.shape, np.int32)
    seeds = np.zeros(prep.blood.shape, np.int32)
    for i, (r, c) in enumerate(peaks, start=1):
        seeds[r, c] = i
    # Pools of one chamber split by spurious seeds are merged first (distance-map necks).
    inner = segmentation.watershed(-smooth, seeds, mask=prep.blood)
    inner = _merge_parts(inner, prep.sector)
    ids = np.unique(inner[inner > 0])
    lut = np.zeros(int(inner.max()) + 1, np.int32)
    lut[ids] = np.arange(1, ids.size + 1)
    merged = lut[inner]
    # Markers: the core of each pool (1.5 mm inside its border, and its seeds); one background
    # marker. Borders are then decided by the relief, not by the threshold.
    markers = np.zeros(prep.blood.shape, np.int32)
    bg = ids.size + 1
    tissue_core = (prep.norm > 0.9) & (ndimage.distance_transform_edt(~prep.blood) * mm > 3.0)
    markers[prep.excluded | tissue_core] = bg
    core = (dist * mm > 1.5) | ndimage.binary_dilation(seeds > 0)
    core &= merged > 0
    markers[core] = merged[core]
    relief = prep.norm + _ridges(prep.norm, mm)
    basins = segmentation.watershed(relief, markers)
    basins[basins == bg] = 0
    pools = np.where(prep.blood & (basins > 0), basins, 0)
    # Keep, for every pool, the part connected to its own core.
    out = np.zeros_like(pools)
    for k in range(1, bg):
        m = pools == k
        if not m.any():
            continue
        lab, n = ndimage.label(m)
        if n > 1:
            keep = np.unique(lab[(markers == k) & m])
            m = np.isin(lab, keep[keep > 0])
        out[m] = k
    return out, basins


def _ridges(norm: np.ndarray, mm: float) -> np.ndarray:
    """Bright-ridge strength at wall scales (1.5 and 3 mm), scaled so typical walls reach ~1."""
    sig = [max(0.8, 1.5 / mm), max(1.2, 3.0 / mm)]
    ridge = filters.sato(np.clip(norm, 0, 2), sigmas=sig, black_ridges=False, mode="reflect")
    top = float(np.percentile(ridge, 99)) if ridge.size else 0.0
    return ridge / top if top > 0 else ridge


def _along_and_across(sector: Sector, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions in the sector's frame, in pixels: depth along its axis from the apex, and
    the lateral offset across it."""
    dy, dx = rows - sector.apex_row, cols - sector.apex_col
    a = np.radians(sector.axis_deg)
    return dy * np.cos(a) + dx * np.sin(a), dx * np.cos(a) - dy * np.sin(a)


def _pool_list(pools: np.ndarray, prep: _Prepared) -> list[Pool]:
    sector = prep.sector
    R = sector.depth
    edge = prep.sector.mask & (prep.sector.edge_distance() < 0.05 * R)
    out = []
    min_px = MIN_AREA_CM2 * 100.0 / (prep.mm * prep.mm)
    ring_w = max(1, int(round(2.0 / prep.mm)))
    for p in measure.regionprops(pools):
        if p.area < min_px:
            continue
        m = pools == p.label
        ring = ndimage.binary_dilation(m, iterations=ring_w) & ~m & prep.sector.mask
        if ring.any() and np.median(prep.norm[m]) > MAX_CONTRAST * np.percentile(prep.norm[ring], 75):
            continue
        outline = m & ~ndimage.binary_erosion(m)
        if (outline & edge).sum() > 0.3 * outline.sum():
            continue
        depth, lat = _along_and_across(sector, *np.nonzero(m))
        depth, lat = depth / R, lat / R
        out.append(
            Pool(
                int(p.label),
                float(p.area) / R**2,
                float(depth.mean()),
                float(lat.mean()),
                float(np.percentile(depth, 2)),
                float(np.percentile(depth, 98)),
                float(np.percentile(lat, 2)),
                float(np.percentile(lat, 98)),
                float(p.area * prep.mm**2 / 100.0),
            )
        )
    return out


def _final_masks(
    prep: _Prepared, pools: np.ndarray, basins: np.ndarray, named: dict[str, Pool]
) -> dict[str, np.ndarray]:
    """Each named chamber's border at the half-way level inside its basin; one solid component."""
    mm = prep.mm
    ring_w = max(1, int(round(2.0 / mm)))
    out = {}
    for name, pool in named.items():
        core = pools == pool.id
        territory = (basins == pool.id) & prep.sector.mask & ~prep.excluded
        ring = ndimage.binary_dilation(core, iterations=ring_w) & ~core & prep.sector.mask
        mask = core
        if ring.any():
            level = 0.5 * (np.median(prep.fine[core]) + np.percentile(prep.fine[ring], 75))
            cand = ((prep.fine < level) & territory) | core
            lab, _ = ndimage.label(cand)
            keep = np.unique(lab[core])
            mask = np.isin(lab, keep[keep > 0])
        mask = ndimage.binary_opening(ndimage.binary_fill_holes(mask), structure=_disk(1)) | core
        mask = _solid(mask, core, mm)
        out[name] = mask
    if "RV" in out:
        out["RV"] = _rv_apex(prep, out)
    return out


BAND_MM = 6.0  # thickest moderator band bridged to the RV's apical tip


def _rv_apex(prep: _Prepared, masks: dict[str, np.ndarray]) -> np.ndarray:
    """The RV with its apical tip beyond the moderator band.

    The moderator band crosses the RV's apical third from the septum to the free wall; echo shows it
    as a bright band that cuts the dark cavity in two, and the watershed stops the RV at it. The
    ASE/EACVI chamber guidelines trace the RV with trabeculations and the moderator band inside the
    cavity, so the dark part beyond it belongs to the RV. It is added when it touches the RV across
    at most BAND_MM of tissue, lies nearer the transducer than the RV's centre and within the RV's
    lateral extent, comes within BAND_MM / 2 of no other chamber, is smaller than the RV, and the RV
    with it (band included) stays about as compact as an RV (solidity at least 0.85).
    """
    rv = masks["RV"]
    mm, sector = prep.mm, prep.sector
    others = np.zeros_like(rv)
    for name, m in masks.items():
        if name != "RV":
            others |= m
    band = max(1, int(round(BAND_MM / mm)))
    dark = prep.blood & ~rv & ~others & ~prep.excluded
    lab, n = ndimage.label(dark)
    if n == 0:
        return rv
    near_rv = ndimage.binary_dilation(rv, structure=_disk(band))
    near_others = ndimage.binary_dilation(others, structure=_disk(max(1, band // 2)))
    depth, lat = _along_and_across(sector, *np.indices(rv.shape))
    rv_depth = float(depth[rv].mean())
    lo, hi = np.percentile(lat[rv], [5, 95])
    out = rv
    for k in np.unique(lab[near_rv & (lab > 0)]):
        part = lab == k
        if (part & near_others).any() or part.sum() > rv.sum():
            continue
        if depth[part].mean() >= rv_depth or not lo <= lat[part].mean() <= hi:
            continue
        union = ndimage.binary_closing(out | part, structure=_disk(band)) & sector.mask & ~others
        union = ndimage.binary_fill_holes(_largest(union | out | part))
        if measure.regionprops(union.astype(np.uint8))[0].solidity >= 0.85:
            out = union
    return out


def _largest(mask: np.ndarray) -> np.ndarray:
    lab, n = ndimage.label(mask)
    if n <= 1:
        return mask
    sizes = ndimage.sum(mask, lab, range(1, n + 1))
    return lab == (int(np.argmax(sizes)) + 1)


def _solid(mask: np.ndarray, core: np.ndarray, mm: float) -> np.ndarray:
    mask = _largest(ndimage.binary_fill_holes(mask))
    area = mask.sum()
    if area < 20:
        return mask
    props = measure.regionprops(mask.astype(np.uint8))[0]
    if props.solidity >= 0.8:
        return mask
    radius = max(1, int(round(0.125 * np.sqrt(area / np.pi))))
    opened = ndimage.binary_opening(mask, structure=_disk(radius))
    lab, n = ndimage.label(opened)
    if n == 0:
        return mask
    overlap = ndimage.sum(core, lab, range(1, n + 1))
    best = lab == (int(np.argmax(overlap)) + 1)
    return ndimage.binary_fill_holes(best)


def _scale(sector: Sector, spacing_mm, scale: float) -> tuple[float, bool]:
    if spacing_mm is not None:
        return float(np.sqrt(spacing_mm[0] * spacing_mm[1])) / scale, False
    return ASSUMED_DEPTH_MM / max(sector.depth, 1.0), True


def _label_image(shape, masks: dict[str, np.ndarray]) -> np.ndarray:
    label = np.zeros(shape, np.uint8)
    for chamber in ("LV", "LA", "RV", "RA"):
        if chamber in masks:
            label[masks[chamber] & (label == 0)] = STRUCTURES[chamber]
    return label


def _upsize(label: np.ndarray, shape) -> np.ndarray:
    if label.shape == tuple(shape):
        return label
    return transform.resize(label, shape, order=0, preserve_range=True, anti_aliasing=False).astype(np.uint8)


def pseudo_label_cine(frames: Sequence, view: str | None = None) -> list[PseudoLabel]:
    """Pseudo-labels for the frames of one cine (one source), named consistently across them.

    Frames are Frame objects (pixels, spacing_mm, view) or 2-D arrays. They must share one size;
    frames of another size are labelled on their own.
    """
    items = list(frames)
    if not items:
        return []
    pix = [np.asarray(getattr(f, "pixels", f), dtype=np.float32) for f in items]
    shape = pix[0].shape
    if any(p.shape != shape for p in pix):
        return [pseudo_label_cine([f], view)[0] for f in items]
    spacing = getattr(items[0], "spacing_mm", None)
    views = [view or getattr(f, "view", None) for f in items]
    scale = _work_scale(shape)
    work = [_resize(p, scale) for p in pix]
    stack = np.stack(work)
    sector = find_sector(stack)
    if sector is None:
        return [
            PseudoLabel(np.zeros(shape, np.uint8), v or "unknown", 0, reason="no ultrasound image found") for v in views
        ]
    if not sector.fitted:
        # Apical views are phased-array sectors; without one there is no apex to lay the chambers out from.
        full = sector.scaled(1.0 / scale, shape)
        return [
            PseudoLabel(
                np.zeros(shape, np.uint8),
                v or "unknown",
                0,
                reason="no echo sector (fan) found: not a phased-array echo image",
                sector=full,
            )
            for v in views
        ]
    full_sector = sector.scaled(1.0 / scale, shape)
    mm, assumed = _scale(sector, spacing, scale)
    overlay = static_overlay(stack, sector.mask) if len(work) >= 2 else None
    preps = [_prepare(w, sector, overlay, mm, assumed) for w in work]
    found = [_pools(p) for p in preps]
    cands = [_pool_list(pools, p) for (pools, _), p in zip(found, preps)]
    views = [v if v in ("A4C", "A2C") else None for v in views]
    first = [name_pools(c, v) for c, v in zip(cands, views)]
    prior = cine_prior(first) if len(items) > 1 else None
    out = []
    for i, (prep, (pools, basins), c, v) in enumerate(zip(preps, found, cands, views)):
        named = name_pools(c, v, prior) if prior else first[i]
        masks = _final_masks(prep, pools, basins, named)
        label = _upsize(_label_image(prep.norm.shape, masks), shape)
        view_used = v or ("A4C" if "RV" in named else "A2C")
        reason = None
        if not named:
            reason = "no dark pool fits the four-chamber layout"
        areas = {k: int((label == STRUCTURES[k]).sum()) for k in named}
        out.append(PseudoLabel(label, view_used, int(pools.max()), areas, reason, full_sector, assumed))
    return out


def pseudo_label(pixels: np.ndarray, view: str | None = None, spacing_mm=None) -> PseudoLabel:
    """Label map (0 bg, 1 LV, 2 LA, 3 RV, 4 RA) for one greyscale frame in [0, 1]."""
    from engine.data.frame import Frame

    frame = Frame(pixels=np.asarray(pixels, dtype=np.float32), spacing_mm=spacing_mm, study="", source="", view=view)
    return pseudo_label_cine([frame], view)[0]
