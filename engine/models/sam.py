"""Segment Anything (ViT-B/L/H) as segroi uses it: the image encoder once per image, then the
prompt encoder + mask decoder once per structure prompt (box or points).

The network is segment-anything's own (`sam_model_registry`), run through its own `SamPredictor`
(preprocessing with `ResizeLongestSide`, pixel normalisation and padding; prompts mapped to the
encoder's frame; masks scaled back). `Embedding` keeps what the predictor holds for one image, so
several images' embeddings can be kept and prompted in any order. Two things are added:

* a reduced `image_size` (e.g. 256 or 512) for CPU work and tests. The encoder's absolute
  position embedding and the relative position tables of its global-attention blocks are
  resized (bicubic / linear) to the smaller token grid, the same way for random weights and for
  a 1024-pixel checkpoint. Compute at a reduced size is *not* the compute of the published
  model; anything that stores such a figure says so.
* an optional attention path through `torch.nn.functional.scaled_dot_product_attention`
  (`attention="sdpa"`), with the decomposed relative-position term passed as an additive mask.
  It computes the same function as the reference attention (tested), and lets PyTorch pick a
  fused kernel; the profiler uses it to measure SAM at its fastest honest settings.

Without a checkpoint the weights are random (seeded, reproducible): exact for compute and
energy, meaningless for accuracy. `weights` says "random" or the checkpoint's file name.
"""

from __future__ import annotations

import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from engine.errors import SegroiError

NATIVE_IMAGE_SIZE = 1024
PATCH_SIZE = 16
# Encoder shapes of the three published variants (segment_anything/build_sam.py).
VARIANTS: dict[str, dict[str, Any]] = {
    "vit_b": {"embed_dim": 768, "depth": 12, "num_heads": 12, "global_attn_indexes": (2, 5, 8, 11)},
    "vit_l": {"embed_dim": 1024, "depth": 24, "num_heads": 16, "global_attn_indexes": (5, 11, 17, 23)},
    "vit_h": {"embed_dim": 1280, "depth": 32, "num_heads": 16, "global_attn_indexes": (7, 15, 23, 31)},
}
ATTENTIONS = ("default", "sdpa")
RANDOM_SEED = 0


@dataclass
class Embedding:
    """One image's encoder output plus what is needed to map prompts and masks back."""

    features: torch.Tensor  # (1, 256, image_size/16, image_size/16)
    original_size: tuple[int, int]  # (H, W) of the image given to embed()
    input_size: tuple[int, int]  # (h, w) after ResizeLongestSide, before padding
    image_size: int  # the encoder's square input side
    seconds: float  # wall-clock time embed() took


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise SegroiError(f"unknown SAM variant {variant!r}; choose one of {', '.join(VARIANTS)}")


def _check_image_size(image_size: int) -> None:
    if not isinstance(image_size, int) or image_size < 64 or image_size % PATCH_SIZE:
        raise SegroiError(f"SAM image_size must be a multiple of {PATCH_SIZE} and at least 64, got {image_size!r}")


def _registry_build(variant: str):
    from segment_anything import sam_model_registry

    return sam_model_registry[variant]()


def resizable_keys(variant: str) -> dict[str, str]:
    """State-dict keys whose shape depends on the image size -> how they are resized."""
    keys = {"image_encoder.pos_embed": "grid"}
    for i in VARIANTS[variant]["global_attn_indexes"]:
        keys[f"image_encoder.blocks.{i}.attn.rel_pos_h"] = "table"
        keys[f"image_encoder.blocks.{i}.attn.rel_pos_w"] = "table"
    return keys


