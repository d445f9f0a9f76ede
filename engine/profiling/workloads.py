"""The models a profile measures, each turned into a `step()` for one Setting.

    ssl_unet              the SSL U-Net (engine/models/unet.py) on a 1x256x256 input: component full.
    sam_vit_b/_l/_h       SAM's image encoder on a 3xSxS input (S = 1024 unless reduced): component
                          encoder, per image; and prompt encoder + mask decoder + mask upscaling to
                          SxS for box prompts: component decoder, per prompt.

Inputs are random tensors already in the network's format: image decoding, resizing and
normalisation on the host are not part of the timed work (they are the same for every model and
do not touch the GPU). Weights are random unless a checkpoint is given: compute and energy do not
depend on weight values.

Each model is built once (its master copy); every setting works on its own copy of the weights
it needs, cast and laid out for that setting, so the setting's peak memory counts its weights and
not the master's (see memory.py).
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from engine.errors import SegroiError
from engine.profiling.flops import count_flops
from engine.profiling.settings import Setting

MODEL_NAMES = ("ssl_unet", "sam_vit_b", "sam_vit_l", "sam_vit_h")
SSL_INPUT_SIZE = 256


@dataclass
class Prepared:
    step: Callable[[], object]
    items_per_step: int
    per: str  # "image" or "prompt"
    input_size: str  # CxHxW
    flops_per_item: float
    parameters: int


def _dtype(setting: Setting) -> torch.dtype:
    return torch.bfloat16 if setting.dtype == "bf16" else torch.float32


def _autocast(setting: Setting, device: torch.device):
    if setting.dtype_mode == "autocast":
        return torch.autocast(device.type, dtype=_dtype(setting))
    return contextlib.nullcontext()


def _compile(fn, setting: Setting):
    if not setting.compile_mode:
        return fn
    if setting.compile_mode == "default":
        return torch.compile(fn)
    return torch.compile(fn, mode=setting.compile_mode)


def _step(fn, setting: Setting, device: torch.device):
    def step():
        with torch.inference_mode(), _autocast(setting, device):
            return fn()

    return step


def _params(*modules) -> int:
    return int(sum(p.numel() for m in modules for p in m.parameters()))


class SslUnetModel:
    name = "ssl_unet"
    conv = True
    components = ["full"]

    def __init__(self, device: torch.device, input_size: int = SSL_INPUT_SIZE, width: int = 32, weights_path=None):
        from engine.models.ssl_net import SslSegmenter
        from engine.models.unet import UNet

        if weights_path is not None:
            seg = SslSegmenter.load(weights_path, device="cpu")
            self.net, self.weights = seg.net, seg.weights
            input_size = seg.input_size
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(0)
                self.net = UNet(width=width)
            self.weights = "random"
        self.net = self.net.to(device).eval().requires_grad_(False)
        self.device = device
        self.input_size = input_size
        # Trained weights run at their own input size; only a shrunken random network is a smoke run.
        self.reduced_input = weights_path is None and input_size < SSL_INPUT_SIZE
        cfg = self.net.config
        with torch.device("meta"):
            meta = UNet(**cfg)
        x = torch.empty(1, cfg["in_channels"], input_size, input_size, device="meta")
        self.flops = count_flops(lambda: meta(x))
        self.in_channels = cfg["in_channels"]

    def prepare(self, setting: Setting) -> Prepared:
        net = copy.deepcopy(self.net)
        if setting.channels_last:
            net = net.to(memory_format=torch.channels_last)
        if setting.dtype_mode == "weights":
            net = net.to(_dtype(setting))
        in_dtype = _dtype(setting) if setting.dtype_mode == "weights" else torch.float32
        x = torch.randn(
            setting.batch, self.in_channels, self.input_size, self.input_size, device=self.device, dtype=in_dtype
        )
        if setting.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        fn = _compile(net, setting)
        return Prepared(
            _step(lambda: fn(x), setting, self.device),
            setting.batch,
            "image",
            f"{self.in_channels}x{self.input_size}x{self.input_size}",
            self.flops,
            _params(net),
        )

    def close(self) -> None:
        del self.net  # the weights go now; a closed workload is not used again


class SamModel:
    conv = False
    components = ["encoder", "decoder"]

    def __init__(self, variant: str, device: torch.device, image_size: int = 1024, checkpoint=None):
        from engine.models import sam as sam_mod

        self.sam_mod = sam_mod
        self.name = f"sam_{variant}"
        self.variant = variant
        self.device = device
        self.image_size = image_size
        self.reduced_input = image_size < sam_mod.NATIVE_IMAGE_SIZE
        state = sam_mod.load_checkpoint(checkpoint, variant, image_size) if checkpoint else None
        self.weights = "random" if checkpoint is None else Path(checkpoint).name
        model = sam_mod.build_sam(variant, image_size, device=device)
        if state is not None:
            model.load_state_dict(state)
        self.sam = model.eval().requires_grad_(False)
        self.grid = image_size // sam_mod.PATCH_SIZE
        meta = sam_mod.build_sam(variant, image_size, device="meta").requires_grad_(False)
        x = torch.empty(1, 3, image_size, image_size, device="meta")
        self.encoder_flops = count_flops(lambda: meta.image_encoder(x))
        self.decoder_flops = count_flops(
            lambda: self._decode(
                meta.prompt_encoder,
                meta.mask_decoder,
                self._boxes(1, "meta"),
                torch.empty(1, 256, self.grid, self.grid, device="meta"),
            )
        )

    def _boxes(self, n: int, device) -> torch.Tensor:
        s = float(self.image_size)
        if str(device) == "meta":
            return torch.empty(n, 4, device="meta")
        gen = torch.Generator().manual_seed(n)
        lo = torch.rand(n, 2, generator=gen) * 0.5 * s
        hi = lo + 0.1 * s + torch.rand(n, 2, generator=gen) * 0.4 * s
        return torch.cat([lo, hi], dim=1).to(device)

    def _decode(self, prompt_encoder, mask_decoder, boxes, features):
        # Not SamPredictor.predict_torch: the profiler times `batch` prompts in one call on copies of
        # the decoder that it casts, compiles or captures per setting (the predictor always runs the
        # model it was given, takes one image's prompts from host arrays and keeps state), and counts
        # FLOPs on meta tensors. The arithmetic is the predictor's: prompt encoder, mask decoder with
        # one mask per box, masks scaled to the input and thresholded.
        sparse, dense = prompt_encoder(points=None, boxes=boxes, masks=None)
        low_res, _ = mask_decoder(
            image_embeddings=features,
            image_pe=prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            multimask_output=False,
        )
        size = (self.image_size, self.image_size)
        # postprocess_masks only resizes (it reads the encoder's input size, no weights).
        return self.sam.postprocess_masks(low_res, size, size) > self.sam.mask_threshold

    def prepare(self, setting: Setting) -> Prepared:
        s = self.image_size
        if setting.component == "encoder":
            enc = copy.deepcopy(self.sam.image_encoder)
            self.sam_mod.set_attention(enc, setting.attention or "default")
            if setting.dtype_mode == "weights":
                enc = enc.to(_dtype(setting))
            in_dtype = _dtype(setting) if setting.dtype_mode == "weights" else torch.float32
            x = torch.randn(setting.batch, 3, s, s, device=self.device, dtype=in_dtype)
            fn = _compile(enc, setting)
            return Prepared(
                _step(lambda: fn(x), setting, self.device),
                setting.batch,
                "image",
                f"3x{s}x{s}",
                self.encoder_flops,
                _params(enc),
            )
        if setting.dtype_mode == "weights":
            raise SegroiError("SAM's decoder cannot run with bf16 weights; use autocast")
        prompt_encoder = copy.deepcopy(self.sam.prompt_encoder)
        mask_decoder = copy.deepcopy(self.sam.mask_decoder)
        features = torch.randn(1, 256, self.grid, self.grid, device=self.device)
        boxes = self._boxes(setting.batch, self.device)
        fn = _compile(lambda: self._decode(prompt_encoder, mask_decoder, boxes, features), setting)
        return Prepared(
            _step(fn, setting, self.device),
            setting.batch,
            "prompt",
            f"box x{setting.batch} on 256x{self.grid}x{self.grid}",
            self.decoder_flops,
            _params(prompt_encoder, mask_decoder),
        )

    def close(self) -> None:
        self.sam = None


def traits(name: str) -> tuple[list[str], bool]:
    """(components, convolutional?) of a model name, known without building it."""
    if name == "ssl_unet":
        return list(SslUnetModel.components), SslUnetModel.conv
    return list(SamModel.components), SamModel.conv


def parse_models(text: str) -> list[str]:
    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        raise SegroiError("--models: name at least one of " + ", ".join(MODEL_NAMES))
    unknown = [m for m in names if m not in MODEL_NAMES]
    if unknown:
        raise SegroiError(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODEL_NAMES)}")
    return list(dict.fromkeys(names))


def load_model(name: str, device: torch.device, *, sam_image_size: int = 1024, sam_checkpoint=None, ssl_weights=None):
    if name == "ssl_unet":
        return SslUnetModel(device, weights_path=ssl_weights)
    return SamModel(name.removeprefix("sam_"), device, sam_image_size, sam_checkpoint)
