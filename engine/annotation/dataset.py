"""Which frames an annotation session shows: the synthetic phantom or a folder of images."""

from __future__ import annotations

import math
from pathlib import Path

from engine.data.frame import STRUCTURES, Frame
from engine.errors import SegroiError

PHANTOM = "phantom"


def load_frames(
    data: str, truth: str | None = None, frames: int | None = None, size: int = 256, seed: int = 0, within=None
) -> tuple[list[Frame], str]:
    """(frames, dataset label). `data` is "phantom" (generated in memory, exact masks, `size`
    pixels, 4 frames per study) or a folder/file readable by `engine.data.load`.
    `frames` keeps the first N in reading order, and reading stops there. `within` (the dashboard's
    data roots): nothing outside them is read, links included (engine.data.roots)."""
    if frames is not None and frames < 1:
        raise SegroiError("--frames must be at least 1")
    if str(data).strip().lower() == PHANTOM:
        from engine.data.phantom import make_phantom

        studies = max(1, math.ceil((frames or 4) / 4))
        out = make_phantom(studies, seed=seed, size=size)
        label = f"phantom (seed {seed}, {size} px)"
    else:
        from engine.data import load

        path = Path(data).expanduser()
        if not path.exists():
            raise SegroiError(f"no such data folder or file: {path}")
        if truth is not None and not Path(truth).expanduser().is_dir():
            raise SegroiError(f"no such truth folder: {truth}")
        result = load(path, truth=truth, within=within, max_frames=frames)
        out = result.require_frames()
        label = str(path)
    return (out[:frames] if frames else out), label


def plan(frames: list[Frame], structures: list[str]) -> list[tuple[int, str]]:
    """(frame index, structure) pairs to annotate: every wanted structure of every frame, but
    only those its ground truth contains when it has one."""
    import numpy as np

    out = []
    for i, f in enumerate(frames):
        present = None if f.mask is None else set(np.unique(f.mask).tolist())
        for s in structures:
            if present is None or STRUCTURES[s] in present:
                out.append((i, s))
    return out
