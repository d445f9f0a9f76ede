"""Label-free training: pseudo-labels -> QC -> U-Net -> self-training on its own QC-passing output.

Round 1 trains the U-Net on the classical pseudo-labels (pseudolabels.py) of the frames whose
labels pass the anatomical QC (qc.py). Each further round predicts every training frame with
the current network, cleans each prediction to one filled region per chamber (postprocess.py),
keeps the predictions that pass the same QC, and trains on those; a frame whose prediction fails
QC but whose pseudo-label passed keeps its pseudo-label (so a round cannot lose a view the
network has not learnt yet). The network continues from its weights; it is not re-initialised.
A round's QC pass rate is that of its new labels (pseudo-labels in round 1, predictions after).
No ground truth is read: every frame's `mask` is dropped on entry, before anything looks at it.

Loss: soft Dice of the four chambers (pixels of a batch pooled) plus cross-entropy weighted by
sqrt(1 / class frequency) of the round's targets (pseudo-labels, never ground truth). Without the
weights the right heart, present in half the frames, was learnt late or not at all in short runs. Optimiser: Adam, lr 1e-4 by default (the paper's); the quick CPU mode of the CLI uses
a higher rate (see engine/commands/train_ssl.py), and says so in the run's settings.
Augmentation (training batches only): small random scale (0.9-1.1), rotation (+/-6 deg) and
shift (+/-5 %), contrast (x0.8-1.25) and additive noise. No flips: flipping would swap the
left and right heart.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from engine.errors import SegroiError


@dataclass
class TrainConfig:
    image_size: int = 256
    width: int = 32
    levels: int = 5
    epochs: int = 20          # per round
    rounds: int = 2
    lr: float = 1e-4
    batch_size: int = 4
    device: str = "cpu"
    seed: int = 0
    ce_weight: float = 1.0
    augment: bool = True


@dataclass
class RoundReport:
    round: int
    source: str               # "pseudo-labels" or "self-training"
    frames: int
    passed: int
    final_loss: float | None
    seconds: float
    qc_reasons: dict = field(default_factory=dict)   # reason -> count
    trained_on: int = 0       # frames trained on this round
    pseudo_kept: int = 0      # of those, frames whose prediction failed QC and kept their pseudo-label

    @property
    def pass_rate(self) -> float:
        return self.passed / self.frames if self.frames else 0.0


@dataclass
class TrainResult:
    segmenter: object          # engine.models.ssl_net.SslSegmenter
    config: TrainConfig
    rounds: list[RoundReport]
    images: int
    seconds: float

    @property
    def final_loss(self) -> float | None:
        for r in reversed(self.rounds):
            if r.final_loss is not None:
                return r.final_loss
        return None


def unlabelled(frames: Sequence) -> list:
    """Copies of the frames with no mask: the only form training ever sees."""
    return [dataclasses.replace(f, mask=None) for f in frames]


def soft_dice_loss(logits, target, classes: int):
    """1 - mean soft Dice of the foreground classes, pixels of the whole batch pooled."""
    import torch
    import torch.nn.functional as F

    prob = torch.softmax(logits, dim=1)
    onehot = F.one_hot(target, classes).permute(0, 3, 1, 2).float()
    inter = (prob * onehot).sum(dim=(0, 2, 3))
    total = prob.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    return 1.0 - ((2.0 * inter + 1.0) / (total + 1.0))[1:].mean()


def class_weights(targets, classes: int):
    """Cross-entropy weights: sqrt(1 / class frequency) in the targets, scaled to mean 1 (absent classes 0)."""
    import torch

    counts = torch.bincount(targets.reshape(-1), minlength=classes).float()
    w = torch.where(counts > 0, (counts.sum() / counts.clamp_min(1)).sqrt(), torch.zeros_like(counts))
    return w / w[w > 0].mean()


def _augment(x, y, gen):
    """Same random affine for images (bilinear) and labels (nearest), then intensity jitter."""
    import torch
    import torch.nn.functional as F

    n = x.shape[0]
    dev = x.device
    scale = torch.empty(n, device=dev).uniform_(0.9, 1.1, generator=gen)
    angle = torch.empty(n, device=dev).uniform_(-6, 6, generator=gen) * math.pi / 180
    shift = torch.empty(n, 2, device=dev).uniform_(-0.1, 0.1, generator=gen)   # in [-1,1] units = +/-5 %
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    xa = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    ya = F.grid_sample(y[:, None].float(), grid, mode="nearest", padding_mode="zeros", align_corners=False)
    contrast = torch.empty(n, 1, 1, 1, device=dev).uniform_(0.8, 1.25, generator=gen)
    noise = torch.randn(xa.shape, device=dev, generator=gen) * 0.1
    return xa * contrast + noise, ya[:, 0].round().long()


def fit(segmenter, images, targets, config: TrainConfig, progress: Callable | None = None,
        round_no: int = 1) -> float | None:
    """Train in place on preprocessed images (N,1,S,S) and targets (N,S,S); returns the last epoch's mean loss."""
    import torch
    import torch.nn.functional as F

    net = segmenter.net
    classes = net.config["classes"]
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    weights = class_weights(targets, classes)
    gen = torch.Generator(device=images.device)
    gen.manual_seed(config.seed * 1000 + round_no)
    n = images.shape[0]
    last = None
    net.train()
    for epoch in range(config.epochs):
        order = torch.randperm(n, generator=gen, device=images.device)
        total, batches = 0.0, 0
        for start in range(0, n, config.batch_size):
            idx = order[start:start + config.batch_size]
            if idx.numel() < 2 and n >= 2:      # BatchNorm needs more than one sample
                continue
            x, y = images[idx], targets[idx]
            if config.augment:
                x, y = _augment(x, y, gen)
            logits = net(x)
            loss = soft_dice_loss(logits, y, classes)
            if config.ce_weight:
                loss = loss + config.ce_weight * F.cross_entropy(logits, y, weight=weights)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss.detach())
            batches += 1
            if progress:
                progress(round_no, epoch, float(loss.detach()))
        last = total / batches if batches else last
    net.eval()
    return last


