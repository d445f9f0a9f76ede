"""Files written before named options (options manual / sam / ssl, no kind) give exactly the numbers
segroi gave then: every output of main at be61af3 (tests/costmodel/legacy/, computed by that code
before this model existed), break-even volume, Monte Carlo and tornado included."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from engine import costmodel

CASES = json.loads((Path(__file__).parent / "legacy" / "outputs_main_be61af3.json").read_text())


def same(a, b, path="") -> None:
    """Equal structure; floats equal to 1e-12 relative (the same arithmetic, in the same order)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), (path, list(a), list(b))
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        assert b == pytest.approx(a, rel=1e-12, abs=1e-9), path
    else:
        assert a == b, path


@pytest.mark.parametrize("name", list(CASES))
def test_legacy_files_give_the_old_numbers(name):
    case = CASES[name]
    s = costmodel.validate(case["raw"])
    assert [(o.name, o.kind) for o in s.options] == [("manual", "manual"), ("sam", "prompted"), ("ssl", "automatic")]
    out = costmodel.evaluate(s)
    old = case["evaluate"]
    assert set(out) - set(old) == {"cheapest_by_volume"}
    same(old, {k: out[k] for k in old})
    same(case["breakdown"], costmodel.breakdown(s))
    same(case["cumulative"], costmodel.cumulative(s))
    same(case["sweep_volume"], costmodel.sweep(s, values=[1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8]))
    assert out["cheapest"] == case["recommendation"]["cheapest"]  # the answer then is the answer now
    if "monte_carlo" in case:
        same(case["monte_carlo"], costmodel.monte_carlo(s, n=3000, seed=11))
        same(case["tornado"], costmodel.tornado(s))
        same(case["tornado_ssl_npv"], costmodel.tornado(s, output="ssl.npv_savings_vs_manual"))


def test_the_fixtures_cover_what_matters():
    be = [c["evaluate"]["break_even_studies_per_year"] for c in CASES.values()]
    assert sum(x is not None for x in be) >= 4 and None in be
    modes = {(c["raw"]["hardware"]["mode"], c["raw"]["hardware"].get("dedicated", True)) for c in CASES.values()}
    assert modes == {("cloud", True), ("on_prem", True), ("on_prem", False)}
    assert any("monte_carlo" in c for c in CASES.values())
    kink = CASES["hand_shared_kink"]["evaluate"]["break_even_studies_per_year"]
    assert kink is not None and math.isfinite(kink)


def test_a_legacy_file_and_its_explicit_kinds_are_the_same_scenario():
    raw = CASES["reference"]["raw"]
    s = costmodel.validate(raw)
    canon = s.to_dict()
    assert [canon["options"][o]["kind"] for o in ("manual", "sam", "ssl")] == ["manual", "prompted", "automatic"]
    assert costmodel.validate(canon) == s
    assert costmodel.evaluate(costmodel.validate(canon)) == costmodel.evaluate(s)
