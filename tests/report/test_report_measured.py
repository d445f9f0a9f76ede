"""Cost-model inputs from measured runs: hand-computed from small stored rows."""

import pytest
from report_rows import add_annotation_items, add_evaluations, add_profiles, add_training_run

from engine.report import measured
from engine.store import open_store


def _by_field(cands):
    return {c["field"]: c for c in cands}


def test_empty_store_gives_nothing():
    assert measured.candidates(open_store(read_only=True)) == []


def test_annotation_times_and_rejections():
    store = open_store()
    add_annotation_items(store)
    c = _by_field(measured.candidates(store))
    assert c["options.manual.seconds_per_structure"]["value"] == pytest.approx(12.0)
    assert c["options.manual.seconds_per_structure"]["kind"] == "measured"
    assert c["options.manual.seconds_per_structure"]["ci"] is not None
    assert c["options.sam.prompt_seconds_per_structure"]["value"] == pytest.approx(6.0)
    # ssl review: study s1 4+6 = 10 s, study s2 8 s -> mean 9 s per study
    assert c["options.ssl.review_seconds_per_study"]["value"] == pytest.approx(9.0)
    assert c["options.sam.failure_rate"]["value"] == pytest.approx(0.25)
    assert c["options.ssl.failure_rate"]["value"] == pytest.approx(1 / 3)


def test_simulated_items_are_used_only_without_human_ones_and_say_so():
    store = open_store()
    add_annotation_items(store, simulated=True)
    c = _by_field(measured.candidates(store))
    assert c["options.manual.seconds_per_structure"]["kind"] == "simulated"
    assert "simulated" in c["options.manual.seconds_per_structure"]["source"]
    add_annotation_items(store, simulated=False)
    c = _by_field(measured.candidates(store))
    assert c["options.manual.seconds_per_structure"]["kind"] == "measured"
    assert c["options.manual.seconds_per_structure"]["n"] == 3  # human items only, never mixed


def test_failure_rates_from_evaluations_take_precedence_and_name_the_threshold():
    store = open_store()
    add_annotation_items(store)
    add_evaluations(store)
    c = _by_field(measured.candidates(store))
    assert c["options.ssl.failure_rate"]["value"] == pytest.approx(0.25)   # 0.7 < 0.8
    assert c["options.sam.failure_rate"]["value"] == pytest.approx(0.5)    # 0.6, 0.75 < 0.8
    assert "Dice < 0.8" in c["options.sam.failure_rate"]["source"]
    c = _by_field(measured.candidates(store, threshold=0.65))
    assert c["options.sam.failure_rate"]["value"] == pytest.approx(0.25)
    table = measured.failure_table(measured.data.evaluations(store), 0.8)
    assert dict(zip(table["model"], table["failed"])) == {"sam_vit_b": 2, "ssl_unet": 1}


def test_compute_from_the_fastest_gpu_profile_and_training_hours():
    store = open_store()
    run_id = add_profiles(store)
    add_training_run(store)
    c = _by_field(measured.candidates(store))
    assert c["options.ssl.profile.seconds_per_image"]["value"] == pytest.approx(0.00025)  # GPU before CPU
    assert c["options.ssl.profile.joules_per_image"]["value"] == pytest.approx(0.15)
    assert c["options.sam.profile.seconds_per_image"]["value"] == pytest.approx(0.02)
    assert c["options.sam.profile.seconds_per_prompt"]["value"] == pytest.approx(0.004)
    assert c["options.sam.profile.joules_per_prompt"]["value"] == pytest.approx(0.6)
    assert c["options.ssl.training_gpu_hours"]["value"] == pytest.approx(0.5)
    assert run_id[:8] in c["options.ssl.profile.seconds_per_image"]["source"]
    assert "Test GPU" in c["options.ssl.profile.seconds_per_image"]["source"]
    values, prov = measured.as_update(list(_by_field(measured.candidates(store)).values()))
    assert prov["options.ssl.training_gpu_hours"]["kind"] == "measured"
