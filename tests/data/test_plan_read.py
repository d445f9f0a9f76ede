"""The reader split in two: `plan` walks without decoding, `read` decodes one file from a task that
has crossed a process boundary (pickled), `finish` gives EchoNet's table entries. Together they give
what `load`/`iter_load` give, problems and all."""

from __future__ import annotations

import pickle

import numpy as np
from datafiles import write_dicom
from test_echonet import _tracing, make_echonet

from engine.data import EchoNetSummary, ReadTask, finish, iter_load, plan, read
from engine.data.images import save_frames
from engine.data.phantom import make_study


def _split_load(paths, **kw):
    """plan on 'the driver', read each task after a pickle round trip (as on a worker), finish."""
    out, done = [], {}
    for item in plan(paths, **kw):
        if isinstance(item, ReadTask):
            task = pickle.loads(pickle.dumps(item))
            result = read(task)
            done[item.path] = result
            out.append(result)
        elif isinstance(item, EchoNetSummary):
            out += finish(item, [done[v] for v in item.videos])
        else:
            out.append(item)
    return out


def _key(r):
    frames = [
        (
            f.name,
            f.study,
            f.view,
            f.phase,
            f.spacing_mm,
            f.pixels.tobytes(),
            None if f.mask is None else f.mask.tobytes(),
        )
        for f in r.frames
    ]
    return (r.path, r.status, r.reason, frames)


def test_split_reading_equals_load(tmp_path):
    data = tmp_path / "mixed"
    save_frames(make_study(0, seed=4, size=64), data, data / "truth")
    write_dicom(data / "scan.dcm", np.full((1, 20, 30), 90, np.uint8))
    (data / "cut.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00")
    (data / "notes.txt").write_text("x")
    bad = _tracing("0X1A2B.avi", 2, 5, 25, 6, 26) + _tracing("0X1A2B.avi", 99, 9, 21, 10, 22)
    bad += _tracing("GONE.avi", 1, 5, 25, 6, 26)
    echo = make_echonet(tmp_path / "EchoNet", tracings=bad)
    paths = [data, echo, tmp_path / "missing.dcm"]
    expected = [_key(r) for r in iter_load(paths)]
    assert [_key(r) for r in _split_load(paths)] == expected
    reasons = {r[0].rsplit("/", 1)[-1]: r[2] for r in expected if r[1] == "error"}
    # The tracing problem found while reading the video, and the orphan found after, both on the table.
    assert "frame 99: out of range" in reasons["VolumeTracings.csv"] and "GONE" in reasons["VolumeTracings.csv"]
    assert {"cut.dcm", "missing.dcm"} <= set(reasons)


def test_a_task_carries_only_its_own_part(tmp_path):
    data = tmp_path / "ph"
    save_frames(make_study(0, seed=4, size=64) + make_study(1, seed=5, size=64), data)
    tasks = [t for t in plan(data) if isinstance(t, ReadTask)]
    assert len(tasks) == 8
    for t in tasks:
        stem = t.path.rsplit("/", 1)[-1][:-4]
        assert list(t.sidecar) == [stem]  # its own frames.json entry, not the folder's
        assert t.options.salt  # resolved here, so every process hashes studies alike
