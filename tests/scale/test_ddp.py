"""`segroi train-ssl --nproc N`: DDP on gloo processes bound to 127.0.0.1 against one process.

Tolerance. Two processes compute the same global-batch loss, gradient and BatchNorm statistics as
one, but sum them in another order (per-rank partial sums, then an all-reduce), so the results agree
to float32 rounding per step (measured: largest weight difference 2e-7 after one epoch of `fit`).
Over a whole training run Adam amplifies such rounding where a gradient is close to zero, so the
weights drift apart slowly. Measured on the phantom (tiny network below, 64 steps, 2026-11-30): the
relative L2 distance between the weights of one process and of two was 0.0041; between one process
on 1 thread and on 2 threads (another summation order, nothing else changed) also 0.0041; between
seeds 0 and 1, 0.80. The test allows 0.02 (5x the rounding drift, 40x below a different seed) and
checks that a different seed is far outside it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from engine.cli import main
from engine.store import open_store

TINY = [
    "--image-size",
    "64",
    "--width",
    "4",
    "--levels",
    "3",
    "--epochs",
    "2",
    "--rounds",
    "1",
    "--batch-size",
    "4",
    "--threads",
    "1",
]
NO_FLOOR = ["--min-qc-frames", "1", "--min-qc-share", "0", "--min-qc-ratio", "0"]
TOLERANCE = 0.02


def segroi(*argv, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def weights(path: Path) -> torch.Tensor:
    state = torch.load(path, weights_only=False)["state_dict"]
    return torch.cat([v.flatten().double() for k, v in state.items() if v.is_floating_point() and "running" not in k])


def relative_distance(a: Path, b: Path) -> float:
    wa, wb = weights(a), weights(b)
    return float((wa - wb).norm() / wa.norm())


def error_lines(stderr: str) -> list[str]:
    """The command's error lines (stderr is a pipe here, so no progress bar is drawn)."""
    return [line.strip() for line in stderr.splitlines() if line.strip().startswith("segroi train-ssl:")]


@pytest.fixture(scope="module")
def phantom16(tmp_path_factory) -> Path:
    """Four phantom studies at 96 px (16 frames), no truth folder: what label-free training sees."""
    import shutil

    from engine.data.phantom import make_phantom, write_phantom

    out = tmp_path_factory.mktemp("ddp") / "phantom"
    write_phantom(make_phantom(4, size=96), out)
    shutil.rmtree(out / "truth")
    return out


@pytest.fixture(scope="module")
def trained(phantom16, tmp_path_factory):
    """One process, two gloo processes (same seed, same global batch 4) and one process on seed 1."""
    root = tmp_path_factory.mktemp("ddp-runs")
    home = root / "home"
    home.mkdir()
    # A module fixture runs before the per-test store and salt of tests/conftest.py: set both here.
    env = {
        "SEGROI_DB": str(root / "store.duckdb"),
        "SEGROI_SALT": "test-salt",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
    }
    out = {}
    for name, extra in [("one", []), ("two", ["--nproc", "2"]), ("seed1", ["--seed", "1"])]:
        work = root / name
        work.mkdir()
        done = segroi(
            "train-ssl", "--data", str(phantom16), "--out", f"{name}.pt", *TINY, *NO_FLOOR, *extra, cwd=work, env=env
        )
        assert done.returncode == 0, done.stderr[-2000:]
        out[name] = (work, done)
    return root, env, out


@pytest.mark.slow
def test_two_gloo_processes_match_one_process(trained):
    root, env, runs = trained
    one, two, seed1 = (runs[k][0] for k in ("one", "two", "seed1"))
    drift = relative_distance(one / "one.pt", two / "two.pt")
    assert drift < TOLERANCE, f"2 processes differ from 1 by {drift:.4f} (relative L2 of the weights)"
    assert relative_distance(one / "one.pt", seed1 / "seed1.pt") > 10 * TOLERANCE  # the tolerance can tell runs apart
    store = open_store(env["SEGROI_DB"], read_only=True)
    rows = {
        json.loads(r["settings"]).get("processes", 1): r
        for r in store.query(
            "SELECT r.settings, t.* FROM training_runs t JOIN runs r ON r.id = t.run_id "
            "WHERE json_extract(r.settings, '$.seed') = 0"
        )
    }
    assert set(rows) == {1, 2}
    assert rows[1]["qc_pass_rates"] == rows[2]["qc_pass_rates"]  # pseudo-labels and QC: exact
    assert rows[1]["images"] == rows[2]["images"] == 16
    assert abs(rows[1]["final_loss"] - rows[2]["final_loss"]) < 1e-3
    assert json.loads(rows[2]["settings"])["backend"] == "gloo"


