"""The two models as `segment` and `evaluate` use them: frames in, one label map per frame out.

* SSL: the trained U-Net (engine.models.ssl_net.SslSegmenter), predictions cleaned to one filled
  region per chamber (engine.models.ssl.postprocess). Needs no prompt and no ground truth.
* SAM: segment-anything with a checkpoint, one box prompt per structure simulated from the
  reference mask (prompts.py). SAM without a checkpoint has random weights, which makes its
  masks meaningless for accuracy, so it is refused here (use `segroi profile` for compute).
"""

from __future__ import annotations

import sys
from typing import Sequence

import numpy as np

from engine.errors import SegroiError
from engine.measure import prompts as pr


class SslLabeller:
    model = "ssl"

    def __init__(self, weights: str | None, device: str = "cpu", batch_size: int = 16):
        from engine.models.ssl_net import SslSegmenter

        if not weights:
            raise SegroiError("--weights is required for --model ssl (train one with `segroi train-ssl`)")
        self.segmenter = SslSegmenter.load(weights, device=device)
        self.weights = self.segmenter.weights
        self.batch_size = batch_size
        self.prompts = "none"

    def label_maps(self, frames: Sequence, progress=None) -> list[np.ndarray]:
        from engine.models.ssl.postprocess import largest_regions

        out = []
        for start in range(0, len(frames), self.batch_size):
            chunk = frames[start:start + self.batch_size]
            out.extend(largest_regions(p) for p in self.segmenter.predict(chunk, batch_size=self.batch_size))
            if progress:
                progress(len(chunk))
        return out


class SamLabeller:
    model = "sam"

    def __init__(self, checkpoint: str | None, variant: str = "vit_b", device: str = "cpu",
                 image_size: int = 1024, jitter: float = pr.DEFAULT_JITTER, seed: int = 0):
        from engine.models.sam import SamSegmenter

        if not checkpoint:
            raise SegroiError(
                "SAM without --sam-checkpoint would run with random weights: its masks are meaningless "
                "for accuracy, so segment/evaluate refuse it. Pass a SAM or MedSAM checkpoint "
                "(use `segroi profile` for compute and energy figures, which random weights give exactly)"
            )
        if not 0 <= jitter < 0.5:
            raise SegroiError(f"--jitter must be between 0 and 0.5 (a fraction of the box size), got {jitter}")
        self.sam = SamSegmenter(variant, checkpoint=checkpoint, device=device, image_size=image_size)
        self.weights = self.sam.weights
        self.jitter = jitter
        self.seed = seed
        self.prompts = pr.describe(jitter, seed)

    def label_maps(self, frames: Sequence, progress=None) -> list[np.ndarray]:
        out = []
        for f in frames:
            if f.mask is None:
                raise SegroiError(f"{f.name}: SAM prompts are simulated from ground truth, and this frame has none")
            boxes = pr.frame_prompts(f.mask, f.name, self.jitter, self.seed)
            emb = self.sam.embed(f.pixels)
            masks = {name: self.sam.predict(emb, box=box) for name, box in boxes.items()}
            out.append(pr.combine(masks, f.pixels.shape))
            if progress:
                progress(1)
        return out


def make_labeller(args):
    """The labeller named by --model, from the common command-line options."""
    if args.model == "ssl":
        return SslLabeller(args.weights, device=args.device)
    if args.weights:
        print("note: --weights is for --model ssl; ignored for sam", file=sys.stderr)
    return SamLabeller(args.sam_checkpoint, variant=args.sam_variant, device=args.device,
                       image_size=args.sam_image_size, jitter=args.jitter, seed=args.seed)


def add_model_arguments(p) -> None:
    p.add_argument("--model", choices=["ssl", "sam"], required=True, help="which segmenter to run")
    p.add_argument("--weights", help="SSL weights file written by `segroi train-ssl` (--model ssl)")
    p.add_argument("--sam-checkpoint", help="SAM/MedSAM checkpoint (--model sam; required: random weights are refused)")
    p.add_argument("--sam-variant", choices=["vit_b", "vit_l", "vit_h"], default="vit_b")
    p.add_argument("--sam-image-size", type=int, default=1024, help="SAM encoder input side (default 1024, the published size)")
    p.add_argument("--jitter", type=float, default=pr.DEFAULT_JITTER,
                   help="SAM box prompt jitter, fraction of box size per edge (default 0.05)")
    p.add_argument("--seed", type=int, default=0, help="seed of the simulated prompt jitter (default 0)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
