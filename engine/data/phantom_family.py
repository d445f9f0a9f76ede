"""A robustness phantom family: apical four-chamber cines formed the way a scanner forms them.

segroi's first phantom (phantom.py) draws two looks of one idealised heart. This family varies
both the look and the anatomy far beyond that, so that the label-free pipeline can be scored on
looks it was never tuned on (benchmarks/bench_ssl_styles.py, leave-one-style-out). Each study
is one multi-frame DICOM cine (end-diastole to end-systole, 2-4 frames) with its calibration in
the Sequence of Ultrasound Regions, and exact label PNGs beside it.

How an image is formed (every length in millimetres, angles in degrees):

1. Anatomy, in heart coordinates (u across, v along the LV long axis from the endocardial apex).
   LV: a bullet whose half-width rises from the apex, stays, and narrows towards the mitral
   annulus; septal and lateral sides differ. RV: a crescent left of the septum (septal
   thickness apart), shorter than the LV, its annulus apically displaced from the mitral one
   (as the tricuspid annulus is). LA under the mitral annulus, RA under the tricuspid one, an
   interatrial septum between them. End-diastole to end-systole: the base moves towards a fixed
   apex, the ventricles narrow (the drawn ejection fraction sets by how much), the atria grow
   (atrial volume is smallest at ventricular end-diastole and largest at end-systole).
   Papillary muscles and an RV moderator band sit inside the cavities (echogenic, but inside
   the traced chamber, as a clinical tracing includes them); a descending aorta (a dark round
   pool behind the LA that is not a chamber) appears in some studies.
   The heart is scaled (small to dilated), tilted and placed below the transducer.
2. Reflectivity (power) on a fine Cartesian grid: blood, myocardium with texture, a bright
   pericardium, textured surrounding tissue. The endocardial echo is partly specular: its
   strength follows |cos| of the angle between the wall's normal and the beam, so walls that
   run along the beams (the LV lateral wall, the interatrial septum) fade, as they do in echo.
3. Beam formation in polar coordinates (range r, beam angle): complex Gaussian scatterers times
   the square root of reflectivity, filtered by an axial pulse and a lateral beam of constant
   angular width (so lateral speckle grows with depth), enveloped (Rayleigh speckle).
   Near-field clutter (haze over the first centimetres, blood pools included), reverberation
   arcs, rib shadows (angular wedges), lateral dropout (gain falling towards the sector edges),
   depth attenuation net of time-gain compensation with a ripple, electronic noise.
4. Display: log compression over a dynamic range, gain, reject, gamma; scan conversion to the
   pixel grid (bilinear) with the sector's apex near the top of the image.
5. Scanner overlays, around and over the sector: burned-in text, a depth ruler with ticks,
   a grey bar, an ECG trace with a marker that moves from frame to frame, a focus marker.
6. Encoding: 8- or 16-bit MONOCHROME2, RGB, YBR_FULL, or YBR_FULL_422 under JPEG baseline.

Ground truth: each pixel whose centre lies inside a chamber, computed on the output grid.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES
from engine.errors import SegroiError

GENERATOR = "segroi-phantom-family"
MANUFACTURER = "segroi phantom family"  # engine.measure.evaluation labels these frames simulated
FINE_MM = 0.35  # reflectivity grid


@dataclass(frozen=True)
class Look:
    """One style of the family: ranges sampled per study."""

    name: str
    about: str
    image: tuple[int, int] = (480, 480)  # rows, columns
    sector_deg: tuple[float, float] = (70, 84)
    depth_mm: tuple[float, float] = (150, 180)
    apex_top: tuple[float, float] = (0.04, 0.08)  # apex row, fraction of rows (negative: above the image)
    rounded_top_mm: tuple[float, float] = (0, 4)  # radius where the sector starts
    bottom_margin: tuple[float, float] = (0.04, 0.10)
    # anatomy
    heart_scale: tuple[float, float] = (0.92, 1.08)
    sphericity: tuple[float, float] = (0.95, 1.1)  # LV width multiplier
    wall_mm: tuple[float, float] = (8, 11)
    ef: tuple[float, float] = (52, 68)
    aorta_prob: float = 0.4
    tilt_deg: tuple[float, float] = (-6, 16)  # LV long axis from straight down (+: base to the right)
    # acoustics
    axial_mm: tuple[float, float] = (0.3, 0.5)  # pulse (Gaussian sigma)
    beam_deg: tuple[float, float] = (0.5, 0.8)  # beam width (Gaussian sigma)
    blood_db: tuple[float, float] = (-34, -26)  # blood power relative to myocardium
    specular: tuple[float, float] = (0.3, 0.6)  # share of the wall echo that is specular
    edge_dropout: tuple[float, float] = (3, 8)  # dB of gain lost at the sector edge
    edge_band_deg: tuple[float, float] = (6, 10)
    shadows: tuple[int, int] = (0, 0)
    reverb: tuple[float, float] = (0.0, 0.0)
    clutter: tuple[float, float] = (0.02, 0.06)  # near-field haze, relative to myocardium
    clutter_mm: tuple[float, float] = (25, 40)
    atten_db_cm: tuple[float, float] = (0.2, 0.6)  # net of TGC
    tgc_ripple_db: float = 1.5
    dynamic_range_db: tuple[float, float] = (50, 60)
    gain_db: tuple[float, float] = (-3, 3)
    gamma: tuple[float, float] = (0.9, 1.1)
    reject: tuple[float, float] = (0.0, 0.03)
    noise: tuple[float, float] = (0.002, 0.006)
    # overlays and encoding
    overlays: tuple[str, ...] = ()
    over_sector: bool = False
    encoding: str = "mono8"  # mono8, mono16, rgb, ybr_full, ybr_jpeg
    frames: tuple[int, int] = (2, 4)


LOOKS = {
    "plain": Look("plain", "moderate everything, 8-bit grey, no overlays"),
    "dropout": Look(
        "dropout",
        "wide sector, strong lateral dropout along the sector edges and beam-parallel walls",
        sector_deg=(84, 90),
        depth_mm=(160, 190),
        specular=(0.75, 0.95),
        edge_dropout=(16, 30),
        edge_band_deg=(12, 18),
        overlays=("text", "ruler"),
        blood_db=(-32, -24),
    ),
    "overlay": Look(
        "overlay",
        "RGB scanner screen: text, depth ruler, grey bar and ECG around and over the sector",
        image=(600, 800),
        sector_deg=(70, 80),
        depth_mm=(160, 200),
        overlays=("text", "ruler", "greybar", "ecg"),
        over_sector=True,
        encoding="rgb",
        bottom_margin=(0.0, 0.02),
        apex_top=(0.07, 0.1),
    ),
    "small": Look(
        "small",
        "small hearts (atria 3-6 cm2), fine calibration 0.028-0.036 cm/px, thin walls",
        sector_deg=(60, 75),
        depth_mm=(125, 160),
        heart_scale=(0.58, 0.7),
        wall_mm=(5, 8),
        overlays=("ruler", "ecg"),
        aorta_prob=0.2,
    ),
    "dilated": Look(
        "dilated",
        "dilated, spherical, poorly contracting LV; deep field; 16-bit",
        sector_deg=(70, 85),
        depth_mm=(200, 240),
        heart_scale=(1.15, 1.3),
        sphericity=(1.15, 1.3),
        wall_mm=(6, 8),
        ef=(15, 35),
        encoding="mono16",
        overlays=("text",),
        atten_db_cm=(0.1, 0.4),
    ),
    "shadow": Look(
        "shadow",
        "narrow sector, rib shadows, reverberation, heavy near-field clutter; JPEG YBR",
        sector_deg=(62, 72),
        depth_mm=(170, 200),
        heart_scale=(0.85, 1.0),
        shadows=(1, 2),
        reverb=(0.3, 0.7),
        clutter=(0.15, 0.3),
        clutter_mm=(35, 55),
        encoding="ybr_jpeg",
        overlays=("text", "ecg"),
    ),
    "haze": Look(
        "haze",
        "low dynamic range, high gain, bright blood, coarse speckle, thick (hypertrophied) walls",
        sector_deg=(75, 85),
        dynamic_range_db=(36, 44),
        gain_db=(3, 7),
        gamma=(0.6, 0.8),
        blood_db=(-22, -17),
        axial_mm=(0.6, 0.9),
        beam_deg=(1.1, 1.5),
        wall_mm=(12, 16),
        encoding="rgb",
        overlays=("text", "greybar"),
    ),
    "fine": Look(
        "fine",
        "harmonic-like fine speckle, dark blood, wide dynamic range, steep gamma; YBR_FULL",
        sector_deg=(80, 90),
        axial_mm=(0.15, 0.25),
        beam_deg=(0.25, 0.4),
        blood_db=(-42, -36),
        dynamic_range_db=(62, 70),
        gamma=(1.2, 1.5),
        encoding="ybr_full",
        overlays=("ruler", "greybar"),
    ),
    # Held out: defined before the pseudo-labeller's last changes and never looked at while tuning.
    "tilted": Look(
        "tilted",
        "held out: strongly tilted, off-centre hearts; 16-bit; text, ruler and ECG over the sector",
        sector_deg=(78, 88),
        depth_mm=(165, 195),
        tilt_deg=(-14, 26),
        encoding="mono16",
        overlays=("text", "ruler", "ecg"),
        over_sector=True,
        bottom_margin=(0.0, 0.02),
    ),
    "tiny": Look(
        "tiny",
        "held out: small hearts in a deep field (coarse calibration), moderate dropout",
        depth_mm=(190, 230),
        heart_scale=(0.6, 0.72),
        wall_mm=(5, 8),
        edge_dropout=(8, 16),
        overlays=("ruler",),
    ),
    "dim": Look(
        "dim",
        "held out: low gain, strong attenuation, high reject, TGC banding; RGB with ECG",
        gain_db=(-9, -5),
        atten_db_cm=(0.8, 1.2),
        reject=(0.08, 0.14),
        tgc_ripple_db=4.0,
        encoding="rgb",
        overlays=("text", "ecg"),
    ),
}
HELD_OUT = ("tilted", "tiny", "dim")


def _u(rng, pair) -> float:
    return float(rng.uniform(*pair)) if pair[0] != pair[1] else float(pair[0])


def _superellipse(du, dv, a, b, p):
    """Inside a superellipse; its lower half (dv > 0) is a plain ellipse, its roof flatter."""
    pe = np.where(dv < 0, p, 2.0)
    return np.abs(du / a) ** pe + np.abs(dv / b) ** pe <= 1


def _smoothstep(t):
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


# -- anatomy -----------------------------------------------------------------------------------


@dataclass
class Heart:
    """One study's heart in heart coordinates (mm); see the module docstring."""

    lv_len: float
    lv_half: float
    apex_round: float
    taper: float
    asym: float
    wobble: tuple[float, float, float]
    septum: float
    rv_frac: float
    rv_width: float
    tv_offset: float
    mv_gap: float
    la_half: float
    la_len: float
    la_shift: float
    ra_half: float
    ra_len: float
    ra_shift: float
    ias: float
    len_es: float  # ED -> ES factors
    half_es: float
    rv_es: float
    atria_es: float
    papillary: list = field(default_factory=list)  # (t along LV, side, radius)
    moderator: float = 0.0  # position of the RV moderator band (0: none)
    aorta: tuple | None = None  # (u, v, radius) of a descending aorta
    atrium_p: float = 2.5  # superellipse exponent of the atria
    wall: float = 8.0  # myocardial wall thickness (mm)

    def lv(self, tau):
        length = self.lv_len * (1 - tau * (1 - self.len_es))
        half = self.lv_half * (1 - tau * (1 - self.half_es))
        return length, half

    def lv_sides(self, v, tau):
        """(septal u, lateral u) of the LV at depth v along the axis; NaN outside the LV's length."""
        length, half = self.lv(tau)
        t = np.asarray(v, float) / length
        g = np.sqrt(np.clip(1 - (1 - np.clip(t / self.apex_round, 0, 1)) ** 2, 0, 1))
        g = g * (1 - self.taper * _smoothstep((t - 0.62) / 0.38))
        a, k, ph = self.wobble
        g = g * (1 + a * np.sin(2 * math.pi * k * t + ph))
        inside = (t >= 0) & (t <= 1)
        sept = np.where(inside, -half * g * (1 - self.asym), np.nan)
        lat = np.where(inside, half * g * (1 + self.asym), np.nan)
        return sept, lat

    def masks(self, u, v, tau) -> dict[str, np.ndarray]:
        """Boolean masks of the four chambers (before the interatrial septum is carved)."""
        length, half = self.lv(tau)
        sept, lat = self.lv_sides(v, tau)
        with np.errstate(invalid="ignore"):
            lv = (v >= 0) & (v <= length) & (u >= sept) & (u <= lat)
        # RV: between the septum (LV septal border shifted by the septal thickness) and a free wall.
        tv = length - self.tv_offset
        rv_apex = length * (1 - self.rv_frac) + 0.15 * self.lv_len * tau * (1 - self.rv_es)
        t = (v - rv_apex) / max(tv - rv_apex, 1e-6)
        prof = np.clip(t / 0.6, 0, 1) ** 0.6 * (1 - 0.18 * _smoothstep((t - 0.7) / 0.3))
        width = self.rv_width * (1 - tau * (1 - self.rv_es))
        # The septal line continues below the LV's apex along the LV's septal border at its apex.
        s_line = np.where(np.isnan(sept), 0.0, sept) - self.septum
        with np.errstate(invalid="ignore"):
            rv = (t >= 0) & (t <= 1) & (u <= s_line) & (u >= s_line - width * prof)
        # Atria: their far walls stay; their tops follow the annuli; they widen at end-systole.
        # Superellipses (exponent p > 2) with a flatter roof, so each atrium meets its annulus.
        grow = 1 + tau * (self.atria_es - 1)
        mv_sept, mv_lat = self.lv_sides(np.array(length * 0.999), tau)
        la_top = length + self.mv_gap
        la_far = self.lv_len + self.mv_gap + self.la_len
        la_c_u = 0.5 * (float(mv_sept) + float(mv_lat)) + self.la_shift
        la_b = 0.5 * (la_far - la_top) * (0.94 + 0.06 * grow)
        la_a = self.la_half * grow
        la = _superellipse(u - la_c_u, v - la_top - la_b, la_a, la_b, self.atrium_p)
        ra_top = tv + self.mv_gap
        ra_far = self.lv_len - self.tv_offset + self.mv_gap + self.ra_len
        ra_b = 0.5 * (ra_far - ra_top) * (0.94 + 0.06 * grow)
        ra_a = self.ra_half * grow
        ra_c_u = la_c_u - la_a - self.ias - ra_a + self.ra_shift
        ra = _superellipse(u - ra_c_u, v - ra_top - ra_b, ra_a, ra_b, self.atrium_p)
        return {"LV": lv, "LA": la, "RV": rv, "RA": ra}

    def extras(self, u, v, tau) -> dict[str, np.ndarray]:
        """Echogenic structures inside cavities, and the aorta (a dark pool that is no chamber)."""
        length, _ = self.lv(tau)
        sept, _ = self.lv_sides(v, tau)
        out = {}
        pap = np.zeros(u.shape, bool)
        for t, side, radius in self.papillary:
            vv = t * length
            s_side, l_side = self.lv_sides(np.array(vv), tau)
            uu = float(l_side) - radius * 0.6 if side > 0 else float(s_side) + radius * 0.6
            pap |= (u - uu) ** 2 + (v - vv) ** 2 <= radius**2
        out["papillary"] = pap
        if self.moderator:
            tv = length - self.tv_offset
            rv_apex = length * (1 - self.rv_frac)
            vv = rv_apex + self.moderator * (tv - rv_apex)
            s_line = np.where(np.isnan(sept), 0.0, sept) - self.septum
            out["moderator"] = (np.abs(v - vv - 0.25 * (u - s_line)) < 1.6) & (u < s_line)
        if self.aorta is not None:
            au, av, ar = self.aorta
            out["aorta"] = (u - au) ** 2 + (v - av) ** 2 <= ar**2
        return out


