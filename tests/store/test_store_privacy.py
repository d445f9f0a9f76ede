"""The store's files are for the user only (0600, folders 0700), and annotator pseudonyms are keyed
with the install's salt; pseudonyms stored before schema version 4 are replaced (migration 0004)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from importlib import resources

import duckdb
import pytest

from engine.annotation.session import pseudonym, start_session
from engine.store import open_store


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_database_and_its_wal_are_created_0600(tmp_path, umask_022):
    db = tmp_path / "new" / "folder" / "segroi.duckdb"
    store = open_store(db)
    store.save_scenario("s", {"name": "s"}, {})
    assert _mode(db) == 0o600 and _mode(db.parent) == 0o700
    with store.connect() as con:  # a write in progress: DuckDB's write-ahead log exists now
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO scenarios VALUES ('t', '{}', '{}', NULL, now(), now())")
        con.execute("COMMIT")
        wal = db.with_name(db.name + ".wal")
        assert wal.exists() and _mode(wal) == 0o600
        probe = tmp_path / "probe"
        probe.write_text("x")  # other files made meanwhile are private too (the umask is shared)
        assert _mode(probe) == 0o600
    assert os.umask(0o022) == 0o022  # put back as it was
    (tmp_path / "after").write_text("x")
    assert _mode(tmp_path / "after") == 0o644


def test_a_readable_old_store_is_tightened_on_the_next_write(tmp_path, umask_022):
    db = tmp_path / "segroi.duckdb"
    open_store(db).save_scenario("s", {"name": "s"}, {})
    os.chmod(db, 0o644)
    assert _mode(db) == 0o644
    open_store(db, read_only=True).scenarios()  # reading changes nothing
    assert _mode(db) == 0o644
    open_store(db).save_scenario("t", {"name": "t"}, {})
    assert _mode(db) == 0o600


def test_the_salt_file_is_0600_and_no_planted_link_is_followed(tmp_path, monkeypatch, umask_022):
    from engine.data import privacy

    folder = tmp_path / "data"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (folder / f".salt.{os.getpid()}").symlink_to(victim)  # the old fixed temporary name
    monkeypatch.delenv("SEGROI_SALT", raising=False)
    monkeypatch.setattr(privacy, "_cached", None)
    monkeypatch.setattr(privacy, "salt_path", lambda: folder / "salt")
    salt = privacy.default_salt()
    assert victim.read_text() == "keep me"
    assert (folder / "salt").read_text() == salt and _mode(folder / "salt") == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [f".salt.{os.getpid()}", "salt"]


def test_pseudonyms_are_keyed_with_the_salt(monkeypatch):
    expected = "ann-" + hmac.new(b"site-a", b"segroi-annotator:dr example", hashlib.sha256).hexdigest()[:12]
    assert pseudonym("  Dr Example ", salt="site-a") == expected
    assert pseudonym("Dr Example", salt="site-b") != expected
    monkeypatch.setenv("SEGROI_SALT", "site-a")
    assert pseudonym("dr example") == expected
    # the unsalted hash a guesser would try no longer matches anything stored
    unsalted = "ann-" + hashlib.sha256(b"segroi-annotator:dr example").hexdigest()
    assert not unsalted.startswith(expected) and not expected.startswith(unsalted[:14])


def _version_3_store(path):
    """A store as segroi wrote it before this change: schema 1-3, legacy unsalted pseudonyms."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
    for entry in sorted(resources.files("engine.store.migrations").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql") and int(entry.name[:4]) <= 3:
            con.execute(entry.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [int(entry.name[:4]), entry.name])
    legacy = {
        name: "ann-" + hashlib.sha256(f"segroi-annotator:{name}".encode()).hexdigest()[:10] for name in ("alice", "bob")
    }
    for i, who in enumerate(["alice", "alice", "bob"]):
        con.execute(
            "INSERT INTO annotation_sessions (id, annotator, task, dataset, frames_planned, "
            "idle_threshold_seconds, simulated, settings, created_at, status) "
            "VALUES (?, ?, 'manual', 'phantom', 2, 30, FALSE, '{}', now(), 'done')",
            [f"s{i}", legacy[who]],
        )
    con.execute(
        "INSERT INTO annotation_sessions (id, annotator, task, dataset, frames_planned, idle_threshold_seconds, "
        "simulated, settings, created_at, status) VALUES ('sim', 'simulated-annotator', 'manual', 'phantom', 2, "
        "30, TRUE, '{}', now(), 'done')"
    )
    source = f"annotation session s0 ({legacy['alice']}, 2026-11-01, manual, phantom)"
    prov = {"options.manual.seconds_per_structure": {"kind": "measured", "source": source}}
    gone = "ann-" + hashlib.sha256(b"segroi-annotator:carol").hexdigest()[:10]  # her session was deleted
    con.execute(
        "INSERT INTO scenarios VALUES ('measured', ?, ?, ?, now(), now())",
        [json.dumps({"name": "measured", "provenance": prov}), json.dumps(prov), f"from {gone}"],
    )
    con.execute("INSERT INTO scenarios VALUES ('plain', '{\"name\": \"plain\"}', NULL, NULL, now(), now())")
    con.close()
    return legacy, gone


def test_migration_0004_replaces_legacy_pseudonyms_consistently(tmp_path):
    db = tmp_path / "old.duckdb"
    legacy, gone = _version_3_store(db)
    store = open_store(db)  # migrates to the current version
    rows = {r["id"]: r["annotator"] for r in store.query("SELECT id, annotator FROM annotation_sessions")}
    assert rows["sim"] == "simulated-annotator"
    assert rows["s0"] == rows["s1"] != rows["s2"]  # alice's sessions still belong together
    assert all(re.fullmatch(r"ann-x[0-9a-f]{11}", rows[s]) for s in ("s0", "s1", "s2"))
    dump = json.dumps(store.query("SELECT * FROM scenarios"), default=str) + json.dumps(rows)
    for old in [*legacy.values(), gone]:
        assert old not in dump
    scenario = {r["name"]: r for r in store.scenarios()}
    source = scenario["measured"]["provenance"]["options.manual.seconds_per_structure"]["source"]
    assert f"({rows['s0']}, 2026-11-01" in source
    assert scenario["measured"]["assumptions"]["provenance"]["options.manual.seconds_per_structure"]["source"] == source
    assert scenario["measured"]["note"] == "from ann-removed"
    assert scenario["plain"]["assumptions"] == {"name": "plain"} and scenario["plain"]["provenance"] == {}
    start_session(store, pseudonym("alice"), "manual", dataset="phantom", frames_planned=1, idle_threshold_seconds=30)
    assert len({r["annotator"] for r in store.query("SELECT annotator FROM annotation_sessions")}) == 4
