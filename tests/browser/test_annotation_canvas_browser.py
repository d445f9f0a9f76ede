"""The annotation canvas component on its own (tests/browser/canvas_app.py) in Chromium: what it
draws and reports for real mouse events, Undo and Clear, the press elsewhere on the page, and a
heartbeat that reports only while there is activity."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from streamlit_browser import REPO, free_port, launch_chromium, serving, settle, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FRAME = "iframe[title*='annotation_canvas']"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("canvas")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(__file__).with_name("canvas_app.py")),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    with serving(cmd, url=url, log_path=folder / "server.log", env=env), sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 900, "height": 900})
        page.goto(url)
        page.frame_locator(FRAME).locator("canvas").wait_for(timeout=60_000)
        settle(page)
        yield page
        browser.close()


def _report(page) -> dict:
    return json.loads(page.locator("[data-testid='stCode'] code").inner_text())


def _origin(page):
    box = page.frame_locator(FRAME).locator("canvas").bounding_box()
    return box["x"], box["y"]


def _mode(page, name):
    page.get_by_text(name, exact=True).click()
    settle(page)


def test_a_polygon_is_sent_when_closed_with_every_click_timed(page):
    ox, oy = _origin(page)
    first = _report(page)["value"]
    assert first["v"] == 1 and first["item"] == "item-1" and first["events"][0][1] == "visible"
    square = [(20, 20), (120, 20), (120, 100), (20, 100)]
    for x, y in square:
        page.mouse.click(ox + x, oy + y)
        page.wait_for_timeout(150)
    assert _report(page)["value"]["shapes"]["polygons"] == []  # open: not sent as a shape
    page.mouse.click(ox + 22, oy + 21)  # near the first vertex: closes
    settle(page)
    value = _report(page)["value"]
    assert value["shapes"]["polygons"] == [[[20, 20], [120, 20], [120, 100], [20, 100]]]
    kinds = [k for _, k in value["events"]]
    assert kinds.count("down") == 5 and kinds.count("up") >= 4
    times = [t for t, _ in value["events"]]
    assert times == sorted(times) and times[-1] <= value["sent"]
    downs = [t for t, k in value["events"] if k == "down"]
    assert all(gap >= 140 for gap in (b - a for a, b in zip(downs, downs[1:])))  # the script's 150 ms


def test_undo_and_clear(page):
    page.frame_locator(FRAME).get_by_role("button", name="Undo").click()
    settle(page)
    assert _report(page)["value"]["shapes"]["polygons"] == []
    _mode(page, "point")
    ox, oy = _origin(page)
    page.mouse.click(ox + 50, oy + 60)
    settle(page)
    _mode(page, "outside")
    page.mouse.click(ox + 70, oy + 80)
    settle(page)
    assert _report(page)["value"]["shapes"]["points"] == [[50, 60, 1], [70, 80, 0]]
    page.frame_locator(FRAME).get_by_role("button", name="Clear").click()
    settle(page)
    assert _report(page)["value"]["shapes"] == {"polygons": [], "boxes": [], "points": []}


def test_a_box_drag_and_a_press_elsewhere_on_the_page(page):
    _mode(page, "box")
    ox, oy = _origin(page)
    page.mouse.move(ox + 30, oy + 40)
    page.mouse.down()
    page.mouse.move(ox + 100, oy + 90, steps=8)
    page.wait_for_timeout(300)
    page.mouse.move(ox + 150, oy + 120, steps=8)
    page.mouse.up()
    settle(page)
    value = _report(page)["value"]
    assert value["shapes"]["boxes"] == [[30, 40, 150, 120]]
    assert "drag" in [k for _, k in value["events"]]
    page.get_by_text("view", exact=True).click()  # a press on the page itself
    settle(page)
    assert "press" in [k for _, k in _report(page)["value"]["events"]]


def test_the_heartbeat_reports_moves_while_active_and_nothing_while_idle(page):
    ox, oy = _origin(page)
    settle(page)
    before = _report(page)
    page.wait_for_timeout(8_000)  # idle: nothing is sent
    assert _report(page)["reports"] == before["reports"]
    for k in range(24):  # 6 s of moving over the canvas
        page.mouse.move(ox + 20 + 6 * k, oy + 30 + 3 * (k % 5))
        page.wait_for_timeout(250)
    page.wait_for_timeout(1_000)
    after = _report(page)
    assert after["reports"] > before["reports"]  # the heartbeat (no shape changed)
    moves = [t for t, k in after["value"]["events"] if k == "move"]
    assert len(moves) >= 10 and all(b - a >= 240 for a, b in zip(moves, moves[1:]))