def _heart(rng, look: Look) -> Heart:
    s = _u(rng, look.heart_scale)
    sph = _u(rng, look.sphericity)
    ef = _u(rng, look.ef) / 100.0
    len_es = rng.uniform(0.84, 0.93) if ef > 0.45 else rng.uniform(0.92, 0.97)
    # Single-plane disks: volume ~ width^2 * length, so width factor = sqrt((1 - EF) / length factor).
    half_es = math.sqrt(max(0.05, (1 - ef) / len_es))
    wall = _u(rng, look.wall_mm)
    papillary = (
        [
            (rng.uniform(0.45, 0.62), 1, rng.uniform(3.0, 5.0) * s),
            (rng.uniform(0.5, 0.66), -1, rng.uniform(2.5, 4.0) * s),
        ]
        if rng.random() < 0.7
        else []
    )
    h = Heart(
        lv_len=rng.uniform(76, 88) * s,
        lv_half=rng.uniform(21, 25) * s * sph,
        apex_round=rng.uniform(0.28, 0.45) / max(sph, 1.0) ** 2,
        taper=rng.uniform(0.12, 0.28),
        asym=rng.uniform(-0.05, 0.1),
        wobble=(rng.uniform(0.0, 0.04), rng.uniform(1.5, 3.0), rng.uniform(0, 2 * math.pi)),
        septum=max(wall, rng.uniform(0.9, 1.15) * wall),
        rv_frac=rng.uniform(0.72, 0.88),
        rv_width=rng.uniform(30, 38) * s,
        tv_offset=rng.uniform(5, 10) * s,
        mv_gap=rng.uniform(4, 7) * max(s, 0.8),
        la_half=rng.uniform(17, 21) * s,
        la_len=rng.uniform(40, 50) * s,
        la_shift=rng.uniform(-3, 4) * s,
        ra_half=rng.uniform(15, 19) * s,
        ra_len=rng.uniform(38, 46) * s,
        ra_shift=rng.uniform(-4, 2) * s,
        ias=rng.uniform(3, 6) * max(s, 0.8),
        len_es=len_es,
        half_es=half_es,
        rv_es=rng.uniform(0.72, 0.85) if ef > 0.45 else rng.uniform(0.85, 0.95),
        atria_es=rng.uniform(1.1, 1.22),
        papillary=papillary,
        moderator=rng.uniform(0.3, 0.5) if rng.random() < 0.5 else 0.0,
        atrium_p=rng.uniform(2.2, 3.2),
    )
    if rng.random() < look.aorta_prob:
        h.aorta = (
            rng.uniform(8, 22) * s,
            h.lv_len + h.mv_gap + h.la_len + rng.uniform(8, 14) * s,
            rng.uniform(8, 12) * s,
        )
    h.wall = wall
    return h


