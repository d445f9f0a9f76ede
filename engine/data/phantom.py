"""Synthetic echo phantom: apical four- and two-chamber sector images with exact ground truth.

Each study is a heart drawn from seeded random parameters. Chambers are "egg" profiles along a
long axis: half-width r(u) = R * sqrt(1 - u^2) * (1 + k*u) for u in [-1, cut] (u = -1 at the
apical/upper end, `cut` < 1 truncates the ventricles flat at the valve plane). The left ventricle
is a solid with elliptical cross-sections whose semi-axes are the A4C profile (R4) and the A2C
profile (R2), so its true volume is analytic:

    V = pi * R4 * R2 * (L/2) * integral_{-1}^{cut} (1 - u^2) (1 + k u)^2 du

with L the full (untruncated) profile length. Ventricles shrink from ED to ES (the base moves
towards a fixed apex); atria grow a little at ES, as they do while filling in systole.

Images are rendered in millimetres on a square pixel grid: the transducer sits at the top centre,
the fan opens downwards. Echogenicity (dark blood, bright myocardium and pericardium, grey
tissue) is blurred by a point-spread function, multiplied by speckle, attenuated with depth and
compressed for display. The ground-truth masks are exactly the pixels whose centres lie inside
each chamber, so they are exact for the pixels drawn.

Two styles look different on purpose, so a pipeline can be checked on a look it was not built on:
  a: Rayleigh speckle (envelope of a correlated complex Gaussian field), log compression,
     wide sector (76-84 deg), depth attenuation with partial time-gain compensation.
  b: log-normal speckle with coarser grain, power-law display with higher gain, narrow sector
     (64-72 deg), deeper field, lateral beam fall-off, thicker walls, blunter chambers, more
     near-field clutter, a thinned interatrial septum and more frequent, deeper wall dropout.
Both draw open mitral/tricuspid leaflets at ED (inside the cavity, so inside the truth mask, as a
clinical tracing would include them), near-field clutter in the blood pools, and sometimes a weak
LV lateral wall where the beams run along it.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from engine.data.frame import STRUCTURES, Frame
from engine.errors import SegroiError

VIEWS = ("A4C", "A2C")
PHASES = ("ED", "ES")
TRUTH = "truth"
GENERATOR = "segroi-phantom"


@dataclass(frozen=True)
class Style:
    """How a phantom looks; ranges are sampled per study."""

    name: str
    sector_deg: tuple[float, float]
    depth_mm: tuple[float, float]
    speckle: str  # "rayleigh" or "lognormal"
    grain_mm: tuple[float, float]  # speckle correlation length (axial, lateral)
    psf_mm: tuple[float, float]  # point-spread blur sigma (axial, lateral)
    display: str  # "log" or "power"
    gain: tuple[float, float]
    attenuation_db_cm: tuple[float, float]  # net, after time-gain compensation
    lateral_falloff: float  # intensity * cos(angle)**p
    wall_mm: tuple[float, float]
    egg_k: tuple[float, float]  # chamber asymmetry
    ventricle_cut: tuple[float, float]
    blood: tuple[float, float]  # echogenicity of blood
    clutter: float  # near-field haze in the blood pools
    septum_dropout: float  # fraction of the interatrial septum echo removed
    wall_dropout_prob: float  # chance per study of a weak LV lateral wall (beam-parallel)
    wall_dropout_keep: tuple[float, float]  # fraction of the wall echo left where it drops out


STYLES = {
    "a": Style(
        "a",
        (76, 84),
        (170, 185),
        "rayleigh",
        (0.35, 0.9),
        (0.4, 1.0),
        "log",
        (0.9, 1.1),
        (0.5, 0.9),
        0.0,
        (7, 10),
        (0.05, 0.25),
        (0.80, 0.90),
        (0.02, 0.05),
        0.15,
        0.0,
        0.5,
        (0.4, 0.6),
    ),
    "b": Style(
        "b",
        (64, 72),
        (185, 200),
        "lognormal",
        (0.6, 1.6),
        (0.6, 1.5),
        "power",
        (1.2, 1.5),
        (0.2, 0.5),
        2.0,
        (9, 13),
        (-0.05, 0.12),
        (0.70, 0.82),
        (0.04, 0.09),
        0.25,
        0.5,
        0.8,
        (0.2, 0.5),
    ),
}


@dataclass
class Chamber:
    """An egg profile in image millimetres: `top` is the u = -1 end, `direction` points along +u."""

    top: np.ndarray
    direction: np.ndarray
    length: float  # full profile length L (u from -1 to 1)
    radius: float
    k: float = 0.0
    cut: float = 1.0

    def mask(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        dx, dy = x - self.top[0], y - self.top[1]
        t = dx * self.direction[0] + dy * self.direction[1]  # along the axis, from top
        s = -dx * self.direction[1] + dy * self.direction[0]  # across the axis
        u = 2.0 * t / self.length - 1.0
        inside = (u >= -1.0) & (u <= self.cut)
        r = self.radius * np.sqrt(np.clip(1.0 - u * u, 0.0, None)) * (1.0 + self.k * u)
        return inside & (np.abs(s) <= r)

    @property
    def effective_length(self) -> float:
        """Distance from the top to the cut (the apex-to-base length for a ventricle)."""
        return self.length * (1.0 + self.cut) / 2.0


def _profile_integral(k: float, cut: float) -> float:
    """Integral over u in [-1, cut] of (1 - u^2)(1 + k u)^2, in closed form."""

    def f(u: float) -> float:
        return u + k * u**2 + (k * k - 1.0) * u**3 / 3.0 - k * u**4 / 2.0 - k * k * u**5 / 5.0

    return f(cut) - f(-1.0)


def lv_volume_ml(length_mm: float, r4_mm: float, r2_mm: float, k: float, cut: float) -> float:
    """True LV volume (ml) of the phantom's solid: elliptical sections with semi-axes r4(u), r2(u)."""
    return math.pi * r4_mm * r2_mm * (length_mm / 2.0) * _profile_integral(k, cut) / 1000.0


