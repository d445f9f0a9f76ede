"""Cost-model inputs from measured runs, checked by hand against small stored rows."""

import pytest
from report_rows import add_annotation_items, add_evaluations, add_profiles, add_training_run

from engine import costmodel, reference
from engine.report import measured
from engine.store import open_store, results


def _by_field(cands):
    return {c["field"]: c for c in cands}


def test_empty_store_gives_nothing():
    assert measured.candidates(open_store(read_only=True)) == []


def test_annotation_times_and_rejections_with_intervals():
    store = open_store()
    add_annotation_items(store)
    c = _by_field(measured.candidates(store))
    manual = c["options.manual.seconds_per_structure"]
    assert manual["value"] == pytest.approx(12.0) and manual["kind"] == "measured"
    assert manual["leaf"]["low"] < 12.0 < manual["leaf"]["high"] and manual["leaf"]["dist"] == "lognormal"
    assert c["options.sam.failure_rate"]["leaf"]["dist"] == "beta"
    assert c["options.sam.prompt_seconds_per_structure"]["value"] == pytest.approx(6.0)
    # ssl review: (4 + 6 + 8) / 3 = 6 s per structure x 3 structures x 4 frames (reference workload)
    assert c["options.ssl.review_seconds_per_study"]["value"] == pytest.approx(72.0)
    assert c["options.sam.failure_rate"]["value"] == pytest.approx(0.25)
    assert c["options.ssl.failure_rate"]["value"] == pytest.approx(1 / 3)


def test_simulated_items_are_used_only_without_human_ones_and_say_so():
    store = open_store()
    add_annotation_items(store, simulated=True)
    c = _by_field(measured.candidates(store))
    assert c["options.manual.seconds_per_structure"]["kind"] == "simulated"
    assert "simulated annotator" in c["options.manual.seconds_per_structure"]["source"]
    add_annotation_items(store, simulated=False)
    c = _by_field(measured.candidates(store))
    assert c["options.manual.seconds_per_structure"]["kind"] == "measured"
    assert "n = 3" in c["options.manual.seconds_per_structure"]["source"]  # human items only, never mixed


def _with_vit_b(raw=None):
    raw = raw or reference.reference_scenario()
    body, prov = reference.option_template("sam_vit_b", raw)
    return costmodel.add_option(raw, "sam_vit_b", body, prov)


def test_failure_rates_from_evaluations_take_precedence_and_name_the_threshold():
    store = open_store()
    add_annotation_items(store)
    add_evaluations(store)
    c = _by_field(measured.candidates(store, _with_vit_b()))
    assert c["options.ssl.failure_rate"]["value"] == pytest.approx(0.25)  # 0.7 < 0.8
    assert c["options.sam_vit_b.failure_rate"]["value"] == pytest.approx(0.5)  # 0.6, 0.75 < 0.8
    # 2 of 4: Beta(2.5, 2.5), whose percentiles integrate to 0.12275 and 0.87725
    assert c["options.sam_vit_b.failure_rate"]["leaf"] == {
        "value": 0.5,
        "low": pytest.approx(0.12275, abs=1e-4),
        "high": pytest.approx(0.87725, abs=1e-4),
        "dist": "beta",
    }
    assert "Dice < 0.8" in c["options.sam_vit_b.failure_rate"]["source"]
    # the reference's SAM is ViT-H: ViT-B accuracy is not its accuracy; it keeps the annotation rate
    assert c["options.sam.failure_rate"]["basis"] == "annotation"
    c = _by_field(measured.candidates(store, _with_vit_b(), threshold=0.65))
    assert c["options.sam_vit_b.failure_rate"]["value"] == pytest.approx(0.25)
    table = measured.failure_table(results.evaluations(store), 0.8)
    assert dict(zip(table["model"], table["failed"])) == {"sam_vit_b": 2, "ssl_unet": 1}


