"""Small synthetic frames with exact masks for the annotation tests."""

from __future__ import annotations

import numpy as np

from engine.data.frame import Frame


def ellipse(shape, cy, cx, ry, rx):
    rows, cols = np.indices(shape)
    return ((rows - cy) / ry) ** 2 + ((cols - cx) / rx) ** 2 <= 1.0


def small_frame(index: int = 0, size: int = 64, source: str = "toy") -> Frame:
    """A frame with LV (upper left), LA (lower left) and RV (upper right); no RA."""
    shape = (size, size)
    mask = np.zeros(shape, dtype=np.int16)
    s = size / 64
    mask[ellipse(shape, 20 * s, 20 * s, 12 * s, 8 * s)] = 1
    mask[ellipse(shape, 46 * s, 20 * s, 8 * s, 8 * s)] = 2
    mask[ellipse(shape, 20 * s, 44 * s, 10 * s, 7 * s)] = 3
    pixels = np.where(mask > 0, 0.1, 0.7).astype(np.float32)
    return Frame(pixels=pixels, spacing_mm=(0.3, 0.3), study="study-hash", source=source, index=index, mask=mask)


class FakeSam:
    """Stands in for SamSegmenter: the box itself as the mask, then each click point repairs
    the region of disagreement with the truth that it lands in (the structure is the truth
    label under the box centre or the first point). Without `truth` it only counts calls."""

    def __init__(self, truth: np.ndarray | None = None):
        self.truth = truth
        self.embeds = 0
        self.predicts = 0

    def embed(self, image):
        self.embeds += 1
        return {"shape": image.shape}

    def predict(self, embedding, box=None, points=None, labels=None):
        from scipy import ndimage

        self.predicts += 1
        shape = embedding["shape"]
        out = np.zeros(shape, dtype=bool)
        if box is not None:
            x0, y0, x1, y1 = (int(round(v)) for v in box)
            out[y0 : y1 + 1, x0 : x1 + 1] = True
            anchor = ((y0 + y1) // 2, (x0 + x1) // 2)
        else:
            anchor = (int(points[0][1]), int(points[0][0]))
        if self.truth is None:
            return out
        target = self.truth == self.truth[anchor]
        for x, y in points or []:
            comps, _ = ndimage.label(out != target)
            k = comps[int(round(y)), int(round(x))]
            if k:
                out[comps == k] = target[comps == k]
        return out