def _unit(angle_deg: float) -> np.ndarray:
    """Direction pointing down the image, tilted by angle (positive: towards the image's right)."""
    a = math.radians(angle_deg)
    return np.array([math.sin(a), math.cos(a)])


def _heart(rng: np.random.Generator, style: Style) -> dict:
    """One study's heart: shared LV solid, other chambers, ED->ES factors."""
    k = rng.uniform(*style.egg_k)
    cut = rng.uniform(*style.ventricle_cut)
    lv_len = rng.uniform(72, 86)  # apex-to-base at ED, mm
    heart = {
        "k": k,
        "cut": cut,
        "lv_len_eff": lv_len,
        "lv_r4": rng.uniform(20, 25),
        "lv_r2": rng.uniform(20, 25),
        "lv_tilt4": rng.uniform(8, 16),
        "lv_tilt2": rng.uniform(-4, 6),
        "apex4": np.array([rng.uniform(-2, 4), rng.uniform(28, 38)]),
        "apex2": np.array([rng.uniform(-4, 4), rng.uniform(28, 38)]),
        "la_len": rng.uniform(40, 50),
        "la_r": rng.uniform(16, 20),
        "la_tilt": rng.uniform(-8, 8),
        "rv_len_frac": rng.uniform(0.72, 0.85),
        "rv_r": rng.uniform(15, 19),
        "rv_tilt": rng.uniform(-16, -8),
        "ra_len": rng.uniform(38, 46),
        "ra_r": rng.uniform(14, 18),
        "ra_tilt": rng.uniform(-26, -14),
        "septum": rng.uniform(8, 11),
        "valve_gap": rng.uniform(5, 8),
        # ED -> ES: ventricles lose length (base moves up) and width; atria gain a little.
        "es_len": rng.uniform(0.86, 0.95),
        "es_r": rng.uniform(0.66, 0.85),
        "rv_es": rng.uniform(0.75, 0.88),
        "atria_es": rng.uniform(1.04, 1.12),
    }
    return heart


