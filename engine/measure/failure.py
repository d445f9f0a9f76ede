"""The failure rate the cost model uses, from accuracy against ground truth.

A structure fails when its Dice against ground truth is below the tolerance (default 0.8): a
person would re-trace it. The rate is failed structures / scored structures; a structure with
no Dice (None or NaN) is not scored. `segroi evaluate` stores this rate with each run and the
dashboard's measured inputs recompute it from the stored Dice values at the tolerance asked
for; both call `failure_rate`.
"""

from __future__ import annotations

import math
from typing import Iterable

DEFAULT_TOLERANCE = 0.8


def failure_rate(
    dice_values: Iterable[float | None], tolerance: float = DEFAULT_TOLERANCE
) -> tuple[float | None, int, int]:
    """(rate, failed, scored): rate is None when nothing was scored."""
    scored = [float(d) for d in dice_values if d is not None and not math.isnan(float(d))]
    failed = sum(1 for d in scored if d < tolerance)
    return (failed / len(scored) if scored else None), failed, len(scored)
