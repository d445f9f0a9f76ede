"""Migration 0006: scenarios stored before named options get their kinds written out, keep their
option order and give the same numbers; the published accuracy table exists."""

from __future__ import annotations

import json

import duckdb

from engine import costmodel
from engine.reference import reference_scenario
from engine.store import open_store
from engine.store import store as store_module


def _store_at_version(path, version, monkeypatch):
    real = store_module._migrations
    monkeypatch.setattr(store_module, "_migrations", lambda: [m for m in real() if m[0] <= version])
    open_store(path)
    monkeypatch.setattr(store_module, "_migrations", real)


def test_legacy_scenarios_are_upgraded_in_place(tmp_path, monkeypatch):
    path = tmp_path / "v3.duckdb"
    _store_at_version(path, 3, monkeypatch)
    old = reference_scenario()
    prov = old.pop("provenance")
    for opt in old["options"].values():
        opt.pop("kind", None)
    # as segroi stored it then: keys sorted, no kinds
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO scenarios VALUES ('reference', ?, ?, NULL, now(), now())",
        [json.dumps(old, sort_keys=True), json.dumps(prov, sort_keys=True)],
    )
    odd = {"name": "odd", "options": {"manual": {}, "vit_b": {"kind": "prompted"}}}
    con.execute("INSERT INTO scenarios VALUES ('odd', ?, NULL, NULL, now(), now())", [json.dumps(odd)])
    con.close()

    store = open_store(path)
    rows = {r["name"]: r for r in store.scenarios()}
    up = rows["reference"]["assumptions"]
    assert list(up["options"]) == ["manual", "sam", "ssl"]
    assert [up["options"][o]["kind"] for o in ("manual", "sam", "ssl")] == ["manual", "prompted", "automatic"]
    assert rows["odd"]["assumptions"] == odd  # not a legacy file: left as it was
    before = costmodel.evaluate(costmodel.validate({**old, "provenance": prov}))
    after = costmodel.evaluate(costmodel.validate({**up, "provenance": rows["reference"]["provenance"]}))
    assert after == before
    cols = [
        r["column_name"]
        for r in store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'published_accuracy'"
        )
    ]
    assert {"model", "dataset", "metric", "value", "source", "provenance"} <= set(cols)


def test_option_order_survives_the_store(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    raw = {"name": "x", "options": {"zeta": {"kind": "manual"}, "alpha": {"kind": "automatic"}}}
    store.save_scenario("x", raw)
    assert list(store.scenarios()[0]["assumptions"]["options"]) == ["zeta", "alpha"]