def _resize_tensor(value: torch.Tensor, kind: str, grid: int) -> torch.Tensor:
    if kind == "grid":  # (1, g, g, C) absolute position embedding
        if value.shape[1] == grid:
            return value
        x = value.permute(0, 3, 1, 2).float()
        x = F.interpolate(x, size=(grid, grid), mode="bicubic", align_corners=False)
        return x.permute(0, 2, 3, 1).to(value.dtype).contiguous()
    length = 2 * grid - 1  # (2g-1, head_dim) relative position table of a global block
    if value.shape[0] == length:
        return value
    x = value.t().unsqueeze(0).float()
    x = F.interpolate(x, size=length, mode="linear", align_corners=False)
    return x.squeeze(0).t().to(value.dtype).contiguous()


def adapt_state_dict(state: dict, variant: str, image_size: int) -> dict:
    """Resize the image-size-dependent tensors of a SAM state dict to `image_size`."""
    grid = image_size // PATCH_SIZE
    out = dict(state)
    for key, kind in resizable_keys(variant).items():
        if key in out:
            out[key] = _resize_tensor(out[key], kind, grid)
    return out


def _set_image_size(sam, variant: str, image_size: int) -> None:
    """Make a 1024-pixel SAM module run at `image_size` (in place; parameters resized)."""
    if image_size == NATIVE_IMAGE_SIZE:
        return
    grid = image_size // PATCH_SIZE
    enc = sam.image_encoder
    enc.img_size = image_size
    for key, kind in resizable_keys(variant).items():
        owner_path, name = key.rsplit(".", 1)
        owner = sam.get_submodule(owner_path)
        old = getattr(owner, name)
        with torch.no_grad():
            new = _resize_tensor(old.detach(), kind, grid)
        setattr(owner, name, torch.nn.Parameter(new, requires_grad=old.requires_grad))
    pe = sam.prompt_encoder
    pe.image_embedding_size = (grid, grid)
    pe.input_image_size = (image_size, image_size)
    pe.mask_input_size = (4 * grid, 4 * grid)


def build_sam(variant: str = "vit_b", image_size: int = NATIVE_IMAGE_SIZE, device="cpu", seed: int = RANDOM_SEED):
    """segment-anything's model for `variant`, random weights (seeded), at `image_size`.

    `device="meta"` builds the shapes only (instant; used to check checkpoints and count FLOPs).
    On a GPU the parameters are created and randomly initialised there, not on the CPU first
    (ViT-H's 637 M parameters take a CPU many seconds to fill). The values then differ from a CPU
    build with the same seed; they are random either way, and compute does not depend on them.
    """
    _check_variant(variant)
    _check_image_size(image_size)
    device = torch.device(device)
    if device.type == "meta":
        with torch.device("meta"):
            sam = _registry_build(variant)
        _set_image_size(sam, variant, image_size)
        return sam
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if device.type == "cpu":
            sam = _registry_build(variant)
        else:
            with torch.device(device):
                sam = _registry_build(variant)
    _set_image_size(sam, variant, image_size)
    return sam.to(device).eval()


