"""No silent success: too few QC-passing frames stop train-ssl, and so does a collapsed network."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from engine.cli import main
from engine.data import load
from engine.data.frame import Frame
from engine.models.ssl.train import QcFloorError, TrainConfig, TrainingFailed, floor_message, train_ssl
from engine.store import open_store
from tests.ssl.conftest import TINY, TINY_NETWORK

REAL = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "real-dicom"
SMALL = TINY_NETWORK  # the floor and the collapse check on


def _failed_run(store):
    runs = store.query("SELECT * FROM runs WHERE kind = 'train-ssl'")
    assert len(runs) == 1
    return runs[0]


def test_floor_stops_training_before_it_starts(phantom_dir, tmp_path, capsys):
    shutil.rmtree(phantom_dir / "truth")
    weights = tmp_path / "w.pt"
    # One study: 4 frames, below the default floor of 20 frames.
    assert main(["train-ssl", "--data", str(phantom_dir), "--out", str(weights), *SMALL]) == 2
    err = capsys.readouterr().err
    line = [x for x in err.splitlines() if x.startswith("segroi train-ssl: error:")]
    assert len(line) == 1 and "Traceback" not in err
    msg = line[0]
    assert "of 4 frames" in msg and "at least 20 frames and 30%" in msg
    assert "--min-qc-frames" in msg and "Check" in msg and "view" in msg and "image look" in msg
    assert not weights.exists()
    store = open_store(read_only=True)
    run = _failed_run(store)
    assert run["status"] == "failed" and "passed the anatomical QC" in run["reason"]
    assert store.query("SELECT * FROM training_runs") == []


@pytest.mark.slow
def test_options_change_the_floor(phantom_dir, tmp_path, capsys):
    shutil.rmtree(phantom_dir / "truth")
    weights = tmp_path / "w.pt"
    assert main(["train-ssl", "--data", str(phantom_dir), "--out", str(weights), *TINY]) == 0
    row = open_store(read_only=True).query("SELECT * FROM training_runs")[0]
    assert json.loads(row["qc_floor"]) == {"min_frames": 1, "min_share": 0.0, "min_ratio": 0.0}
    rejections = json.loads(row["qc_rejections"])
    assert [r["source"] for r in rejections] == ["pseudo-labels", "self-training", "final"]
    assert row["cines"] == 4 and row["frames_offered"] == 4 and row["frames_per_cine"] == 16
    out = capsys.readouterr().out
    assert "final network's predictions: QC passed" in out


def test_floor_names_the_rules_that_rejected_most_frames():
    # Blank frames with a calibration: nothing is found, every frame fails "absent".
    frames = [Frame(np.zeros((64, 64), np.float32), (0.5, 0.5), "s", f"b{i}") for i in range(5)]
    with pytest.raises(QcFloorError) as err:
        train_ssl(frames, TrainConfig(image_size=32, width=4, levels=3, epochs=1))
    msg = str(err.value)
    assert msg.startswith("only 0 of 5 frames (0%) passed the anatomical QC")
    assert "absent (5 frames" in msg and "calibration" not in msg.split("Check", 1)[0]


def test_floor_message_points_at_the_calibration_when_areas_fail():
    from collections import Counter

    from engine.models.ssl.train import QcSummary

    frames = [Frame(np.zeros((8, 8), np.float32), (0.3, 0.3), "s", f"f{i}") for i in range(67)]
    summary = QcSummary(
        [True] * 4 + [False] * 63,
        Counter({"area": 63, "eccentricity": 5}),
        Counter({"LA area": 60, "RA area": 55, "LV eccentricity": 5}),
    )
    msg = floor_message(summary, frames, TrainConfig())
    assert "only 4 of 67 frames (6%)" in msg
    assert "area (63 frames: LA 60, RA 55)" in msg and "eccentricity (5 frames" in msg
    assert "calibration (pixel spacing 0.3 mm" in msg


@pytest.mark.slow
def test_a_network_that_did_not_learn_its_pseudo_labels_fails_the_run(phantom_dir, tmp_path, capsys):
    shutil.rmtree(phantom_dir / "truth")
    weights = tmp_path / "w.pt"
    # One epoch of a width-4 network at 32 px learns nothing: its predictions fail QC where its
    # pseudo-labels passed, even after the extra epochs; the run fails and writes no weights.
    args = [
        "train-ssl",
        "--data",
        str(phantom_dir),
        "--out",
        str(weights),
        *SMALL,
        "--min-qc-frames",
        "1",
        "--min-qc-share",
        "0",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "training failed" in err and "No weights were written" in err and "Traceback" not in err
    assert not weights.exists()
    run = _failed_run(open_store(read_only=True))
    assert run["status"] == "failed" and run["reason"].startswith("training failed")


def test_collapse_raises_in_the_library_too(phantom_dir):
    frames = load(phantom_dir, read_masks=False).frames
    cfg = TrainConfig(image_size=32, width=4, levels=3, epochs=1, min_qc_frames=1, min_qc_share=0.0, extra_blocks=0)
    with pytest.raises(TrainingFailed, match="pseudo-labels"):
        train_ssl(frames, cfg)


@pytest.mark.slow
def test_real_scanner_files_get_a_verdict_from_every_command(tmp_path, capsys):
    """Obstetric and general ultrasound from Philips, GE and ALOKA scanners: not echocardiograms."""
    data = tmp_path / "real"
    shutil.copytree(REAL, data)
    assert main(["inspect", str(data)]) == 0
    out = capsys.readouterr().out
    assert "6 ok, 0 error, 2 skipped" in out  # LICENSE and README are not images
    assert main(["train-ssl", "--data", str(data), "--out", str(tmp_path / "w.pt"), "--quick"]) == 2
    err = capsys.readouterr().err
    assert "passed the anatomical QC" in err and "no echo sector" in err and "Traceback" not in err
    # stderr is not a terminal here: no progress bar's carriage returns before the one line
    assert err.startswith("segroi train-ssl: error: ") and err.count("\n") == 1 and "\r" not in err, err
    assert not (tmp_path / "w.pt").exists()
    assert main(["qc", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "verdict: 0 of 7 frames" in out and "train-ssl would refuse these images" in out
    # A model trained on the phantom, applied to them: label maps are written, and the QC line says
    # they are not to be trusted.
    ph = tmp_path / "ph"
    from engine.data.phantom import make_study, write_phantom

    write_phantom(make_study(0, seed=21, size=96), ph)
    shutil.rmtree(ph / "truth")
    assert main(["train-ssl", "--data", str(ph), "--out", str(tmp_path / "w.pt"), *TINY]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "segment",
                "--model",
                "ssl",
                "--weights",
                str(tmp_path / "w.pt"),
                "--data",
                str(data),
                "--out",
                str(tmp_path / "labels"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "wrote 7 label maps" in out and "anatomical QC: 0 of 7 label maps (0%) pass" in out
    assert main(["qc", "--data", str(data), "--labels", str(tmp_path / "labels")]) == 0
    assert "verdict: 0 of 7 label maps (0%) pass the anatomical QC" in capsys.readouterr().out
