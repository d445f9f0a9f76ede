"""The simulated annotator: prompts from ground truth, time from a stated model.

Nothing here is measured. Every item it makes is marked simulated and its session's
settings hold the parameters below, so a reader can tell exactly what was assumed.

Time model (one draw per action, lognormal with the stated mean and standard deviation,
so times are positive and right-skewed):
  manual  one trace per structure: 11.6 +/- 4.5 s (Chao et al., npj Digit Med 2025, manual
          LV tracing on echo frames).
  sam     first prompt, check and accept: 5.7 +/- 1.7 s (Chao et al., SAM-assisted LV
          annotation), plus one correction-click time per correction (assumed 1.5 +/- 0.5 s).
  ssl     review of a proposed mask: assumed 2.0 +/- 0.8 s per structure; when the proposal
          is rejected it is traced by hand (one manual trace time on top).

Clicks count mouse actions on the image (a polygon's vertices plus its closing click, one
per box, one per point), not buttons.

Prompts:
  box     the ground-truth mask's bounding box, each edge moved by N(0, jitter * box side).
  points  the interior maxima of the mask's distance transform (deepest first), each moved
          by N(0, point_jitter_px) pixels.
  correction clicks  while the mask's Dice against the truth is under `dice_threshold`, a
          click at the interior maximum of the largest error region (positive where the
          structure was missed, negative where the mask spills over), at most
          `max_corrections`; still under the threshold then counts as a SAM failure
          (accepted = False; the cost model charges a manual trace for it). With a SAM at
          random weights the loop still runs, but no Dice is stored and the summary leaves its
          failure rate out: both would describe random weights, not SAM.
  manual trace  the truth's contour at `trace_vertices` vertices, each moved by
          N(0, trace_jitter_px); its Dice is the trace's agreement with the truth.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Protocol, Sequence

import numpy as np

from engine.annotation.masks import (
    contour_polygon,
    correction_click,
    dice,
    interior_points,
    mask_box,
    polygon_mask,
)
from engine.annotation.session import Item, Session, new_session
from engine.data.frame import STRUCTURES, Frame
from engine.errors import SegroiError

SIMULATOR_ID = "simulated-annotator"


@dataclass(frozen=True)
class SimParams:
    manual_seconds_mean: float = 11.6
    manual_seconds_sd: float = 4.5
    sam_seconds_mean: float = 5.7
    sam_seconds_sd: float = 1.7
    correction_click_seconds_mean: float = 1.5
    correction_click_seconds_sd: float = 0.5
    review_seconds_mean: float = 2.0
    review_seconds_sd: float = 0.8
    dice_threshold: float = 0.90
    max_corrections: int = 5
    prompt: str = "box"  # box or points
    points: int = 1  # initial points when prompt == "points"
    box_jitter: float = 0.05  # fraction of the box side, standard deviation per edge
    point_jitter_px: float = 2.0
    trace_vertices: int = 16
    trace_jitter_px: float = 1.0

    def check(self) -> None:
        if self.prompt not in ("box", "points"):
            raise SegroiError(f"prompt must be box or points, got {self.prompt!r}")
        for name in ("manual", "sam", "correction_click", "review"):
            if getattr(self, f"{name}_seconds_mean") <= 0 or getattr(self, f"{name}_seconds_sd") < 0:
                raise SegroiError(f"{name} time needs a positive mean and a non-negative spread")
        if not 0 < self.dice_threshold <= 1:
            raise SegroiError("the Dice threshold must lie in (0, 1]")
        if self.max_corrections < 0 or self.points < 1 or self.trace_vertices < 3:
            raise SegroiError("max corrections >= 0, points >= 1 and trace vertices >= 3 are needed")

    def sources(self) -> dict[str, str]:
        chao = "Chao et al., npj Digit Med 2025, doi 10.1038/s41746-025-01730-y"
        return {
            "manual_seconds": chao,
            "sam_seconds": chao,
            "correction_click_seconds": "assumed",
            "review_seconds": "assumed",
        }

    def settings(self) -> dict[str, Any]:
        return {**asdict(self), "time_distribution": "lognormal (mean, sd)", "sources": self.sources()}


def lognormal(rng: np.random.Generator, mean: float, sd: float) -> float:
    """One draw from the lognormal with this mean and standard deviation (sd 0: the mean)."""
    if sd == 0:
        return float(mean)
    sigma2 = math.log(1.0 + (sd / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2.0
    return float(rng.lognormal(mu, math.sqrt(sigma2)))


class PromptSegmenter(Protocol):
    def embed(self, image: np.ndarray) -> Any: ...
    def predict(self, embedding: Any, box=None, points=None, labels=None) -> np.ndarray: ...


def jittered_box(truth: np.ndarray, rng: np.random.Generator, jitter: float) -> tuple[float, ...]:
    box = mask_box(truth)
    if box is None:
        raise ValueError("no box around an empty mask")
    x0, y0, x1, y1 = box
    h, w = truth.shape
    sx, sy = jitter * (x1 - x0 + 1), jitter * (y1 - y0 + 1)
    dx0, dx1 = rng.normal(0, sx, 2) if sx > 0 else (0.0, 0.0)
    dy0, dy1 = rng.normal(0, sy, 2) if sy > 0 else (0.0, 0.0)
    nx0, nx1 = sorted((float(np.clip(x0 + dx0, 0, w - 1)), float(np.clip(x1 + dx1, 0, w - 1))))
    ny0, ny1 = sorted((float(np.clip(y0 + dy0, 0, h - 1)), float(np.clip(y1 + dy1, 0, h - 1))))
    return nx0, ny0, nx1, ny1


def _jitter_point(p, rng, sd, shape):
    h, w = shape
    if sd > 0:
        p = (p[0] + rng.normal(0, sd), p[1] + rng.normal(0, sd))
    return float(np.clip(p[0], 0, w - 1)), float(np.clip(p[1], 0, h - 1))


def simulated_trace(truth: np.ndarray, rng: np.random.Generator, params: SimParams):
    """(mask, vertices) of a simulated hand trace of `truth`."""
    poly = contour_polygon(truth, params.trace_vertices)
    poly = [_jitter_point(p, rng, params.trace_jitter_px, truth.shape) for p in poly]
    return polygon_mask(poly, truth.shape), len(poly)


def structures_of(frame: Frame, wanted: Sequence[str]) -> list[str]:
    """The wanted structures that the frame's ground truth actually contains."""
    if frame.mask is None:
        return []
    present = set(np.unique(frame.mask).tolist())
    return [s for s in wanted if STRUCTURES[s] in present]


