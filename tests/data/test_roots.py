"""Data roots (engine.data.roots) and the reader's `within` / `max_frames`: the Annotate page reads
only inside configured folders, links and `..` included, and stops once it has the frames it needs."""

from __future__ import annotations

import os

import numpy as np
import pytest
from datafiles import write_dicom
from PIL import Image

from engine.data import iter_load, load, roots
from engine.errors import SegroiError


def _pngs(folder, n, size=24):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.fromarray(np.full((size, size), 10 * i % 255, np.uint8)).save(folder / f"img{i:02d}.png")
    return folder


@pytest.fixture
def tree(tmp_path):
    root = _pngs(tmp_path / "root" / "echo", 3).parent
    outside = _pngs(tmp_path / "outside", 2)
    (root / "echo" / "link_out").symlink_to(outside, target_is_directory=True)
    (root / "echo" / "file_out.png").symlink_to(outside / "img00.png")
    (root / "link_to_outside").symlink_to(outside, target_is_directory=True)
    return root, outside


def test_allow_takes_paths_inside_the_roots_only(tree, tmp_path):
    root, outside = tree
    rs = roots.parse([root])
    assert roots.allow(str(root / "echo"), rs) == root / "echo"
    assert roots.allow(str(root), rs) == root
    assert roots.allow(f"{root}/echo/../echo/img00.png", rs, "file") == root / "echo" / "img00.png"
    refused = [
        str(outside),
        f"{root}/../outside",
        f"{root}/echo/../../outside",
        str(root / "link_to_outside"),
        str(root / "echo" / "link_out"),
        str(root / "echo" / "file_out.png"),
        "/etc",
        "/usr/share/pixmaps",
        f"{root}/missing",
        "echo",
        "./echo",
        "~",
        "",
        "   ",
        str(tmp_path / "root2"),
    ]
    for path in refused:
        with pytest.raises(SegroiError):
            roots.allow(path, rs)
    with pytest.raises(SegroiError, match="inside a data root") as exists:
        roots.allow(str(outside), rs)
    with pytest.raises(SegroiError) as missing:
        roots.allow(f"{root}/../not-there", rs)
    assert str(exists.value) == str(missing.value)  # no telling what exists outside the roots


def test_no_roots_means_no_folder(tree):
    root, _ = tree
    with pytest.raises(SegroiError, match="--data-root"):
        roots.allow(str(root / "echo"), [])


def test_roots_come_from_the_environment_resolved(tree, tmp_path):
    root, _ = tree
    (tmp_path / "root_link").symlink_to(root, target_is_directory=True)
    env = {roots.ROOTS_ENV: os.pathsep.join([str(tmp_path / "root_link"), str(tmp_path / "gone")])}
    assert roots.configured(env) == [root]
    assert roots.configured({}) == []
    with pytest.raises(SegroiError, match="not an existing folder"):
        roots.parse([tmp_path / "gone"])


def test_the_walk_does_not_follow_links_out_of_the_roots(tree):
    root, outside = tree
    results = list(iter_load(root / "echo", within=[root]))
    ok = sorted(os.path.basename(r.path) for r in results if r.status == "ok")
    refused = sorted(os.path.basename(r.path) for r in results if r.status == "error")
    assert ok == ["img00.png", "img01.png", "img02.png"]
    assert refused == ["file_out.png", "link_out"]
    assert all("outside the data roots" in r.reason for r in results if r.status == "error")
    assert not any(str(outside) in os.path.realpath(r.path) for r in results if r.frames)
    # Without `within` (the command line) the links are followed as before.
    assert sum(r.status == "ok" for r in iter_load(root / "echo")) == 5  # img00 outside is one file


def test_reading_stops_once_the_frames_asked_for_are_loaded(tmp_path, monkeypatch):
    """The issue: with frames = 1 the page still read all 39 files of the folder."""
    from engine.data import images

    folder = _pngs(tmp_path / "many", 39)
    opened = []
    real = images.open_image
    monkeypatch.setattr(images, "open_image", lambda path, **kw: (opened.append(path), real(path, **kw))[1])
    result = load(folder, max_frames=1)
    assert len(result.frames) == 1 and len(opened) == 1
    opened.clear()
    assert len(load(folder, max_frames=5).frames) == 5 and len(opened) == 5


def test_a_long_cine_is_decoded_only_as_far_as_needed(tmp_path, monkeypatch):
    from engine.data import dicom

    cine = np.random.default_rng(0).integers(0, 255, (40, 32, 32), dtype=np.uint8)
    write_dicom(tmp_path / "cine.dcm", cine)
    decoded = []
    real = dicom._grey

    def counting(*a, **kw):
        decoded.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(dicom, "_grey", counting)
    result = load(tmp_path / "cine.dcm", max_frames=2)
    assert len(result.frames) == 2 and len(decoded) == 2


def test_annotation_frames_come_from_the_roots_only(tree):
    from engine.annotation.dataset import load_frames

    root, _ = tree
    frames, label = load_frames(str(root / "echo"), frames=10, within=[root])
    assert len(frames) == 3 and label == str(root / "echo")


def test_a_camus_ground_truth_linked_from_outside_is_not_read(tmp_path):
    from datafiles import write_nifti

    root = tmp_path / "root"
    root.mkdir()
    image = np.zeros((16, 12, 2), np.float32)
    write_nifti(root / "patient0001_4CH_ED.nii.gz", image)
    write_nifti(tmp_path / "elsewhere_gt.nii.gz", np.zeros((16, 12, 2), np.uint8))
    (root / "patient0001_4CH_ED_gt.nii.gz").symlink_to(tmp_path / "elsewhere_gt.nii.gz")
    results = {os.path.basename(r.path): r for r in iter_load(root, within=[root])}
    assert results["patient0001_4CH_ED.nii.gz"].status == "error"
    assert "outside the data roots" in results["patient0001_4CH_ED.nii.gz"].reason


@pytest.mark.parametrize("typed", ["/srv/\x00/x", "~nosuchuser-segroi/echo", "~nosuchuser-segroi"])
def test_paths_the_system_cannot_even_look_up_get_the_same_refusal(tree, typed):
    """A NUL byte (ValueError) or an unknown ~user (RuntimeError) gave a traceback on the page instead of
    the refusal; the answer must not differ from that for any other path outside the roots."""
    root, _ = tree
    with pytest.raises(SegroiError, match="must be inside a data root"):
        roots.allow(typed, roots.parse([root]))
