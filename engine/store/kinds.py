"""The kinds of run segroi stores (`runs.kind`): one name each, written and read through this enum."""

from __future__ import annotations

from enum import StrEnum


class RunKind(StrEnum):
    PROFILE = "profile"  # segroi profile: time, energy, memory of the models
    EVALUATE = "evaluate"  # segroi evaluate: accuracy against ground truth
    TRAIN_SSL = "train-ssl"  # segroi train-ssl: the label-free model
    ANNOTATE_SIM = "annotate-sim"  # segroi annotate-sim: the simulated annotator
    DEMO = "demo"  # segroi demo: the H100 anchors and the published accuracy figures


# Runs whose rows feed the numbers shown (every kind today; the PDF lists them).
MEASURED_KINDS = tuple(RunKind)


def run_kind(kind: str) -> RunKind:
    """`kind` as a RunKind; ValueError naming the known kinds for any other text."""
    try:
        return RunKind(kind)
    except ValueError:
        raise ValueError(f"unknown run kind {kind!r}; one of {', '.join(RunKind)}") from None
