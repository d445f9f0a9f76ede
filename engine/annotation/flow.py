"""One annotator's session in the browser, without Streamlit: what is on screen, what the
mouse did, when the clock ticks, and what gets written. The Annotate page only draws it.

Per item (one structure on one frame):
  manual  trace a polygon; accept.                        (accepted = True)
  sam     drag a box and/or click points (+ inside, - outside); SAM segments after every
          change; accept, or mark SAM as failed.          (accepted = SAM's mask was kept)
  ssl     the model's mask is shown; accept it, or choose "correct" and trace the outline.
                                                          (accepted = the proposal was kept)
The clock (session.ItemClock, rule in timing.py) takes the item's display, the browser's
reports of activity on the canvas (every pointer event and page visibility, with the browser's
timestamps; the ssl review shows its proposal on a canvas that draws nothing but reports the
same), every change of the drawing, every other widget touched while the item is on screen, and
accept/reject. SAM's image embedding is computed before the item is displayed, and each mask SAM
computes after a prompt is a compute span: neither is the annotator's time.

Counts: clicks = mouse actions on the image (polygon vertices plus the closing click, one
per box, one per point); corrections = for sam, prompts changed after SAM's first mask;
for manual, shapes deleted or edited (redos); for ssl, 1 when the proposal was traced over.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from engine.annotation import canvas
from engine.annotation.dataset import load_frames, plan
from engine.annotation.masks import dice, polygon_mask
from engine.annotation.session import (
    TIMING_BROWSER,
    Item,
    ItemClock,
    Session,
    completed_pairs,
    finish_session,
    load_session,
    pending,
    record_item,
    start_session,
)
from engine.data.frame import STRUCTURES, Frame
from engine.errors import SegroiError


class Flow:
    def __init__(
        self,
        store,
        session: Session,
        frames: Sequence[Frame],
        structures: Sequence[str],
        *,
        sam=None,
        ssl_labels: dict[str, np.ndarray] | None = None,
        now: Callable[[], float] = time.time,
    ):
        if session.task == "sam" and sam is None:
            raise SegroiError("the sam task needs a SAM segmenter")
        if session.task == "ssl" and not ssl_labels:
            raise SegroiError("the ssl review task needs the SSL model's masks (trained weights)")
        self.store = store
        self.session = session
        self.frames = {f.name: f for f in frames}
        pairs = [(frames[i].name, s) for i, s in plan(list(frames), list(structures))]
        self.total = len(pairs)
        self.queue = pending(pairs, completed_pairs(store, session.id))
        self.sam = sam
        self.embeddings: dict[str, object] = {}
        self.ssl_labels = ssl_labels or {}
        self.now = now
        self.item_no = self.total - len(self.queue)
        self.last_item: Item | None = None
        self._reset()

    # -- what is on screen ------------------------------------------------------------------
    def _reset(self) -> None:
        self.clock = ItemClock(self.session.idle_threshold_seconds, self.now)
        self.shapes = canvas.Shapes()
        self.clicks = 0
        self.redos = 0
        self.predictions = 0
        self.mask: np.ndarray | None = None
        self.problems: list[str] = []  # drawings the browser sent that could not be read
        self.phase = "review" if self.session.task == "ssl" else "draw"
        if self.phase == "review" and self.current:
            self.mask = self.proposal

    @property
    def task(self) -> str:
        return self.session.task

    @property
    def finished(self) -> bool:
        return not self.queue

    @property
    def done(self) -> int:
        return self.total - len(self.queue)

    @property
    def current(self) -> tuple[Frame, str] | None:
        if not self.queue:
            return None
        name, structure = self.queue[0]
        return self.frames[name], structure

    def _on_screen(self) -> tuple[Frame, str]:
        """The current item; SegroiError when the session has none left."""
        current = self.current
        if current is None:
            raise SegroiError("this session has no item left")
        return current

    @property
    def truth(self) -> np.ndarray | None:
        frame, structure = self._on_screen()
        return None if frame.mask is None else frame.mask == STRUCTURES[structure]

    @property
    def proposal(self) -> np.ndarray | None:
        frame, structure = self._on_screen()
        labels = self.ssl_labels.get(frame.name)
        return None if labels is None else np.asarray(labels) == STRUCTURES[structure]

    @property
    def canvas_key(self) -> str:
        return f"annotate-{self.session.id[:8]}-{self.item_no}-{self.phase}"

    @property
    def drawing(self) -> bool:
        """Whether the canvas takes input now (not while an ssl proposal is being reviewed)."""
        return self.phase != "review"

    # -- SAM ----------------------------------------------------------------------------------
    @property
    def needs_embedding(self) -> bool:
        return self.task == "sam" and self.current is not None and self.current[0].name not in self.embeddings

    def embed_current(self) -> float:
        """Compute SAM's embedding of the current frame once; returns the seconds it took."""
        frame = self._on_screen()[0]
        start = time.perf_counter()
        self.embeddings[frame.name] = self.sam.embed(frame.pixels)
        return time.perf_counter() - start

    # -- events ---------------------------------------------------------------------------------
    def show(self) -> None:
        """The current item is on screen: start its clock (once)."""
        if self.current is not None and not self.clock.started:
            self.clock.start(canvas=self.canvas_key)

    def touch(self) -> None:
        """Any other interaction while the item is on screen."""
        if self.clock.started:
            self.clock.mark()

    def update(self, value, scale: float) -> bool:
        """What the canvas sent (its drawing and its activity report, see activity.py); True
        when the drawing changed (then the mask is redone). A value sent for another item or
        phase is ignored."""
        if not isinstance(value, dict) or value.get("item") != self.canvas_key or self.current is None:
            return False
        self.show()
        self.clock.report(self.canvas_key, value)
        if not self.drawing:
            return False
        try:
            shapes = canvas.parse(value.get("shapes"), scale)
        except canvas.CanvasError as exc:
            self.problems.append(str(exc))
            return False
        if shapes.signature() == self.shapes.signature():
            return False
        self.clock.mark()
        added = canvas.click_cost(shapes) - canvas.click_cost(self.shapes)
        if shapes.count < self.shapes.count:
            self.redos += 1
        elif added > 0:
            self.clicks += added
        else:  # same number of shapes, drawn differently (undone and drawn again)
            self.clicks += 1
            self.redos += 1
        self.shapes = shapes
        self.mask = self._mask()
        return True

    @property
    def activity_problems(self) -> list[str]:
        """Why reports or drawings from the browser were refused for the item on screen."""
        return [*self.clock.browser.refused, *self.problems]

    def _mask(self) -> np.ndarray | None:
        frame, _ = self._on_screen()
        if self.task == "sam":
            box = self.shapes.boxes[-1] if self.shapes.boxes else None
            if box is None and not self.shapes.points:
                return None
            self.predictions += 1
            began = self.now()
            mask = np.asarray(
                self.sam.predict(
                    self.embeddings[frame.name],
                    box=box,
                    points=self.shapes.points or None,
                    labels=self.shapes.labels or None,
                ),
                dtype=bool,
            )
            self.clock.computing(began, self.now())
            return mask
        if not self.shapes.polygons:
            return None
        out = np.zeros(frame.shape, dtype=bool)
        for poly in self.shapes.polygons:
            out |= polygon_mask(poly, frame.shape)
        return out

    def start_correction(self) -> None:
        """ssl: the reviewer rejects the proposal and will trace the outline instead."""
        if self.task != "ssl" or self.phase != "review":
            raise SegroiError("only a proposal under review can be corrected")
        self.show()
        self.clock.decide()
        self.phase = "correct"
        self.mask = None

    def accept(self) -> Item:
        if self.current is None:
            raise SegroiError("the session is complete")
        if self.task == "ssl" and self.phase == "review":
            self.show()
            self.clock.decide()
            return self._complete(accepted=True)
        if self.mask is None or not self.mask.any():
            what = "drag a box or click a point" if self.task == "sam" else "trace the outline"
            raise SegroiError(f"nothing to accept yet: {what} first")
        return self._complete(accepted=self.task != "ssl")

    def reject(self) -> Item:
        """sam: SAM's mask is not usable (the structure would be traced by hand)."""
        if self.task != "sam":
            raise SegroiError("only a SAM mask can be rejected")
        return self._complete(accepted=False)

    def _complete(self, accepted: bool) -> Item:
        frame, structure = self._on_screen()
        self.show()
        self.clock.mark()
        timed = self.clock.split()
        browser = self.clock.timing == TIMING_BROWSER
        truth = self.truth
        score = None if truth is None else dice(self.mask if self.mask is not None else np.zeros_like(truth), truth)
        if self.task == "sam" and getattr(self.sam, "weights", None) == "random":
            score = None  # random weights: the mask, and so its Dice, mean nothing
        if self.task == "sam":
            corrections = max(0, self.predictions - 1)
            kind = "+".join(k for k, n in (("box", self.shapes.boxes), ("points", self.shapes.points)) if n)
        elif self.task == "ssl":
            corrections = 0 if self.phase == "review" else 1
            kind = "review"
        else:
            corrections, kind = self.redos, "polygon"
        vertices = sum(len(p) for p in self.shapes.polygons) or None
        item = Item(
            frame=frame.name,
            study=frame.study,
            structure=structure,
            task=self.task,
            active_seconds=timed.active,
            idle_seconds=timed.idle,
            clicks=self.clicks,
            vertices=vertices if self.task != "sam" else None,
            corrections=corrections,
            accepted=accepted,
            dice=score,
            review_seconds=self.clock.review_seconds(),
            prompt=kind or None,
            hidden_seconds=timed.hidden if browser else None,
            compute_seconds=timed.compute,
            timing=self.clock.timing,
        )
        record_item(self.store, self.session, item)
        self.queue.pop(0)
        self.item_no += 1
        self.last_item = item
        self._reset()
        if self.finished:
            finish_session(self.store, self.session)
        return item


