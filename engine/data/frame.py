"""The one image type every reader produces."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Label values used everywhere a mask is an integer image.
STRUCTURES = {"LV": 1, "LA": 2, "RV": 3, "RA": 4}


@dataclass
class Frame:
    """One greyscale echo frame.

    pixels      2-D float32 array in [0, 1], rows x columns.
    spacing_mm  (row_mm, col_mm) per pixel, or None when the source carries no calibration.
    study       salted hash of the study identifier (never the identifier itself).
    source      file stem the frame came from (used for output names).
    index       0-based frame index inside its source.
    view        "A4C", "A2C", ... or None.
    phase       "ED", "ES" or None (the index says where in the cine it sits).
    mask        optional integer label image (0 background, STRUCTURES values) of the same shape.
    frame_time_ms  time between frames when the source says so.
    """

    pixels: np.ndarray
    spacing_mm: tuple[float, float] | None
    study: str
    source: str
    index: int = 0
    view: str | None = None
    phase: str | None = None
    mask: np.ndarray | None = None
    frame_time_ms: float | None = None
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Output name stem: `<source stem>_<index, 3 digits>`."""
        return f"{self.source}_{self.index:03d}"

    @property
    def shape(self) -> tuple[int, int]:
        return self.pixels.shape[:2]
