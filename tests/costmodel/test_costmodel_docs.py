"""The scenario examples in README.md and docs/assumptions.md are valid scenarios, and the output
example's keys are the ones `segroi cost --format json` prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import costmodel

REPO = Path(__file__).resolve().parents[2]


def examples(doc: str) -> list[dict]:
    blocks = re.findall(r"```json\n(.*?)```", (REPO / doc).read_text(), re.S)
    return [json.loads(b) for b in blocks if b.lstrip().startswith('{"name"')]


@pytest.mark.parametrize("doc", ["README.md", "docs/assumptions.md"])
def test_documented_scenarios_validate_and_use_named_options(doc):
    found = examples(doc)
    assert found
    for raw in found:
        s = costmodel.validate(raw)
        kinds = {o.kind for o in s.options}
        assert {"manual", "prompted", "automatic", "hybrid"} <= kinds
        assert any(o.hardware != "hardware" for o in s.options)  # one option on its own hardware
        out = costmodel.evaluate(s)
        assert list(out) == ["options", "cheapest", "cheapest_by_volume"]