def test_compute_from_the_latest_gpu_profile_and_training_hours():
    store = open_store()
    run_id = add_profiles(store)
    add_training_run(store)
    c = _by_field(measured.candidates(store, _with_vit_b()))
    assert c["options.ssl.profile.seconds_per_image"]["value"] == pytest.approx(0.00025)  # GPU before CPU
    assert c["options.ssl.profile.joules_per_image"]["value"] == pytest.approx(0.15)
    assert c["options.sam_vit_b.profile.seconds_per_image"]["value"] == pytest.approx(0.02)
    assert c["options.sam_vit_b.profile.seconds_per_prompt"]["value"] == pytest.approx(0.004)
    assert c["options.sam_vit_b.profile.joules_per_prompt"]["value"] == pytest.approx(0.6)
    # SAM ViT-B rows fill the ViT-B option, never the reference's ViT-H one
    assert not [f for f in c if f.startswith("options.sam.profile.")]
    assert c["options.ssl.training_gpu_hours"]["value"] == pytest.approx(0.5)
    assert run_id in c["options.ssl.profile.seconds_per_image"]["source"]
    assert "Test GPU" in c["options.ssl.profile.seconds_per_image"]["source"]


def test_a_gpu_profile_without_average_power_still_gives_its_compute():
    store = open_store()
    row = {
        "model": "ssl_unet",
        "component": "full",
        "weights": "random",
        "device": "cuda",
        "device_name": "Test GPU",
        "dtype": "bf16",
        "batch": 64,
        "input_size": "1x256x256",
        "seconds_per_image": 0.00025,
        "joules_per_image": 0.15,
        "energy_method": "nvml_energy_counter",
        "provenance": "measured",
    }
    with store.run("profile") as run:
        run.add("profiles", [row])
    c = _by_field(measured.candidates(store))
    assert c["options.ssl.profile.seconds_per_image"]["value"] == pytest.approx(0.00025)
    assert "options.ssl.profile.average_power_watts" not in c
    assert run.id in c["options.ssl.profile.joules_per_image"]["source"]


def test_applying_every_candidate_gives_a_valid_scenario_that_says_where_numbers_came_from():
    store = open_store()
    add_annotation_items(store)
    add_evaluations(store)
    add_profiles(store)
    add_training_run(store)
    raw = _with_vit_b()
    before = _with_vit_b()
    cands = measured.candidates(store, raw)
    scenario = costmodel.validate(measured.apply(raw, cands))
    assert scenario.point["options.manual.seconds_per_structure"] == pytest.approx(12.0)
    assert scenario.provenance["options.sam_vit_b.failure_rate"]["kind"] == "measured"
    assert scenario.to_dict()["options"]["sam_vit_b"]["profile"]["provenance"]["model"] == "sam_vit_b"
    assert raw == before  # the input is not modified


def test_items_timed_the_old_way_stay_out_unless_included_and_a_mix_is_named():
    store = open_store()
    add_annotation_items(store, timing="browser", session="sess-new")
    add_annotation_items(store, timing="server", session="sess-old")  # same times, old way
    assert measured.old_annotation_items(store) == 10
    manual = _by_field(measured.candidates(store))["options.manual.seconds_per_structure"]
    assert "n = 3" in manual["source"] and "10 item(s) timed the old way" in manual["source"]
    assert "left out" in manual["source"] and "sess-old" not in manual["source"]
    mixed = _by_field(measured.candidates(store, include_old=True))["options.manual.seconds_per_structure"]
    assert "n = 6" in mixed["source"] and "mixed: 10 item(s) timed in the browser and 10 item(s)" in mixed["source"]
    assert mixed["value"] == pytest.approx(12.0)


def test_each_kind_of_option_gets_what_measures_it():
    from engine import costmodel as cm

    store = open_store()
    add_annotation_items(store)
    add_profiles(store)
    add_training_run(store)
    raw = _with_vit_b()
    body, prov = reference.option_template("hybrid", raw)
    raw = cm.add_option(raw, "hybrid", body, prov)
    c = _by_field(measured.candidates(store, raw))
    # prompting time is the person's: every prompted option; review and training: every automatic one
    assert {f for f in c if f.endswith("prompt_seconds_per_structure")} == {
        "options.sam.prompt_seconds_per_structure",
        "options.sam_vit_b.prompt_seconds_per_structure",
    }
    assert "options.ssl.training_gpu_hours" in c and "options.ssl.review_seconds_per_study" in c
    assert not [f for f in c if f.startswith("options.hybrid.")]  # built from the others
    assert measured.option_model("sam_vit_l", {"kind": "prompted"}) == "sam_vit_l"
    assert measured.option_model("mine", {"kind": "prompted"}) is None
    assert measured.option_model("x", {"kind": "automatic"}) == "ssl_unet"