def _chambers(heart: dict, view: str, phase: str) -> dict[str, Chamber]:
    """Place the chambers of one view and phase (image mm: x right, y down from the transducer)."""
    es = phase == "ES"
    k, cut = heart["k"], heart["cut"]
    len_eff = heart["lv_len_eff"] * (heart["es_len"] if es else 1.0)
    full = 2.0 * len_eff / (1.0 + cut)
    rs = heart["es_r"] if es else 1.0
    at = heart["atria_es"] if es else 1.0
    four = view == "A4C"
    d = _unit(heart["lv_tilt4"] if four else heart["lv_tilt2"])
    apex = heart["apex4"] if four else heart["apex2"]
    lv = Chamber(apex, d, full, (heart["lv_r4"] if four else heart["lv_r2"]) * rs, k, cut)
    base = apex + d * len_eff
    out = {"LV": lv}
    la_d = _unit((heart["lv_tilt4"] if four else heart["lv_tilt2"]) + heart["la_tilt"])
    out["LA"] = Chamber(base + d * heart["valve_gap"], la_d, heart["la_len"] * at, heart["la_r"] * at)
    if four:
        perp = np.array([-d[1], d[0]])  # points to the image's left
        # Widest point of the LV profile lies near the base for k > 0; offset the RV by the LV's
        # half-width near the base, the septum and the RV's own half-width.
        u_b = min(cut, 0.55)
        lv_half = lv.radius * math.sqrt(1 - u_b**2) * (1 + k * u_b)
        rv_r = heart["rv_r"] * (heart["rv_es"] if es else 1.0)
        rv_base = base + perp * (lv_half + heart["septum"] + rv_r)
        rv_d = _unit(heart["lv_tilt4"] + heart["rv_tilt"])
        rv_eff = len_eff * heart["rv_len_frac"]
        rv_full = 2.0 * rv_eff / (1.0 + cut)
        out["RV"] = Chamber(rv_base - rv_d * rv_eff, rv_d, rv_full, rv_r, k + 0.1, cut)
        ra_d = _unit(heart["lv_tilt4"] + heart["ra_tilt"])
        out["RA"] = Chamber(rv_base + rv_d * heart["valve_gap"], ra_d, heart["ra_len"] * at, heart["ra_r"] * at)
    return out


def _grid(size: int, depth_mm: float) -> tuple[np.ndarray, np.ndarray, float]:
    spacing = depth_mm / size
    c = (np.arange(size) + 0.5 - size / 2.0) * spacing
    r = (np.arange(size) + 0.5) * spacing
    x, y = np.meshgrid(c, r)
    return x, y, spacing


def _sector(x: np.ndarray, y: np.ndarray, depth: float, angle_deg: float) -> np.ndarray:
    radius = np.hypot(x, y)
    return (radius <= depth) & (radius >= 2.0) & (np.abs(np.degrees(np.arctan2(x, y))) <= angle_deg / 2)


def _labels(chambers: dict[str, Chamber], x, y, min_gap_px: float) -> np.ndarray:
    """Integer label image; each chamber keeps clear of the ones placed before it by min_gap_px."""
    label = np.zeros(x.shape, np.uint8)
    for name in ("LV", "LA", "RV", "RA"):
        if name not in chambers:
            continue
        m = chambers[name].mask(x, y)
        if label.any():
            dist = ndimage.distance_transform_edt(label == 0)
            m &= dist > min_gap_px
        label[m] = STRUCTURES[name]
    return label


def _smooth_noise(rng, shape, sigma_px) -> np.ndarray:
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma_px, mode="wrap")
    return field / (field.std() + 1e-12)


def _segment_mask(x, y, p0, p1, half_width) -> np.ndarray:
    """Pixels within half_width (mm) of the segment p0-p1."""
    d = p1 - p0
    t = np.clip(((x - p0[0]) * d[0] + (y - p0[1]) * d[1]) / max(float(d @ d), 1e-9), 0, 1)
    return np.hypot(x - p0[0] - t * d[0], y - p0[1] - t * d[1]) <= half_width


def _leaflets(ch: Chamber, x, y) -> np.ndarray:
    """Open atrioventricular valve leaflets (ED): thin lines from the annulus into the ventricle."""
    t_cut = (ch.cut + 1.0) * ch.length / 2.0
    r_cut = ch.radius * math.sqrt(max(1 - ch.cut**2, 0.0)) * (1 + ch.k * ch.cut)
    n = np.array([-ch.direction[1], ch.direction[0]])
    base = ch.top + ch.direction * t_cut
    out = np.zeros(x.shape, bool)
    for side in (1.0, -1.0):
        hinge = base + side * n * r_cut * 0.9
        tip = hinge - ch.direction * 0.2 * t_cut - side * n * 0.25 * r_cut
        out |= _segment_mask(x, y, hinge, tip, 0.8)
    return out


