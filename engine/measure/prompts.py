"""Simulated prompts for SAM, derived from the reference masks.

One box per structure present in the reference: the structure's bounding box (pixel edges, in
SAM's (x0, y0, x1, y1) order), each of the four edges moved independently by a uniform random
offset of up to +/- `jitter` times the box's width (x edges) or height (y edges), clipped to the
image. jitter = 0.05 (5 %) by default; the generator is seeded per frame and structure so a run
is repeatable. Any accuracy figure computed with these prompts is labelled "simulated prompts":
a person drawing boxes is not simulated beyond this jitter.
"""

from __future__ import annotations

import hashlib

import numpy as np

from engine.data.frame import STRUCTURES

DEFAULT_JITTER = 0.05


def describe(jitter: float, seed: int) -> str:
    return (
        f"simulated: box per structure from the reference mask, edges jittered +/-{jitter:.0%} of box size, seed {seed}"
    )


def _rng(seed: int, frame_name: str, structure: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{frame_name}:{structure}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def box_prompt(mask: np.ndarray, jitter: float = DEFAULT_JITTER, rng: np.random.Generator | None = None):
    """(x0, y0, x1, y1) around a binary mask with jittered edges, or None for an empty mask."""
    rows, cols = np.nonzero(np.asarray(mask, bool))
    if rows.size == 0:
        return None
    h, w = mask.shape
    x0, x1 = float(cols.min()), float(cols.max() + 1)
    y0, y1 = float(rows.min()), float(rows.max() + 1)
    if jitter and rng is not None:
        bw, bh = x1 - x0, y1 - y0
        dx = rng.uniform(-jitter, jitter, 2) * bw
        dy = rng.uniform(-jitter, jitter, 2) * bh
        x0, x1 = x0 + dx[0], x1 + dx[1]
        y0, y1 = y0 + dy[0], y1 + dy[1]
    x0, x1 = np.clip(sorted((x0, x1)), 0, w)
    y0, y1 = np.clip(sorted((y0, y1)), 0, h)
    return float(x0), float(y0), float(x1), float(y1)


def frame_prompts(
    reference: np.ndarray, frame_name: str, jitter: float = DEFAULT_JITTER, seed: int = 0
) -> dict[str, tuple[float, float, float, float]]:
    """structure -> box for every structure in the reference label map."""
    out = {}
    for name, value in STRUCTURES.items():
        box = box_prompt(reference == value, jitter, _rng(seed, frame_name, name))
        if box is not None:
            out[name] = box
    return out


def combine(masks: dict[str, np.ndarray], shape) -> np.ndarray:
    """One label map from per-structure masks: larger structures first, smaller ones drawn over them."""
    label = np.zeros(shape, np.uint8)
    for name, m in sorted(masks.items(), key=lambda kv: -int(np.asarray(kv[1]).sum())):
        label[np.asarray(m, bool)] = STRUCTURES[name]
    return label