# -- checkpoints -----------------------------------------------------------------------------------
def _unwrap(obj) -> dict:
    if isinstance(obj, dict):
        for key in ("model", "state_dict", "model_state_dict"):
            inner = obj.get(key)
            if isinstance(inner, dict) and inner and all(isinstance(k, str) for k in inner):
                if any(isinstance(v, torch.Tensor) for v in inner.values()):
                    obj = inner
                    break
    if not isinstance(obj, dict) or not any(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ValueError("it holds no state dict of tensors")
    prefix = "module."
    if all(k.startswith(prefix) for k in obj):
        obj = {k[len(prefix) :]: v for k, v in obj.items()}
    return {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}


def guess_variant(state: dict) -> str | None:
    """The SAM variant a state dict's encoder width belongs to, or None."""
    w = state.get("image_encoder.patch_embed.proj.weight")
    if w is None or w.ndim != 4:
        return None
    for name, cfg in VARIANTS.items():
        if cfg["embed_dim"] == w.shape[0]:
            return name
    return None


def read_state(path) -> dict:
    """The tensors of a checkpoint file (unwrapped from {"model": ...} etc.), memory-mapped."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise SegroiError(f"SAM checkpoint not found: {path}")
    try:
        try:
            raw = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError:  # not a zip-format file: mmap is not possible
            raw = torch.load(path, map_location="cpu", weights_only=True)
        return _unwrap(raw)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user problem
        raise SegroiError(f"cannot read SAM checkpoint {path.name}: {exc}") from exc


def load_checkpoint(path, variant: str, image_size: int = NATIVE_IMAGE_SIZE) -> dict:
    """Read a SAM (or MedSAM-style) checkpoint and check it fits `variant`.

    Returns the state dict, resized to `image_size`. Raises SegroiError naming the problem
    (missing file, unreadable file, wrong variant, missing or unexpected keys, shape mismatch).
    """
    _check_variant(variant)
    path = Path(path).expanduser()
    state = read_state(path)
    guess = guess_variant(state)
    if guess is not None and guess != variant:
        raise SegroiError(
            f"SAM checkpoint {path.name} is a {guess} checkpoint (encoder width "
            f"{VARIANTS[guess]['embed_dim']}), not {variant}; pass --models sam_{guess} or the "
            f"{variant} checkpoint"
        )
    expected = build_sam(variant, NATIVE_IMAGE_SIZE, device="meta").state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
        raise SegroiError(f"SAM checkpoint {path.name} does not match SAM {variant}: keys " + "; ".join(parts))
    resizable = resizable_keys(variant)
    for key, ref in expected.items():
        got = state[key]
        if key in resizable:
            ok = got.ndim == ref.ndim and got.shape[-1] == ref.shape[-1]
        else:
            ok = tuple(got.shape) == tuple(ref.shape)
        if not ok:
            raise SegroiError(
                f"SAM checkpoint {path.name} does not match SAM {variant}: {key} has shape "
                f"{list(got.shape)} in the file, {variant} expects {list(ref.shape)}"
            )
    return adapt_state_dict(state, variant, image_size)


# -- attention through scaled_dot_product_attention ------------------------------------------------
def _sdpa_attention_forward(self, x: torch.Tensor) -> torch.Tensor:
    """segment_anything's Attention.forward, with the softmax(QK^T + rel-pos) V done by SDPA."""
    from segment_anything.modeling.image_encoder import get_rel_pos

    B, H, W, _ = x.shape
    qkv = self.qkv(x).reshape(B, H * W, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
    q, k, v = qkv.unbind(0)  # (B, heads, HW, head_dim)
    mask = None
    if self.use_rel_pos:
        Rh = get_rel_pos(H, H, self.rel_pos_h).to(q.dtype)
        Rw = get_rel_pos(W, W, self.rel_pos_w).to(q.dtype)
        r_q = q.reshape(B * self.num_heads, H, W, -1)
        rel_h = torch.einsum("bhwc,hkc->bhwk", r_q, Rh)
        rel_w = torch.einsum("bhwc,wkc->bhwk", r_q, Rw)
        mask = (rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]).reshape(B, self.num_heads, H * W, H * W)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=self.scale)
    out = out.view(B, self.num_heads, H, W, -1).permute(0, 2, 3, 1, 4).reshape(B, H, W, -1)
    return self.proj(out)


def set_attention(model, attention: str) -> None:
    """Switch every encoder attention block to `attention` ("default" or "sdpa"), in place.

    `model` is a Sam or its image encoder.
    """
    if attention not in ATTENTIONS:
        raise SegroiError(f"unknown attention {attention!r}; choose one of {', '.join(ATTENTIONS)}")
    encoder = getattr(model, "image_encoder", model)
    for block in encoder.blocks:
        attn = block.attn
        if attention == "sdpa":
            attn.forward = types.MethodType(_sdpa_attention_forward, attn)
        elif "forward" in attn.__dict__:
            del attn.forward


