"""The Annotate page in a real Streamlit server, driven by Playwright through Debian's Chromium:
trace a polygon, drag a box and click a correction point with real mouse events, accept, and find the timed items in DuckDB.

Screenshots land in the test's tmp folder (and in $SEGROI_SCREENSHOTS when set).
"""

from __future__ import annotations

import json
import os
import time

import pytest
from streamlit_browser import (
    dashboard_command,
    free_port,
    launch_chromium,
    screenshot,
    serving,
    settle,
    skip_without_browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISPLAY_SCALE = 2.0  # the page shows the 256-px phantom on a 512-px canvas


@pytest.fixture
def server(tmp_path):
    skip_without_browser()
    port = free_port()
    db = tmp_path / "segroi.duckdb"
    env = dict(
        os.environ, SEGROI_DB=str(db), SEGROI_SALT="browser-test", OMP_NUM_THREADS="1", SEGROI_DATA_ROOTS=str(tmp_path)
    )  # the SSL weights the test writes are read from here
    url = f"http://127.0.0.1:{port}"
    # as `segroi dashboard` starts it: st.navigation in charge from the first request
    with serving(dashboard_command(port), url=url, log_path=tmp_path / "server.log", env=env):
        yield url, db


def _shot(page, tmp_path, name):
    screenshot(page, tmp_path, name, full_page=True)


def _canvas_origin(page):
    """Top-left of the drawing canvas on screen, once the layout has stopped moving."""
    settle(page, timeout=240_000)  # the canvas of the step before stays on the page until the run ends
    canvas = page.frame_locator("iframe[title*='annotation_canvas']").locator("canvas")
    canvas.wait_for(timeout=240_000)
    settle(page, timeout=240_000)
    canvas.scroll_into_view_if_needed()
    last = None
    for _ in range(20):
        box = canvas.bounding_box()
        if last == (box["x"], box["y"]):
            return last
        last = (box["x"], box["y"])
        page.wait_for_timeout(250)
    raise AssertionError("the canvas kept moving")


def _new_session(page, task_label, weights=None):
    page.get_by_label("Your pseudonym").fill("browser tester")
    page.get_by_text(task_label).click()
    settle(page)
    frames = page.get_by_label("Frames")
    frames.fill("1")
    frames.press("Enter")
    settle(page)
    if weights:
        page.get_by_label("SSL weights file").fill(str(weights))
        page.get_by_label("SSL weights file").press("Enter")
        settle(page)
    page.get_by_role("button", name="Start").click()


def _trace(page, trace):
    ox, oy = _canvas_origin(page)
    points = [(ox + x * DISPLAY_SCALE, oy + y * DISPLAY_SCALE) for x, y in trace]
    for x, y in points:
        page.mouse.click(x, y)
        page.wait_for_timeout(120)
    page.mouse.click(*points[0])  # clicking the first vertex closes the polygon
    settle(page)


def _ssl_weights(path):
    """An untrained, tiny SSL network: its masks are meaningless, which is all the review needs."""
    import torch

    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    torch.manual_seed(0)
    return SslSegmenter(UNet(width=4, levels=3), input_size=64).save(path)


def _lv():
    from engine.data.phantom import make_phantom

    frame = make_phantom(1, seed=0, size=256)[0]  # what the page shows first
    return frame.mask == 1


def test_trace_and_box_are_timed_and_stored(server, tmp_path):
    from playwright.sync_api import sync_playwright

    from engine.annotation.masks import contour_polygon, interior_point, mask_box
    from engine.annotation.session import pseudonym
    from engine.store import open_store

    url, db = server
    lv = _lv()
    trace = contour_polygon(lv, 14)
    x0, y0, x1, y1 = mask_box(lv)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        page.goto(url)
        # the app's own navigation (not Streamlit's file-based one it shows for a moment)
        page.get_by_text("Language / 言語").wait_for(timeout=60_000)
        page.get_by_role("link", name="Annotate", exact=True).click()
        page.get_by_text("Timed annotation").first.wait_for(timeout=60_000)
        settle(page)

        # -- manual: trace the LV as a polygon, vertex by vertex, and close it ---------------
        started = time.monotonic()
        _new_session(page, "Manual: trace each structure")
        _trace(page, trace)
        _shot(page, tmp_path, "annotate-manual-traced")
        page.get_by_role("button", name="Accept").click()
        page.get_by_text("Session complete").wait_for(timeout=60_000)
        manual_wall = time.monotonic() - started
        settle(page)
        page.wait_for_timeout(1500)  # the tables paint after the run ends
        _shot(page, tmp_path, "annotate-manual-summary")

        # the measured time goes into a scenario
        page.get_by_role("button", name="Put these measured times into a scenario").click()
        page.get_by_text("Saved scenario").wait_for(timeout=60_000)

        # -- sam: drag a box around the LV with SAM at random weights ---------------------------
        page.get_by_role("button", name="Start another session").click()
        settle(page)
        _new_session(page, "SAM: box or points")
        page.get_by_text("random weights").first.wait_for(timeout=240_000)
        ox, oy = _canvas_origin(page)
        page.mouse.move(ox + (x0 - 3) * DISPLAY_SCALE, oy + (y0 - 3) * DISPLAY_SCALE)
        page.mouse.down()
        page.mouse.move(ox + (x0 + x1) / 2 * DISPLAY_SCALE, oy + (y0 + y1) / 2 * DISPLAY_SCALE, steps=6)
        page.mouse.move(ox + (x1 + 3) * DISPLAY_SCALE, oy + (y1 + 3) * DISPLAY_SCALE, steps=6)
        page.mouse.up()
        settle(page)
        # then a correction click inside the LV
        page.get_by_text("+ point (inside)").click()
        settle(page)
        ox, oy = _canvas_origin(page)
        cx, cy = interior_point(lv)
        page.mouse.click(ox + cx * DISPLAY_SCALE, oy + cy * DISPLAY_SCALE)
        settle(page)
        _shot(page, tmp_path, "annotate-sam-box")
        page.get_by_role("button", name="Accept").click()
        page.get_by_text("Session complete").wait_for(timeout=60_000)
        settle(page)
        page.wait_for_timeout(1500)
        _shot(page, tmp_path, "annotate-sam-summary")

        # -- ssl review: reject the model's LV and trace it instead ------------------------------
        page.get_by_role("button", name="Start another session").click()
        settle(page)
        _new_session(page, "SSL review", weights=_ssl_weights(tmp_path / "ssl.pt"))
        page.get_by_role("button", name="Correct by tracing").wait_for(timeout=120_000)
        settle(page)
        _shot(page, tmp_path, "annotate-ssl-review")
        page.get_by_role("button", name="Correct by tracing").click()
        settle(page)
        _trace(page, trace)
        page.get_by_role("button", name="Accept").click()
        page.get_by_text("Session complete").wait_for(timeout=60_000)
        settle(page)

        # all human sessions together
        page.get_by_role("button", name="Start another session").click()
        settle(page)
        page.get_by_role("tab", name="Measured so far").click()
        page.get_by_test_id("stTabs").get_by_text("Cost-model inputs (measured)").wait_for(timeout=60_000)
        settle(page)
        page.wait_for_timeout(1500)
        _shot(page, tmp_path, "annotate-measured-so-far")
        browser.close()

    store = open_store(db, read_only=True)
    sessions = store.query("SELECT * FROM annotation_sessions ORDER BY created_at")
    assert [s["task"] for s in sessions] == ["manual", "sam", "ssl"]
    assert all(s["status"] == "done" and not s["simulated"] for s in sessions)
    assert {s["annotator"] for s in sessions} == {pseudonym("browser tester", salt="browser-test")}
    assert json.loads(sessions[1]["settings"])["sam_weights"] == "random"

    items = {i["task"]: i for i in store.query("SELECT * FROM annotation_items")}
    assert set(items) == {"manual", "sam", "ssl"}
    manual, sam, ssl = items["manual"], items["sam"], items["ssl"]
    assert manual["structure"] == "LV" and manual["prompt"] == "polygon" and manual["accepted"]
    assert manual["vertices"] == len(trace) and manual["clicks"] == len(trace) + 1
    assert manual["timing"] == "browser" and manual["hidden_seconds"] == 0
    assert 0 < manual["active_seconds"] < manual_wall
    assert manual["dice"] > 0.85  # the trace followed the true outline
    assert not manual["simulated"] and manual["session_id"] == sessions[0]["id"]
    assert sam["prompt"] == "box+points" and sam["clicks"] == 2 and sam["corrections"] == 1
    assert sam["accepted"] and sam["vertices"] is None
    assert sam["active_seconds"] > 0 and sam["compute_seconds"] > 0 and sam["timing"] == "browser"
    assert sam["dice"] is None  # random weights: no Dice is stored

    assert not ssl["accepted"] and ssl["corrections"] == 1 and ssl["prompt"] == "review"
    assert 0 < ssl["review_seconds"] < ssl["active_seconds"]
    assert ssl["vertices"] == len(trace) and ssl["dice"] > 0.85

    (scenario,) = [r for r in store.scenarios() if "annotation" in r["name"]]
    value = scenario["assumptions"]["options"]["manual"]["seconds_per_structure"]
    assert value == pytest.approx(manual["active_seconds"], rel=1e-4)
    prov = scenario["provenance"]["options.manual.seconds_per_structure"]
    assert prov["kind"] == "measured" and sessions[0]["id"] in prov["source"]
