"""The SSL segmenter at inference: the lead's U-Net (engine/models/unet.py) behind load/save/predict.

Frames of any size are resized to the network's square input (bilinear, antialiased when
shrinking), normalised per image (zero mean, unit variance), run through the U-Net, and the
class scores are resized back to each frame's own size before the arg-max, so every label map
has its frame's shape. Training code uses the same `preprocess` / `preprocess_masks`, so what
the network sees in training and at inference is identical.

Region of interest (`roi`): "frame" uses the whole frame (padded to a square only by the resize);
"sector" (what `segroi train-ssl` writes) crops each frame to its echo sector's square box and
zeroes everything outside the sector (engine/models/ssl/roi.py); scores outside the box and the
sector are background.

A weights file is a torch checkpoint holding only plain data and tensors:
`{"format": "segroi-ssl-unet", "version": 1, "config": {...}, "state_dict": {...}, "meta": {...}}`
where config is the U-Net's constructor arguments plus `input_size`, `normalize` and `roi`
(absent in files from before the ROI: read as "frame").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from engine.errors import SegroiError
from engine.models.unet import UNet

FORMAT = "segroi-ssl-unet"
VERSION = 1
DEFAULT_INPUT_SIZE = 256
NORMALIZATIONS = ("zscore", "none")
ROIS = ("frame", "sector")


def _pixels(item) -> np.ndarray:
    pixels = getattr(item, "pixels", item)
    arr = np.asarray(pixels)
    if arr.ndim == 3 and arr.shape[2] in (1, 3):
        arr = arr.mean(axis=2)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise SegroiError(f"the SSL model expects 2-D greyscale frames, got shape {arr.shape}")
    return arr


class SslSegmenter:
    """A U-Net that maps greyscale frames to label maps (0 bg, 1 LV, 2 LA, 3 RV, 4 RA)."""

    def __init__(
        self,
        net: UNet | None = None,
        *,
        input_size: int = DEFAULT_INPUT_SIZE,
        normalize: str = "zscore",
        device="cpu",
        weights: str | None = None,
        meta: dict | None = None,
        roi: str = "frame",
    ):
        fresh = net is None
        if net is None:
            net = UNet()
        levels = net.config["levels"]
        step = 2 ** (levels - 1)
        if not isinstance(input_size, int) or input_size < step or input_size % step:
            raise SegroiError(
                f"SSL input size must be a positive multiple of {step} for a {levels}-level U-Net, got {input_size!r}"
            )
        if normalize not in NORMALIZATIONS:
            raise SegroiError(f"unknown normalisation {normalize!r}; one of {', '.join(NORMALIZATIONS)}")
        if roi not in ROIS:
            raise SegroiError(f"unknown region of interest {roi!r}; one of {', '.join(ROIS)}")
        self.roi = roi
        self.device = torch.device(device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise SegroiError("device cuda requested but no CUDA GPU is available")
        self.net = net.to(self.device)
        self.input_size = input_size
        self.normalize = normalize
        # A network built here has random weights; one handed in came from somewhere unsaved.
        self.weights = weights or ("random" if fresh else "unsaved")
        self.meta = dict(meta or {})

    @property
    def name(self) -> str:
        return "ssl_unet"

    @property
    def config(self) -> dict:
        return {**self.net.config, "input_size": self.input_size, "normalize": self.normalize, "roi": self.roi}

    # -- persistence -------------------------------------------------------------------------------
    def save(self, path, meta: dict | None = None) -> Path:
        """Write the weights and config to `path` (a private temporary file in the same folder, then renamed)."""
        path = Path(path).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        info = {**self.meta, **(meta or {})}
        info.setdefault("saved_at", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        state = {k: v.detach().cpu() for k, v in self.net.state_dict().items()}
        payload = {"format": FORMAT, "version": VERSION, "config": self.config, "state_dict": state, "meta": info}
        from engine.files import atomic_write

        atomic_write(path, lambda fh: torch.save(payload, fh))  # private temporary file, then a rename
        self.weights = path.name
        return path

    @classmethod
    def load(cls, path, device="cpu") -> "SslSegmenter":
        """Read a file written by `save`; a missing or foreign file raises SegroiError."""
        path = Path(path).expanduser()
        if not path.is_file():
            raise SegroiError(f"SSL weights not found: {path}")
        try:
            payload = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user problem
            raise SegroiError(f"cannot read SSL weights {path.name}: {exc}") from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise SegroiError(f"{path.name} is not a segroi SSL weights file (no '{FORMAT}' header)")
        if payload.get("version", 0) > VERSION:
            raise SegroiError(f"{path.name} was written by a newer segroi (format version {payload['version']})")
        config = dict(payload.get("config") or {})
        try:
            input_size = int(config.pop("input_size", DEFAULT_INPUT_SIZE))
            normalize = config.pop("normalize", "zscore")
            roi = config.pop("roi", "frame")
            net = UNet(**config)
            net.load_state_dict(payload["state_dict"])
        except (TypeError, KeyError, RuntimeError) as exc:
            raise SegroiError(f"SSL weights {path.name} do not fit their stated U-Net: {exc}") from exc
        return cls(
            net,
            input_size=input_size,
            normalize=normalize,
            device=device,
            weights=path.name,
            meta=payload.get("meta") or {},
            roi=roi,
        )

    # -- pre/post-processing shared with training ----------------------------------------------------
    def rois(self, frames: Sequence) -> list | None:
        """Each frame's region of interest under this model's `roi` setting (None: whole frames)."""
        if self.roi == "frame":
            return None
        from engine.models.ssl.roi import sector_roi

        return [sector_roi(_pixels(f)) for f in frames]

    def preprocess(self, frames: Sequence, rois: list | None = None) -> torch.Tensor:
        """Frames (or 2-D arrays) -> (N, 1, S, S) float32 network input on the segmenter's device."""
        return preprocess(frames, self.input_size, self.normalize, self.device, rois)

    def preprocess_masks(self, masks: Sequence[np.ndarray], rois: list | None = None) -> torch.Tensor:
        """Integer label maps -> (N, S, S) int64 targets at the network size (nearest neighbour)."""
        return preprocess_masks(masks, self.input_size, self.device, rois)

    # -- inference --------------------------------------------------------------------------------
    @torch.inference_mode()
    def probabilities(self, frames: Sequence, batch_size: int = 32, rois: list | None = None) -> list[np.ndarray]:
        """Per-class probabilities, (classes, H, W) float32 for each frame at its own size."""
        out = []
        for logits, shape, roi in self._logits(frames, batch_size, rois):
            out.append(torch.softmax(_place_scores(logits, shape, roi), dim=0).cpu().numpy())
        return out

    @torch.inference_mode()
    def predict(self, frames: Sequence, batch_size: int = 32, rois: list | None = None) -> list[np.ndarray]:
        """A label map (int64, 0 bg .. 4 RA) for each frame, each the size of its frame.

        rois: precomputed regions of interest (one per frame), else found here when the model uses them.
        """
        return [_place_labels(logits, shape, roi) for logits, shape, roi in self._logits(frames, batch_size, rois)]

    def segment(self, frames: Sequence, prompts=None) -> list[np.ndarray]:
        """The common segmenter protocol; the SSL model needs no prompts (they are ignored)."""
        return self.predict(frames)

    def _logits(self, frames: Sequence, batch_size: int, rois: list | None = None):
        frames = list(frames)
        if batch_size < 1:
            raise SegroiError(f"batch size must be at least 1, got {batch_size}")
        was_training = self.net.training
        self.net.eval()
        try:
            for start in range(0, len(frames), batch_size):
                chunk = frames[start : start + batch_size]
                shapes = [_pixels(f).shape for f in chunk]
                chunk_rois = rois[start : start + batch_size] if rois is not None else self.rois(chunk)
                logits = self.net(self.preprocess(chunk, chunk_rois)).float()
                yield from zip(logits, shapes, chunk_rois or [None] * len(chunk))
        finally:
            self.net.train(was_training)


