"""The reference scenario and the H100 anchors: valid, and every default carries its source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import costmodel, reference

ANCHORS_JSON = Path(__file__).resolve().parents[2] / "docs" / "anchors-h100.json"  # the raw rows, in the product


def test_reference_scenario_is_valid_and_fully_sourced():
    s = costmodel.validate(reference.reference_scenario())
    assert s.name == "reference" and s.currency == "USD"
    for field in s.point:
        prov = s.provenance.get(field)
        assert prov, f"{field} has no provenance"
        assert prov["kind"] in costmodel.PROVENANCE_KINDS and prov["source"].strip()
    for field in ("hardware.mode", "hardware.dedicated", "currency"):
        assert field in s.provenance
    assert s.provenance["labour.clinician_wage_per_hour"]["kind"] == "published"
    assert "BLS" in s.provenance["labour.clinician_wage_per_hour"]["source"]
    assert s.provenance["options.manual.seconds_per_structure"]["kind"] == "published"
    assert s.provenance["options.sam.profile.seconds_per_image"]["kind"] == "measured"
    assert reference.ANCHOR_SOURCE in s.provenance["options.ssl.profile.joules_per_image"]["source"]
    assert len(s.uncertain) >= 10


def test_reference_figures_match_references_md():
    s = costmodel.validate(reference.reference_scenario())
    p = s.point
    assert p["labour.clinician_wage_per_hour"] == 37.38
    assert (s.uncertain["labour.clinician_wage_per_hour"].low, s.uncertain["labour.clinician_wage_per_hour"].high) == (
        28.67,
        48.87,
    )
    assert p["options.manual.seconds_per_structure"] == 11.6
    assert p["options.sam.prompt_seconds_per_structure"] == 5.7
    assert p["hardware.gpu_price_per_hour"] == 3.99
    assert p["discount_rate"] == 0.035
    assert 1 / p["options.sam.profile.seconds_per_image"] == pytest.approx(20.2, rel=0.01)
    assert 1 / p["options.ssl.profile.seconds_per_image"] == pytest.approx(4261, rel=0.01)
    assert p["options.ssl.profile.joules_per_image"] == 0.142


def test_reference_answer_is_stable():
    out = costmodel.evaluate(costmodel.validate(reference.reference_scenario()))
    assert out["cheapest"] == "ssl"
    assert out["options"]["manual"]["labour_cost_per_year"] == pytest.approx(10000 * 4 * 3 * 11.6 / 3600 * 37.38 * 1.3)


def test_anchor_rows_fit_the_profiles_table():
    rows = reference.anchor_profile_rows()
    assert len(rows) == 27
    for r in rows:
        assert r["provenance"] == "measured" and r["weights"] == "random"
        assert r["source"].startswith(reference.ANCHOR_SOURCE)
        assert (r.get("seconds_per_image") or r.get("seconds_per_prompt")) > 0
    vit_h = next(r for r in rows if r["model"] == "sam_vit_h" and r["dtype"] == "bf16" and r["batch"] == 8)
    assert vit_h["images_per_second"] == pytest.approx(20.2, rel=0.01)
    assert vit_h["joules_per_image"] == pytest.approx(29.4, rel=0.01)


def test_anchor_rows_match_the_raw_measurement():
    data = json.loads(ANCHORS_JSON.read_text())
    measured = [r for r in data["rows"] if "model" in r]
    rows = reference.anchor_profile_rows()[: len(measured)]
    for raw, row in zip(measured, rows):
        assert row["batch"] == raw["batch"] and row["dtype"] == raw["dtype"]
        if row["component"] == "decoder":
            assert row["joules_per_prompt"] == raw["joule_per_img"]
        else:
            assert row["images_per_second"] == pytest.approx(raw["img_per_s"], rel=1e-9)
            assert row["joules_per_image"] == raw["joule_per_img"]
    assert data["rows"][0]["idle_power_w"] == reference.ANCHOR_IDLE_WATTS


def test_docs_describe_every_field():
    from engine.costmodel.fields import GENERAL, HARDWARE

    docs = (Path(__file__).resolve().parents[2] / "docs" / "assumptions.md").read_text()
    for path in GENERAL:
        assert f"| `{path}` |" in docs, f"docs/assumptions.md does not describe {path}"
    for key in HARDWARE:  # the hardware block's table, for the scenario's block and an option's own
        assert f"| `{key}` |" in docs, f"docs/assumptions.md does not describe hardware {key}"
    for kind, fields in costmodel.KIND_FIELDS.items():  # the options' table, by kind
        for key in fields:
            row = next((line for line in docs.splitlines() if line.startswith(f"| `{key}` |")), None)
            assert row is not None, f"docs/assumptions.md does not describe {kind} {key}"
            letter = {"manual": "manual", "prompted": "P", "automatic": "A", "hybrid": "H"}[kind]
            assert letter in row.split("|")[2], f"docs/assumptions.md: {key} is not marked for {kind}"


def test_demo_anchor_rows_feed_the_cost_model_through_profiling():
    from engine.profiling.to_cost import cost_profile

    rows = [{**r, "run_id": "demo"} for r in reference.anchor_profile_rows()]
    raw = reference.reference_scenario()
    for opt, model in (("sam", "sam_vit_h"), ("ssl", "ssl_unet")):
        raw["options"][opt]["profile"] = cost_profile(rows, model)
    s = costmodel.validate(raw)
    assert s.point["options.sam.profile.seconds_per_image"] == pytest.approx(1 / 20.2, rel=0.01)
    assert costmodel.evaluate(s)["cheapest"] == "ssl"