def _render(
    label, x, y, sector, spacing, depth, style: Style, params: dict, rng, chambers: dict[str, Chamber], phase: str
) -> np.ndarray:
    """Echo-like image in [0, 1] for a label image."""
    shape = label.shape
    blood = label > 0
    dist_out = ndimage.distance_transform_edt(~blood) * spacing  # mm from the nearest blood
    wall = params["wall"]
    tissue = 0.30 + 0.10 * _smooth_noise(rng, shape, 12.0 / spacing)
    echo = np.clip(tissue, 0.12, 0.6)
    myo = (~blood) & (dist_out <= wall)
    echo = np.where(myo, params["myo"] * (0.9 + 0.1 * _smooth_noise(rng, shape, 4.0 / spacing)), echo)
    peri = (dist_out > wall) & (dist_out <= wall + params["peri_mm"])
    echo = np.where(peri, 1.0, echo)
    if style.septum_dropout > 0 and (label == 4).any():
        # Thin echo between the atria: remove part of the interatrial septum's brightness.
        la = ndimage.distance_transform_edt(label != 2) * spacing
        ra = ndimage.distance_transform_edt(label != 4) * spacing
        between = (~blood) & (la + ra < wall + 6.0) & (y > np.median(y[label == 2]))
        echo = np.where(between, echo * (1 - style.septum_dropout) + style.septum_dropout * 0.15, echo)
    if params["dropout"]:
        # A weak lateral LV wall where the beams run along it.
        lv = chambers["LV"]
        n = np.array([-lv.direction[1], lv.direction[0]])
        p = lv.top + lv.direction * lv.length / 2.0 - n * lv.radius
        ang, rad = math.degrees(math.atan2(p[0], p[1])), float(np.hypot(*p))
        band = (
            (np.abs(np.degrees(np.arctan2(x, y)) - ang) < params["dropout_deg"] / 2)
            & (np.abs(np.hypot(x, y) - rad) < 18.0)
            & ~blood
        )
        echo = np.where(band, echo * params["dropout_keep"], echo)
    haze = style.clutter * np.exp(-y / 35.0) * (0.5 + 0.5 * np.clip(_smooth_noise(rng, shape, 5 / spacing), -1, 1))
    echo = np.where(blood, params["blood"] + haze, echo)
    if phase == "ED":
        for name in ("LV", "RV"):
            if name in chambers:
                echo = np.where(_leaflets(chambers[name], x, y) & blood, params["myo"] * 0.8, echo)
    echo = ndimage.gaussian_filter(echo, (style.psf_mm[0] / spacing, style.psf_mm[1] / spacing))
    # Speckle.
    ga, gl = params["grain"][0] / spacing, params["grain"][1] / spacing
    if style.speckle == "rayleigh":
        re = ndimage.gaussian_filter(rng.standard_normal(shape), (ga, gl))
        im = ndimage.gaussian_filter(rng.standard_normal(shape), (ga, gl))
        env = np.hypot(re, im)
        speck = env / env.mean()
    else:
        g = _smooth_noise(rng, shape, (ga, gl))
        speck = np.exp(0.55 * g - 0.55**2 / 2)
    amp = echo * speck
    # Depth attenuation (net of time-gain compensation) and lateral beam fall-off.
    r_cm = np.hypot(x, y) / 10.0
    amp = amp * 10 ** (-params["atten"] * r_cm / 20.0)
    if style.lateral_falloff:
        amp = amp * np.cos(np.arctan2(x, y)) ** style.lateral_falloff
    amp = amp + 0.004 * np.abs(rng.standard_normal(shape))  # electronic noise
    if style.display == "log":
        db = 20 * np.log10(amp + 1e-4)
        img = (db + 40.0) / 40.0 * params["gain"]  # 40 dB window
    else:
        img = params["gain"] * amp**0.6
    img = np.clip(img, 0.0, 1.0)
    img[~sector] = 0.0
    return img.astype(np.float32)


def _study_id(style: str, seed: int, index: int) -> str:
    return f"phantom-{style}-{seed}-{index:04d}"