@dataclass
class Pose:
    apex_x: float
    apex_y: float
    tilt_deg: float

    def to_heart(self, x, y):
        a = math.radians(self.tilt_deg)
        dx, dy = x - self.apex_x, y - self.apex_y
        v = dx * math.sin(a) + dy * math.cos(a)
        u = dx * math.cos(a) - dy * math.sin(a)
        return u, v


def chamber_labels(heart: Heart, pose: Pose, x, y, tau, spacing_mm) -> np.ndarray:
    """Label image (0 bg, 1 LV, 2 LA, 3 RV, 4 RA) at points (x, y) mm on a regular grid."""
    u, v = pose.to_heart(x, y)
    m = heart.masks(u, v, tau)
    label = np.zeros(x.shape, np.uint8)
    for name in ("LV", "RV", "LA", "RA"):
        free = label == 0
        mask = m[name] & free
        if name in ("LA", "RA") and label.any():
            # Atria keep clear of the other chambers: the interatrial septum and the annuli.
            gap = heart.ias if name == "RA" else heart.mv_gap * 0.5
            dist = ndimage.distance_transform_edt(label == 0) * spacing_mm
            mask &= dist > gap
        label[mask] = STRUCTURES[name]
    return label


# -- image formation ----------------------------------------------------------------------------


