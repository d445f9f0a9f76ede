"""cheapest_by_volume against a brute-force dense scan of present cost over yearly volume."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from cm_cases import NAMED, ON_PREM, base, named
from engine import costmodel
from engine.costmodel.equations import outputs

LIMIT = 1e8
SCAN = np.unique(np.concatenate([np.geomspace(1e-3, LIMIT, 40_000), np.linspace(1, 2e5, 20_000)]))


def scanned_winners(s) -> np.ndarray:
    """The cheapest option at every scanned volume, from the vectorised equations (first on ties)."""
    p = dict(s.point)
    p["workload.studies_per_year"] = SCAN
    res = outputs(p, s.options)["options"]
    present = np.stack([np.broadcast_to(res[o]["present_cost"], SCAN.shape) for o in s.option_names])
    return np.array(s.option_names)[np.argmin(present, axis=0)]


def check(raw) -> list[dict]:
    s = costmodel.validate(raw)
    pieces = costmodel.evaluate(s)["cheapest_by_volume"]
    assert pieces[0]["from_studies_per_year"] == 0 and pieces[-1]["to_studies_per_year"] is None
    for a, b in zip(pieces, pieces[1:]):
        assert a["to_studies_per_year"] == b["from_studies_per_year"] and a["option"] != b["option"]
        assert a["from_studies_per_year"] < a["to_studies_per_year"]
    assert pieces[-1]["from_studies_per_year"] < LIMIT
    winners = scanned_winners(s)
    edges = np.array([p["from_studies_per_year"] for p in pieces[1:]])
    claimed = np.array([p["option"] for p in pieces])[np.searchsorted(edges, SCAN, side="right")]
    near = np.zeros(SCAN.shape, bool)
    for e in edges:  # at a crossing both options are cheapest
        near |= np.abs(SCAN - e) <= 1e-6 * np.maximum(SCAN, 1.0)
    wrong = (claimed != winners) & ~near
    assert not wrong.any(), (SCAN[wrong][:5], claimed[wrong][:5], winners[wrong][:5], pieces)
    # and the option cheapest at the scenario's own volume is the one `cheapest` names
    v0 = s.point["workload.studies_per_year"]
    at = pieces[int(np.searchsorted(edges, v0, side="right"))]["option"]
    ev = costmodel.evaluate(s)
    assert ev["options"][at]["present_cost"] == pytest.approx(ev["options"][ev["cheapest"]]["present_cost"])
    return pieces


def test_cloud_reference_has_manual_then_ssl():
    from engine.reference import reference_scenario

    pieces = check(reference_scenario())
    assert [p["option"] for p in pieces] == ["manual", "ssl"]
    # the crossing solves manual == ssl exactly
    v = pieces[1]["from_studies_per_year"]
    s = costmodel.validate(reference_scenario())
    at = costmodel.sweep(s, values=[v])["options"]
    assert at["manual"][0] == pytest.approx(at["ssl"][0], rel=1e-9)


def test_named_options_in_the_cloud():
    check(named())


def test_shared_servers_with_kinks():
    share = {**ON_PREM, "dedicated": False, "utilization": 0.3}
    check(named(**{"hardware": share}))
    check(
        named(
            **{
                "hardware": share,
                "options.vit_b.profile.seconds_per_image": 600,
                "options.hyb.hardware": {**share, "server_capex": 5000},
            }
        )
    )
    check(
        base(
            **{
                "hardware.mode": "on_prem",
                "hardware.dedicated": False,
                "options.sam.profile.seconds_per_image": 900,
                "options.sam.failure_rate": 0.0,
                "options.ssl.engineering_hours": 0,
                "options.ssl.failure_rate": 0.6,
            }
        )
    )


@pytest.mark.parametrize("seed", range(25))
def test_random_scenarios(seed):
    rng = np.random.default_rng(seed)
    raw = copy.deepcopy(NAMED)
    for o in ("vit_b", "auto"):
        body = raw["options"][o]
        body["failure_rate"] = float(rng.uniform(0, 1))
        body["engineering_hours"] = float(rng.choice([0, 10, 300, 5000]))
        body["maintenance_hours_per_year"] = float(rng.choice([0, 5, 50]))
        body["profile"]["seconds_per_image"] = float(10 ** rng.uniform(-4, 3))
    raw["options"]["hyb"]["review_seconds_per_study"] = float(rng.uniform(0, 40))
    modes = [
        {"mode": "cloud", "gpu_price_per_hour": float(rng.uniform(1, 8)), "utilization": 0.5},
        {**ON_PREM, "server_capex": float(rng.uniform(1e3, 1e5))},
        {
            **ON_PREM,
            "dedicated": False,
            "utilization": float(rng.uniform(0.1, 1)),
            "server_capex": float(rng.uniform(1e3, 1e5)),
        },
    ]
    raw["hardware"] = modes[int(rng.integers(3))]
    for o in ("vit_b", "auto", "hyb"):
        if rng.random() < 0.5:
            raw["options"][o]["hardware"] = modes[int(rng.integers(3))]
    check(raw)
