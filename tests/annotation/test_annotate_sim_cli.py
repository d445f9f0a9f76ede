"""`segroi annotate-sim` end to end on a tiny image folder with ground truth."""

from __future__ import annotations

import pytest

from annotation_helpers import FakeSam, small_frame
from engine.cli import main
from engine.data import save_frames
from engine.store import open_store


@pytest.fixture
def toy_data(tmp_path):
    frames = [small_frame(i, source="toy") for i in range(3)]
    save_frames(frames, tmp_path / "img", tmp_path / "truth")
    return tmp_path


def _sessions():
    return open_store(read_only=True).query("SELECT * FROM annotation_sessions")


def test_manual_writes_one_run_one_session_and_simulated_items(toy_data, capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["host-program", "--its-own", "arguments"])  # main() called in-process
    argv = [
        "annotate-sim",
        "--task",
        "manual",
        "--data",
        str(toy_data / "img"),
        "--truth",
        str(toy_data / "truth"),
        "--frames",
        "2",
        "--seed",
        "3",
    ]
    rc = main(argv)
    out = capsys.readouterr().out
    assert rc == 0 and "[simulated]" in out and "seconds_per_structure" in out
    store = open_store(read_only=True)
    runs = store.runs()
    assert [(r["kind"], r["status"]) for r in runs] == [("annotate-sim", "ok")]
    assert runs[0]["command"] == "segroi " + " ".join(argv)  # what main() ran, not the host's sys.argv
    (session,) = _sessions()
    assert session["id"] == runs[0]["id"] == session["run_id"]
    assert session["simulated"] and session["status"] == "done" and session["frames_planned"] == 2
    items = store.query("SELECT * FROM annotation_items")
    assert len(items) == 6 and all(i["simulated"] and i["run_id"] == session["id"] for i in items)
    assert {i["frame"] for i in items} == {"toy_000", "toy_001"}
    assert all(i["dice"] > 0.8 for i in items)


def test_same_seed_gives_the_same_times(toy_data, capsys):
    args = [
        "annotate-sim",
        "--task",
        "manual",
        "--data",
        str(toy_data / "img"),
        "--truth",
        str(toy_data / "truth"),
        "--seed",
        "5",
        "--format",
        "json",
    ]
    assert main(args) == 0 and main(args) == 0
    rows = open_store(read_only=True).query(
        "SELECT session_id, frame, structure, active_seconds FROM annotation_items "
        "ORDER BY frame, structure, session_id"
    )
    pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
    assert all(a["active_seconds"] == b["active_seconds"] and a["session_id"] != b["session_id"] for a, b in pairs)


def test_ssl_without_weights_is_one_readable_line_and_writes_nothing(toy_data, capsys):
    rc = main(["annotate-sim", "--task", "ssl", "--data", str(toy_data / "img"), "--truth", str(toy_data / "truth")])
    err = capsys.readouterr().err
    assert rc == 2 and "--weights" in err and "Traceback" not in err
    assert open_store(read_only=True).runs() == []


def test_frames_without_truth_are_refused_and_the_run_is_marked_failed(toy_data, capsys):
    rc = main(["annotate-sim", "--task", "manual", "--data", str(toy_data / "img")])
    assert rc == 2 and "ground truth" in capsys.readouterr().err
    store = open_store(read_only=True)
    assert [r["status"] for r in store.runs()] == ["failed"]
    assert _sessions() == [] and store.query("SELECT * FROM annotation_items") == []


@pytest.mark.slow
def test_ssl_with_weights_reviews_the_model_masks(toy_data, tmp_path, capsys):
    import torch

    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    torch.manual_seed(0)
    weights = SslSegmenter(UNet(width=4, levels=3), input_size=64).save(tmp_path / "ssl.pt")
    rc = main(
        [
            "annotate-sim",
            "--task",
            "ssl",
            "--data",
            str(toy_data / "img"),
            "--truth",
            str(toy_data / "truth"),
            "--weights",
            str(weights),
            "--frames",
            "1",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    items = open_store(read_only=True).query("SELECT * FROM annotation_items")
    assert len(items) == 3 and all(i["task"] == "ssl" and i["review_seconds"] > 0 for i in items)
    # an untrained net proposes nothing useful: every proposal is traced over
    assert all(not i["accepted"] and i["corrections"] == 1 for i in items)


def test_sam_uses_the_segmenter_and_says_when_weights_are_random(toy_data, monkeypatch, capsys):
    import engine.models.sam as sam_module

    made = {}

    class Fake(FakeSam):
        def __init__(self, variant, checkpoint=None, device="cpu", image_size=1024):
            super().__init__()
            self.weights = "random"
            made["size"] = image_size

    monkeypatch.setattr(sam_module, "SamSegmenter", Fake)
    rc = main(
        [
            "annotate-sim",
            "--task",
            "sam",
            "--data",
            str(toy_data / "img"),
            "--truth",
            str(toy_data / "truth"),
            "--frames",
            "1",
            "--max-corrections",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "RANDOM weights" in out and made["size"] == 256
    (session,) = _sessions()
    assert '"sam_weights": "random"' in session["settings"]
    items = open_store(read_only=True).query("SELECT * FROM annotation_items")
    assert all(i["task"] == "sam" and i["corrections"] <= 2 and i["dice"] is None for i in items)
    # random weights feed no cost-model input: neither the prompting time nor a failure rate
    assert "prompt_seconds_per_structure" not in out and "failure_rate" not in out
    assert "feed no cost-model input" in out
