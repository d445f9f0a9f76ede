"""Crash safety and concurrent use of the store, with real processes."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from engine.store import open_store

WRITER = textwrap.dedent("""
    import sys, time
    from engine.store import open_store
    store = open_store(sys.argv[1])
    runs, rows, pause = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    row = {"model": "ssl_unet", "component": "full", "weights": "random", "device": "cpu",
           "dtype": "fp32", "batch": 1, "input_size": "1x64x64", "provenance": "measured"}
    print("started", flush=True)
    for i in range(runs):
        with store.run("profile", settings={"i": i}) as run:
            time.sleep(pause)  # "computing": no lock is held here
            run.add("profiles", [dict(row, batch=j) for j in range(rows)])
    print("done", flush=True)
""")


def _start_writer(path, runs, rows, pause):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(runs), str(rows), str(pause)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "started"
    return proc


def _assert_consistent(store, rows_per_run):
    """Every result row belongs to a finished run, and every finished run has all its rows."""
    orphans = store.query("SELECT count(*) AS n FROM profiles p JOIN runs r ON r.id = p.run_id WHERE r.status <> 'ok'")
    assert orphans[0]["n"] == 0
    counts = store.query(
        "SELECT r.id, count(p.run_id) AS n FROM runs r LEFT JOIN profiles p ON p.run_id = r.id "
        "WHERE r.status = 'ok' GROUP BY r.id"
    )
    assert all(c["n"] == rows_per_run for c in counts)
    assert not [r for r in store.runs(limit=10_000) if r["status"] == "running"]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.3, 0.7, 1.1, 1.6])
def test_sigkill_at_any_moment_leaves_a_consistent_store(tmp_path, delay):
    path = tmp_path / "s.duckdb"
    open_store(path)
    # Short pauses and large runs, so kills land in computing and in writing alike.
    proc = _start_writer(path, runs=200, rows=2000, pause=0.02)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = open_store(path)  # a writer open marks the dead process's run abandoned
    statuses = {r["status"] for r in store.runs(limit=10_000)}
    assert statuses <= {"ok", "abandoned"}
    _assert_consistent(store, rows_per_run=2000)


@pytest.mark.slow
def test_killed_run_is_listed_as_abandoned_by_segroi_runs(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path)
    proc = _start_writer(path, runs=1, rows=10, pause=30)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    out = subprocess.run(
        [sys.executable, "-m", "engine.cli", "runs", "--format", "json"],
        env={**os.environ, "SEGROI_DB": str(path)},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    # `segroi runs` only reads; the next writer open is what marks the run abandoned.
    open_store(path)
    (run,) = open_store(path).runs()
    assert run["status"] == "abandoned" and str(proc.pid) in run["reason"]
    assert open_store(path).query("SELECT count(*) AS n FROM profiles")[0]["n"] == 0


@pytest.mark.slow
def test_readers_succeed_while_a_writer_works(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path)
    runs, rows = 40, 200
    proc = _start_writer(path, runs=runs, rows=rows, pause=0.05)
    reader = open_store(path, read_only=True)
    calls, errors, seen = 0, [], []
    while proc.poll() is None:
        try:
            seen.append(reader.query("SELECT count(*) AS n FROM profiles")[0]["n"])
            reader.runs()
            calls += 1
        except Exception as exc:  # any failure of a reader is what this test counts
            errors.append(repr(exc))
    assert proc.wait() == 0
    assert errors == [] and calls > 20
    assert seen == sorted(seen)  # rows only ever appear, whole runs at a time
    assert all(n % rows == 0 for n in seen)
    assert reader.query("SELECT count(*) AS n FROM profiles")[0]["n"] == runs * rows
    _assert_consistent(reader, rows_per_run=rows)