def _resize_scores(logits: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
    if tuple(logits.shape[-2:]) == tuple(shape):
        return logits
    return F.interpolate(logits[None], size=tuple(shape), mode="bilinear", align_corners=False)[0]


def _place_scores(logits: torch.Tensor, shape: tuple[int, int], roi) -> torch.Tensor:
    """Class scores at the frame's size: the ROI's scores put back, background elsewhere."""
    if roi is None:
        return _resize_scores(logits, shape)
    r0, r1, c0, c1 = roi.box
    side = _resize_scores(logits, (r1 - r0, c1 - c0))
    h, w = shape
    out = torch.full((logits.shape[0], h, w), -30.0, dtype=logits.dtype, device=logits.device)
    out[0] = 30.0
    rs, re, cs, ce = max(r0, 0), min(r1, h), max(c0, 0), min(c1, w)
    if rs < re and cs < ce:
        out[:, rs:re, cs:ce] = side[:, rs - r0 : re - r0, cs - c0 : ce - c0]
    if roi.mask is not None:
        outside = torch.as_tensor(~roi.mask, device=logits.device)
        out[0][outside] = 30.0
        out[1:, outside] = -30.0
    return out


def _place_labels(logits: torch.Tensor, shape: tuple[int, int], roi) -> np.ndarray:
    """The arg-max label map at the frame's size (same result as _place_scores(...).argmax(0))."""
    if roi is None:
        return _resize_scores(logits, shape).argmax(dim=0).cpu().numpy()
    r0, r1, c0, c1 = roi.box
    h, w = shape
    out = np.zeros(shape, np.int64)
    rs, re, cs, ce = max(r0, 0), min(r1, h), max(c0, 0), min(c1, w)
    if rs < re and cs < ce:
        side = _resize_scores(logits, (r1 - r0, c1 - c0))
        out[rs:re, cs:ce] = side[:, rs - r0 : re - r0, cs - c0 : ce - c0].argmax(dim=0).cpu().numpy()
    if roi.mask is not None:
        out[~roi.mask] = 0
    return out


def preprocess(
    frames: Sequence, size: int = DEFAULT_INPUT_SIZE, normalize: str = "zscore", device="cpu", rois: list | None = None
) -> torch.Tensor:
    """Frames (or 2-D arrays in [0, 1]) -> (N, 1, size, size) float32 network input."""
    from engine.models.ssl.roi import crop

    batch = []
    for i, item in enumerate(frames):
        arr = np.nan_to_num(_pixels(item).astype(np.float32, copy=False), nan=0.0)
        if rois is not None:
            arr = crop(arr, rois[i])
        x = torch.from_numpy(np.ascontiguousarray(arr))[None, None].to(device)
        if x.shape[-2:] != (size, size):
            shrink = x.shape[-2] > size or x.shape[-1] > size
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=shrink)
        if normalize == "zscore":
            # A blank frame stays blank: resampling noise is not blown up to unit variance.
            x = (x - x.mean()) / x.std().clamp_min(1e-3)
        batch.append(x)
    if not batch:
        return torch.empty(0, 1, size, size, device=device)
    return torch.cat(batch)


def preprocess_masks(
    masks: Sequence[np.ndarray], size: int = DEFAULT_INPUT_SIZE, device="cpu", rois: list | None = None
) -> torch.Tensor:
    """Integer label maps -> (N, size, size) int64 at the network size (nearest neighbour)."""
    from engine.models.ssl.roi import crop

    out = []
    for i, m in enumerate(masks):
        arr = np.asarray(m)
        if rois is not None and arr.ndim == 2:
            arr = crop(arr, rois[i])
        t = torch.as_tensor(arr, dtype=torch.float32, device=device)[None, None]
        if t.ndim != 4:
            raise SegroiError(f"a label map must be 2-D, got shape {np.asarray(m).shape}")
        t = F.interpolate(t, size=(size, size), mode="nearest-exact")
        out.append(t[0, 0].round().long())
    if not out:
        return torch.empty(0, size, size, dtype=torch.long, device=device)
    return torch.stack(out)
