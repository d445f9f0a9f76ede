"""Accuracy of one model on frames with ground truth: the rows `segroi evaluate` stores.

* evaluations: one row per frame and structure present in the reference: Dice, IoU, HD95 (mm;
  NULL when the frame has no spacing or a mask is empty).
* measurements: per frame, each reference chamber's area, LV length and single-plane LV volume;
  per study, biplane LV volumes (ED, ES) and EF (biplane, and single-plane from A4C else A2C).
  `value` comes from the model's mask, `reference` from the ground-truth mask by the same
  method, so the difference is the segmentation's effect alone. A measurement the model's mask
  cannot give (chamber missing) has value NULL.
* failure rate: the fraction of (frame, structure) pairs whose Dice is below the tolerance
  (default 0.8), by `engine.measure.failure.failure_rate`, stored as the measurement
  `failure_rate` (unit "fraction"); the tolerance is in the run's settings. This is the failure_rate of docs/design.md's cost model: the share of
  structures a person has to re-trace.
* provenance: "simulated" for phantom frames (Frame.meta generator = segroi-phantom, or DICOM
  Manufacturer "segroi phantom family") and for
  every SAM row (its prompts are simulated from the ground truth); "measured" otherwise.

`evaluate` is `score_frame` per frame (where the frame is: a Ray worker scores its own frames)
followed by `combine` over the scores in frame order, so both paths store the same rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from engine.data.frame import STRUCTURES
from engine.measure import agreement, clinical, metrics
from engine.measure.failure import DEFAULT_TOLERANCE, failure_rate

PHANTOM = "segroi-phantom"
PHANTOM_FAMILY = "segroi phantom family"  # the Manufacturer of phantom_family.py's DICOM files


def is_simulated(frame, model: str) -> bool:
    meta = frame.meta or {}
    return model == "sam" or meta.get("generator") == PHANTOM or meta.get("manufacturer") == PHANTOM_FAMILY


@dataclass
class Evaluation:
    evaluations: list[dict] = field(default_factory=list)
    measurements: list[dict] = field(default_factory=list)
    failure_rate: float | None = None
    failures: int = 0
    structures: int = 0
    tolerance: float = DEFAULT_TOLERANCE
    provenance: str = "measured"

    def summary(self) -> dict:
        """Per-structure means and per-measurement agreement (values against references)."""
        per = {}
        for s in STRUCTURES:
            rows = [r for r in self.evaluations if r["structure"] == s]
            if not rows:
                continue
            hd = [r["hd95_mm"] for r in rows if r["hd95_mm"] is not None]
            dice = np.array([r["dice"] for r in rows])
            per[s] = {
                "n": len(rows),
                "dice_mean": float(dice.mean()),
                "dice_sd": float(dice.std(ddof=1)) if len(rows) > 1 else None,
                "iou_mean": float(np.mean([r["iou"] for r in rows])),
                "hd95_mm_median": float(np.median(hd)) if hd else None,
            }
        meas: dict[str, dict] = {}
        pairs: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
        for r in self.measurements:
            if r["reference"] is None or r["name"] == "failure_rate":
                continue
            key = r["name"]
            pairs[key][0].append(np.nan if r["value"] is None else r["value"])
            pairs[key][1].append(r["reference"])
        for key, (v, ref) in pairs.items():
            meas[key] = {**agreement.agreement(v, ref), "missing": int(np.sum(np.isnan(v)))}
        return {
            "structures": per,
            "measurements": meas,
            "failure_rate": self.failure_rate,
            "failures": self.failures,
            "structures_scored": self.structures,
            "tolerance": self.tolerance,
        }


def _num(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass
class FrameScore:
    """One frame's share of an evaluation, computed where the frame is (a worker, or here).

    `study_entries` keeps a frame's predicted and reference label maps only when the study
    measurements can use them (A4C/A2C, ED/ES, spacing known), so little travels back.
    """

    study: str
    simulated: bool
    evaluations: list[dict]
    measurements: list[dict]
    study_entries: tuple[dict, dict] | None


def _study_entry(label, f) -> dict:
    return {"label": label, "spacing_mm": f.spacing_mm, "view": f.view, "phase": f.phase}


def score_frame(
    f, pred, *, model: str, weights: str | None, prompts: str = "none", n_disks: int = clinical.DEFAULT_DISKS
) -> FrameScore | None:
    """Per-structure metrics and per-frame measurements of one prediction; None without a mask."""
    if f.mask is None:
        return None
    pred = np.asarray(pred)
    ref = np.asarray(f.mask)
    if pred.shape != ref.shape:
        raise ValueError(f"{f.name}: prediction {pred.shape} and ground truth {ref.shape} differ in size")
    sim = is_simulated(f, model)
    prov = "simulated" if sim else "measured"
    evaluations, measurements = [], []
    for s, m in metrics.per_structure(pred, ref, f.spacing_mm).items():
        hd = m["hd95"] if f.spacing_mm is not None else None
        evaluations.append(
            {
                "model": model,
                "weights": weights,
                "frame": f.name,
                "study": f.study,
                "view": f.view,
                "phase": f.phase,
                "structure": s,
                "dice": m["dice"],
                "iou": m["iou"],
                "hd95_mm": _num(hd),
                "prompts": prompts,
                "provenance": prov,
            }
        )
    mp = clinical.frame_measurements(pred, f.spacing_mm, f.view, n_disks)
    mr = clinical.frame_measurements(ref, f.spacing_mm, f.view, n_disks)
    for name, refval in mr.items():
        measurements.append(
            {
                "model": model,
                "study": f.study,
                "view": f.view,
                "phase": f.phase,
                "name": name,
                "value": _num(mp.get(name)),
                "reference": _num(refval),
                "unit": clinical.unit_of(name),
                "provenance": prov,
            }
        )
    usable = f.spacing_mm is not None and f.view in ("A4C", "A2C") and f.phase in ("ED", "ES")
    entries = (_study_entry(pred, f), _study_entry(ref, f)) if usable else None
    return FrameScore(f.study, sim, evaluations, measurements, entries)


def combine(
    scores, *, model: str, tolerance: float = DEFAULT_TOLERANCE, n_disks: int = clinical.DEFAULT_DISKS
) -> Evaluation:
    """The whole evaluation from per-frame scores in frame order: study measurements, failure rate."""
    ev = Evaluation(tolerance=tolerance)
    by_study: dict[str, dict[str, list]] = defaultdict(lambda: {"pred": [], "ref": [], "sim": []})
    sims = []
    for sc in scores:
        if sc is None:
            continue
        sims.append(sc.simulated)
        ev.evaluations.extend(sc.evaluations)
        ev.measurements.extend(sc.measurements)
        st = by_study[sc.study]
        if sc.study_entries is not None:
            st["pred"].append(sc.study_entries[0])
            st["ref"].append(sc.study_entries[1])
        st["sim"].append(sc.simulated)
    for study, st in by_study.items():
        sp = clinical.study_measurements(st["pred"], n_disks)
        sr = clinical.study_measurements(st["ref"], n_disks)
        prov = "simulated" if any(st["sim"]) else "measured"
        for (name, qual), refval in sr.items():
            phase = qual if qual in ("ED", "ES") else None
            view = "biplane" if "biplane" in name else (qual if qual in ("A4C", "A2C") else None)
            ev.measurements.append(
                {
                    "model": model,
                    "study": study,
                    "view": view,
                    "phase": phase,
                    "name": name,
                    "value": _num(sp.get((name, qual))),
                    "reference": _num(refval),
                    "unit": clinical.unit_of(name),
                    "provenance": prov,
                }
            )
    ev.provenance = "simulated" if any(sims) else "measured"
    ev.failure_rate, ev.failures, ev.structures = failure_rate((r["dice"] for r in ev.evaluations), tolerance)
    if ev.failure_rate is not None:
        ev.measurements.append(
            {
                "model": model,
                "study": None,
                "view": None,
                "phase": None,
                "name": "failure_rate",
                "value": ev.failure_rate,
                "reference": None,
                "unit": "fraction",
                "provenance": ev.provenance,
            }
        )
    return ev


def evaluate(
    frames,
    predictions,
    *,
    model: str,
    weights: str | None,
    prompts: str = "none",
    tolerance: float = DEFAULT_TOLERANCE,
    n_disks: int = clinical.DEFAULT_DISKS,
) -> Evaluation:
    """Score predictions (label maps) against the frames' masks; frames without a mask are skipped."""
    scores = [
        score_frame(f, p, model=model, weights=weights, prompts=prompts, n_disks=n_disks)
        for f, p in zip(frames, predictions)
    ]
    return combine(scores, model=model, tolerance=tolerance, n_disks=n_disks)