def make_study(index: int, seed: int = 0, style: str = "a", size: int = 256) -> list[Frame]:
    """The four frames (A4C/A2C x ED/ES) of one phantom study, masks and true volumes included."""
    if style not in STYLES:
        raise SegroiError(f"unknown phantom style {style!r}; choose one of {', '.join(STYLES)}")
    if size < 64:
        raise SegroiError(f"phantom size {size} is too small; use at least 64 pixels")
    st = STYLES[style]
    digest = hashlib.sha256(f"{style}:{seed}:{index}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    study = _study_id(style, seed, index)
    for attempt in range(50):  # noqa: B007 - the count is stored after the loop
        heart = _heart(rng, st)
        depth = rng.uniform(*st.depth_mm)
        angle = rng.uniform(*st.sector_deg)
        x, y, spacing = _grid(size, depth)
        sector = _sector(x, y, depth, angle)
        shrunk = ndimage.binary_erosion(sector, iterations=max(1, int(round(4.0 / spacing))))
        drawn = {}
        ok = True
        for view in VIEWS:
            for phase in PHASES:
                ch = _chambers(heart, view, phase)
                lab = _labels(ch, x, y, min_gap_px=heart["septum"] / spacing if view == "A4C" else 3.0 / spacing)
                # Every chamber must be inside the fan and keep most of its drawn shape.
                for name, c in ch.items():
                    full = c.mask(x, y)
                    got = lab == STRUCTURES[name]
                    if (got & ~shrunk).any() or got.sum() < 0.75 * full.sum():
                        ok = False
                drawn[(view, phase)] = (ch, lab)
        if ok:
            break
    else:  # pragma: no cover - the ranges make this practically impossible
        raise SegroiError(f"phantom study {index} (seed {seed}) could not be placed inside the sector")
    params = {
        "wall": rng.uniform(*st.wall_mm),
        "peri_mm": rng.uniform(1.5, 3.0),
        "myo": rng.uniform(0.7, 0.9),
        "blood": rng.uniform(*st.blood),
        "grain": st.grain_mm,
        "atten": rng.uniform(*st.attenuation_db_cm),
        "gain": rng.uniform(*st.gain),
        "dropout": bool(rng.random() < st.wall_dropout_prob),
        "dropout_keep": rng.uniform(*st.wall_dropout_keep),
        "dropout_deg": rng.uniform(6, 12),
    }
    volumes = {}
    for phase in PHASES:
        es = phase == "ES"
        len_eff = heart["lv_len_eff"] * (heart["es_len"] if es else 1.0)
        full = 2.0 * len_eff / (1.0 + heart["cut"])
        rs = heart["es_r"] if es else 1.0
        volumes[phase] = lv_volume_ml(full, heart["lv_r4"] * rs, heart["lv_r2"] * rs, heart["k"], heart["cut"])
    ef = 100.0 * (volumes["ED"] - volumes["ES"]) / volumes["ED"]
    frames = []
    for (view, phase), (ch, lab) in drawn.items():
        img = _render(lab, x, y, sector, spacing, depth, st, params, rng, ch, phase)
        meta = {
            "generator": GENERATOR,
            "style": style,
            "seed": seed,
            "study_index": index,
            "true_lv_volume_ml": volumes[phase],
            "true_lv_length_mm": ch["LV"].effective_length,
            "true_ef_percent": ef,
            "depth_mm": depth,
            "sector_deg": angle,
            "placement_attempts": attempt + 1,
        }
        frames.append(
            Frame(
                pixels=img,
                spacing_mm=(spacing, spacing),
                study=study,
                source=f"{study}_{view}_{phase}",
                index=0,
                view=view,
                phase=phase,
                mask=lab.astype(np.uint8),
                meta=meta,
            )
        )
    return frames


def make_phantom(studies: int, seed: int = 0, style: str = "a", size: int = 256, first: int = 0) -> list[Frame]:
    """Frames of `studies` phantom studies (4 frames each), numbered from `first`."""
    if studies < 1:
        raise SegroiError("the phantom needs at least one study")
    out: list[Frame] = []
    for i in range(first, first + studies):
        out.extend(make_study(i, seed=seed, style=style, size=size))
    return out


def write_phantom(frames: list[Frame], out: str | Path) -> list[Path]:
    """Write frames as `<source>_000.png` with a `frames.json` sidecar, and masks in `out/truth/`.

    Uses the image-folder writer (engine.data.save_frames), so `load(out)` reads the frames back
    with spacing, study, view, phase and the phantom's true values in Frame.meta, and finds the
    ground truth in `out/truth/` (named like `segroi segment`'s output).
    """
    from engine.data.images import save_frames

    out = Path(out)
    return save_frames(frames, out, out / TRUTH)
