"""`segroi qc`: per-frame QC and a verdict, for pseudo-labels or for given label maps."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from engine.cli import main


def test_qc_of_pseudo_labels_gives_a_verdict_against_the_floor(phantom_dir, capsys):
    assert main(["qc", "--data", str(phantom_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    frames = [x for x in out if x.startswith(("pass ", "FAIL "))]
    assert len(frames) == 4
    verdict = out[-1]
    assert verdict.startswith("verdict: ") and "of 4 frames" in verdict
    assert "below train-ssl's floor (20 frames and 30%)" in verdict  # 4 frames < 20
    assert main(["qc", "--data", str(phantom_dir), "--min-qc-frames", "1", "--min-qc-share", "0"]) == 0
    out = capsys.readouterr().out
    passed = sum(x.startswith("pass ") for x in out.splitlines())
    assert ("train-ssl's floor is met" in out) == (passed > 0)


def test_qc_of_label_maps(phantom_dir, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    for png in (phantom_dir / "truth").glob("*.png"):
        Image.fromarray(np.zeros_like(np.asarray(Image.open(png)))).save(empty / png.name)
    assert main(["qc", "--data", str(phantom_dir), "--labels", str(empty), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["checked"] == "label maps" and got["passed"] == 0 and got["total"] == 4
    assert got["rejected_by_rule"] == {"absent": 4}
    assert all(not f["passed"] and "LV: absent" in f["reasons"] for f in got["frames"])


def test_qc_refuses_missing_label_maps_in_one_line(phantom_dir, tmp_path, capsys):
    (tmp_path / "labels").mkdir()
    assert main(["qc", "--data", str(phantom_dir), "--labels", str(tmp_path / "labels")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no label map" in err
