"""The Annotate page reads folders only inside the data roots the server was started with
(`segroi dashboard --data-root`, SEGROI_DATA_ROOTS): typed paths, `..`, links, resumed sessions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
pytestmark = pytest.mark.slow


def _images(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        Image.fromarray(np.full((64, 64), 20 + i, np.uint8)).save(folder / f"frame{i:02d}.png")
    return folder


@pytest.fixture
def page(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    root = tmp_path / "data"
    _images(root / "echo", 3)
    _images(tmp_path / "private", 39)
    (root / "echo_link").symlink_to(tmp_path / "private", target_is_directory=True)
    monkeypatch.setenv("SEGROI_DATA_ROOTS", str(root))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("views/annotate.py").run()
    return at, root, tmp_path / "private"


def _start(at, folder: str):
    at.text_input(key="ann_name").input("roots tester")
    at.radio(key="ann_data").set_value("folder").run()
    at.text_input(key="ann_folder").input(folder)
    at.number_input(key="ann_frames").set_value(1)
    at.button(key="ann_start").click().run()
    assert not at.exception, at.exception


def _sessions():
    from engine.store import open_store

    return open_store(read_only=True).query("SELECT dataset, settings FROM annotation_sessions")


@pytest.mark.parametrize(
    "folder",
    ["{private}", "{root}/../private", "{root}/echo_link", "/usr/share/pixmaps", "/etc", "echo", "{root}/missing"],
)
def test_folders_outside_the_roots_are_refused_and_nothing_is_stored(page, folder):
    at, root, private = page
    _start(at, folder.format(root=root, private=private))
    assert len(at.error) == 1 and ("data root" in at.error[0].value or "full path" in at.error[0].value)
    assert _sessions() == []


def test_a_folder_inside_a_root_starts_with_its_real_path(page):
    at, root, _ = page
    _start(at, f"{root}/echo/../echo")
    assert not at.error
    (session,) = _sessions()
    assert session["dataset"] == str(root / "echo")


def test_a_session_whose_folder_left_the_roots_is_not_resumed(page, monkeypatch, tmp_path):
    at, root, _ = page
    _start(at, str(root / "echo"))
    at.button(key="ann_leave").click().run()
    monkeypatch.setenv("SEGROI_DATA_ROOTS", str(tmp_path / "private"))
    at.button(key="ann_resume").click().run()
    assert not at.exception and len(at.error) == 1 and "data root" in at.error[0].value