def _truth(frame: Frame, structure: str) -> np.ndarray:
    """The ground-truth mask of one structure (structures_of kept only frames that have ground truth)."""
    assert frame.mask is not None
    return np.asarray(frame.mask == STRUCTURES[structure])


def simulate_manual(frame: Frame, structure: str, rng, params: SimParams) -> Item:
    truth = _truth(frame, structure)
    mask, n = simulated_trace(truth, rng, params)
    seconds = lognormal(rng, params.manual_seconds_mean, params.manual_seconds_sd)
    return Item(
        frame=frame.name,
        study=frame.study,
        structure=structure,
        task="manual",
        active_seconds=seconds,
        clicks=n + 1,
        vertices=n,
        corrections=0,
        accepted=True,
        dice=dice(mask, truth),
        prompt="polygon",
    )


def simulate_sam(frame: Frame, structure: str, rng, params: SimParams, segmenter: PromptSegmenter, embedding) -> Item:
    truth = _truth(frame, structure)
    box, points, labels = None, [], []
    if params.prompt == "box":
        box = jittered_box(truth, rng, params.box_jitter)
        clicks = 1
    else:
        points = [
            _jitter_point(p, rng, params.point_jitter_px, truth.shape) for p in interior_points(truth, params.points)
        ]
        labels = [1] * len(points)
        clicks = len(points)
    seconds = lognormal(rng, params.sam_seconds_mean, params.sam_seconds_sd)
    pred = np.asarray(segmenter.predict(embedding, box=box, points=points or None, labels=labels or None), dtype=bool)
    score = dice(pred, truth)
    corrections = 0
    while score < params.dice_threshold and corrections < params.max_corrections:
        click = correction_click(pred, truth)
        if click is None:
            break
        point, label = click
        points.append(_jitter_point(point, rng, params.point_jitter_px, truth.shape))
        labels.append(label)
        corrections += 1
        clicks += 1
        seconds += lognormal(rng, params.correction_click_seconds_mean, params.correction_click_seconds_sd)
        pred = np.asarray(segmenter.predict(embedding, box=box, points=points, labels=labels), dtype=bool)
        score = dice(pred, truth)
    if getattr(segmenter, "weights", None) == "random":
        score_kept = None  # random weights: the mask means nothing, so neither does its Dice
    else:
        score_kept = score
    kind = "box" if box is not None else "points"
    if box is not None and points:
        kind = "box+points"
    return Item(
        frame=frame.name,
        study=frame.study,
        structure=structure,
        task="sam",
        active_seconds=seconds,
        clicks=clicks,
        corrections=corrections,
        accepted=score >= params.dice_threshold,
        dice=score_kept,
        prompt=kind,
    )


