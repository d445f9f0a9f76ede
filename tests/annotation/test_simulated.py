"""The simulated annotator: deterministic, terminating, Dice computed, honest about itself."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from annotation_helpers import FakeSam, small_frame
from engine.annotation.simulated import SimParams, jittered_box, lognormal, simulate
from engine.errors import SegroiError


def _frames(n=2):
    return [small_frame(i) for i in range(n)]


def test_manual_is_deterministic_with_a_seed_and_marks_everything_simulated():
    s1, a = simulate(_frames(), "manual", seed=7)
    s2, b = simulate(_frames(), "manual", seed=7)
    _, c = simulate(_frames(), "manual", seed=8)
    assert [i.active_seconds for i in a] == [i.active_seconds for i in b]
    assert [i.active_seconds for i in a] != [i.active_seconds for i in c]
    assert s1.simulated and s1.annotator == "simulated-annotator" and s1.id != s2.id
    assert s1.settings["seed"] == 7 and s1.settings["simulator"]["manual_seconds_mean"] == 11.6
    # only the structures the ground truth holds (no RA in the toy frame)
    assert [(i.frame, i.structure) for i in a] == [
        ("toy_000", "LV"),
        ("toy_000", "LA"),
        ("toy_000", "RV"),
        ("toy_001", "LV"),
        ("toy_001", "LA"),
        ("toy_001", "RV"),
    ]
    assert all(i.accepted and i.vertices == 16 and i.clicks == 17 for i in a)
    assert all(0.8 < i.dice <= 1.0 for i in a)


def test_lognormal_has_the_stated_mean_and_spread():
    rng = np.random.default_rng(0)
    xs = np.array([lognormal(rng, 11.6, 4.5) for _ in range(20000)])
    assert xs.min() > 0
    assert xs.mean() == pytest.approx(11.6, rel=0.02)
    assert xs.std() == pytest.approx(4.5, rel=0.05)
    assert lognormal(rng, 3.0, 0.0) == 3.0


def test_sam_correction_loop_reaches_the_threshold_and_counts_its_clicks():
    frames = _frames(1)
    sam = FakeSam(frames[0].mask)
    params = SimParams(sam_seconds_sd=0.0, correction_click_seconds_sd=0.0, max_corrections=40)
    session, items = simulate(frames, "sam", params=params, seed=1, segmenter=sam)
    assert sam.embeds == 1  # one embedding per frame, however many prompts
    for it in items:
        # a box around an ellipse has Dice ~ pi/4 < 0.9, so corrections were needed
        assert it.corrections >= 1 and it.clicks == 1 + it.corrections
        assert it.accepted and it.dice >= 0.9 and it.prompt == "box+points"
        assert it.active_seconds == pytest.approx(5.7 + 1.5 * it.corrections)
    assert sam.predicts == sum(1 + i.corrections for i in items)


def test_sam_loop_terminates_at_max_corrections_and_counts_a_failure():
    class Useless(FakeSam):
        def predict(self, embedding, box=None, points=None, labels=None):
            self.predicts += 1
            return np.zeros(embedding["shape"], bool)

    sam = Useless()
    _, items = simulate(_frames(1), "sam", params=SimParams(max_corrections=3), seed=0, segmenter=sam)
    assert all(i.corrections == 3 and not i.accepted and i.dice == 0.0 for i in items)
    assert sam.predicts == 4 * len(items)


def test_random_weight_sam_stores_no_dice():
    frame = small_frame()
    sam = FakeSam(frame.mask)
    sam.weights = "random"
    _, items = simulate([frame], "sam", seed=0, segmenter=sam)
    assert items and all(i.dice is None for i in items)


def test_sam_with_point_prompts_starts_inside_the_structure():
    class Recording(FakeSam):
        calls = []

        def predict(self, embedding, box=None, points=None, labels=None):
            self.calls.append((box, list(points), list(labels)))
            return super().predict(embedding, box, points, labels)

    frame = small_frame()
    sam = Recording()  # no truth: the points themselves segment nothing
    params = SimParams(prompt="points", points=2, max_corrections=0, point_jitter_px=0)
    _, items = simulate([frame], "sam", params=params, seed=3, segmenter=sam)
    assert [i.structure for i in items] == ["LV", "LA", "RV"]
    for item, (box, points, labels) in zip(items, sam.calls):
        assert box is None and labels == [1] * len(points) and item.clicks == len(points)
        assert all(frame.mask[int(y), int(x)] == {"LV": 1, "LA": 2, "RV": 3}[item.structure] for x, y in points)
        assert item.prompt == "points" and item.corrections == 0
        assert item.dice == 0.0 and not item.accepted
    assert len(sam.calls[0][1]) == 2  # the elongated LV gets two interior maxima


def test_ssl_review_accepts_good_proposals_and_traces_bad_ones():
    frames = _frames(1)
    labels = frames[0].mask.copy()
    labels[labels == 2] = 0  # the model missed the LA
    p = SimParams(review_seconds_sd=0.0, manual_seconds_sd=0.0)
    _, items = simulate(frames, "ssl", params=p, seed=0, ssl_labels=[labels])
    by = {i.structure: i for i in items}
    assert by["LV"].accepted and by["LV"].dice == 1.0 and by["LV"].active_seconds == 2.0
    assert by["LV"].review_seconds == 2.0 and by["LV"].corrections == 0
    la = by["LA"]
    assert not la.accepted and la.corrections == 1 and la.review_seconds == 2.0
    assert la.active_seconds == pytest.approx(2.0 + 11.6) and 0.8 < la.dice <= 1.0


def test_ssl_prediction_at_another_size_is_resized():
    frames = _frames(1)
    small = frames[0].mask[::2, ::2]
    _, items = simulate(frames, "ssl", seed=0, ssl_labels=[small])
    assert all(i.dice > 0.9 for i in items)


def test_jittered_box_stays_in_the_image_and_near_the_truth():
    truth = small_frame().mask == 1
    rng = np.random.default_rng(0)
    for _ in range(50):
        x0, y0, x1, y1 = jittered_box(truth, rng, 0.05)
        assert 0 <= x0 <= x1 <= 63 and 0 <= y0 <= y1 <= 63
        assert abs(x0 - 12) < 5 and abs(y1 - 32) < 5


def test_readable_errors_for_missing_inputs():
    frames = _frames(1)
    with pytest.raises(SegroiError, match="segmenter"):
        simulate(frames, "sam")
    with pytest.raises(SegroiError, match="SSL"):
        simulate(frames, "ssl")
    nomask = dataclasses.replace(frames[0], mask=None)
    with pytest.raises(SegroiError, match="ground truth"):
        simulate([nomask], "manual")
    with pytest.raises(SegroiError, match="structure"):
        simulate(frames, "manual", structures=["XX"])
    with pytest.raises(SegroiError, match="prompt"):
        simulate(frames, "manual", params=SimParams(prompt="lasso"))
    with pytest.raises(SegroiError, match="contains"):
        simulate(frames, "manual", structures=["RA"])
