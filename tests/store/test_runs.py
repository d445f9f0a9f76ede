"""Runs: one list of kinds, the command recorded once (by engine.cli.main), and a dead run told from a
live one by its process's start time as well as its pid."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from engine.store import RunKind, StoreError, command_line, open_store
from engine.store import store as store_module


def _running_row(store, run_id: str, pid: int, started: dt.datetime | None) -> None:
    store.insert(
        "runs",
        [
            {
                "id": run_id,
                "kind": "profile",
                "status": "running",
                "started_at": "2026-11-26",
                "host": store_module.socket.gethostname(),
                "pid": pid,
                "process_started_at": started,
                "segroi_version": "0",
            }
        ],
    )


def _status(store, run_id: str) -> str:
    return next(r["status"] for r in store.runs() if r["id"] == run_id)


def test_run_kinds_are_the_five_segroi_stores():
    assert [str(k) for k in RunKind] == ["profile", "evaluate", "train-ssl", "annotate-sim", "demo"]


def test_an_unknown_kind_is_refused_before_anything_is_written(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(StoreError, match="unknown run kind 'train_ssl'"):
        with store.run("train_ssl"):
            pass
    assert store.runs() == []


def test_the_command_comes_from_cli_main_not_the_host_process(tmp_path, monkeypatch, capsys):
    from engine import cli

    monkeypatch.setattr(sys, "argv", ["host-program", "--flag"])
    assert cli.main(["demo"]) == 0
    (run,) = open_store().runs()
    assert run["kind"] == "demo" and run["command"] == "segroi demo"


def test_a_run_outside_any_command_records_none_and_command_line_nests(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with store.run(RunKind.PROFILE):
        pass
    with command_line("segroi outer"):
        with command_line("segroi inner"):
            with store.run(RunKind.PROFILE):
                pass
        with store.run(RunKind.EVALUATE):
            pass
    oldest_first = [(r["kind"], r["command"]) for r in reversed(store.runs())]
    assert oldest_first == [("profile", None), ("profile", "segroi inner"), ("evaluate", "segroi outer")]


def test_process_start_time_is_when_the_process_started():
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        after = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        started = store_module._process_start(child.pid)
        # the kernel's start time has 10 ms steps and a boot time in whole seconds
        assert before - dt.timedelta(seconds=1.5) <= started <= after + dt.timedelta(seconds=1.5)
    finally:
        child.kill()
        child.wait()
    assert store_module._process_start(child.pid) is None  # gone (reaped)


def test_a_reused_pid_does_not_keep_a_dead_run_running(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.1)
        now_start = store_module._process_start(live.pid)
        # r-old: a run whose process started an hour earlier and died; its pid now belongs to `live`
        _running_row(store, "r-old", live.pid, now_start - dt.timedelta(hours=1))
        _running_row(store, "r-live", live.pid, now_start)
        _running_row(store, "r-before-11", live.pid, None)  # no start time recorded: the pid decides
        open_store(tmp_path / "s.duckdb")
        assert _status(store, "r-old") == "abandoned"
        assert _status(store, "r-live") == "running"
        assert _status(store, "r-before-11") == "running"
    finally:
        live.kill()
        live.wait()


def test_a_run_records_its_process_start(tmp_path):
    store = open_store(tmp_path / "s.duckdb")
    with store.run(RunKind.PROFILE) as run:
        pass
    (row,) = store.runs()
    assert row["id"] == run.id and row["pid"] == os.getpid()
    assert row["process_started_at"] == store_module._process_start(os.getpid())


def test_one_runs_rows_and_the_training_behind_a_weights_file(tmp_path):
    from engine.store import results

    store = open_store(tmp_path / "s.duckdb")
    assert results.latest_run_id(store, RunKind.EVALUATE) is None
    with store.run(RunKind.TRAIN_SSL) as train:
        train.add("training_runs", {"images": 12, "seconds": 3.5, "weights_path": "/w/ssl.pt"})
    for dice in (0.5, 0.9):
        with store.run(RunKind.EVALUATE) as run_:
            run_.add(
                "evaluations",
                {"model": "ssl", "frame": "f1", "structure": "LV", "dice": dice, "provenance": "measured"},
            )
        time.sleep(0.01)  # started_at orders the runs
    newest = results.latest_run_id(store, RunKind.EVALUATE)
    assert newest == run_.id
    assert [r["dice"] for r in results.run_rows(store, "evaluations", newest)] == [0.9]
    assert results.training_run_for_weights(store, "/w/ssl.pt")["images"] == 12
    assert results.training_run_for_weights(store, "/w/other.pt") is None
    with pytest.raises(ValueError, match="not a result table"):
        results.run_rows(store, "runs; DROP TABLE runs", newest)