def simulate_ssl(frame: Frame, structure: str, rng, params: SimParams, labels: np.ndarray) -> Item:
    truth = _truth(frame, structure)
    proposal = np.asarray(labels) == STRUCTURES[structure]
    review = lognormal(rng, params.review_seconds_mean, params.review_seconds_sd)
    score = dice(proposal, truth)
    if score >= params.dice_threshold:
        return Item(
            frame=frame.name,
            study=frame.study,
            structure=structure,
            task="ssl",
            active_seconds=review,
            clicks=0,
            corrections=0,
            accepted=True,
            dice=score,
            review_seconds=review,
            prompt="review",
        )
    mask, n = simulated_trace(truth, rng, params)
    trace = lognormal(rng, params.manual_seconds_mean, params.manual_seconds_sd)
    return Item(
        frame=frame.name,
        study=frame.study,
        structure=structure,
        task="ssl",
        active_seconds=review + trace,
        clicks=n + 1,
        vertices=n,
        corrections=1,
        accepted=False,
        dice=dice(mask, truth),
        review_seconds=review,
        prompt="review",
    )


def simulate(
    frames: Sequence[Frame],
    task: str,
    *,
    params: SimParams | None = None,
    seed: int = 0,
    structures: Sequence[str] = tuple(STRUCTURES),
    segmenter: PromptSegmenter | None = None,
    ssl_labels: Sequence[np.ndarray] | None = None,
    dataset: str | None = None,
    settings: dict | None = None,
    session_id: str | None = None,
) -> tuple[Session, list[Item]]:
    """One simulated session over `frames` (each needs a ground-truth mask).

    sam needs `segmenter` (SamSegmenter or anything with embed/predict); ssl needs
    `ssl_labels`, the model's label image per frame. Deterministic for a given seed.
    """
    params = params or SimParams()
    params.check()
    unknown = [s for s in structures if s not in STRUCTURES]
    if unknown:
        raise SegroiError(f"unknown structure(s) {', '.join(unknown)}; known: {', '.join(STRUCTURES)}")
    if not frames:
        raise SegroiError("no frames to annotate")
    missing = [f.name for f in frames if f.mask is None]
    if missing:
        raise SegroiError(
            f"the simulated annotator needs ground truth; {len(missing)} frame(s) have "
            f"no mask (first: {missing[0]}); pass --truth DIR"
        )
    if task == "sam" and segmenter is None:
        raise SegroiError("the sam task needs a SAM segmenter")
    if task == "ssl":
        if ssl_labels is None or len(ssl_labels) != len(frames):
            raise SegroiError("the ssl task needs the SSL model's prediction for every frame")
    rng = np.random.default_rng(seed)
    session = new_session(
        SIMULATOR_ID,
        task,
        dataset=dataset,
        frames_planned=len(frames),
        simulated=True,
        session_id=session_id,
        settings={**(settings or {}), "seed": seed, "structures": list(structures), "simulator": params.settings()},
    )
    items: list[Item] = []
    for i, frame in enumerate(frames):
        wanted = structures_of(frame, structures)
        if not wanted:
            continue
        if task == "manual":
            items += [simulate_manual(frame, s, rng, params) for s in wanted]
        elif task == "sam":
            assert segmenter is not None  # checked above
            embedding = segmenter.embed(frame.pixels)
            items += [simulate_sam(frame, s, rng, params, segmenter, embedding) for s in wanted]
        elif task == "ssl":
            assert ssl_labels is not None and frame.mask is not None  # checked above
            labels = _fit(np.asarray(ssl_labels[i]), frame.mask.shape)
            items += [simulate_ssl(frame, s, rng, params, labels) for s in wanted]
        else:
            raise SegroiError(f"task must be manual, sam or ssl, got {task!r}")
    if not items:
        raise SegroiError(f"none of the frames' ground truth contains {', '.join(structures)}")
    return session, items


def _fit(labels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of a label image to `shape` (a model may predict at its own size)."""
    if labels.shape == tuple(shape):
        return labels
    rows = (np.arange(shape[0]) * labels.shape[0] / shape[0]).astype(int)
    cols = (np.arange(shape[1]) * labels.shape[1] / shape[1]).astype(int)
    return labels[np.ix_(rows, cols)]
