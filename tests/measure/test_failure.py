"""The Dice-based failure rate shared by `segroi evaluate` and the measured cost-model inputs."""

import math

import pytest

from engine.measure.evaluation import evaluate
from engine.measure.failure import DEFAULT_TOLERANCE, failure_rate


def test_share_below_the_tolerance_by_hand():
    assert failure_rate([0.9, 0.79, 0.8, 0.5]) == (0.5, 2, 4)  # 0.8 itself passes
    assert failure_rate([0.9, 0.79, 0.8, 0.5], tolerance=0.95) == (1.0, 4, 4)
    assert DEFAULT_TOLERANCE == 0.8


def test_structures_without_dice_are_not_scored():
    assert failure_rate([0.7, None, math.nan, 0.9]) == (0.5, 1, 2)
    assert failure_rate([]) == (None, 0, 0)
    assert failure_rate([None]) == (None, 0, 0)


def test_evaluate_stores_the_same_rate():
    import numpy as np

    from engine.data.frame import Frame

    truth = np.zeros((16, 16), dtype=np.uint8)
    truth[2:10, 2:10] = 1
    truth[10:14, 4:8] = 2
    pred = truth.copy()
    pred[10:14, 4:8] = 0  # LA missed: Dice 0
    frame = Frame(
        pixels=np.zeros((16, 16), np.float32),
        spacing_mm=None,
        study="s",
        source="f",
        index=0,
        view="A4C",
        phase="ED",
        mask=truth,
        frame_time_ms=None,
        meta={},
    )
    ev = evaluate([frame], [pred], model="ssl", weights="w.pt")
    rate, failed, n = failure_rate([r["dice"] for r in ev.evaluations])
    assert (ev.failure_rate, ev.failures, ev.structures) == (rate, failed, n) == (pytest.approx(0.5), 1, 2)
    stored = [m for m in ev.measurements if m["name"] == "failure_rate"]
    assert stored[0]["value"] == pytest.approx(0.5)
