"""segment and evaluate on a local Ray (2 CPUs, shared): the same label maps byte for byte, the
same stored rows, the same per-file problems; decoding in processes of its own."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from scale_helpers import label_values, png_bytes

from engine.cli import main
from engine.store import open_store

pytestmark = pytest.mark.slow


def _rows(store, table, run_id):
    rows = store.query(f"SELECT * FROM {table} WHERE run_id = ?", [run_id])
    for r in rows:
        r.pop("run_id")
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _two_runs(store):
    runs = store.query("SELECT * FROM runs WHERE kind = 'evaluate' ORDER BY started_at")
    assert [r["status"] for r in runs] == ["ok", "ok"]
    return runs


def test_segment_gives_the_same_label_maps(ray_local, phantom, weights, tmp_path, capsys):
    base = ["segment", "--model", "ssl", "--weights", str(weights), "--data", str(phantom)]
    assert main([*base, "--out", str(tmp_path / "local")]) == 0
    assert main([*base, "--out", str(tmp_path / "ray"), "--ray", "auto"]) == 0
    out = capsys.readouterr().out.splitlines()
    wrote = [line for line in out if line.startswith("wrote ")]
    assert wrote[0].replace("local", "X") == wrote[1].replace("ray", "X")  # "wrote 20 label maps to ..."
    # the local run gives the label maps' QC verdict; the Ray run says how to get it
    assert out[1].startswith("anatomical QC: ") and " of 20 label maps " in out[1]
    assert (
        out[3]
        == f"anatomical QC: not run in a Ray run; `segroi qc --data ... --labels {tmp_path / 'ray'}` checks these label maps"
    )
    local, ray_ = png_bytes(tmp_path / "local"), png_bytes(tmp_path / "ray")
    assert len(local) == 20 and ray_ == local
    assert label_values(tmp_path / "ray") <= {0, 1, 2, 3, 4}


def test_evaluate_stores_the_same_rows(ray_local, phantom, weights, capsys):
    base = ["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(phantom), "--tolerance", "0.7"]
    assert main(base) == 0
    local_out = capsys.readouterr().out
    assert main([*base, "--ray", "auto"]) == 0
    ray_out = capsys.readouterr().out
    # The printed summary is the same apart from the time and the run id.
    strip = lambda text: [  # noqa: E731
        line.split(" in ")[0] if line.startswith("evaluated") else line
        for line in text.splitlines()
        if "stored as measurement" not in line
    ]
    assert strip(local_out) == strip(ray_out)
    store = open_store(read_only=True)
    local, ray_ = _two_runs(store)
    for table in ("evaluations", "measurements"):
        a, b = _rows(store, table, local["id"]), _rows(store, table, ray_["id"])
        assert a and a == b, table
    names = {r["name"] for r in _rows(store, "measurements", ray_["id"])}
    assert {"lv_volume_biplane_ml", "ef_biplane_percent", "failure_rate"} <= names  # study measurements too
    s_local, s_ray = json.loads(local["settings"]), json.loads(ray_["settings"])
    ray_settings = s_ray.pop("ray")
    assert s_local == s_ray and s_ray["frames"] == 20
    assert ray_settings["workers"] == 1 and ray_settings["gpus_per_worker"] == 0
    assert sum(w["frames"] for w in ray_settings["frames_per_worker"]) == 20


def test_the_same_per_file_problems(ray_local, phantom, weights, tmp_path, capsys):
    """A truncated DICOM, an empty file and a README: the same lines, and the rest goes on."""
    data = tmp_path / "mixed"
    data.mkdir()
    for p in sorted(phantom.glob("*.png"))[:3]:
        (data / p.name).write_bytes(p.read_bytes())
    (data / "frames.json").write_text((phantom / "frames.json").read_text())
    (data / "empty.dcm").write_bytes(b"")
    (data / "cut.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI")
    (data / "README.txt").write_text("notes")
    base = [
        "segment",
        "--model",
        "ssl",
        "--weights",
        str(weights),
        "--data",
        str(data),
        "--truth",
        str(phantom / "truth"),
    ]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    local = capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "b"), "--ray", "auto"]) == 0
    ray_ = capsys.readouterr()
    skipped = lambda err: [line for line in err.splitlines() if line.startswith(("skipped", "note"))]  # noqa: E731
    assert skipped(local.err) == skipped(ray_.err) and len(skipped(ray_.err)) == 3
    assert png_bytes(tmp_path / "a") == png_bytes(tmp_path / "b")


def test_mixed_frame_sizes_and_a_short_last_batch(ray_local, weights, tmp_path):
    """Frames of other sizes in one batch, 21 frames (a short last batch): still equal."""
    data = tmp_path / "sizes"
    data.mkdir()
    rng = np.random.default_rng(5)
    for i in range(21):
        shape = (40 + 3 * i, 90 - 2 * i)
        Image.fromarray((rng.random(shape) * 255).astype(np.uint8)).save(data / f"scan{i:02d}.png")
    base = ["segment", "--model", "ssl", "--weights", str(weights), "--data", str(data)]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--out", str(tmp_path / "b"), "--ray", "auto"]) == 0
    a, b = png_bytes(tmp_path / "a"), png_bytes(tmp_path / "b")
    assert len(a) == 21 and a == b


def test_same_stem_is_refused_and_nothing_is_written(ray_local, phantom, weights, tmp_path, capsys):
    for site in ("site1", "site2"):
        (tmp_path / site).mkdir()
        src = sorted(phantom.glob("*.png"))[0]
        (tmp_path / site / "a.png").write_bytes(src.read_bytes())
    out = tmp_path / "out"
    assert (
        main(
            [
                "segment",
                "--model",
                "ssl",
                "--weights",
                str(weights),
                "--data",
                str(tmp_path / "site1"),
                str(tmp_path / "site2"),
                "--out",
                str(out),
                "--ray",
                "auto",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "both give frame name a_000" in err and "nothing was written" in err
    assert list(out.iterdir()) == []


def test_evaluate_without_truth_is_a_failed_run(ray_local, weights, tmp_path, capsys):
    data = tmp_path / "plain"
    data.mkdir()
    Image.fromarray(np.zeros((40, 40), np.uint8)).save(data / "a.png")
    assert main(["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(data), "--ray", "auto"]) == 2
    assert "no frame has ground truth" in capsys.readouterr().err
    store = open_store(read_only=True)
    assert [r["status"] for r in store.query("SELECT status FROM runs")] == ["failed"]
    assert store.query("SELECT * FROM evaluations") == []


def test_decoding_runs_apart_from_the_model(ray_local, phantom, weights, tmp_path):
    """Files are read by Ray tasks of their own, not in the label actors nor in the driver."""
    import os

    from engine.data import plan
    from engine.measure.segmenters import LabellerSpec
    from engine.scale import inference

    spec = LabellerSpec("ssl", weights=str(weights))
    w, prompts = spec.check()
    staging = tmp_path / "staging"
    staging.mkdir()
    job = inference.Job("segment", spec, w, prompts, workers=1, staging=str(staging))
    outcome = inference.run(list(plan(phantom, read_masks=False)), job)
    assert len(outcome.frames) == 20 and len(outcome.workers) == 1
    label_pids = {f.where["pid"] for f in outcome.frames}
    decode_pids = {pid for _, pid in outcome.decoders}
    assert decode_pids and not decode_pids & label_pids and os.getpid() not in decode_pids | label_pids


@pytest.fixture(scope="module")
def sam_checkpoint(tmp_path_factory):
    """SAM ViT-B with random weights saved as a checkpoint file (accuracy meaningless; equality is
    what is tested)."""
    import torch

    from engine.models import sam as sam_mod

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "sam_vit_b_random.pth"
    torch.save(sam_mod.build_sam("vit_b", 1024).state_dict(), path)
    return path


def test_sam_prompts_travel_with_their_frames(ray_local, sam_checkpoint, tmp_path):
    """SAM on Ray: prompts made where the frame is read, the mask left behind for segment; the same
    label maps and the same stored rows as without Ray (one study: SAM is slow on a CPU)."""
    from engine.data.phantom import make_study, write_phantom

    data = tmp_path / "one"
    write_phantom(make_study(0, seed=9, size=96), data)
    base = ["--model", "sam", "--sam-checkpoint", str(sam_checkpoint), "--sam-image-size", "128", "--data", str(data)]
    assert main(["segment", *base, "--out", str(tmp_path / "local")]) == 0
    assert main(["segment", *base, "--out", str(tmp_path / "ray"), "--ray", "auto"]) == 0
    local = png_bytes(tmp_path / "local")
    assert len(local) == 4 and png_bytes(tmp_path / "ray") == local
    assert main(["evaluate", *base]) == 0
    assert main(["evaluate", *base, "--ray", "auto"]) == 0
    store = open_store(read_only=True)
    local_run, ray_run = _two_runs(store)
    assert _rows(store, "evaluations", local_run["id"]) == _rows(store, "evaluations", ray_run["id"])
    assert {r["prompts"] for r in _rows(store, "evaluations", ray_run["id"])} == {
        "simulated: box per structure from the reference mask, edges jittered +/-5% of box size, seed 0"
    }


def test_echonet_table_problems_found_on_workers_reach_the_driver(ray_local, weights, tmp_path, capsys):
    """An EchoNet folder whose tracings name a frame out of range (found while a worker reads the video)
    and a video that is not there (found after): the same problem lines, the same rows."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
    from test_echonet import _tracing, make_echonet

    rows = (
        _tracing("0X1A2B.avi", 2, 5, 25, 6, 26)
        + _tracing("0X1A2B.avi", 99, 9, 21, 10, 22)
        + _tracing("0X1A2B.avi", 7, 9, 21, 10, 22)
        + _tracing("GONE.avi", 1, 5, 25, 6, 26)
    )
    root = make_echonet(tmp_path / "EchoNet", tracings=rows)
    base = ["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(root)]
    assert main(base) == 0
    local = capsys.readouterr()
    assert main([*base, "--ray", "auto"]) == 0
    ray_ = capsys.readouterr()
    skipped = [line for line in ray_.err.splitlines() if line.startswith("skipped")]
    assert skipped == [line for line in local.err.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "frame 99: out of range" in skipped[0] and "GONE" in skipped[0]
    store = open_store(read_only=True)
    a, b = _two_runs(store)
    assert _rows(store, "evaluations", a["id"]) == _rows(store, "evaluations", b["id"])
    assert {r["frame"] for r in _rows(store, "evaluations", b["id"])} == {"0X1A2B_002", "0X1A2B_007"}
