"""Migration 0012: a scenario stored before versions existed becomes its own version 1 (saved by nobody
known, nothing marked changed), and the next save is version 2 with the inputs that changed."""

from __future__ import annotations

import json

import duckdb

from engine.reference import reference_parts
from engine.store import open_store
from engine.store import store as store_module
from engine.store.versions import version, versions


def _store_at_version(path, number, monkeypatch):
    real = store_module._migrations
    monkeypatch.setattr(store_module, "_migrations", lambda: [m for m in real() if m[0] <= number])
    open_store(path)
    monkeypatch.setattr(store_module, "_migrations", real)


def test_a_scenario_stored_before_versions_becomes_version_1(tmp_path, monkeypatch):
    path = tmp_path / "v11.duckdb"
    _store_at_version(path, 11, monkeypatch)
    assumptions, provenance = reference_parts()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO scenarios VALUES ('site', ?, ?, 'our own figures', TIMESTAMP '2026-10-01 09:00:00', "
        "TIMESTAMP '2026-10-02 10:30:00')",
        [json.dumps(assumptions), json.dumps(provenance)],
    )
    assert not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'scenario_versions'"
    ).fetchone()[0]
    con.close()

    store = open_store(path)  # applies 0012 and later
    [v1] = versions(store, "site")
    assert v1["version"] == 1 and v1["saved_by"] is None and v1["changed"] == [] and v1["note"] == "our own figures"
    assert str(v1["saved_at"]).startswith("2026-10-02 10:30")  # when it was last updated, not today
    whole = version(store, "site", 1)
    assert whole["assumptions"] == assumptions and whole["provenance"] == provenance

    edited = json.loads(json.dumps(assumptions))
    edited["labour"]["engineer_wage_per_hour"]["value"] = 75.0
    store.save_scenario("site", edited, provenance, note="wage from HR", saved_by="ann-test")
    newest = versions(store, "site")
    assert [v["version"] for v in newest] == [2, 1]
    assert newest[0]["changed"] == ["labour.engineer_wage_per_hour"] and newest[0]["saved_by"] == "ann-test"