@pytest.mark.slow
def test_only_rank_zero_writes(trained):
    root, env, runs = trained
    work, done = runs["two"]
    assert sorted(p.name for p in work.iterdir()) == ["two.pt"]  # no other file, no temp left
    assert not any((root / "home").rglob("*"))  # nothing in the user dirs
    store = open_store(env["SEGROI_DB"], read_only=True)
    mine = [r for r in store.query("SELECT * FROM runs WHERE kind = 'train-ssl'") if "--nproc" in (r["command"] or "")]
    assert len(mine) == 1 and mine[0]["status"] == "ok"
    assert len(store.query("SELECT * FROM training_runs WHERE run_id = ?", [mine[0]["id"]])) == 1
    # stdout: rank 0's report, the same lines as one process prints, plus one line from rank 1.
    lines = done.stdout.splitlines()
    others = [x for x in lines if x.startswith("rank 1 of 2")]
    assert len(others) == 1
    assert len(lines) == len(runs["one"][1].stdout.splitlines()) + 1
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr


@pytest.mark.slow
def test_fit_on_two_ranks_is_the_one_process_step_even_when_the_batch_does_not_divide(tmp_path):
    """Batch 5 over 2 ranks (3 + 2 frames): loss, gradients and BatchNorm are the global batch's."""
    import torch.multiprocessing as mp
    from ddp_workers import fit_tiny, rank

    fit_tiny(None, 5, str(tmp_path / "one.pt"))
    from engine.scale.ddp import loopback_store

    host, _listener = loopback_store(2)
    mp.start_processes(rank, args=(2, host.port, 5, str(tmp_path / "two.pt")), nprocs=2, start_method="spawn")
    a, b = torch.load(tmp_path / "one.pt"), torch.load(tmp_path / "two.pt")
    assert len(a["losses"]) == len(b["losses"]) == 3  # 12 samples: batches of 5, 5 and 2 (1 + 1)
    for x, y in zip(a["losses"], b["losses"]):
        assert abs(x - y) < 1e-5
    for k, v in a["state"].items():
        if v.is_floating_point():
            # float32 sums taken in another order over an epoch of steps: a few 1e-5 on weights of about 0.1
            # (another seed moves them by about 0.1)
            assert (v - b["state"][k]).abs().max() < 1e-4, k


@pytest.mark.slow
def test_an_error_in_one_ranks_share_stops_every_rank_with_the_same_line(tmp_path):
    import torch.multiprocessing as mp
    from ddp_workers import failing_share

    from engine.scale.ddp import loopback_store

    host, _listener = loopback_store(2)
    mp.start_processes(failing_share, args=(2, host.port, str(tmp_path / "msg")), nprocs=2, start_method="spawn")
    messages = {(tmp_path / f"msg.{r}").read_text() for r in range(2)}
    assert messages == {"rank 1 of 2 failed during pseudo-labelling: ValueError: a frame rank 1 could not label"}


@pytest.mark.slow
def test_the_qc_floor_works_the_same_under_ddp(phantom16, tmp_path):
    # 16 frames is below the default floor of 20: every rank reaches the same decision.
    done = segroi("train-ssl", "--data", str(phantom16), "--out", "w.pt", *TINY, "--nproc", "2", cwd=tmp_path)
    assert done.returncode == 2
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and "passed the anatomical QC" in lines[0] and "at least 20 frames" in lines[0]
    assert "Traceback" not in done.stderr and "rank 1" not in done.stdout
    assert not (tmp_path / "w.pt").exists()
    runs = open_store(read_only=True).query("SELECT * FROM runs WHERE kind = 'train-ssl'")
    assert len(runs) == 1 and runs[0]["status"] == "failed" and "anatomical QC" in runs[0]["reason"]


