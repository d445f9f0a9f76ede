"""The ultrasound sector (the fan): apex, edge angles and depth, fitted as geometry.

A phased-array echo image is a circular sector: two straight edges that meet at the apex (the
transducer, sometimes above the top of the image) and a far arc at the imaging depth. Scanner
screens put text, a depth ruler, a grey bar and an ECG trace around it, and sometimes over it.
The sector is therefore fitted as a shape, not taken as "everything bright":

1. signal: the frame (the mean of a cine's frames when there are several: speckle averages,
   a moving ECG marker fades) above a low floor (0.02; display black is 0), closed over 2 px
   and hole-filled;
2. thin structures go: an opening with a disk of 1.2 % of the image size removes text strokes,
   ruler ticks, ECG lines and a narrow grey bar; the largest component remains;
3. edges: for every row, the component's leftmost and rightmost pixel; a robust straight line
   (Theil-Sen) through each side over the rows where the sides are straight (above the far
   arc); the apex is where the two lines meet;
4. depth: per ray, the farthest pixel of the component; the median over the central rays.

The fit is accepted when it is a plausible echo sector (each half-angle 12-60 deg, depth over a
quarter of the image height, the component filling most of the fitted sector). Otherwise the
image gets `Sector.fitted = False` and the component itself is the region of interest (a linear
or unknown screen layout), which pseudo-labelling and QC report as "no echo sector".

Lengths in pixels of the frame given. `edge_band` and `near_field` mark where the image is not
to be trusted: the outermost band along the lateral edges (lateral dropout, element directivity)
and the first part of the range (near-field clutter, reverberation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, stats

SIGNAL_FLOOR = 0.02  # grey level above which a pixel carries echo (display black is 0)


@dataclass
class Sector:
    mask: np.ndarray  # bool, pixels inside the fitted sector (or the component)
    apex_row: float
    apex_col: float
    left_deg: float  # angle of the left edge from straight down (negative: left)
    right_deg: float
    depth: float  # apex to the far arc, pixels
    fitted: bool  # False: no sector geometry found; mask is the bright component
    top: float = 0.0  # radius where content starts (a rounded top), pixels

    @property
    def half_angle(self) -> float:
        return 0.5 * (self.right_deg - self.left_deg)

    @property
    def axis_deg(self) -> float:
        return 0.5 * (self.right_deg + self.left_deg)

    def polar(self, shape=None):
        """(radius in pixels, angle in degrees from the sector's axis) of every pixel."""
        h, w = shape or self.mask.shape
        rr, cc = np.mgrid[0:h, 0:w].astype(np.float32)
        dy, dx = rr - self.apex_row, cc - self.apex_col
        return np.hypot(dx, dy), np.degrees(np.arctan2(dx, dy)) - self.axis_deg

    def edge_distance(self) -> np.ndarray:
        """Pixels from each point to the nearest lateral edge or far arc (inside the sector)."""
        cached = getattr(self, "_edge", None)
        if cached is not None:
            return cached
        r, th = self.polar()
        lateral = r * np.sin(np.radians(np.clip(self.half_angle - np.abs(th), 0, 90)))
        self._edge = np.minimum(lateral, np.clip(self.depth - r, 0, None))
        return self._edge

    def scaled(self, factor: float, shape) -> "Sector":
        """The same sector on a frame `factor` times the size (mask redrawn at `shape`)."""
        if factor == 1.0 and tuple(shape) == self.mask.shape:
            return self
        if self.fitted:
            mask = sector_mask(
                shape,
                self.apex_row * factor,
                self.apex_col * factor,
                self.left_deg,
                self.right_deg,
                self.depth * factor,
                self.top * factor,
            )
        else:
            from skimage import transform

            mask = transform.resize(
                self.mask.astype(np.uint8), shape, order=0, preserve_range=True, anti_aliasing=False
            ).astype(bool)
        return Sector(
            mask,
            self.apex_row * factor,
            self.apex_col * factor,
            self.left_deg,
            self.right_deg,
            self.depth * factor,
            self.fitted,
            self.top * factor,
        )

    def bands(self, edge_frac: float = 0.04, near_frac: float = 0.06):
        """(edge band, near field) masks: within edge_frac * depth of a lateral edge or the far arc,
        and closer than near_frac * depth (beyond any rounded top) to the transducer."""
        r, _ = self.polar()
        edge = self.mask & (self.edge_distance() < edge_frac * self.depth)
        near = self.mask & (r < self.top + near_frac * self.depth)
        return edge, near


def _signal(pixels: np.ndarray) -> np.ndarray:
    """Pixels with echo signal, thin overlay strokes removed, holes filled."""
    h, w = pixels.shape
    size = max(h, w)
    sig = pixels > SIGNAL_FLOOR
    sig = ndimage.binary_closing(sig, structure=_disk(2))
    sig = ndimage.binary_fill_holes(sig)
    # An opening removes everything thinner than about 2.5 % of the image: text strokes, ruler
    # ticks, ECG lines, a narrow grey bar. The sector survives with its straight edges.
    sig = ndimage.binary_opening(sig, structure=_disk(max(2, int(round(0.012 * size)))))
    return ndimage.binary_fill_holes(sig)


def _disk(r: int) -> np.ndarray:
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    return x * x + y * y <= r * r


def _largest(mask: np.ndarray) -> np.ndarray:
    lab, n = ndimage.label(mask)
    if n == 0:
        return mask
    sizes = ndimage.sum(mask, lab, range(1, n + 1))
    return lab == (int(np.argmax(sizes)) + 1)


def _line(rows: np.ndarray, cols: np.ndarray):
    """Robust col = a + b * row (Theil-Sen); None with too few points."""
    if rows.size < 8:
        return None
    if rows.size > 400:
        pick = np.linspace(0, rows.size - 1, 400).astype(int)
        rows, cols = rows[pick], cols[pick]
    slope, intercept, _, _ = stats.theilslopes(cols, rows)
    return float(intercept), float(slope)


def sector_mask(shape, apex_row, apex_col, left_deg, right_deg, depth, top=0.0) -> np.ndarray:
    h, w = shape
    rr, cc = np.mgrid[0:h, 0:w].astype(np.float32)
    dy, dx = rr - apex_row, cc - apex_col
    r = np.hypot(dx, dy)
    th = np.degrees(np.arctan2(dx, dy))
    return (r <= depth) & (r >= top) & (th >= left_deg) & (th <= right_deg) & (dy >= 0)


def find_sector(pixels) -> Sector | None:
    """The sector of one frame, or of a cine (a sequence of frames: their mean is used)."""
    arr = np.asarray(pixels, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr.mean(axis=0)
    h, w = arr.shape
    comp = _largest(_signal(arr))
    if comp.sum() < 0.03 * h * w:
        return None
    rows = np.nonzero(comp.any(axis=1))[0]
    top, bottom = int(rows[0]), int(rows[-1])
    height = bottom - top + 1
    fallback = Sector(comp, float(top), float(np.nonzero(comp[top])[0].mean()), -45.0, 45.0, float(height), False)
    left = np.array([np.argmax(comp[r]) for r in rows])
    right = np.array([w - 1 - np.argmax(comp[r][::-1]) for r in rows])
    # The sides are straight above the far arc: first pass on the upper half of the rows.
    fit_rows = (rows >= top + 0.04 * height) & (rows <= top + 0.5 * height)
    sector: tuple[float, float, float, float, float, float] | None = None
    for _ in range(2):
        lf = _line(rows[fit_rows], left[fit_rows].astype(float))
        rf = _line(rows[fit_rows], right[fit_rows].astype(float))
        if lf is None or rf is None or abs(rf[1] - lf[1]) < 1e-3 or rf[1] <= 0 or lf[1] >= 0:
            return fallback
        apex_row = (lf[0] - rf[0]) / (rf[1] - lf[1])
        apex_col = lf[0] + lf[1] * apex_row
        left_deg = -math.degrees(math.atan(-lf[1]))
        right_deg = math.degrees(math.atan(rf[1]))
        # Depth: farthest component pixel along each central ray; median over rays.
        rr, cc = np.nonzero(comp)
        dist = np.hypot(rr - apex_row, cc - apex_col)
        ang = np.degrees(np.arctan2(cc - apex_col, rr - apex_row))
        span = right_deg - left_deg
        central = (ang > left_deg + 0.2 * span) & (ang < right_deg - 0.2 * span)
        if central.sum() < 20:
            return fallback
        bins = np.linspace(left_deg + 0.2 * span, right_deg - 0.2 * span, 25)
        idx = np.digitize(ang[central], bins)
        far = ndimage.maximum(dist[central], idx, np.unique(idx))
        depth = float(np.median(far))
        near = ndimage.minimum(dist[central], idx, np.unique(idx))
        top_r = max(0.0, float(np.median(near)) - 2.0)
        sector = (apex_row, apex_col, left_deg, right_deg, depth, top_r)
        # Second pass: every row where both sides are still straight (above the arc).
        arc_row = apex_row + depth * math.cos(math.radians(max(abs(left_deg), abs(right_deg)))) - 0.02 * height
        fit_rows = (rows >= top + 0.03 * height) & (rows <= arc_row)
        if fit_rows.sum() < 8:
            break
    assert sector is not None  # every pass either returned the fallback or fitted a sector
    apex_row, apex_col, left_deg, right_deg, depth, top_r = sector
    half = 0.5 * (right_deg - left_deg)
    plausible = (
        12 <= -left_deg <= 60
        and 12 <= right_deg <= 60
        and depth > 0.25 * h
        and apex_row > -depth
        and apex_row < top + 0.25 * height
    )
    if not plausible:
        return fallback
    mask = sector_mask((h, w), apex_row, apex_col, left_deg, right_deg, depth, top_r)
    overlap = (mask & comp).sum()
    if overlap < 0.8 * mask.sum() or overlap < 0.8 * comp.sum() or half < 12:
        return fallback
    return Sector(mask, apex_row, apex_col, left_deg, right_deg, depth, True, top_r)
