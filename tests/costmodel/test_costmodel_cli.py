"""`segroi cost`, `segroi demo` and `segroi scenario`: output shapes, bad input, idempotency."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cm_cases import base
from engine import costmodel
from engine.cli import main
from engine.costmodel import OPTIONS, OUTPUTS

TOML = """
name = "toml case"
currency = "EUR"
horizon_years = 2
discount_rate = 0.0

[workload]
studies_per_year = 1000
frames_per_study = 2
structures_per_frame = 2

[labour]
clinician_wage_per_hour = 36
engineer_wage_per_hour = 100
overhead_fraction = 0

[hardware]
mode = "cloud"
gpu_price_per_hour = 2
utilization = 0.5

[options.manual]
seconds_per_structure = 30

[options.sam]
prompt_seconds_per_structure = 5
failure_rate = 0.5
review_seconds_per_study = 20
engineering_hours = 10
maintenance_hours_per_year = 10

[options.sam.profile]
seconds_per_image = 0.9
joules_per_image = 360
seconds_per_prompt = 0.45
joules_per_prompt = 180

[options.ssl]
failure_rate = 0.25
review_seconds_per_study = 20
engineering_hours = 20
maintenance_hours_per_year = 1
label_images = 100
training_gpu_hours = 3

[options.ssl.profile]
seconds_per_image = 0.09
joules_per_image = 36
average_power_watts = 500
"""


def write(tmp_path, raw, name="a.json"):
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw))
    return str(path)


def run_cli(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_cost_json_has_the_documented_shape(tmp_path, capsys):
    rc, out, err = run_cli(capsys, "cost", "--assumptions", write(tmp_path, base()), "--format", "json")
    assert rc == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["options", "break_even_studies_per_year", "cheapest", "cheapest_by_volume"]
    assert list(data["options"]) == list(OPTIONS)
    for opt in OPTIONS:
        assert list(data["options"][opt]) == list(OUTPUTS)
    assert data == costmodel.evaluate(costmodel.validate(base()))
    assert data["options"]["ssl"]["setup_cost"] == pytest.approx(2066)


def test_cost_table_shows_currency_and_every_option(tmp_path, capsys):
    rc, out, _ = run_cli(capsys, "cost", "--assumptions", write(tmp_path, base()), "--format", "table")
    assert rc == 0
    assert "EUR" in out and "Present cost (EUR)" in out
    for word in ("manual", "sam", "ssl", "Payback", "Cheapest over the horizon: manual"):
        assert word in out
    assert "2,400" in out  # manual present cost


def test_cost_reads_toml_like_json(tmp_path, capsys):
    rc, out, _ = run_cli(capsys, "cost", "--assumptions", write(tmp_path, TOML, "a.toml"), "--format", "json")
    assert rc == 0
    toml_result = json.loads(out)
    raw = base()
    raw["name"] = "toml case"
    assert toml_result == costmodel.evaluate(costmodel.validate(raw))


def test_cost_monte_carlo_and_tornado(tmp_path, capsys):
    raw = base(**{"options.ssl.failure_rate": {"value": 0.25, "low": 0.1, "high": 0.5}})
    path = write(tmp_path, raw)
    rc, out, _ = run_cli(
        capsys, "cost", "--assumptions", path, "--format", "json", "--monte-carlo", "300", "--seed", "4", "--tornado"
    )
    assert rc == 0
    data = json.loads(out)
    assert data["monte_carlo"]["draws"] == 300 and data["monte_carlo"]["seed"] == 4
    assert set(data["monte_carlo"]["p_cheapest"]) == set(OPTIONS)
    assert data["monte_carlo"]["percentiles"]["ssl"]["present_cost"]["p50"] is not None
    assert data["tornado"][0]["field"] == "options.ssl.failure_rate"
    rc, out, _ = run_cli(capsys, "cost", "--assumptions", path, "--monte-carlo", "300", "--tornado")
    assert rc == 0 and "P(cheapest)" in out and "options.ssl.failure_rate" in out


BAD = [
    ("missing file", None, "does not exist"),
    ("json syntax", '{"name": "x",\n "currency": }', "not valid JSON: Expecting value at line 2, column 14"),
    ("duplicate key", '{"name": "x", "name": "y"}', "appears twice"),
    ("empty file", "", "not valid JSON"),
    (
        "validation",
        json.dumps(base(**{"labour.clinician_wage_per_hour": -3})),
        "labour.clinician_wage_per_hour: must not be negative",
    ),
    (
        "wrong type",
        json.dumps(base(**{"workload.studies_per_year": "many"})),
        "workload.studies_per_year: must be a number, got text",
    ),
    (
        "absurd magnitude",
        json.dumps(base(**{"workload.studies_per_year": 1e12})),
        "workload.studies_per_year: must be at most",
    ),
    (
        "NaN literal",
        json.dumps(base()).replace('"discount_rate": 0.0', '"discount_rate": NaN'),
        "discount_rate: must be a finite number",
    ),
    ("top-level list", "[1, 2]", "(top level): must be an object"),
    ("deep nesting", "[" * 100000 + "]" * 100000, "nested too deeply"),
]


@pytest.mark.parametrize("desc,text,fragment", BAD, ids=[b[0] for b in BAD])
def test_cost_bad_input_is_one_line_without_traceback(tmp_path, capsys, desc, text, fragment):
    path = str(tmp_path / "missing.json") if text is None else write(tmp_path, text)
    rc, out, err = run_cli(capsys, "cost", "--assumptions", path)
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("segroi cost: error: ")
    assert fragment in err, err


def test_cost_bad_toml_and_binary_files(tmp_path, capsys):
    rc, _, err = run_cli(capsys, "cost", "--assumptions", write(tmp_path, "name = = 3\n", "b.toml"))
    assert rc == 2 and "not valid TOML" in err and "line 1" in err
    binary = tmp_path / "c.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    rc, _, err = run_cli(capsys, "cost", "--assumptions", str(binary))
    assert rc == 2 and "not UTF-8" in err
    rc, _, err = run_cli(capsys, "cost", "--assumptions", str(tmp_path))
    assert rc == 2 and "is not a file" in err


def test_cost_bad_monte_carlo_count(tmp_path, capsys):
    rc, _, err = run_cli(capsys, "cost", "--assumptions", write(tmp_path, base()), "--monte-carlo", "-4")
    assert rc == 2 and "--monte-carlo" in err


def test_cost_in_a_real_process_prints_no_traceback(tmp_path):
    path = write(tmp_path, base(**{"hardware.utilization": 0}))
    proc = subprocess.run(
        [sys.executable, "-m", "engine.cli", "cost", "--assumptions", path], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"segroi cost: error: {path}: hardware.utilization: must be greater than 0, got 0")


def _counts():
    from engine.store import open_store

    q = open_store(read_only=True).query
    return {
        "demo_runs": q("SELECT count(*) AS n FROM runs WHERE kind = 'demo'")[0]["n"],
        "profiles": q("SELECT count(*) AS n FROM profiles")[0]["n"],
        "hardware": q("SELECT count(*) AS n FROM hardware")[0]["n"],
        "scenarios": q("SELECT count(*) AS n FROM scenarios")[0]["n"],
    }


def test_demo_is_idempotent_and_labels_everything(capsys):
    from engine.store import open_store

    assert main(["demo"]) == 0
    first = _counts()
    assert first == {"demo_runs": 1, "profiles": 27, "hardware": 1, "scenarios": 2}  # reference, reference-ja
    assert main(["demo"]) == 0
    assert _counts() == first
    out = capsys.readouterr().out
    assert "already present" in out
    store = open_store(read_only=True)
    rows = store.query("SELECT DISTINCT provenance, source, weights FROM profiles")
    assert {r["provenance"] for r in rows} == {"measured"}
    assert all(r["source"].startswith("H100 80GB HBM3, random weights, 2026-11-26") for r in rows)
    assert {r["weights"] for r in rows} == {"random"}
    (run,) = store.query("SELECT status FROM runs WHERE kind = 'demo'")
    assert run["status"] == "ok"
    refs = store.scenarios()
    assert [r["name"] for r in refs] == ["reference", "reference-ja"]
    assert [r["assumptions"]["currency"] for r in refs] == ["USD", "JPY"]
    for ref in refs:
        scenario = costmodel.validate({**ref["assumptions"], "provenance": ref["provenance"]})
        assert all(f in scenario.provenance for f in scenario.point)


def test_demo_keeps_an_edited_reference_unless_forced(tmp_path, capsys):
    from engine.store import open_store

    main(["demo"])
    edited = base()
    edited["name"] = "reference"
    assert main(["scenario", "save", write(tmp_path, edited)]) == 0
    main(["demo"])
    assert "kept it" in capsys.readouterr().out
    assert open_store(read_only=True).scenarios()[0]["assumptions"]["currency"] == "EUR"
    main(["demo", "--force"])
    assert open_store(read_only=True).scenarios()[0]["assumptions"]["currency"] == "USD"
    assert _counts()["demo_runs"] == 1


def test_scenario_commands_round_trip(tmp_path, capsys):
    rc, _, err = run_cli(capsys, "cost", "--scenario", "nightly")
    assert rc == 2 and "no scenario named 'nightly'" in err
    raw = base(**{"provenance": {"labour.clinician_wage_per_hour": {"kind": "assumed", "source": "finance"}}})
    assert run_cli(capsys, "scenario", "save", write(tmp_path, raw), "--name", "nightly", "--note", "test")[0] == 0
    rc, out, _ = run_cli(capsys, "scenario", "list", "--format", "json")
    assert [r["name"] for r in json.loads(out)] == ["nightly"]
    rc, shown, _ = run_cli(capsys, "scenario", "show", "nightly")
    shown = json.loads(shown)
    assert shown["name"] == "nightly" and shown["provenance"]["labour.clinician_wage_per_hour"]["source"] == "finance"
    rc, out, _ = run_cli(capsys, "cost", "--scenario", "nightly", "--format", "json")
    assert rc == 0 and json.loads(out)["options"]["manual"]["present_cost"] == pytest.approx(2400)
    rc, _, err = run_cli(capsys, "scenario", "save", write(tmp_path, base(**{"hardware.mode": "gpu"}), "b.json"))
    assert rc == 2 and "hardware.mode" in err
    assert run_cli(capsys, "scenario", "delete", "nightly")[0] == 0
    rc, _, err = run_cli(capsys, "scenario", "delete", "nightly")
    assert rc == 2 and "no scenario named" in err


def test_cost_reference_flag(capsys):
    rc, out, _ = run_cli(capsys, "cost", "--reference", "--format", "json")
    assert rc == 0 and json.loads(out)["cheapest"] == "ssl"


def test_cost_accepts_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(base()).encode())
    rc, out, _ = run_cli(capsys, "cost", "--assumptions", str(path), "--format", "json")
    assert rc == 0 and json.loads(out)["cheapest"] == "manual"


def test_cost_with_named_options_prints_every_option_and_the_volume_bands(tmp_path, capsys):
    from cm_cases import ON_PREM, named

    raw = named(**{"options.vit_b.hardware": ON_PREM})
    rc, out, err = run_cli(capsys, "cost", "--assumptions", write(tmp_path, raw), "--format", "json")
    assert rc == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["options", "cheapest", "cheapest_by_volume"]
    assert list(data["options"]) == ["hand", "vit_b", "auto", "hyb"]
    assert data["cheapest_by_volume"][-1]["to_studies_per_year"] is None
    rc, out, _ = run_cli(capsys, "cost", "--assumptions", write(tmp_path, raw), "--tornado", "--monte-carlo", "200")
    assert rc == 0
    for words in (
        "hand",
        "vit_b",
        "auto",
        "hyb",
        "On their own hardware: vit_b (on-prem, dedicated)",
        "Hybrids: hyb = auto, then vit_b for its failures",
        "Cheapest by yearly volume",
        "P(cheapest)",
    ):
        assert words in out, words
    assert "SAM and SSL cost the same" not in out  # no options named sam and ssl
    raw["options"]["hyb"]["prompted"] = "auto"
    rc, _, err = run_cli(capsys, "cost", "--assumptions", write(tmp_path, raw))
    assert rc == 2 and err.strip().endswith("options.hyb.prompted: must name a prompted option; auto is automatic")