@dataclass
class Scan:
    sector_deg: float
    depth: float
    top_mm: float
    rows: int
    cols: int
    spacing: float  # mm per pixel (square)
    apex_row: float
    apex_col: float


def _place(rng, look: Look, heart: Heart) -> tuple[Scan, Pose]:
    rows, cols = look.image
    for _ in range(40):
        angle = _u(rng, look.sector_deg)
        depth = _u(rng, look.depth_mm)
        apex_row = _u(rng, look.apex_top) * rows
        bottom = _u(rng, look.bottom_margin) * rows
        spacing = depth / max(rows - apex_row - bottom, 10)
        half_w = depth * math.sin(math.radians(angle / 2)) / spacing
        if half_w > cols / 2 - 4:
            spacing = depth * math.sin(math.radians(angle / 2)) / (cols / 2 - 4)
        scan = Scan(
            angle,
            depth,
            _u(rng, look.rounded_top_mm),
            rows,
            cols,
            spacing,
            apex_row,
            cols / 2 + rng.uniform(-0.02, 0.02) * cols,
        )
        # Heart placement: LV apex below the transducer, long axis tilted; the apex goes as deep
        # as it must for the whole heart to sit inside the sector (narrow sectors: deeper).
        s = heart.lv_len / 82
        tilt = _u(rng, look.tilt_deg)
        apex_x = rng.uniform(2, 14) * s
        start = rng.uniform(10, 20) * s + 4
        for apex_y in np.arange(start, start + 60, 3.0):
            pose = Pose(apex_x, float(apex_y), tilt)
            if _fits(heart, pose, scan):
                return scan, pose
    raise SegroiError("phantom family: the heart could not be placed inside the sector")


def _grid(scan: Scan, spacing: float, margin_mm: float = 0.0):
    """Point coordinates (mm, apex at the origin) of a regular grid covering the sector."""
    half = scan.depth * math.sin(math.radians(scan.sector_deg / 2)) + margin_mm
    xs = np.arange(-half, half + spacing, spacing)
    ys = np.arange(0.0, scan.depth + margin_mm + spacing, spacing)
    return np.meshgrid(xs, ys)


def _fits(heart: Heart, pose: Pose, scan: Scan) -> bool:
    x, y = _grid(scan, 1.5)
    r = np.hypot(x, y)
    th = np.degrees(np.arctan2(x, y))
    inner = (r <= scan.depth - 6) & (np.abs(th) <= scan.sector_deg / 2 - 3) & (r >= 8)
    for tau in (0.0, 1.0):
        lab = chamber_labels(heart, pose, x, y, tau, 1.5)
        u, v = pose.to_heart(x, y)
        full = heart.masks(u, v, tau)
        if (lab > 0).sum() == 0 or ((lab > 0) & ~inner).any():
            return False
        for name, value in STRUCTURES.items():
            if (lab == value).sum() < 0.7 * full[name].sum() or not (lab == value).any():
                return False
        # Whole walls (8 mm around the chambers) must be inside too, so the heart is never cut.
        wall = ndimage.binary_dilation(lab > 0, iterations=3)
        if (wall & ~((r <= scan.depth) & (np.abs(th) <= scan.sector_deg / 2))).any():
            return False
    return True


