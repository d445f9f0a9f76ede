"""Stored profile rows -> the cost model's option `profile`, with provenance the cost model accepts."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.costmodel import evaluate, validate
from engine.errors import SegroiError
from engine.profiling.to_cost import cost_profile, latest_cost_profile

WHEN = dt.datetime(2026, 11, 26, 12, 0)


def _row(**kw):
    row = {
        "run_id": "run-1",
        "model": "sam_vit_h",
        "component": "encoder",
        "weights": "random",
        "device": "cuda",
        "device_name": "NVIDIA H100 80GB HBM3",
        "dtype": "bf16",
        "dtype_mode": "autocast",
        "batch": 8,
        "channels_last": False,
        "compiled": False,
        "cuda_graphs": False,
        "attention": "default",
        "reduced_input": False,
        "seconds_per_image": 0.05,
        "joules_per_image": 29.4,
        "joules_per_image_idle_subtracted": 25.9,
        "seconds_per_prompt": None,
        "joules_per_prompt": None,
        "joules_per_prompt_idle_subtracted": None,
        "average_power_watts": 595.0,
        "energy_method": "nvml_energy_counter",
        "provenance": "measured",
        "measured_at": WHEN,
    }
    row.update(kw)
    return row


def _dec(**kw):
    base = dict(
        component="decoder",
        dtype="fp32",
        dtype_mode="fp32",
        batch=1,
        attention=None,
        seconds_per_image=None,
        joules_per_image=None,
        joules_per_image_idle_subtracted=None,
        seconds_per_prompt=0.0049,
        joules_per_prompt=0.74,
        joules_per_prompt_idle_subtracted=0.4,
        average_power_watts=150.0,
    )
    base.update(kw)
    return _row(**base)


ROWS = [
    _row(),
    _row(
        dtype_mode="weights",
        attention="sdpa",
        seconds_per_image=0.035,
        joules_per_image=20.0,
        joules_per_image_idle_subtracted=17.0,
        average_power_watts=600.0,
    ),
    _row(dtype="fp32", dtype_mode="fp32", batch=1, seconds_per_image=0.19, joules_per_image=115.0),
    _dec(),
    _dec(batch=4, seconds_per_prompt=0.002, joules_per_prompt=0.3),  # faster, but not one-at-a-time
    _row(
        model="ssl_unet",
        component="full",
        batch=256,
        seconds_per_image=0.000235,
        joules_per_image=0.142,
        joules_per_image_idle_subtracted=0.1,
        average_power_watts=605.0,
    ),
]


def test_fastest_encoder_row_and_one_prompt_at_a_time_decoder_row():
    prof = cost_profile(ROWS, "sam_vit_h")
    assert prof["seconds_per_image"] == 0.035 and prof["joules_per_image"] == 20.0
    assert prof["average_power_watts"] == 600.0
    assert prof["seconds_per_prompt"] == 0.0049 and prof["joules_per_prompt"] == 0.74
    p = prof["provenance"]
    assert p["kind"] == "measured" and p["run_id"] == "run-1" and p["date"] == "2026-11-26"
    assert p["hardware"] == "NVIDIA H100 80GB HBM3" and p["weights"] == "random"
    assert "bf16 weights" in p["note"] and "sdpa" in p["note"] and "idle not subtracted" in p["note"]
    assert all(isinstance(v, str) for v in p.values())


def test_idle_subtracted_energy_on_request():
    prof = cost_profile(ROWS, "sam_vit_h", idle_subtracted=True)
    assert prof["joules_per_image"] == 17.0 and prof["joules_per_prompt"] == 0.4
    assert "idle subtracted" in prof["provenance"]["note"]


def test_ssl_profile_has_no_prompt_cost():
    prof = cost_profile(ROWS, "ssl_unet")
    assert prof["seconds_per_image"] == 0.000235 and "seconds_per_prompt" not in prof


def test_profiles_plug_into_the_cost_model():
    raw = {
        "name": "measured",
        "currency": "USD",
        "horizon_years": 3,
        "discount_rate": 0.035,
        "workload": {"studies_per_year": 5000, "frames_per_study": 2, "structures_per_frame": 4},
        "labour": {"clinician_wage_per_hour": 37.38, "engineer_wage_per_hour": 80, "overhead_fraction": 0.3},
        "hardware": {"mode": "cloud", "gpu_price_per_hour": 4.29, "utilization": 0.5},
        "options": {
            "manual": {"seconds_per_structure": 11.6},
            "sam": {
                "prompt_seconds_per_structure": 5.7,
                "failure_rate": 0.3,
                "review_seconds_per_study": 30,
                "engineering_hours": 40,
                "maintenance_hours_per_year": 20,
                "profile": cost_profile(ROWS, "sam_vit_h"),
            },
            "ssl": {
                "failure_rate": 0.1,
                "review_seconds_per_study": 30,
                "engineering_hours": 80,
                "maintenance_hours_per_year": 20,
                "profile": cost_profile(ROWS, "ssl_unet"),
            },
        },
    }
    result = evaluate(validate(raw))["options"]
    # by hand: 5000 studies x 2 frames = 10,000 images, x 4 structures = 40,000 prompts a year; cloud
    # busy seconds / 3600 / utilization x price. SAM: fastest encoder row 0.035 s/image, decoder at one
    # prompt a call 0.0049 s/prompt; SSL: 0.000235 s/image.
    assert result["sam"]["compute_cost_per_year"] == pytest.approx(
        (10_000 * 0.035 + 40_000 * 0.0049) / 3600 / 0.5 * 4.29
    )
    assert result["ssl"]["compute_cost_per_year"] == pytest.approx(10_000 * 0.000235 / 3600 / 0.5 * 4.29)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], "no profile rows"),
        ([_row(joules_per_image=None, energy_method="not_measured"), _dec()], "not_measured"),
        ([_row(reduced_input=True), _dec()], "reduced input size"),
        ([_row(), _row(run_id="run-2"), _dec()], "2 runs"),
        ([_row()], "no decoder"),
        ([_dec()], "no per-image"),
    ],
)
def test_unusable_rows_are_refused_with_the_reason(rows, message):
    with pytest.raises(SegroiError, match=message):
        cost_profile(rows, "sam_vit_h")


def test_idle_subtracted_needs_an_idle_measurement():
    rows = [_row(joules_per_image_idle_subtracted=None), _dec()]
    with pytest.raises(SegroiError, match="no idle power"):
        cost_profile(rows, "sam_vit_h", idle_subtracted=True)


def test_latest_from_the_store_takes_the_newest_ok_run(tmp_path):
    from engine.store import open_store

    store = open_store(tmp_path / "s.duckdb")

    def stored(rows):
        out = []
        for r in rows:
            r = {k: v for k, v in r.items() if k != "run_id"}
            r.setdefault("input_size", "3x1024x1024")
            out.append(r)
        return out

    with store.run("profile") as run:
        run.add("profiles", stored([_row(seconds_per_image=0.5), _dec()]))
    with store.run("profile") as newer:
        newer.add("profiles", stored([_row(seconds_per_image=0.25), _dec()]))
    with pytest.raises(RuntimeError):
        with store.run("profile") as failed:
            failed.add("profiles", stored([_row(seconds_per_image=0.01), _dec()]))
            raise RuntimeError("crash")
    prof = latest_cost_profile(store, "sam_vit_h")
    assert prof["seconds_per_image"] == 0.25 and prof["provenance"]["run_id"] == newer.id
    with pytest.raises(SegroiError, match="no full-size profile"):
        latest_cost_profile(store, "sam_vit_b")


def test_missing_average_power_is_derived_from_energy_and_rate_and_says_so():
    rows = [_row(average_power_watts=None, images_per_second=20.0), _dec()]
    prof = cost_profile(rows, "sam_vit_h")
    assert prof["average_power_watts"] == pytest.approx(29.4 * 20.0)
    assert "derived as joules_per_image x images_per_second" in prof["provenance"]["source"]
    assert "derived" not in cost_profile(ROWS, "sam_vit_h")["provenance"]["source"]


def test_no_average_power_and_no_rate_gives_a_profile_without_it():
    rows = [_row(average_power_watts=None, images_per_second=None), _dec()]
    prof = cost_profile(rows, "sam_vit_h")
    assert "average_power_watts" not in prof
    assert prof["seconds_per_image"] == 0.05 and prof["joules_per_image"] == 29.4
    assert "average power not recorded" in prof["provenance"]["note"]
    from engine import reference

    raw = reference.reference_scenario()
    raw["options"]["sam"]["profile"] = prof  # cloud pricing does not need average power
    assert validate(raw).point["options.sam.profile.average_power_watts"] == 0.0


def test_latest_profile_without_average_power_from_the_store(tmp_path):
    from engine.store import open_store

    store = open_store(tmp_path / "s.duckdb")
    rows = [_row(average_power_watts=None, images_per_second=None), _dec()]
    with store.run("profile") as run:
        run.add(
            "profiles", [{**{k: v for k, v in r.items() if k != "run_id"}, "input_size": "3x1024x1024"} for r in rows]
        )
    prof = latest_cost_profile(store, "sam_vit_h")
    assert "average_power_watts" not in prof and prof["provenance"]["run_id"] == run.id