def _reason_kind(reason: str) -> str:
    for kind in ("absent", "parts", "area", "eccentricity"):
        if kind in reason:
            return kind
    return reason


def _qc_all(labels, frames):
    from engine.models.ssl.qc import check_frame

    passed, reasons = [], {}
    for lab, f in zip(labels, frames):
        q = check_frame(lab, f.spacing_mm, f.view)
        passed.append(q.passed)
        for name, c in q.chambers.items():
            for r in c.reasons:
                key = f"{name} {_reason_kind(r)}"
                reasons[key] = reasons.get(key, 0) + 1
    return passed, reasons


def train_ssl(frames: Sequence, config: TrainConfig | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              step: Callable[[int, int, float], None] | None = None) -> TrainResult:
    """Train an SslSegmenter on frames without using any ground truth.

    progress(stage, done, total) reports pseudo-labelling and prediction; step(round, epoch, loss)
    reports each optimiser step.
    """
    import torch

    from engine.models.ssl.postprocess import largest_regions
    from engine.models.ssl.pseudolabels import pseudo_label
    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    config = config or TrainConfig()
    frames = unlabelled(frames)          # ground truth is dropped here, before anything reads it
    if not frames:
        raise SegroiError("no frames to train on")
    if config.rounds < 1 or config.epochs < 1:
        raise SegroiError("training needs at least one round and one epoch")
    torch.manual_seed(config.seed)
    start = time.perf_counter()
    segmenter = SslSegmenter(UNet(width=config.width, levels=config.levels), input_size=config.image_size,
                             device=config.device)
    images = segmenter.preprocess(frames)
    reports: list[RoundReport] = []
    pseudo: dict[int, np.ndarray] = {}
    for round_no in range(1, config.rounds + 1):
        t0 = time.perf_counter()
        if round_no == 1:
            labels = []
            for i, f in enumerate(frames):
                labels.append(pseudo_label(f.pixels, f.view).label)
                if progress:
                    progress("pseudo-labels", i + 1, len(frames))
            source = "pseudo-labels"
        else:
            labels = [largest_regions(p) for p in segmenter.predict(frames)]
            if progress:
                progress(f"round {round_no} predictions", len(frames), len(frames))
            source = "self-training"
        passed, reasons = _qc_all(labels, frames)
        keep = [i for i, ok in enumerate(passed) if ok]
        n_passed = len(keep)
        if round_no == 1:
            pseudo = {i: labels[i] for i in keep}
        else:
            # A frame whose prediction fails QC keeps its QC-passing pseudo-label, so that a round
            # never drops a view the network has not learnt yet.
            for i in pseudo:
                if not passed[i]:
                    labels[i] = pseudo[i]
            keep = sorted(set(keep) | set(pseudo))
        if not keep:
            if round_no == 1:
                raise SegroiError(
                    f"no frame's pseudo-labels passed the anatomical QC ({len(frames)} frames); "
                    "check that the images are apical 4- or 2-chamber echo frames"
                )
            reports.append(RoundReport(round_no, source, len(frames), 0, None, time.perf_counter() - t0, reasons))
            continue
        pseudo_kept = len(keep) - n_passed
        targets = segmenter.preprocess_masks([labels[i] for i in keep])
        loss = fit(segmenter, images[keep], targets, config, step, round_no)
        reports.append(RoundReport(round_no, source, len(frames), n_passed, loss, time.perf_counter() - t0, reasons,
                                   trained_on=len(keep), pseudo_kept=pseudo_kept))
    return TrainResult(segmenter, config, reports, len(frames), time.perf_counter() - start)