def _noise_field(rng, shape, sigma):
    f = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    return f / (f.std() + 1e-12)


def _reflectivity(heart: Heart, pose: Pose, scan: Scan, tau: float, params: dict, rng):
    """Power reflectivity on the fine grid, and the grid's coordinates."""
    x, y = _grid(scan, FINE_MM, margin_mm=4)
    lab = chamber_labels(heart, pose, x, y, tau, FINE_MM)
    u, v = pose.to_heart(x, y)
    extras = heart.extras(u, v, tau)
    blood = lab > 0
    if "aorta" in extras:
        aorta = extras["aorta"] & ~ndimage.binary_dilation(blood, iterations=int(4 / FINE_MM))
    else:
        aorta = np.zeros(blood.shape, bool)
    dist = ndimage.distance_transform_edt(~blood) * FINE_MM
    wall = params["wall"]
    heart_body = ndimage.binary_fill_holes(dist <= wall)
    heart_body |= blood
    dist_out = ndimage.distance_transform_edt(~heart_body) * FINE_MM
    peri = (dist_out > 0) & (dist_out <= params["peri_mm"])
    myo_level = params["myo"]
    tissue = params["tissue"] * np.exp(0.35 * _noise_field(rng, x.shape, 6.0 / FINE_MM))
    refl = tissue.copy()
    myo = heart_body & ~blood
    refl[myo] = myo_level * np.exp(0.25 * _noise_field(rng, x.shape, 3.0 / FINE_MM))[myo]
    refl[peri] = params["peri"]
    # Specular part of the wall echo: strongest where the beam meets the wall head-on. The wall's
    # normal is the direction to the nearest blood (gradient of the smoothed distance map).
    gy, gx = np.gradient(ndimage.gaussian_filter(dist, 1.0 / FINE_MM))
    norm = np.hypot(gx, gy) + 1e-9
    r = np.hypot(x, y) + 1e-6
    cos = np.abs(gx * x / r + gy * y / r) / norm
    spec = params["specular"]
    refl[myo] *= (1 - spec) + spec * 1.5 * cos[myo] ** 1.5
    refl[blood] = myo_level * 10 ** (params["blood_db"] / 10)
    refl[aorta] = myo_level * 10 ** (params["blood_db"] / 10)
    for name in ("papillary", "moderator"):
        if name in extras:
            refl[extras[name] & blood] = myo_level * 0.7
    return x, y, refl


