"""`segroi report --out results.xlsx | results.csv`: results per option, assumptions, measured runs."""

import csv
import json

import pytest
from openpyxl import load_workbook

from engine.cli import main


def _cost_json(capsys) -> dict:
    """The same scenario through `segroi cost --format json`: a second path to the figures."""
    capsys.readouterr()
    assert main(["cost", "--scenario", "reference", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_xlsx_has_results_assumptions_and_runs(tmp_path, capsys):
    assert main(["demo"]) == 0
    out = tmp_path / "results.xlsx"
    assert main(["report", "--out", str(out)]) == 0
    cost = _cost_json(capsys)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Results", "Assumptions", "Measured runs"]

    rows = list(wb["Results"].iter_rows(values_only=True))
    head = rows[0]
    by_key = {r[head.index("Option key")]: dict(zip(head, r)) for r in rows[1:]}
    assert set(by_key) == {"manual", "sam", "ssl"}
    for name, figures in cost["options"].items():
        assert by_key[name]["Present cost"] == pytest.approx(figures["present_cost"])
        assert by_key[name]["Cost per study"] == pytest.approx(figures["cost_per_study"])
        assert by_key[name]["Currency"] == "USD"
    assert by_key["manual"]["Payback (months)"] is None  # manual has no payback: an empty cell, not "n/a"
    assert 0 <= by_key["ssl"]["Cheapest in this share of uncertainty draws"] <= 1

    rows = list(wb["Assumptions"].iter_rows(values_only=True))
    head = rows[0]
    wage = next(dict(zip(head, r)) for r in rows[1:] if r[1] == "labour.clinician_wage_per_hour")
    # the BLS median and its 10th-90th percentiles (engine/reference.py cites them), in dollars per hour
    assert (wage["Value"], wage["low"], wage["high"]) == (37.38, 28.67, 48.87)
    assert wage["Unit"] == "USD/h" and wage["Provenance"] == "published"
    assert wage["Source"].startswith("US BLS OEWS")
    overhead = next(dict(zip(head, r)) for r in rows[1:] if r[1] == "labour.overhead_fraction")
    assert overhead["Value"] == 0.3 and overhead["Unit"] == "fraction (0-1)"

    rows = list(wb["Measured runs"].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the demo's H100 reference run
    run = dict(zip(rows[0], rows[1]))
    assert run["Measured (UTC)"].startswith("2026-11-26")  # when the H100 figures were measured, not loaded
    assert run["Hardware"] == "NVIDIA H100 80GB HBM3"


def test_csv_writes_three_tables_in_japanese(tmp_path, capsys):
    assert main(["demo"]) == 0
    out = tmp_path / "results.csv"
    assert main(["report", "--out", str(out), "--lang", "ja"]) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["results-assumptions.csv", "results-runs.csv", "results.csv"]
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["選択肢", "選択肢のキー"]
    assert [r[1] for r in rows[1:]] == ["manual", "sam", "ssl"]
    with open(tmp_path / "results-assumptions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    wage = next(r for r in rows if r["項目のキー"] == "labour.clinician_wage_per_hour")
    assert wage["仮定"] == "臨床担当者の時給" and float(wage["値"]) == 37.38 and wage["出典の種類"] == "文献値"


def test_report_refuses_other_file_kinds(tmp_path, capsys):
    assert main(["demo"]) == 0
    assert main(["report", "--out", str(tmp_path / "a.ods")]) == 2
    err = capsys.readouterr().err
    assert ".pdf, .xlsx or .csv" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())
