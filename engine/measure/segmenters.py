"""The two models as `segment` and `evaluate` use them: frames in, one label map per frame out.

* SSL: the trained U-Net (engine.models.ssl_net.SslSegmenter), predictions cleaned to one filled
  region per chamber (engine.models.ssl.postprocess). Needs no prompt and no ground truth.
* SAM: segment-anything with a checkpoint, one box prompt per structure simulated from the
  reference mask (prompts.py). SAM without a checkpoint has random weights, which makes its
  masks meaningless for accuracy, so it is refused here (use `segroi profile` for compute).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine.errors import SegroiError
from engine.measure import prompts as pr


def _check_sam(checkpoint: str | None, jitter: float) -> None:
    if not checkpoint:
        raise SegroiError(
            "SAM without --sam-checkpoint would run with random weights: its masks are meaningless "
            "for accuracy, so segment/evaluate refuse it. Pass a SAM or MedSAM checkpoint "
            "(use `segroi profile` for compute and energy figures, which random weights give exactly)"
        )
    if not 0 <= jitter < 0.5:
        raise SegroiError(f"--jitter must be between 0 and 0.5 (a fraction of the box size), got {jitter}")


# Images per network call: every call holds exactly this many (see SslLabeller.label_maps). A CPU
# gains little from larger batches and a short last batch wastes less; a GPU wants them larger.
NET_BATCH = {"cpu": 4, "cuda": 16}


def net_batch(device: str) -> int:
    return NET_BATCH.get(str(device).split(":")[0], NET_BATCH["cpu"])


class SslLabeller:
    model = "ssl"

    def __init__(self, weights: str | None, device: str = "cpu", batch_size: int | None = None):
        from engine.models.ssl_net import SslSegmenter

        if not weights:
            raise SegroiError("--weights is required for --model ssl (train one with `segroi train-ssl`)")
        self.segmenter = SslSegmenter.load(weights, device=device)
        self.weights = self.segmenter.weights
        self.batch_size = batch_size or net_batch(device)
        self.prompts = "none"

    def label_maps(self, frames: Sequence, progress=None) -> list[np.ndarray]:
        """One label map per frame. Every network call holds exactly `batch_size` images (a short
        chunk is padded with blank ones), so a frame's label map does not depend on which frames
        share its batch: the CPU convolutions pick another code path for another batch size, and
        a Ray worker's batches differ from a single process's."""
        from engine.models.ssl.postprocess import largest_regions

        out: list[np.ndarray] = []
        blank = np.zeros((self.segmenter.input_size,) * 2, np.float32)
        for start in range(0, len(frames), self.batch_size):
            chunk = list(frames[start : start + self.batch_size])
            padded = chunk + [blank] * (self.batch_size - len(chunk))
            preds = self.segmenter.predict(padded, batch_size=self.batch_size)[: len(chunk)]
            out.extend(largest_regions(p) for p in preds)
            if progress:
                progress(len(chunk))
        return out


class SamLabeller:
    model = "sam"

    def __init__(
        self,
        checkpoint: str | None,
        variant: str = "vit_b",
        device: str = "cpu",
        image_size: int = 1024,
        jitter: float = pr.DEFAULT_JITTER,
        seed: int = 0,
    ):
        from engine.models.sam import SamSegmenter

        _check_sam(checkpoint, jitter)
        self.sam = SamSegmenter(variant, checkpoint=checkpoint, device=device, image_size=image_size)
        self.weights = self.sam.weights
        self.jitter = jitter
        self.seed = seed
        self.prompts = pr.describe(jitter, seed)

    def frame_prompts(self, f) -> dict:
        """structure -> box simulated from the frame's ground truth (computed where the frame is read)."""
        if f.mask is None:
            raise SegroiError(f"{f.name}: SAM prompts are simulated from ground truth, and this frame has none")
        return pr.frame_prompts(f.mask, f.name, self.jitter, self.seed)

    def label_maps(self, frames: Sequence, progress=None, prompts: Sequence[dict] | None = None) -> list[np.ndarray]:
        """One label map per frame, from `prompts` (one dict per frame) or from each frame's mask."""
        out = []
        for i, f in enumerate(frames):
            boxes = prompts[i] if prompts is not None else self.frame_prompts(f)
            emb = self.sam.embed(f.pixels)
            masks = {name: self.sam.predict(emb, box=box) for name, box in boxes.items()}
            out.append(pr.combine(masks, f.pixels.shape))
            if progress:
                progress(1)
        return out


