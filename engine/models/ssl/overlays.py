"""Scanner overlays inside the sector: found, then painted over with the echo around them.

Outside the sector nothing is used at all (the sector mask takes care of text, the depth ruler,
the grey bar and most of the ECG trace). Inside it, overlays still occur: an ECG trace or an
operator's label drawn over the far field, text over the near field. Two cues find them:

* temporal constancy: burned-in graphics are bit-identical in every frame of a cine, while echo
  changes from frame to frame (speckle decorrelates as the heart moves, and electronic noise is
  new each frame). A pixel that is identical (within 1 grey level) across all frames of a cine
  and brighter than its neighbourhood (white top-hat of 3 px above 0.08) is an overlay. This
  needs a cine of at least three frames; with two frames, equality happens by chance too often
  in dark regions, so two frames also need the pixel to be bright (above 0.7).
* thinness: lines 1-2 px wide (ECG trace and its moving marker, text strokes) are removed by the
  despeckling median filter of the pseudo-labeller anyway, without being detected; thicker
  graphics need the temporal cue.

Found pixels are replaced by a normalised Gaussian average of the pixels around them that are
not overlays (a simple inpainting), so that a line across a chamber does not become a wall.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

STATIC_TOLERANCE = 1.0 / 255.0
TOPHAT_LEVEL = 0.08


def static_overlay(stack: np.ndarray, region: np.ndarray | None = None) -> np.ndarray:
    """Bool mask of pixels that are bit-identical and locally bright in every frame of a cine."""
    stack = np.asarray(stack, dtype=np.float32)
    if stack.ndim != 3 or stack.shape[0] < 2:
        return np.zeros(stack.shape[-2:], bool)
    same = (stack.max(axis=0) - stack.min(axis=0)) <= STATIC_TOLERANCE
    first = stack[0]
    tophat = first - ndimage.grey_opening(first, size=(7, 7))
    found = same & (tophat > TOPHAT_LEVEL)
    if stack.shape[0] < 3:
        found &= first > 0.7
    if region is not None:
        found &= region
    # Overlay strokes come in groups; keep a found pixel only with a few others close by.
    near = ndimage.uniform_filter(found.astype(np.float32), size=7)
    return found & (near > 3 / 49)


def inpaint(pixels: np.ndarray, mask: np.ndarray, sigma: float = 3.0) -> np.ndarray:
    """Replace masked pixels by the Gaussian-weighted mean of the unmasked ones around them."""
    if not mask.any():
        return pixels
    keep = (~mask).astype(np.float32)
    num = ndimage.gaussian_filter(pixels * keep, sigma)
    den = ndimage.gaussian_filter(keep, sigma)
    filled = num / np.maximum(den, 1e-6)
    out = pixels.copy()
    out[mask] = filled[mask]
    return out