def _listening(pids: list[int]) -> list[str]:
    """Local addresses (hex ip:port, as in /proc/net/tcp*) on which these processes listen for TCP."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pids[0]}/net/{table}").read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                found.append(cols[1])
    return found


def _spawned_ranks(parent: int) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in cmd:
            pids.append(int(d.name))
    return sorted(pids)


@pytest.mark.slow
def test_a_rank_killed_mid_run_fails_the_command_in_one_line(phantom16, tmp_path):
    argv = [
        sys.executable,
        "-m",
        "engine.cli",
        "train-ssl",
        "--data",
        str(phantom16),
        "--out",
        "w.pt",
        *TINY[:6],
        "--epochs",
        "30",
        *TINY[8:],
        *NO_FLOOR,
        "--nproc",
        "2",
    ]
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # rank 0 has opened the run: training is under way
            if len(_spawned_ranks(proc.pid)) == 2 and open_store(read_only=True).query(
                "SELECT * FROM runs WHERE kind = 'train-ssl' AND status = 'running'"
            ):
                break
            time.sleep(0.5)
        else:
            pytest.fail("the ranks did not start")
        time.sleep(3)
        # The launcher and both ranks listen on 127.0.0.1 only (0100007F in /proc/net/tcp), never elsewhere.
        listening = _listening([proc.pid, *_spawned_ranks(proc.pid)])
        assert listening and all(a.startswith("0100007F:") for a in listening), listening
        os.kill(_spawned_ranks(proc.pid)[-1], signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0
    lines = error_lines(err)
    assert len(lines) == 1 and "stopped (signal SIGKILL)" in lines[0], err[-2000:]
    assert "Traceback" not in err
    assert not (tmp_path / "w.pt").exists()
    runs = open_store(read_only=True).query("SELECT * FROM runs WHERE kind = 'train-ssl'")
    assert len(runs) == 1 and runs[0]["status"] == "failed" and "SIGKILL" in runs[0]["reason"]
    assert open_store(read_only=True).query("SELECT * FROM training_runs") == []


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", "--nproc must be at least 1"),
        ("-2", "--nproc must be at least 1"),
        ("5", "--nproc 5 is more than --batch-size 4"),
    ],
)
def test_bad_nproc_gives_one_line(value, expected, tmp_path, capsys):
    assert (
        main(
            [
                "train-ssl",
                "--data",
                str(tmp_path),
                "--out",
                str(tmp_path / "w.pt"),
                "--batch-size",
                "4",
                "--nproc",
                value,
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("segroi train-ssl: error: ") and expected in err
    assert not (tmp_path / "w.pt").exists()
    assert open_store(read_only=True).query("SELECT * FROM runs") == []


def test_more_processes_than_cores_or_nproc_under_torchrun_give_one_line(tmp_path, capsys, monkeypatch):
    cores = os.cpu_count() or 1
    args = ["train-ssl", "--data", str(tmp_path), "--out", str(tmp_path / "w.pt"), "--batch-size", str(cores + 1)]
    assert main([*args, "--nproc", str(cores + 1)]) == 2
    assert f"more than this machine's {cores} CPU cores" in capsys.readouterr().err
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert main([*args, "--nproc", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "under torchrun leave it out" in err
    monkeypatch.setenv("RANK", "0")
    assert main(args) == 2  # torchrun's environment, but not all of it
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "LOCAL_RANK, MASTER_ADDR, MASTER_PORT are not set" in err
    assert not (tmp_path / "w.pt").exists()


def test_the_batch_parts_cover_the_global_batch_in_order():
    from engine.scale.ddp import Group

    batch = torch.arange(7)
    parts = [Group(r, 3, r, "gloo", "cpu").part(batch).tolist() for r in range(3)]
    assert parts == [[0, 1, 2], [3, 4], [5, 6]]


def test_cines_are_shared_out_by_frames_and_each_goes_to_one_rank():
    from engine.scale.ddp import Group

    cines = [[0, 1, 2, 3, 4, 5], [6], [7, 8], [9, 10, 11], [12]]
    shares = [Group(r, 2, r, "gloo", "cpu").share(cines) for r in range(2)]
    assert sorted(i for s in shares for c in s for i in c) == list(range(13))
    sizes = [sum(len(c) for c in s) for s in shares]
    assert sizes == [7, 6]  # by hand: 6 -> r0, 3 -> r1, 2 -> r1, 1 -> r1, 1 -> r0
