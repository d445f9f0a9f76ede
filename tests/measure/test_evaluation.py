"""Evaluation rows, failure rate and provenance; simulated SAM prompts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.data.phantom import make_study
from engine.measure.evaluation import evaluate
from engine.measure.prompts import box_prompt, combine, frame_prompts


@pytest.fixture(scope="module")
def study():
    return make_study(0, seed=2, size=96)


def test_perfect_predictions(study):
    ev = evaluate(study, [f.mask for f in study], model="ssl", weights="w.pt")
    assert ev.structures == 12 and ev.failures == 0 and ev.failure_rate == 0.0
    assert all(r["dice"] == 1.0 and r["hd95_mm"] == 0.0 for r in ev.evaluations)
    assert all(r["provenance"] == "simulated" for r in ev.evaluations + ev.measurements)
    values = [r for r in ev.measurements if r["reference"] is not None]
    assert values and all(r["value"] == pytest.approx(r["reference"]) for r in values)
    names = {r["name"] for r in ev.measurements}
    assert {"lv_area_cm2", "rv_area_cm2", "lv_volume_biplane_ml", "ef_biplane_percent", "failure_rate"} <= names


def test_missing_chamber_counts_as_failure_and_leaves_its_measurement_empty(study):
    preds = []
    for f in study:
        p = f.mask.copy()
        p[p == 3] = 0  # RV never found
        preds.append(p)
    ev = evaluate(study, preds, model="ssl", weights=None, tolerance=0.8)
    assert ev.failures == 2 and ev.failure_rate == pytest.approx(2 / 12)
    rv = [r for r in ev.measurements if r["name"] == "rv_area_cm2"]
    assert len(rv) == 2 and all(r["value"] is None and r["reference"] > 0 for r in rv)
    s = ev.summary()
    assert s["structures"]["RV"]["dice_mean"] == 0.0 and s["measurements"]["rv_area_cm2"]["missing"] == 2
    assert s["tolerance"] == 0.8


def test_provenance_measured_for_real_frames_and_simulated_for_sam(study):
    real = [dataclasses.replace(f, meta={}) for f in study]
    ev = evaluate(real, [f.mask for f in real], model="ssl", weights="w.pt")
    assert ev.provenance == "measured" and {r["provenance"] for r in ev.evaluations} == {"measured"}
    ev = evaluate(real, [f.mask for f in real], model="sam", weights="sam.pth", prompts="simulated: ...")
    assert ev.provenance == "simulated" and {r["prompts"] for r in ev.evaluations} == {"simulated: ..."}


def test_frames_without_truth_are_skipped_and_sizes_checked(study):
    frames = [dataclasses.replace(study[0], mask=None), study[1]]
    ev = evaluate(frames, [study[0].mask, study[1].mask], model="ssl", weights=None)
    assert {r["frame"] for r in ev.evaluations} == {study[1].name}
    with pytest.raises(ValueError, match="differ"):
        evaluate([study[0]], [np.zeros((5, 5))], model="ssl", weights=None)


def test_box_prompt_without_and_with_jitter():
    m = np.zeros((50, 60), bool)
    m[10:20, 30:45] = True
    assert box_prompt(m, jitter=0) == (30.0, 10.0, 45.0, 20.0)
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = box_prompt(m, jitter=0.1, rng=rng)
    assert abs(x0 - 30) <= 1.5 and abs(x1 - 45) <= 1.5 and abs(y0 - 10) <= 1.0 and abs(y1 - 20) <= 1.0
    assert box_prompt(np.zeros((5, 5), bool)) is None


def test_frame_prompts_are_repeatable_per_seed(study):
    f = study[0]
    a = frame_prompts(f.mask, f.name, 0.05, seed=1)
    assert a == frame_prompts(f.mask, f.name, 0.05, seed=1)
    assert a != frame_prompts(f.mask, f.name, 0.05, seed=2)
    assert set(a) == {"LV", "LA", "RV", "RA"}


def test_combine_draws_smaller_structures_over_larger():
    big = np.zeros((10, 10), bool)
    big[:, :] = True
    small = np.zeros((10, 10), bool)
    small[2:4, 2:4] = True
    lab = combine({"LV": big, "LA": small}, (10, 10))
    assert lab[3, 3] == 2 and lab[8, 8] == 1
