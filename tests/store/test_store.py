import os
import subprocess
import sys

import duckdb
import pytest

from engine.errors import SegroiError
from engine.store import SCHEMA_VERSION, Store, StoreError, StoreLocked, open_store
from engine.store import store as store_module

PROFILE = {
    "model": "ssl_unet",
    "component": "full",
    "weights": "random",
    "device": "cpu",
    "dtype": "fp32",
    "batch": 1,
    "input_size": "1x256x256",
    "provenance": "measured",
}


def test_default_path_follows_segroi_db(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGROI_DB", str(tmp_path / "x.duckdb"))
    assert open_store().path == tmp_path / "x.duckdb"
    assert (tmp_path / "x.duckdb").exists()


def test_default_path_without_env_is_in_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SEGROI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store_module.default_path() == tmp_path / "segroi" / "segroi.duckdb"


def test_fresh_store_has_current_schema_and_all_tables(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    tables = {r["table_name"] for r in store.query("SELECT table_name FROM information_schema.tables")}
    assert {
        "runs",
        "hardware",
        "profiles",
        "annotation_sessions",
        "annotation_items",
        "evaluations",
        "measurements",
        "training_runs",
        "scenarios",
        "schema_version",
    } <= tables
    assert store.query("SELECT max(version) AS v FROM schema_version")[0]["v"] == SCHEMA_VERSION


def test_old_file_is_upgraded_keeping_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    store = open_store(path)
    store.insert(
        "scenarios", [{"name": "kept", "assumptions": {}, "created_at": "2026-01-01", "updated_at": "2026-01-01"}]
    )
    extra = (
        SCHEMA_VERSION + 1,
        f"{SCHEMA_VERSION + 1:04d}_test.sql",
        "ALTER TABLE scenarios ADD COLUMN owner VARCHAR;",
    )
    real = store_module._migrations
    monkeypatch.setattr(store_module, "_migrations", lambda: real() + [extra])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    upgraded = open_store(path)
    assert "owner" in [
        r["column_name"]
        for r in upgraded.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'scenarios'")
    ]
    assert upgraded.query("SELECT name FROM scenarios") == [{"name": "kept"}]
    assert upgraded.query("SELECT max(version) AS v FROM schema_version")[0]["v"] == SCHEMA_VERSION + 1


def test_file_from_newer_segroi_is_refused_clearly(tmp_path):
    path = tmp_path / "new.duckdb"
    open_store(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (?, 'future', now())", [SCHEMA_VERSION + 7])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="newer segroi") as err:
            open_store(path, read_only=read_only)
        assert isinstance(err.value, SegroiError)


def test_missing_file_reads_as_empty_without_creating_it(tmp_path):
    store = open_store(tmp_path / "absent.duckdb", read_only=True)
    assert store.runs() == [] and store.scenarios() == []
    assert not (tmp_path / "absent.duckdb").exists()


def test_run_writes_rows_and_ok_together(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with store.run("profile", settings={"seconds": 2}, command="segroi profile") as run:
        run.add("profiles", [PROFILE] * 3)
        # nothing of the results is visible while the run computes
        assert store.query("SELECT count(*) AS n FROM profiles")[0]["n"] == 0
        assert store.runs()[0]["status"] == "running"
    (row,) = store.runs()
    assert row["status"] == "ok" and row["pid"] == os.getpid() and row["host"]
    assert store.query("SELECT count(*) AS n FROM profiles WHERE run_id = ?", [run.id])[0]["n"] == 3


def test_failed_run_keeps_reason_and_no_rows(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(RuntimeError):
        with store.run("profile") as run:
            run.add("profiles", [PROFILE])
            raise RuntimeError("CUDA out of memory at batch 256")
    (row,) = store.runs()
    assert row["status"] == "failed" and "out of memory" in row["reason"]
    assert store.query("SELECT count(*) AS n FROM profiles")[0]["n"] == 0


def test_bad_row_fails_the_whole_run_atomically(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(StoreError, match="no column"):
        with store.run("profile") as run:
            run.add("profiles", [PROFILE, {**PROFILE, "not_a_column": 1}])
    assert store.query("SELECT count(*) AS n FROM profiles")[0]["n"] == 0
    assert store.runs()[0]["status"] == "failed"


def test_provenance_must_be_a_known_kind(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(StoreError, match="provenance"):
        store.insert("profiles", [{**PROFILE, "provenance": "guessed"}])


@pytest.mark.parametrize("n, bulk", [(49, 0), (500, 1)])
def test_many_rows_take_the_bulk_path(tmp_path, monkeypatch, n, bulk):
    import pyarrow as pa

    tables = []
    real = pa.table
    monkeypatch.setattr(pa, "table", lambda data, *a, **kw: tables.append(real(data, *a, **kw)) or tables[-1])
    store = open_store(tmp_path / "s.duckdb")
    with store.run("profile") as run:
        run.add("profiles", [{**PROFILE, "batch": i, "images_per_second": i * 1.5} for i in range(n)])
    assert [t.num_rows for t in tables] == [n] * bulk  # one Arrow table of every row, or none
    got = store.query("SELECT sum(batch) AS b, sum(images_per_second) AS ips FROM profiles")[0]
    assert got["b"] == n * (n - 1) // 2 and got["ips"] == pytest.approx(1.5 * n * (n - 1) / 2)


def test_scenarios_save_load_and_replace(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    store.save_scenario("cloud", {"horizon_years": 5}, {"horizon_years": {"kind": "assumed"}})
    store.save_scenario("cloud", {"horizon_years": 3})
    (row,) = store.scenarios()
    assert row["assumptions"] == {"horizon_years": 3} and row["created_at"] <= row["updated_at"]
    store.delete_scenario("cloud")
    assert store.scenarios() == []


def test_running_run_of_a_dead_process_becomes_abandoned(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.insert(
        "runs",
        [
            {
                "id": "r1",
                "kind": "profile",
                "status": "running",
                "started_at": "2026-11-26",
                "host": store_module.socket.gethostname(),
                "pid": dead.pid,
                "segroi_version": "0",
            }
        ],
    )
    open_store(tmp_path / "s.duckdb")
    (row,) = store.runs()
    assert row["status"] == "abandoned" and row["finished_at"] is not None
    assert str(dead.pid) in row["reason"]


def test_running_run_of_a_live_process_is_left_alone(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with store.run("profile"):
        open_store(tmp_path / "s.duckdb")
        assert store.runs()[0]["status"] == "running"


@pytest.mark.slow
def test_reader_waits_for_writer_then_gives_a_clear_message(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time,sys; c=duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        store = Store(path, lock_wait=0.3)
        with pytest.raises(StoreLocked, match="locked by another segroi process"):
            store.runs()
    finally:
        holder.kill()
        holder.wait()
    assert store.runs() == []


def test_annotation_items_stored_before_browser_timing_are_marked_as_timed_the_old_way(tmp_path, monkeypatch):
    path = tmp_path / "v3.duckdb"
    real = store_module._migrations
    monkeypatch.setattr(store_module, "_migrations", lambda: [m for m in real() if m[0] <= 3])
    old = open_store(path)
    for sid, simulated in (("human", False), ("sim", True)):
        old.insert(
            "annotation_sessions",
            [
                {
                    "id": sid,
                    "annotator": "a",
                    "task": "manual",
                    "idle_threshold_seconds": 30.0,
                    "simulated": simulated,
                    "created_at": "2026-01-01",
                    "status": "done",
                }
            ],
        )
        old.insert(
            "annotation_items",
            [
                {
                    "session_id": sid,
                    "frame": "f",
                    "structure": "LV",
                    "task": "manual",
                    "active_seconds": 1.0,
                    "accepted": True,
                    "simulated": simulated,
                    "completed_at": "2026-01-01",
                }
            ],
        )
    monkeypatch.setattr(store_module, "_migrations", real)
    rows = open_store(path).query(
        "SELECT session_id, timing, hidden_seconds, compute_seconds FROM annotation_items ORDER BY session_id"
    )
    assert rows == [
        {"session_id": "human", "timing": "server", "hidden_seconds": None, "compute_seconds": None},
        {"session_id": "sim", "timing": "simulated", "hidden_seconds": None, "compute_seconds": None},
    ]