def _form(scan: Scan, x, y, refl, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """Beam formation in polar coordinates, then display and scan conversion. Returns [0,1] image."""
    dr = min(0.25, params["axial"] / 1.5)
    dth = min(0.25, params["beam"] / 2.0)
    half = scan.sector_deg / 2
    rs = np.arange(0.0, scan.depth + dr, dr)
    ths = np.arange(-half - 1.0, half + 1.0 + dth, dth)
    R, TH = np.meshgrid(rs, ths, indexing="ij")
    px = R * np.sin(np.radians(TH))
    py = R * np.cos(np.radians(TH))
    # Fine grid index of each polar sample.
    ci = (px - x[0, 0]) / FINE_MM
    ri = (py - y[0, 0]) / FINE_MM
    power = ndimage.map_coordinates(refl, [ri, ci], order=1, mode="nearest")
    # Near-field clutter and reverberation add power, blood pools included.
    clutter = (
        params["clutter"]
        * params["myo"]
        * np.exp(-R / params["clutter_mm"])
        * (0.6 + 0.4 * np.clip(_noise_field(rng, R.shape, (4.0 / dr, 3.0 / dth)), -1.5, 1.5))
    )
    power = power + np.clip(clutter, 0, None)
    if params["reverb"] > 0:
        r0 = params["reverb_r0"]
        for k in (2, 3, 4):
            power = power + params["reverb"] * params["myo"] * 0.5 ** (k - 2) * np.exp(
                -((R - k * r0) ** 2) / (2 * 1.2**2)
            )
    sa, sl = params["axial"] / dr, params["beam"] / dth
    gain = math.sqrt(4 * math.pi * sa * sl)
    field_re = ndimage.gaussian_filter(rng.standard_normal(R.shape) * np.sqrt(power), (sa, sl)) * gain
    field_im = ndimage.gaussian_filter(rng.standard_normal(R.shape) * np.sqrt(power), (sa, sl)) * gain
    amp = np.hypot(field_re, field_im)
    # Receive chain: net attenuation with a TGC ripple, lateral dropout, rib shadows, noise.
    ripple = np.interp(rs, np.linspace(0, scan.depth, 8), params["ripple"])
    amp *= 10 ** ((-params["atten"] * rs / 10.0 + ripple) / 20.0)[:, None]
    edge = np.clip((np.abs(ths) - (half - params["edge_band"])) / params["edge_band"], 0, 1)
    amp *= (10 ** (-params["edge_dropout"] * _smoothstep(edge) / 20))[None, :]
    for centre, width, start, keep in params["shadows"]:
        w = np.clip(1 - np.abs(TH - centre) / (width / 2), 0, 1)
        w = _smoothstep(w * 2) * _smoothstep((R - start) / 6.0)
        amp *= 1 - (1 - keep) * w
    noise = (
        params["noise"]
        * np.hypot(rng.standard_normal(R.shape), rng.standard_normal(R.shape))
        * (1 + rs / scan.depth)[:, None]
    )
    amp = amp + noise
    # Display: log compression, gain, reject, gamma.
    ref = np.sqrt(params["myo"])
    db = 20 * np.log10(amp / ref + 1e-6) + params["gain_db"]
    disp = np.clip((db + params["dr"] * 0.6) / params["dr"], 0, 1)  # myocardium near 0.6
    disp = np.where(disp < params["reject"], 0.0, disp) ** params["gamma"]
    # Scan conversion onto the pixel grid.
    rr, cc = np.mgrid[0 : scan.rows, 0 : scan.cols].astype(np.float64)
    X = (cc + 0.5 - scan.apex_col) * scan.spacing
    Y = (rr + 0.5 - scan.apex_row) * scan.spacing
    Rp = np.hypot(X, Y)
    Tp = np.degrees(np.arctan2(X, Y))
    inside = (Rp <= scan.depth) & (Rp >= scan.top_mm) & (np.abs(Tp) <= half) & (Y >= 0)
    img = ndimage.map_coordinates(disp, [Rp / dr, (Tp - ths[0]) / dth], order=1, mode="constant")
    img[~inside] = 0.0
    return img.astype(np.float32), inside


# -- overlays -------------------------------------------------------------------------------------


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _ecg_wave(t: np.ndarray) -> np.ndarray:
    """A PQRST beat (mV-like units) at times t in [0, 1) of the beat, R at t = 0.1."""

    def g(mu, sd, a):
        return a * np.exp(-0.5 * ((t - mu) / sd) ** 2)

    return (
        g(0.0, 0.025, 0.15) + g(0.085, 0.008, -0.12) + g(0.1, 0.01, 1.0) + g(0.118, 0.009, -0.25) + g(0.38, 0.045, 0.3)
    )


def _overlay(
    img: np.ndarray,
    inside: np.ndarray,
    scan: Scan,
    look: Look,
    params: dict,
    rng,
    phase: float,
    frame_no: int,
    frames: int,
) -> np.ndarray:
    """RGB image (H, W, 3) in [0, 1] with the scanner's overlays drawn on the echo image."""
    from PIL import Image, ImageDraw

    rgb = np.repeat(img[..., None], 3, axis=2)
    if not look.overlays:
        return rgb
    canvas = Image.fromarray((rgb * 255).round().astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    rows, cols = scan.rows, scan.cols
    colour = params["text_colour"]
    sector_right = scan.apex_col + scan.depth * math.sin(math.radians(scan.sector_deg / 2)) / scan.spacing
    sector_left = 2 * scan.apex_col - sector_right
    if "text" in look.overlays:
        size = params["font"]
        f = _font(size)
        lines = params["text_left"]
        x0 = 4 if not look.over_sector else max(4, int(sector_left) + 10)
        for i, line in enumerate(lines):
            draw.text((x0, 3 + i * (size + 2)), line, fill=colour, font=f)
        draw.text((cols - 9 * size, 3), params["text_right"], fill=colour, font=f)
        draw.text(
            (cols - 7 * size, rows - 2 * size - (60 if "ecg" in look.overlays else 4)),
            f"{scan.depth / 10:.0f} cm",
            fill=colour,
            font=f,
        )
        if look.over_sector:
            # A label burned in over the sector, as an operator's annotation.
            draw.text(
                (int(scan.apex_col + 0.25 * (sector_right - scan.apex_col)), int(scan.apex_row + 0.2 * rows)),
                params["annotation"],
                fill=colour,
                font=_font(size + 2),
            )
        draw.text(
            (cols - 8 * size, rows - size - (62 if "ecg" in look.overlays else 2) - 2 * size),
            f"{frame_no + 1}/{frames}",
            fill=colour,
            font=f,
        )
    if "ruler" in look.overlays:
        xr = min(cols - 8, int(sector_right) + params["ruler_gap"])
        y_top = max(0, int(scan.apex_row))
        y_bot = min(rows - 1, int(scan.apex_row + scan.depth / scan.spacing))
        draw.line([(xr, y_top), (xr, y_bot)], fill=(200, 200, 200), width=1)
        for cm in range(0, int(scan.depth // 10) + 1):
            yy = scan.apex_row + cm * 10 / scan.spacing
            if 0 <= yy < rows:
                long = cm % 5 == 0
                draw.line([(xr - (7 if long else 4), yy), (xr, yy)], fill=(220, 220, 220), width=1)
        focus = scan.apex_row + params["focus_mm"] / scan.spacing
        draw.polygon([(xr + 2, focus), (xr + 8, focus - 4), (xr + 8, focus + 4)], fill=(230, 230, 120))
    if "greybar" in look.overlays:
        bx = params["bar_x"] if params["bar_x"] > 0 else cols + params["bar_x"]
        by0 = int(0.12 * rows)
        h = int(0.3 * rows)
        for i in range(h):
            g = int(255 * (1 - i / max(h - 1, 1)))
            draw.line([(bx, by0 + i), (bx + 9, by0 + i)], fill=(g, g, g))
        draw.rectangle([bx - 1, by0 - 1, bx + 10, by0 + h], outline=(160, 160, 160))
    if "ecg" in look.overlays:
        base_y = rows - 28
        x0, x1 = int(0.08 * cols), int(0.92 * cols)
        xs = np.arange(x0, x1)
        beats = params["ecg_beats"]
        t = (xs - x0) / (x1 - x0) * beats
        wave = _ecg_wave(t % 1.0)
        ys = base_y - wave * params["ecg_amp"]
        pts = list(zip(xs.tolist(), ys.tolist()))
        draw.line(pts, fill=(60, 220, 90), width=params["ecg_width"])
        # The marker: where in the beat this frame sits (ED at the R wave, ES at the end of T).
        beat = params["ecg_beat_index"]
        when = beat + 0.1 + phase * 0.33
        xm = x0 + when / beats * (x1 - x0)
        draw.line([(xm, base_y - 1.3 * params["ecg_amp"]), (xm, base_y + 6)], fill=(250, 250, 90), width=2)
    return np.asarray(canvas, dtype=np.float32) / 255.0


# -- one study ------------------------------------------------------------------------------------


@dataclass
class Study:
    name: str
    look: str
    frames: list[np.ndarray]  # RGB float images, (H, W, 3) in [0, 1]
    labels: list[np.ndarray]
    spacing_mm: float
    scan: Scan
    meta: dict


def _params(rng, look: Look, heart: Heart) -> dict:
    words = ["Adult Echo", "Cardiac", "S5-1", "M5Sc", "X5-1", "P4-2"]
    return {
        "wall": heart.wall,
        "peri_mm": rng.uniform(1.5, 3.0),
        "myo": rng.uniform(0.25, 0.5),
        "peri": rng.uniform(1.2, 2.5),
        "tissue": rng.uniform(0.04, 0.15),
        "blood_db": _u(rng, look.blood_db),
        "specular": _u(rng, look.specular),
        "axial": _u(rng, look.axial_mm),
        "beam": _u(rng, look.beam_deg),
        "clutter": _u(rng, look.clutter),
        "clutter_mm": _u(rng, look.clutter_mm),
        "reverb": _u(rng, look.reverb),
        "reverb_r0": rng.uniform(8, 14),
        "atten": _u(rng, look.atten_db_cm),
        "ripple": rng.uniform(-look.tgc_ripple_db, look.tgc_ripple_db, 8),
        "edge_dropout": _u(rng, look.edge_dropout),
        "edge_band": _u(rng, look.edge_band_deg),
        "noise": _u(rng, look.noise),
        "dr": _u(rng, look.dynamic_range_db),
        "gain_db": _u(rng, look.gain_db),
        "gamma": _u(rng, look.gamma),
        "reject": _u(rng, look.reject),
        "text_colour": tuple(int(c) for c in rng.choice([(255, 255, 255), (240, 230, 90), (120, 220, 240)])),
        "font": int(rng.integers(11, 16)),
        "text_left": [
            f"{rng.choice(words)}",
            f"FR {rng.integers(30, 80)}Hz",
            f"{rng.integers(12, 20)}cm",
            f"2D {rng.integers(40, 75)}%",
            f"C {rng.integers(40, 65)} P Low",
            "HGen",
        ],
        "text_right": f"TIS {rng.uniform(0.2, 1.2):.1f} MI {rng.uniform(0.6, 1.5):.1f}",
        "annotation": str(rng.choice(["A4C", "4CH", "LV", "Apical"])),
        "ruler_gap": int(rng.integers(4, 14)),
        "focus_mm": rng.uniform(60, 110),
        "bar_x": int(rng.choice([6, -18])),
        "ecg_beats": float(rng.uniform(1.6, 2.6)),
        "ecg_amp": float(rng.uniform(14, 24)),
        "ecg_width": int(rng.integers(1, 3)),
        "ecg_beat_index": 0,
    }


def make_study(index: int, look: str = "plain", seed: int = 0) -> Study:
    """One cine of the family: RGB frames (overlays drawn), exact labels, calibration."""
    if look not in LOOKS:
        raise SegroiError(f"unknown phantom family look {look!r}; choose one of {', '.join(LOOKS)}")
    lk = LOOKS[look]
    digest = hashlib.sha256(f"family:{look}:{seed}:{index}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    for attempt in range(20):  # a heart that cannot sit inside this sector is drawn again
        heart = _heart(rng, lk)
        try:
            scan, pose = _place(rng, lk, heart)
            break
        except SegroiError:
            if attempt == 19:
                raise
    params = _params(rng, lk, heart)
    shadows = []
    for _ in range(int(rng.integers(lk.shadows[0], lk.shadows[1] + 1))):
        side = rng.choice([-1, 1])
        shadows.append(
            (
                side * rng.uniform(0.2, 0.45) * scan.sector_deg,
                rng.uniform(5, 10),
                rng.uniform(0, 15),
                rng.uniform(0.15, 0.45),
            )
        )
    params["shadows"] = shadows
    n = int(rng.integers(lk.frames[0], lk.frames[1] + 1))
    taus = np.linspace(0.0, 1.0, n)
    rows, cols = scan.rows, scan.cols
    rr, cc = np.mgrid[0:rows, 0:cols].astype(np.float64)
    X = (cc + 0.5 - scan.apex_col) * scan.spacing
    Y = (rr + 0.5 - scan.apex_row) * scan.spacing
    frames, labels = [], []
    for i, tau in enumerate(taus):
        x, y, refl = _reflectivity(heart, pose, scan, float(tau), params, rng)
        img, inside = _form(scan, x, y, refl, params, rng)
        labels.append(np.where(inside, chamber_labels(heart, pose, X, Y, float(tau), scan.spacing), 0).astype(np.uint8))
        frames.append(_overlay(img, inside, scan, lk, params, rng, float(tau), i, n))
    areas = {c: [float((lab == v).sum() * scan.spacing**2 / 100) for lab in labels] for c, v in STRUCTURES.items()}
    meta = {
        "generator": GENERATOR,
        "look": look,
        "seed": seed,
        "index": index,
        "frames": n,
        "phases": ["ED" if i == 0 else "ES" if i == n - 1 else "mid" for i in range(n)],
        "spacing_mm": scan.spacing,
        "sector_deg": scan.sector_deg,
        "depth_mm": scan.depth,
        "apex_px": [scan.apex_row, scan.apex_col],
        "heart_scale": heart.lv_len / 82,
        "drawn_ef_percent": float(100 * (1 - heart.half_es**2 * heart.len_es)),
        "wall_mm": heart.wall,
        "areas_cm2": areas,
    }
    return Study(f"{look}_{seed}_{index:03d}", look, frames, labels, scan.spacing, scan, meta)


# -- DICOM ------------------------------------------------------------------------------------------


def write_dicom(study: Study, path: Path, encoding: str | None = None) -> Path:
    """A multi-frame ultrasound DICOM as a scanner writes one, calibration in the US regions."""
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import UID, ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

    enc = encoding or LOOKS[study.look].encoding
    scan = study.scan
    rgb = np.stack(study.frames)  # (F, H, W, 3)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID("1.2.840.10008.5.1.4.1.1.3.1")  # Ultrasound Multi-frame Image Storage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    uid_seed = hashlib.sha256(study.name.encode()).hexdigest()
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[uid_seed, "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[uid_seed, "series"])
    ds.Modality = "US"
    ds.Manufacturer = MANUFACTURER
    ds.ImageType = ["ORIGINAL", "PRIMARY", "CARDIAC"]
    ds.NumberOfFrames = len(study.frames)
    ds.FrameTime = 1000.0 / 50
    ds.FrameIncrementPointer = pydicom.tag.Tag("FrameTime")
    ds.Rows, ds.Columns = scan.rows, scan.cols
    half_w = scan.depth * math.sin(math.radians(scan.sector_deg / 2)) / scan.spacing
    region = Dataset()
    region.RegionSpatialFormat = 1
    region.RegionDataType = 1
    region.RegionFlags = 0
    region.RegionLocationMinX0 = max(0, int(scan.apex_col - half_w))
    region.RegionLocationMinY0 = max(0, int(scan.apex_row))
    region.RegionLocationMaxX1 = min(scan.cols - 1, int(scan.apex_col + half_w))
    region.RegionLocationMaxY1 = min(scan.rows - 1, int(scan.apex_row + scan.depth / scan.spacing))
    region.PhysicalUnitsXDirection = 3
    region.PhysicalUnitsYDirection = 3
    region.PhysicalDeltaX = round(scan.spacing / 10, 8)
    region.PhysicalDeltaY = round(scan.spacing / 10, 8)
    region.ReferencePixelX0 = int(round(scan.apex_col - region.RegionLocationMinX0))
    region.ReferencePixelY0 = int(round(scan.apex_row - region.RegionLocationMinY0))
    region.ReferencePixelPhysicalValueX = 0.0
    region.ReferencePixelPhysicalValueY = 0.0
    regions = [region]
    if "ecg" in LOOKS[study.look].overlays:
        ecg = Dataset()
        ecg.RegionSpatialFormat = 0
        ecg.RegionDataType = 11  # ECG trace
        ecg.RegionFlags = 0
        ecg.RegionLocationMinX0, ecg.RegionLocationMinY0 = 0, scan.rows - 60
        ecg.RegionLocationMaxX1, ecg.RegionLocationMaxY1 = scan.cols - 1, scan.rows - 1
        ecg.PhysicalUnitsXDirection, ecg.PhysicalUnitsYDirection = 4, 0
        ecg.PhysicalDeltaX, ecg.PhysicalDeltaY = 0.004, 0.0
        regions.append(ecg)
    ds.SequenceOfUltrasoundRegions = regions
    if enc in ("mono8", "mono16"):
        grey = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
        bits = 8 if enc == "mono8" else 16
        top = 2**bits - 1
        pix = np.clip(np.rint(grey * top), 0, top).astype(np.uint8 if bits == 8 else np.uint16)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = ds.BitsStored = bits
        ds.HighBit = bits - 1
        ds.PixelRepresentation = 0
        ds.PixelData = np.ascontiguousarray(pix).tobytes()
    else:
        pix = np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)
        ds.SamplesPerPixel = 3
        ds.PlanarConfiguration = 0
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        if enc == "rgb":
            ds.PhotometricInterpretation = "RGB"
            ds.PixelData = np.ascontiguousarray(pix).tobytes()
        elif enc == "ybr_full":
            from pydicom.pixels import convert_color_space

            ds.PhotometricInterpretation = "YBR_FULL"
            ds.PixelData = np.ascontiguousarray(convert_color_space(pix, "RGB", "YBR_FULL")).tobytes()
        elif enc == "ybr_jpeg":
            import io

            from PIL import Image
            from pydicom.encaps import encapsulate

            chunks = []
            for frame in pix:
                buf = io.BytesIO()
                Image.fromarray(frame).save(buf, format="JPEG", quality=90, subsampling=1)
                chunks.append(buf.getvalue())
            ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
            ds.PhotometricInterpretation = "YBR_FULL_422"
            ds.LossyImageCompression = "01"
            ds.PixelData = encapsulate(chunks)
            ds["PixelData"].VR = "OB"
        else:
            raise SegroiError(f"unknown encoding {enc!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    ds.save_as(tmp, enforce_file_format=True)
    tmp.replace(path)
    return path


def write_study(study: Study, images_dir: Path, truth_dir: Path) -> list[Path]:
    """The cine as `<name>.dcm` and one label PNG per frame, `<name>_<idx>.png`, in truth_dir."""
    from PIL import Image

    images_dir, truth_dir = Path(images_dir), Path(truth_dir)
    truth_dir.mkdir(parents=True, exist_ok=True)
    out = write_dicom(study, images_dir / f"{study.name}.dcm")
    for i, lab in enumerate(study.labels):
        Image.fromarray(lab).save(truth_dir / f"{study.name}_{i:03d}.png")
    index = truth_dir / "family.json"
    entries = json.loads(index.read_text()) if index.is_file() else {}
    entries[study.name] = study.meta
    tmp = index.with_name(index.name + ".tmp")
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True))
    tmp.replace(index)
    return [out]


def write_family(out: Path, look: str, studies: int, seed: int = 0, first: int = 0) -> tuple[Path, Path]:
    """`studies` cines of one look: OUT/dicom/*.dcm and OUT/truth/*.png (+ family.json)."""
    out = Path(out)
    images, truth = out / "dicom", out / "truth"
    for i in range(first, first + studies):
        write_study(make_study(i, look, seed), images, truth)
    return images, truth