# -- starting and resuming ------------------------------------------------------------------------
def make_sam(checkpoint: str | None = None, image_size: int | None = None, device: str = "cpu", variant: str = "vit_b"):
    """SAM for the page: random weights at 256 px unless a checkpoint is given (then 1024)."""
    from engine.models.sam import SamSegmenter

    size = image_size or (1024 if checkpoint else 256)
    return SamSegmenter(variant, checkpoint=checkpoint or None, device=device, image_size=size)


def _check_weights(weights: str | None) -> None:
    from pathlib import Path

    if not weights or not Path(weights).expanduser().is_file():
        raise SegroiError(
            f"SSL weights not found: {weights or '(none given)'}; train them with `segroi train-ssl` and give the file"
        )


def ssl_masks(weights: str, frames: Sequence[Frame], device: str = "cpu") -> dict[str, np.ndarray]:
    from pathlib import Path

    from engine.models.ssl_net import SslSegmenter

    _check_weights(weights)
    seg = SslSegmenter.load(Path(weights).expanduser(), device=device)
    return {f.name: lab for f, lab in zip(frames, seg.predict(list(frames)))}


def start(
    store,
    annotator: str,
    task: str,
    *,
    data: str = "phantom",
    truth: str | None = None,
    frames: int = 2,
    structures: Sequence[str] = tuple(STRUCTURES),
    idle_threshold: float = 30.0,
    sam=None,
    sam_checkpoint: str | None = None,
    ssl_weights: str | None = None,
    phantom_size: int = 256,
    seed: int = 0,
    now: Callable[[], float] = time.time,
    within=None,
) -> Flow:
    """Load the frames, open a session in the store and return its flow. `within`: the data roots the
    frames must come from (the dashboard's; engine.data.roots)."""
    structures = list(structures)
    if not structures:
        raise SegroiError("choose at least one structure")
    if task == "sam" and sam is None:
        raise SegroiError("the sam task needs a SAM segmenter")
    if task == "ssl":
        _check_weights(ssl_weights)
    loaded, label = load_frames(data, truth=truth, frames=frames, size=phantom_size, seed=seed, within=within)
    ssl_labels = ssl_masks(ssl_weights, loaded) if task == "ssl" and ssl_weights else None
    settings = {
        "data": data,
        "truth": truth,
        "frames": frames,
        "structures": structures,
        "phantom_size": phantom_size,
        "seed": seed,
    }
    if sam is not None and task == "sam":
        settings.update(
            sam_variant=getattr(sam, "variant", None),
            sam_weights=getattr(sam, "weights", None),
            sam_image_size=getattr(sam, "image_size", None),
            sam_checkpoint=sam_checkpoint,
            device=str(getattr(sam, "device", "cpu")),
        )
    if task == "ssl":
        settings["ssl_weights"] = ssl_weights
    if not plan(loaded, structures):
        raise SegroiError(f"the chosen frames' ground truth contains none of {', '.join(structures)}")
    session = start_session(
        store,
        annotator,
        task,
        dataset=label,
        frames_planned=len(loaded),
        idle_threshold_seconds=idle_threshold,
        settings=settings,
    )
    return Flow(store, session, loaded, structures, sam=sam, ssl_labels=ssl_labels, now=now)


def resume(store, session_id: str, *, sam=None, now: Callable[[], float] = time.time, within=None) -> Flow:
    """Reopen a session: same frames and structures, completed items skipped."""
    session = load_session(store, session_id)
    if session.simulated:
        raise SegroiError("a simulated session cannot be resumed in the browser")
    s = session.settings
    loaded, _ = load_frames(
        s.get("data", "phantom"),
        truth=s.get("truth"),
        frames=s.get("frames"),
        size=s.get("phantom_size", 256),
        seed=s.get("seed", 0),
        within=within,
    )
    ssl_labels = None
    if session.task == "ssl":
        _check_weights(s.get("ssl_weights"))
        ssl_labels = ssl_masks(s["ssl_weights"], loaded)
    return Flow(store, session, loaded, s.get("structures", list(STRUCTURES)), sam=sam, ssl_labels=ssl_labels, now=now)
