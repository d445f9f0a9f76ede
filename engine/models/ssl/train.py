"""Label-free training: pseudo-labels -> QC -> U-Net -> self-training on its own QC-passing output.

1. Frames are grouped into cines (same study, source file and size). A cine longer than
   `frames_per_cine` is sampled evenly: neighbouring frames at 30-80 Hz are nearly the same image,
   so more of them add pseudo-labelling time but little new to learn (docs/ssl.md).
2. Pseudo-labels per cine (pseudolabels.py: the frames of a cine share their sector, overlays and
   chamber positions), then the anatomical QC per cine (qc.py).
3. The floor: with fewer than `min_qc_frames` frames or `min_qc_share` of them passing QC,
   training stops before it starts (QcFloorError, one message naming the rules that rejected most
   frames and what to check). A network fitted to a handful of frames learns those frames only.
4. Round 1 trains the U-Net on the QC-passing pseudo-labels.
5. Self-training: the network predicts every frame; each prediction is cleaned (one filled region
   per chamber, postprocess.py), then QC'd like the pseudo-labels. If the predictions pass QC far
   less often than the pseudo-labels did (below `min_qc_ratio` times their pass rate), the network
   has not learnt its teacher: it trains on for up to `extra_blocks` more blocks of `epochs`
   epochs, and if that does not help the run fails (TrainingFailed) instead of handing over
   weights. Otherwise round 2 trains on the QC-passing predictions; a frame whose prediction
   fails but whose pseudo-label passed keeps its pseudo-label (a round never drops a view the
   network has not learnt yet). The network continues from its weights.
6. The final network's own predictions are QC'd once more, with the same collapse rule.
A round's QC pass rate is that of its new labels (pseudo-labels in round 1, predictions after).
No ground truth is read: every frame's `mask` is dropped on entry, before anything looks at it.

Epochs: one pass over the training frames, or `min_epoch_steps` (16) batches when one pass is
fewer - a small set is cycled, each pass in a new order with new augmentations. A round needs
optimiser steps, not passes: 27 QC-passing frames at batch 8 are 4 steps an epoch, 60 in 15
epochs, after which a width-16 network's own predictions had collapsed under QC (measured on the
phantom family's plain look; the collapse check then had to add 30 epochs). Sets of 16 batches or
more (e.g. 64 frames at the quick mode's batch 4) train exactly as before.

Loss: soft Dice of the four chambers (pixels of a batch pooled) plus cross-entropy weighted by
sqrt(1 / class frequency) of the round's targets (pseudo-labels, never ground truth).
Optimiser: Adam; the learning rate warms up over the first 5 % of a round's steps and then
follows a cosine down to 5 % of its peak. The paper's 1e-4 (constant) was set for 93,000 images;
a site's few hundred frames give a hundred times fewer steps, and at 1e-4 such a network had not
learnt its own pseudo-labels after 15 epochs (its predictions passed QC on 0 of 67 frames), so
segroi's default peak is 1e-3 (the quick CPU mode uses 1e-2; engine/commands/train_ssl.py).
Augmentation (training batches only): scale 0.6-1.25 (log-uniform) and rotation (+/-6 deg) about
the apex, shift (+/-5 %), contrast (x0.8-1.25) and additive noise. Scale about the apex because
that is what a deeper or shallower depth setting, or a smaller or larger heart, does: depths of
12-24 cm and hearts from small to dilated change the heart's size within the fan by about 2x,
always hanging from the transducer. With the earlier 0.9-1.1 about the crop's centre, a network
trained on every other look of the phantom family scored LV Dice 0.31 on small hearts in a deep
field ('tiny', held out); with this range, 0.96 (benchmarks/RESULTS-ssl.md). No flips: flipping
would swap the left and right heart.

`fit` is the training loop alone: prepared tensors in, the trained model out, so that it can be
wrapped (e.g. in DistributedDataParallel) without touching the rest; pseudo-labelling and QC work
per cine (`label_cine`, `qc_cine`), so they can be split across processes.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from engine.errors import SegroiError

if TYPE_CHECKING:
    from engine.models.ssl_net import SslSegmenter


@dataclass
class TrainConfig:
    image_size: int = 256
    width: int = 32
    levels: int = 5
    epochs: int = 20  # per round
    rounds: int = 2
    lr: float = 1e-3
    batch_size: int = 4
    device: str = "cpu"
    seed: int = 0
    ce_weight: float = 1.0
    augment: bool = True
    roi: str = "sector"
    frames_per_cine: int = 16  # 0: every frame
    min_qc_frames: int = 20
    min_qc_share: float = 0.30
    min_qc_ratio: float = 0.6
    extra_blocks: int = 2
    min_epoch_steps: int = 16  # an epoch has at least this many batches (a small set is cycled)


class QcFloorError(SegroiError):
    """Too few frames passed QC to train on; the message says which rules rejected them."""


class TrainingFailed(SegroiError):
    """The network did not learn its own pseudo-labels; no weights are handed over."""


@dataclass
class RoundReport:
    round: int
    source: str  # "pseudo-labels", "self-training" or "final"
    frames: int
    passed: int
    final_loss: float | None
    seconds: float
    qc_reasons: dict = field(default_factory=dict)  # "<chamber> <rule>" -> frames
    trained_on: int = 0  # frames trained on this round
    pseudo_kept: int = 0  # of those, frames whose prediction failed QC and kept their pseudo-label
    qc_rules: dict = field(default_factory=dict)  # rule -> frames it rejected
    extra_epochs: int = 0  # epochs added because the predictions' QC pass rate had collapsed

    @property
    def pass_rate(self) -> float:
        return self.passed / self.frames if self.frames else 0.0


@dataclass
class TrainResult:
    segmenter: SslSegmenter
    config: TrainConfig
    rounds: list[RoundReport]
    images: int
    seconds: float
    final: RoundReport  # QC of the final network's own predictions
    cines: int = 0
    frames_offered: int = 0

    @property
    def final_loss(self) -> float | None:
        for r in reversed(self.rounds):
            if r.final_loss is not None:
                return r.final_loss
        return None


def unlabelled(frames: Sequence) -> list:
    """Copies of the frames with no mask: the only form training ever sees."""
    return [dataclasses.replace(f, mask=None) for f in frames]


def cines(frames: Sequence) -> list[list[int]]:
    """Indices of the frames grouped by cine (study, source, size), each in frame order."""
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(frames):
        key = (getattr(f, "study", None), getattr(f, "source", None), np.asarray(f.pixels).shape)
        groups.setdefault(key, []).append(i)
    return [sorted(g, key=lambda i: getattr(frames[i], "index", 0)) for g in groups.values()]


def sample_cines(frames: Sequence, per_cine: int) -> list:
    """At most `per_cine` evenly spaced frames of each cine (0: all), cines kept together."""
    out: list = []
    for group in cines(frames):
        if per_cine and len(group) > per_cine:
            group = [group[int(round(k))] for k in np.linspace(0, len(group) - 1, per_cine)]
        out.extend(frames[i] for i in group)
    return out


def soft_dice_loss(logits, target, classes: int, pool: Callable | None = None):
    """1 - mean soft Dice of the foreground classes, pixels of the whole batch pooled.

    pool: sums the per-class sums over the processes of a DDP group (the global batch's Dice)."""
    import torch
    import torch.nn.functional as F

    prob = torch.softmax(logits, dim=1)
    onehot = F.one_hot(target, classes).permute(0, 3, 1, 2).float()
    inter = (prob * onehot).sum(dim=(0, 2, 3))
    total = prob.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    if pool is not None:
        inter, total = pool(torch.stack([inter, total]))
    return 1.0 - ((2.0 * inter + 1.0) / (total + 1.0))[1:].mean()


def class_weights(targets, classes: int):
    """Cross-entropy weights: sqrt(1 / class frequency) in the targets, scaled to mean 1 (absent classes 0)."""
    import torch

    counts = torch.bincount(targets.reshape(-1), minlength=classes).float()
    w = torch.where(counts > 0, (counts.sum() / counts.clamp_min(1)).sqrt(), torch.zeros_like(counts))
    return w / w[w > 0].mean()


SCALE_RANGE = (0.6, 1.25)


def _augment(x, y, gen):
    """Same random affine for images (bilinear) and labels (nearest), then intensity jitter."""
    import torch
    import torch.nn.functional as F

    n = x.shape[0]
    dev = x.device
    scale = torch.exp(
        torch.empty(n, device=dev).uniform_(math.log(SCALE_RANGE[0]), math.log(SCALE_RANGE[1]), generator=gen)
    )
    angle = torch.empty(n, device=dev).uniform_(-6, 6, generator=gen) * math.pi / 180
    shift = torch.empty(n, 2, device=dev).uniform_(-0.1, 0.1, generator=gen)  # in [-1,1] units = +/-5 %
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    # Scale and rotate about the apex (the transducer, top centre of the crop: x 0, y -1), as a
    # change of depth setting or of the heart's size would: the heart stays under the transducer.
    tx = shift[:, 0] + sin * -1.0
    ty = shift[:, 1] - 1.0 - cos * -1.0
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # Zooming out brings in pixels from beyond the crop: they take the value outside the sector
    # (each image's minimum after z-scoring), as the scanner's blank screen would.
    floor = x.amin(dim=(1, 2, 3), keepdim=True)
    xa = F.grid_sample(x - floor, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + floor
    ya = F.grid_sample(y[:, None].float(), grid, mode="nearest", padding_mode="zeros", align_corners=False)
    contrast = torch.empty(n, 1, 1, 1, device=dev).uniform_(0.8, 1.25, generator=gen)
    noise = torch.randn(xa.shape, device=dev, generator=gen) * 0.1
    return xa * contrast + noise, ya[:, 0].round().long()


def _lr_at(step: int, total: int, peak: float) -> float:
    warm = max(1, int(0.05 * total))
    if step < warm:
        return peak * (step + 1) / warm
    t = (step - warm) / max(1, total - warm)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def fit(
    segmenter,
    images,
    targets,
    config: TrainConfig,
    progress: Callable | None = None,
    round_no: int = 1,
    epochs: int | None = None,
    first_epoch: int = 0,
    ranks=None,
):
    """The training loop: prepared images (N,1,S,S) and targets (N,S,S) in, (trained model, loss) out.

    Trains `segmenter.net` in place for `epochs` (default config.epochs) and returns the segmenter
    with the last epoch's mean loss. progress(round, epoch, loss) is called after every step.
    ranks (engine.scale.ddp.Group): one of several DDP processes; each draws the same global batch
    and trains on its part of it, with the loss and BatchNorm statistics of the global batch.
    """
    import torch
    import torch.nn.functional as F

    epochs = config.epochs if epochs is None else epochs
    net = segmenter.net
    classes = net.config["classes"]
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    weights = class_weights(targets, classes)
    gen = torch.Generator(device=images.device)
    gen.manual_seed(config.seed * 1000 + round_no * 10 + first_epoch)
    n = images.shape[0]
    # A small set is cycled (each pass in a new random order, each sample newly augmented) so that
    # an epoch has at least `min_epoch_steps` batches: a round needs steps, not passes.
    draws = max(n, config.min_epoch_steps * config.batch_size) if n >= 2 else n
    per_epoch = max(
        1, sum(1 for s in range(0, draws, config.batch_size) if min(config.batch_size, draws - s) >= 2 or n < 2)
    )
    total = per_epoch * epochs
    step_no = 0
    last = None
    net.train()
    model = ranks.wrap(net) if ranks else net
    for epoch in range(epochs):
        passes = -(-draws // max(n, 1))
        order = torch.cat([torch.randperm(n, generator=gen, device=images.device) for _ in range(passes)])[:draws]
        running, batches = 0.0, 0
        for start in range(0, draws, config.batch_size):
            idx = order[start : start + config.batch_size]
            if idx.numel() < 2 and n >= 2:  # BatchNorm needs more than one sample
                continue
            for group in opt.param_groups:
                group["lr"] = _lr_at(step_no, total, config.lr)
            x, y = images[idx], targets[idx]
            if config.augment:
                x, y = _augment(x, y, gen)
            if ranks:
                x, y = ranks.part(x), ranks.part(y)
            logits = model(x)
            loss = soft_dice_loss(logits, y, classes, ranks.total if ranks else None)
            if config.ce_weight:
                loss = loss + config.ce_weight * (
                    ranks.cross_entropy(logits, y, weights) if ranks else F.cross_entropy(logits, y, weight=weights)
                )
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            running += float(loss.detach())
            batches += 1
            step_no += 1
            if progress:
                progress(round_no, first_epoch + epoch, float(loss.detach()))
        last = running / batches if batches else last
    if ranks:
        ranks.unwrap(net)
    net.eval()
    return segmenter, last


# -- pseudo-labels and QC, per cine ------------------------------------------------------------


def label_cine(frames: Sequence) -> list:
    """Pseudo-labels (PseudoLabel) of the frames of one cine."""
    from engine.models.ssl.pseudolabels import pseudo_label_cine

    return pseudo_label_cine(frames)


def qc_cine(frames: Sequence, labels: Sequence[np.ndarray], sector) -> list:
    """QC (FrameQc) of the label maps of one cine's frames."""
    from engine.models.ssl.qc import check_cine

    spacing = getattr(frames[0], "spacing_mm", None)
    return check_cine(labels, spacing, None, sector, views=[getattr(f, "view", None) for f in frames])


@dataclass
class QcSummary:
    passed: list[bool]
    rules: Counter  # rule -> frames it rejected
    details: Counter  # "<chamber> <rule>" -> frames
    no_sector: int = 0

    @property
    def n_passed(self) -> int:
        return sum(self.passed)


def _qc_all(frames, groups, labels, sectors, ranks=None) -> QcSummary:
    passed = [False] * len(frames)
    rules: Counter = Counter()
    details: Counter = Counter()
    no_sector = 0
    per = _per_cine(
        groups, lambda g: qc_cine([frames[i] for i in g], [labels[i] for i in g], sectors[g[0]]), ranks, "QC"
    )
    for g in groups:
        qcs = [per[i] for i in g]
        if sectors[g[0]] is None or not getattr(sectors[g[0]], "fitted", False):
            no_sector += len(g)
        for i, q in zip(g, qcs):
            passed[i] = q.passed
            rules.update(set(q.rules))
            details.update({f"{r.split(':')[0]} {k}" if ":" in r else k for k, r in zip(q.rules, q.reasons)})
    return QcSummary(passed, rules, details, no_sector)


def _per_cine(groups, work: Callable, ranks=None, what: str = "work", done: Callable | None = None) -> dict:
    """{frame index: result} of work(cine) over the cines; a DDP group splits them by rank and gathers."""
    out: dict = {}
    try:
        for g in ranks.share(groups) if ranks else groups:
            out.update(zip(g, work(g)))
            if done:
                done(len(out))
    except Exception as exc:
        if ranks is None:
            raise
        return ranks.gather(exc, what)  # the other ranks learn of the failure and fail too
    return ranks.gather(out, what) if ranks else out


def cine_sector(frames: Sequence):
    """The sector fitted on a cine's frames (their mean), at the frames' own size; None if none."""
    from skimage import transform

    from engine.models.ssl.sector import find_sector

    stack = np.stack([np.asarray(f.pixels, dtype=np.float32) for f in frames])
    h, w = stack.shape[1:]
    scale = min(1.0, 256 / max(h, w))
    if scale < 1.0:
        small = transform.resize(
            stack.mean(axis=0), (round(h * scale), round(w * scale)), anti_aliasing=True, preserve_range=True
        ).astype(np.float32)
    else:
        small = stack.mean(axis=0)
    sector = find_sector(small)
    return None if sector is None else sector.scaled(1.0 / scale, (h, w))


def qc_labels(frames: Sequence, labels: Sequence[np.ndarray]) -> tuple[QcSummary, list]:
    """QC of given label maps (e.g. a model's output), cine by cine; (summary, FrameQc per frame)."""
    groups = cines(frames)
    sectors: list = [None] * len(frames)
    for g in groups:
        sector = cine_sector([frames[i] for i in g])
        for i in g:
            sectors[i] = sector
    per: list = [None] * len(frames)
    for g in groups:
        for i, q in zip(g, qc_cine([frames[i] for i in g], [labels[i] for i in g], sectors[g[0]])):
            per[i] = q
    return _qc_all(frames, groups, labels, sectors), per


def floor_message(summary: QcSummary, frames: Sequence, config: TrainConfig) -> str:
    """One line: how many passed, the floor, the rules that rejected most frames, what to check."""
    n = len(frames)
    k = summary.n_passed
    top = summary.rules.most_common(3)
    parts = []
    for rule, count in top:
        chambers = [
            f"{d.split(' ', 1)[0]} {c}"
            for d, c in summary.details.most_common()
            if d.endswith(" " + rule) and d.split(" ", 1)[0] in ("LV", "LA", "RV", "RA")
        ][:3]
        parts.append(f"{rule} ({count} frames" + (f": {', '.join(chambers)}" if chambers else "") + ")")
    checks = []
    sector_note = (
        f" {summary.no_sector} of {n} frames show no echo sector (fan): they may not be echocardiograms."
        if summary.no_sector
        else ""
    )
    spacings = {tuple(round(s, 3) for s in f.spacing_mm) for f in frames if f.spacing_mm}
    if "area" in dict(top) or not spacings:
        sp = ", ".join(f"{s[0]:g} mm" for s in sorted(spacings)[:3]) if spacings else "unknown"
        checks.append(f"the calibration (pixel spacing {sp}; chamber areas in cm2 depend on it)")
    checks.append("the view (apical four- or two-chamber, transducer at the top, LV on the screen's right)")
    checks.append("the image look (gain, depth, overlays over the sector)")
    return (
        f"only {k} of {n} frames ({k / n:.0%}) passed the anatomical QC; training needs at least "
        f"{config.min_qc_frames} frames and {config.min_qc_share:.0%} (--min-qc-frames, --min-qc-share). "
        f"Rules that rejected most frames: {'; '.join(parts) if parts else 'none'}.{sector_note} "
        f"Check {'; '.join(checks)}. `segroi qc --data ...` lists every frame's failures"
    )


def train_ssl(
    frames: Sequence,
    config: TrainConfig | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    step: Callable[[int, int, float], None] | None = None,
    ranks=None,
) -> TrainResult:
    """Train an SslSegmenter on frames without using any ground truth.

    progress(stage, done, total) reports pseudo-labelling and prediction; step(round, epoch, loss)
    reports each optimiser step. Raises QcFloorError before training when too few frames pass QC,
    and TrainingFailed when the network's own predictions collapse under QC.
    ranks (engine.scale.ddp.Group): one of several DDP processes, each called with the same frames;
    pseudo-labels, predictions and QC are split by cine and gathered, so every process decides alike.
    """
    import torch

    from engine.models.ssl.postprocess import largest_regions
    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    config = config or TrainConfig()
    frames = unlabelled(frames)  # ground truth is dropped here, before anything reads it
    if not frames:
        raise SegroiError("no frames to train on")
    if config.rounds < 1 or config.epochs < 1:
        raise SegroiError("training needs at least one round and one epoch")
    offered = len(frames)
    frames = sample_cines(frames, config.frames_per_cine)
    groups = cines(frames)
    torch.manual_seed(config.seed)
    start = time.perf_counter()

    # Round-1 labels: pseudo-labels, cine by cine.
    t0 = time.perf_counter()
    labels: list = [None] * len(frames)
    sectors: list = [None] * len(frames)
    if ranks:
        ranks.check_same_frames(frames)
    mine = sum(len(g) for g in (ranks.share(groups) if ranks else groups))
    pls = _per_cine(
        groups,
        lambda g: label_cine([frames[i] for i in g]),
        ranks,
        "pseudo-labelling",
        (lambda k: progress("pseudo-labels", k, mine)) if progress else None,
    )
    for i, pl in pls.items():
        labels[i] = pl.label
        sectors[i] = pl.sector
    qc = _qc_all(frames, groups, labels, sectors, ranks)
    n = len(frames)
    if qc.n_passed < config.min_qc_frames or qc.n_passed < config.min_qc_share * n or qc.n_passed == 0:
        raise QcFloorError(floor_message(qc, frames, config))
    pseudo = {i: labels[i] for i, ok in enumerate(qc.passed) if ok}

    segmenter = SslSegmenter(
        UNet(width=config.width, levels=config.levels),
        input_size=config.image_size,
        device=config.device,
        roi=config.roi,
    )
    # The network's regions of interest come from the sectors fitted per cine while pseudo-labelling.
    if config.roi == "sector":
        from engine.models.ssl.roi import roi_from_sector, sector_roi

        rois = [
            roi_from_sector(sectors[i])
            if sectors[i] is not None and sectors[i].fitted
            else sector_roi(frames[i].pixels)
            for i in range(n)
        ]
    else:
        rois = None
    images = segmenter.preprocess(frames, rois)
    reports: list[RoundReport] = []

    def train_on(keep, labs, round_no, epochs=None, first_epoch=0):
        targets = segmenter.preprocess_masks([labs[i] for i in keep], [rois[i] for i in keep] if rois else None)
        return fit(segmenter, images[keep], targets, config, step, round_no, epochs, first_epoch, ranks)[1]

    def own_qc(stage):
        if ranks:
            got = _per_cine(
                groups,
                lambda g: [
                    largest_regions(p)
                    for p in segmenter.predict([frames[i] for i in g], rois=[rois[i] for i in g] if rois else None)
                ],
                ranks,
                "prediction",
            )
            preds = [got[i] for i in range(len(frames))]
        else:
            preds = [largest_regions(p) for p in segmenter.predict(frames, rois=rois)]
        if progress:
            progress(stage, len(frames), len(frames))
        return preds, _qc_all(frames, groups, preds, sectors, ranks)

    keep = sorted(pseudo)
    loss = train_on(keep, labels, 1)
    reports.append(
        RoundReport(
            1,
            "pseudo-labels",
            n,
            qc.n_passed,
            loss,
            time.perf_counter() - t0,
            dict(qc.details),
            trained_on=len(keep),
            qc_rules=dict(qc.rules),
        )
    )
    floor_rate = config.min_qc_ratio * qc.n_passed / n
    for round_no in range(2, config.rounds + 1):
        t0 = time.perf_counter()
        preds, pq = own_qc(f"round {round_no} predictions")
        extra = 0
        while pq.n_passed / n < floor_rate and extra < config.extra_blocks:
            # The network has not learnt its teacher yet: keep training on the round-1 labels.
            extra += 1
            loss = train_on(sorted(pseudo), labels, round_no - 1, first_epoch=config.epochs * extra)
            preds, pq = own_qc(f"round {round_no} predictions (after more training)")
        if pq.n_passed / n < floor_rate:
            raise TrainingFailed(_collapse_message(pq, qc, n, config, extra))
        new = list(preds)
        for i in pseudo:
            if not pq.passed[i]:
                new[i] = pseudo[i]
        keep = sorted({i for i, ok in enumerate(pq.passed) if ok} | set(pseudo))
        loss = train_on(keep, new, round_no)
        reports.append(
            RoundReport(
                round_no,
                "self-training",
                n,
                pq.n_passed,
                loss,
                time.perf_counter() - t0,
                dict(pq.details),
                trained_on=len(keep),
                pseudo_kept=len(keep) - pq.n_passed,
                qc_rules=dict(pq.rules),
                extra_epochs=extra * config.epochs,
            )
        )
    t0 = time.perf_counter()
    _, fq = own_qc("final predictions")
    final = RoundReport(
        config.rounds + 1,
        "final",
        n,
        fq.n_passed,
        None,
        time.perf_counter() - t0,
        dict(fq.details),
        qc_rules=dict(fq.rules),
    )
    if fq.n_passed / n < floor_rate:
        raise TrainingFailed(_collapse_message(fq, qc, n, config, 0, final=True))
    return TrainResult(segmenter, config, reports, n, time.perf_counter() - start, final, len(groups), offered)


def _collapse_message(
    pq: QcSummary, qc: QcSummary, n: int, config: TrainConfig, extra: int, final: bool = False
) -> str:
    top = ", ".join(f"{r} ({c})" for r, c in pq.details.most_common(3))
    what = "the trained network's" if final else "the network's"
    more = f" even after {extra * config.epochs} more epochs" if extra else ""
    return (
        f"training failed: {what} own predictions passed QC on {pq.n_passed} of {n} frames "
        f"({pq.n_passed / n:.0%}) against {qc.n_passed} ({qc.n_passed / n:.0%}) for its pseudo-labels{more}; "
        f"it has not learnt them (most failures: {top}). No weights were written. Try more --epochs, "
        f"a larger --image-size or --width, or a higher --lr (--min-qc-ratio sets this check)"
    )