@dataclass(frozen=True)
class LabellerSpec:
    """What builds a labeller: plain data, so a Ray worker can build the same one."""

    model: str
    weights: str | None = None
    sam_checkpoint: str | None = None
    sam_variant: str = "vit_b"
    sam_image_size: int = 1024
    jitter: float = pr.DEFAULT_JITTER
    seed: int = 0
    device: str = "cpu"

    def check(self) -> tuple[str, str]:
        """(weights, prompts) as the built labeller will say them, checked here without building it
        (a Ray driver checks what its workers will load: SSL weights are read, a SAM checkpoint must exist)."""
        if self.model == "ssl":
            from engine.models.ssl_net import SslSegmenter

            if not self.weights:
                raise SegroiError("--weights is required for --model ssl (train one with `segroi train-ssl`)")
            return SslSegmenter.load(self.weights, device="cpu").weights, "none"
        from pathlib import Path

        _check_sam(self.sam_checkpoint, self.jitter)
        if self.sam_checkpoint is None or not Path(self.sam_checkpoint).is_file():
            raise SegroiError(f"SAM checkpoint not found: {self.sam_checkpoint}")
        return Path(self.sam_checkpoint).name, pr.describe(self.jitter, self.seed)

    def build(self, device: str | None = None):
        device = device or self.device
        if self.model == "ssl":
            return SslLabeller(self.weights, device=device)
        return SamLabeller(
            self.sam_checkpoint,
            variant=self.sam_variant,
            device=device,
            image_size=self.sam_image_size,
            jitter=self.jitter,
            seed=self.seed,
        )


def labeller_spec(args) -> LabellerSpec:
    """The labeller named by --model, from the common command-line options (not built yet)."""
    if args.model == "sam" and args.weights:
        print("note: --weights is for --model ssl; ignored for sam", file=sys.stderr)
    return LabellerSpec(
        args.model,
        weights=args.weights if args.model == "ssl" else None,
        sam_checkpoint=args.sam_checkpoint,
        sam_variant=args.sam_variant,
        sam_image_size=args.sam_image_size,
        jitter=args.jitter,
        seed=args.seed,
        device=args.device,
    )


def make_labeller(args):
    """The labeller named by --model, from the common command-line options."""
    return labeller_spec(args).build()


def add_model_arguments(p) -> None:
    p.add_argument("--model", choices=["ssl", "sam"], required=True, help="which segmenter to run")
    p.add_argument("--weights", help="SSL weights file written by `segroi train-ssl` (--model ssl)")
    p.add_argument("--sam-checkpoint", help="SAM/MedSAM checkpoint (--model sam; required: random weights are refused)")
    p.add_argument("--sam-variant", choices=["vit_b", "vit_l", "vit_h"], default="vit_b")
    p.add_argument(
        "--sam-image-size", type=int, default=1024, help="SAM encoder input side (default 1024, the published size)"
    )
    p.add_argument(
        "--jitter",
        type=float,
        default=pr.DEFAULT_JITTER,
        help="SAM box prompt jitter, fraction of box size per edge (default 0.05)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the simulated prompt jitter (default 0)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")


def save_label_map(folder, frame, label) -> None:
    """Write `<frame name>.png` (uint8, 0 bg .. 4 RA) in `folder` through a private temporary file
    (engine.files.write_png): a killed writer never leaves half a PNG, and a link planted under the
    name is replaced, never written through. The label map must have its frame's size."""
    from pathlib import Path

    from engine.files import write_png

    label = np.asarray(label, dtype=np.uint8)
    if label.shape != tuple(frame.pixels.shape):
        raise SegroiError(f"{frame.name}: label map {label.shape} does not match its frame {frame.pixels.shape}")
    write_png(Path(folder) / f"{frame.name}.png", label)
