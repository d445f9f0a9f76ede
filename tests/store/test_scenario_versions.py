"""Saved scenarios keep their versions: who saved, when, and which inputs changed."""

import copy

from engine import reference
from engine.store import open_store
from engine.store import versions


def _parts():
    raw = reference.reference_scenario()
    prov = raw.pop("provenance")
    return raw, prov


def test_each_save_is_a_version_with_what_changed():
    store = open_store()
    raw, prov = _parts()
    assert store.save_scenario("site", raw, prov, saved_by="ana") == 1
    edited = copy.deepcopy(raw)
    edited["labour"]["engineer_wage_per_hour"] = 75
    edited["workload"]["studies_per_year"] = 3000
    prov2 = dict(prov, **{"labour.engineer_wage_per_hour": {"kind": "assumed", "source": "HR, 2026"}})
    assert store.save_scenario("site", edited, prov2, saved_by="ben") == 2
    assert store.save_scenario("site", edited, prov2) == 3
    rows = versions.versions(store, "site")
    assert [(r["version"], r["saved_by"]) for r in rows] == [(3, None), (2, "ben"), (1, "ana")]
    assert sorted(rows[1]["changed"]) == ["labour.engineer_wage_per_hour", "workload.studies_per_year"]
    assert rows[0]["changed"] == [] and rows[2]["changed"] == []
    old = versions.version(store, "site", 1)
    assert old["assumptions"]["labour"]["engineer_wage_per_hour"] == raw["labour"]["engineer_wage_per_hour"]
    assert versions.version(store, "site", 9) is None
    # deleting the scenario keeps its history
    store.execute("DELETE FROM scenarios WHERE name = ?", ["site"])
    assert len(versions.versions(store, "site")) == 3


def test_a_changed_source_alone_is_a_change():
    raw, prov = _parts()
    prov2 = dict(prov, **{"hardware.pue": {"kind": "measured", "source": "facilities, 2026"}})
    assert versions.changed_fields(raw, raw, prov, prov2) == ["hardware.pue"]
    assert versions.changed_fields(None, raw) == []