# -- the segmenter ---------------------------------------------------------------------------------
def _to_rgb_uint8(image: np.ndarray) -> np.ndarray:
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    if img.ndim != 3 or img.shape[2] != 3:
        raise SegroiError(f"SAM expects an HxW or HxWx3 image, got shape {img.shape}")
    if img.shape[0] < 2 or img.shape[1] < 2:
        raise SegroiError(f"image too small for SAM: {img.shape[:2]}")
    if img.dtype == np.uint8:
        return np.ascontiguousarray(img)
    img = np.nan_to_num(img.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    return (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


class SamSegmenter:
    """SAM with separate `embed` (image encoder) and `predict` (prompt encoder + mask decoder)."""

    def __init__(
        self,
        variant: str = "vit_b",
        checkpoint=None,
        device="cpu",
        image_size: int = NATIVE_IMAGE_SIZE,
        attention: str = "sdpa",
    ):
        from segment_anything import SamPredictor

        _check_variant(variant)
        _check_image_size(image_size)
        self.variant = variant
        self.image_size = image_size
        self.device = torch.device(device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise SegroiError("device cuda requested but no CUDA GPU is available")
        state = load_checkpoint(checkpoint, variant, image_size) if checkpoint is not None else None
        self.weights = "random" if checkpoint is None else Path(checkpoint).name
        self.model = build_sam(variant, image_size, device="cpu")
        if state is not None:
            self.model.load_state_dict(state)
        self.model.to(self.device).eval()
        self.attention = attention
        set_attention(self.model, attention)
        self.predictor = SamPredictor(self.model)  # its transform follows the encoder's image size
        self.transform = self.predictor.transform
        self.last_embed_seconds: float | None = None

    @property
    def name(self) -> str:
        return f"sam_{self.variant}"

    @torch.inference_mode()
    def embed(self, image: np.ndarray) -> Embedding:
        """Run the image encoder once on `image` (HxW or HxWx3, float in [0, 1] or uint8)."""
        start = time.perf_counter()
        self.predictor.set_image(_to_rgb_uint8(image))
        features = self.predictor.features
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        seconds = time.perf_counter() - start
        self.last_embed_seconds = seconds
        return Embedding(
            features, tuple(self.predictor.original_size), tuple(self.predictor.input_size), self.image_size, seconds
        )

    @torch.inference_mode()
    def predict(
        self,
        embedding: Embedding,
        box: Sequence[float] | None = None,
        points: Sequence[Sequence[float]] | None = None,
        labels: Sequence[int] | None = None,
    ) -> np.ndarray:
        """A boolean mask (original image size) for one prompt: a box, points, or both.

        box is (x0, y0, x1, y1) and points are (x, y) in the original image's pixels;
        labels are 1 (inside) / 0 (outside) per point, all 1 when omitted. A single point with
        no box asks for SAM's three candidate masks and keeps the one it scores best, as the
        SAM authors recommend for an ambiguous prompt; otherwise one mask is predicted.
        """
        if embedding.image_size != self.image_size:
            raise SegroiError(
                f"embedding was made at image size {embedding.image_size}, this SAM runs at {self.image_size}"
            )
        if box is None and not points:
            raise SegroiError("SAM needs a prompt: a box, points, or both")
        b = p = lab = None
        if box is not None:
            b = np.asarray(box, dtype=np.float64).reshape(-1)
            if b.size != 4 or not np.all(np.isfinite(b)):
                raise SegroiError(f"a SAM box is (x0, y0, x1, y1) in pixels, got {box!r}")
            b = np.array([min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])])
        if points:
            p = np.asarray(points, dtype=np.float64)
            if p.ndim != 2 or p.shape[1] != 2 or not np.all(np.isfinite(p)):
                raise SegroiError(f"SAM points are [(x, y), ...] in pixels, got {points!r}")
            lab = np.ones(len(p)) if labels is None else np.asarray(labels, dtype=np.float64)
            if lab.shape != (len(p),) or not np.all(np.isin(lab, (0, 1))):
                raise SegroiError("SAM point labels must be one 1 (inside) or 0 (outside) per point")
        multimask = b is None and p is not None and len(p) == 1
        self._show(embedding)
        masks, scores, _ = self.predictor.predict(point_coords=p, point_labels=lab, box=b, multimask_output=multimask)
        return masks[int(np.argmax(scores))]

    def _show(self, embedding: Embedding) -> None:
        """Point the predictor at `embedding` (what its set_image left for that image)."""
        pred = self.predictor
        pred.features = embedding.features
        pred.original_size, pred.input_size = embedding.original_size, embedding.input_size
        pred.is_image_set = True

    def segment(self, frames: Sequence, prompts: Sequence[dict]) -> list[np.ndarray]:
        """The common segmenter protocol: one integer label map per frame.

        prompts[i] maps a structure name ("LV", "LA", "RV", "RA") to its prompt for frame i:
        a box (x0, y0, x1, y1) or a dict with "box", "points", "labels". Each frame is embedded
        once and each structure decoded once; where two structures' masks overlap, the one
        prompted later wins.
        """
        from engine.data.frame import STRUCTURES

        if len(prompts) != len(frames):
            raise SegroiError(f"{len(frames)} frames but {len(prompts)} prompt sets")
        out = []
        for frame, frame_prompts in zip(frames, prompts):
            pixels = getattr(frame, "pixels", frame)
            emb = self.embed(pixels)
            labels = np.zeros(emb.original_size, dtype=np.int64)
            for name, prompt in frame_prompts.items():
                if name not in STRUCTURES:
                    raise SegroiError(f"unknown structure {name!r}; one of {', '.join(STRUCTURES)}")
                kw = dict(prompt) if isinstance(prompt, dict) else {"box": prompt}
                labels[self.predict(emb, **kw)] = STRUCTURES[name]
            out.append(labels)
        return out

    # -- cost of an embedding ----------------------------------------------------------------------
    def flops_per_embed(self) -> float:
        """FLOPs of one image-encoder pass at this image size (counted on shapes only)."""
        return encoder_flops(self.variant, self.image_size)

    def estimate_embed_seconds(self, probe_seconds: float = 0.2) -> dict:
        """An estimate, before any embed, of how long one embed takes on this device.

        FLOPs of the encoder divided by the matrix-multiply rate this process reaches in a short
        probe. Encoder layers run below peak matmul rate, so treat it as a lower bound; once an
        image has been embedded, `last_embed_seconds` is the measured figure.
        """
        flops = self.flops_per_embed()
        rate = matmul_flops_per_second(self.device, probe_seconds)
        return {
            "seconds": flops / rate,
            "flops": flops,
            "matmul_flops_per_second": rate,
            "kind": "estimate",
            "device": str(self.device),
            "image_size": self.image_size,
            "threads": torch.get_num_threads(),
            "measured_seconds": self.last_embed_seconds,
        }


def encoder_flops(variant: str, image_size: int = NATIVE_IMAGE_SIZE) -> float:
    """FLOPs (2 per multiply-add) of one SAM encoder pass, counted by torch on shape-only tensors."""
    from torch.utils.flop_counter import FlopCounterMode

    sam = build_sam(variant, image_size, device="meta")
    x = torch.empty(1, 3, image_size, image_size, device="meta")
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        sam.image_encoder(x)
    return float(counter.get_total_flops())


def matmul_flops_per_second(device, probe_seconds: float = 0.2, n: int = 512) -> float:
    """Achieved fp32 matmul rate of an n x n product on `device`, over about `probe_seconds`."""
    device = torch.device(device)
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else (lambda: None)
    with torch.inference_mode():
        a @ b
        sync()
        reps, start = 0, time.perf_counter()
        while True:
            a @ b
            reps += 1
            if reps % 4 == 0:
                sync()
                if time.perf_counter() - start >= probe_seconds:
                    break
        elapsed = time.perf_counter() - start
    return 2.0 * n**3 * reps / elapsed
