"""Two files with one stem in two folders (site1/a.png, site2/a.png) share `Frame.name`:
`segment` and `evaluate` must refuse them with one error naming both files, writing nothing."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cli import main
from engine.data import Frame, load, require_unique_names, save_frames
from engine.errors import SegroiError
from engine.models.ssl_net import SslSegmenter
from engine.models.unet import UNet
from engine.store import open_store


@pytest.fixture
def weights(tmp_path):
    import torch

    torch.manual_seed(0)
    path = tmp_path / "tiny.pt"
    SslSegmenter(UNet(width=4, levels=3), input_size=32).save(path)
    return path


def _frame(seed: int, study: str) -> Frame:
    rng = np.random.default_rng(seed)
    mask = np.zeros((40, 48), np.uint8)
    mask[10:30, 12:30] = 1
    return Frame(
        pixels=rng.random((40, 48), dtype=np.float32),
        spacing_mm=(0.5, 0.5),
        study=study,
        source="a",
        index=0,
        view="A4C",
        phase="ED",
        mask=mask,
    )


@pytest.fixture
def two_sites(tmp_path):
    """site1/a_000.png and site2/a_000.png (frame 0 of source "a"), each with its own truth/."""
    sites = []
    for i in (1, 2):
        folder = tmp_path / f"site{i}"
        save_frames([_frame(i, f"study{i}")], folder, truth_dir=folder / "truth")
        sites.append(folder)
    return sites


def _error_names_both(err: str, sites) -> None:
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    line = lines[0]
    assert str(sites[0] / "a_000.png") in line and str(sites[1] / "a_000.png") in line
    assert "both give frame name a_000" in line


def test_same_stem_frames_share_a_name(two_sites):
    frames = load(two_sites).frames
    assert [f.name for f in frames] == ["a_000", "a_000"]
    with pytest.raises(SegroiError, match="both give frame name a_000"):
        require_unique_names(frames, "run them separately")
    require_unique_names(frames[:1], "run them separately")  # one of them alone is fine


def test_segment_refuses_same_stem_and_writes_nothing(tmp_path, two_sites, weights, capsys):
    out = tmp_path / "labels"
    rc = main(
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            str(weights),
            "--data",
            str(two_sites[0]),
            str(two_sites[1]),
            "--out",
            str(out),
        ]
    )
    assert rc == 2
    err = capsys.readouterr().err
    _error_names_both(err, two_sites)
    assert "separately" in err and "nothing was written" in err
    assert not out.exists()


def test_segment_same_stem_leaves_existing_output_untouched(tmp_path, two_sites, weights, capsys):
    out = tmp_path / "labels"
    out.mkdir()
    (out / "a_000.png").write_bytes(b"previous run")
    rc = main(
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            str(weights),
            "--data",
            str(two_sites[0]),
            str(two_sites[1]),
            "--out",
            str(out),
        ]
    )
    assert rc == 2
    assert [p.name for p in out.iterdir()] == ["a_000.png"]
    assert (out / "a_000.png").read_bytes() == b"previous run"


def test_segment_each_site_alone_still_works(tmp_path, two_sites, weights):
    for site in two_sites:
        out = tmp_path / f"labels_{site.name}"
        assert (
            main(["segment", "--model", "ssl", "--weights", str(weights), "--data", str(site), "--out", str(out)]) == 0
        )
        assert [p.name for p in out.iterdir()] == ["a_000.png"]


def test_evaluate_refuses_same_stem_with_own_truth_and_stores_nothing(two_sites, weights, capsys):
    rc = main(["evaluate", "--model", "ssl", "--weights", str(weights), "--data", str(two_sites[0]), str(two_sites[1])])
    assert rc == 2
    err = capsys.readouterr().err
    _error_names_both(err, two_sites)
    assert "nothing was stored" in err and "own run" in err
    assert open_store(read_only=True).runs() == []


def test_evaluate_refuses_same_stem_sharing_one_truth_label(tmp_path, weights, capsys):
    # Without the name check both frames would silently take truth/a_000.png as their ground truth.
    sites = []
    for i in (1, 2):
        folder = tmp_path / f"site{i}"
        f = _frame(i, f"study{i}")
        save_frames([f], folder)
        sites.append(folder)
    truth = tmp_path / "truth"
    save_frames([_frame(9, "x")], tmp_path / "unused", truth_dir=truth)
    frames = load(sites, truth=truth).frames
    assert len(frames) == 2 and all(f.mask is not None for f in frames)  # the ambiguity is real
    rc = main(
        [
            "evaluate",
            "--model",
            "ssl",
            "--weights",
            str(weights),
            "--data",
            str(sites[0]),
            str(sites[1]),
            "--truth",
            str(truth),
        ]
    )
    assert rc == 2
    _error_names_both(capsys.readouterr().err, sites)
    assert open_store(read_only=True).runs() == []
