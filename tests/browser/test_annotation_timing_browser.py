"""Timed annotation measures the tracing itself: scripted sessions with real mouse events on the
Annotate page in Chromium (tests/annotate_script.py), real waits, and the items read back from
the DuckDB store.

The expected active time comes from the script's own clock (display of the canvas to the click
on Accept, less the scripted pauses longer than the threshold and the hidden spans), never from
what segroi stored. The goal (issue 17) is a stored active time within 1 s of it in every case.
Before activity was measured in the browser these failed: a polygon reached the server only when
it was closed, so a trace slower than the idle threshold was stored as about 1 s of work.

The tab is hidden the way an annotator hides it: a second tab brought to the front (see
annotate_script.attached_chromium for why Chromium is attached rather than launched).
"""

from __future__ import annotations

import pytest
from annotate_script import Script, annotate_server, attached_chromium, new_session, open_annotate, settle, stored_items
from streamlit_browser import skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOAL_S = 1.0  # stored active time within this of the scripted active time


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    with (
        annotate_server(tmp_path_factory.mktemp("timing")) as (url, db),
        sync_playwright() as pw,
        attached_chromium(pw) as context,
    ):
        yield context, url, db


@pytest.fixture(scope="module")
def outline():
    from engine.annotation.masks import contour_polygon
    from engine.data.phantom import make_phantom

    lv = make_phantom(1, seed=0, size=256)[0].mask == 1  # what the page shows first
    return lambda n: contour_polygon(lv, n)


def _session(browser, idle=None) -> Script:
    context, url, _ = browser
    page = open_annotate(context, url)
    new_session(page, "Manual: trace each structure", idle=idle)
    script = Script(page)
    script.wait_canvas()
    return script


def _last_item(browser) -> dict:
    return stored_items(browser[2])[-1]


def test_a_steady_trace_slower_than_the_threshold_is_active(browser, outline):
    # 14 vertices 1 s apart, closed 1 s after the last: 14 s of steady work, threshold 5 s
    s = _session(browser, idle=5)
    s.trace(outline(14), gap=1.0)
    s.accept()
    item = _last_item(browser)
    expected, _ = s.expected(5)
    assert item["active_seconds"] >= 13
    assert abs(item["active_seconds"] - expected) <= GOAL_S, (item, expected)
    assert item.get("timing") == "browser" and item["vertices"] == 14


def test_a_pause_in_the_middle_of_a_trace_is_idle_and_the_clicking_active(browser, outline):
    points = outline(14)
    s = _session(browser, idle=5)
    s.trace(points[:7], gap=0.15, close=False)
    first = s.clicks[-1] - s.clicks[0]
    s.pause(20)
    s.trace(points[7:] + [points[0]], gap=0.15, close=False)
    clicking = first + (s.clicks[-1] - s.clicks[7])
    s.accept()
    item = _last_item(browser)
    expected, idle = s.expected(5)
    assert item["idle_seconds"] >= 19 and item["idle_seconds"] == pytest.approx(idle, abs=GOAL_S)
    assert abs(item["active_seconds"] - clicking) <= 1.5, (item, clicking)
    assert abs(item["active_seconds"] - expected) <= GOAL_S, (item, expected)


def test_a_forty_second_trace_under_the_default_threshold_is_all_active(browser, outline):
    # 20 vertices 2 s apart and the closing click: 40 s, default threshold 30 s
    s = _session(browser)
    s.trace(outline(20), gap=2.0)
    s.accept()
    item = _last_item(browser)
    expected, _ = s.expected(30)
    assert item["idle_threshold_seconds"] == 30
    assert item["active_seconds"] >= 38
    assert abs(item["active_seconds"] - expected) <= GOAL_S, (item, expected)


def test_ten_seconds_in_another_tab_in_the_middle_of_a_trace_are_idle(browser, outline):
    points = outline(14)
    s = _session(browser)  # default threshold: 10 s is no pause by itself
    s.trace(points[:7], gap=1.0, close=False)
    s.hide(10)
    s.trace(points[7:] + [points[0]], gap=1.0, close=False)
    s.accept()
    item = _last_item(browser)
    expected, idle = s.expected(30)
    hidden = s.hidden[0][1] - s.hidden[0][0]
    assert hidden >= 10
    assert item.get("hidden_seconds") == pytest.approx(hidden, abs=GOAL_S), item
    assert item["idle_seconds"] == pytest.approx(idle, abs=GOAL_S)
    assert abs(item["active_seconds"] - expected) <= GOAL_S, (item, expected)


def test_reruns_never_load_the_canvas_again_so_nothing_drawn_is_lost(browser):
    """SAM at random weights, two frames: the first item's canvas keeps its box across the reruns of
    SAM's mask and of a change of prompt mode; the second item's across the rerun that drops the
    'Saved' message and the SAM embedding notice shown above it at first. The canvas listens for
    presses on the page while it is there, and only then; the page reports no script error."""
    from engine.annotation.masks import interior_point, mask_box
    from engine.data.phantom import make_phantom

    context, url, db = browser
    page = open_annotate(context, url)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    cdp = context.new_cdp_session(page)

    cdp.send("Debugger.enable")

    def page_listeners() -> int:
        """Pointer-down listeners on the page's document that come from the canvas's script."""
        document = cdp.send("Runtime.evaluate", {"expression": "document"})["result"]["objectId"]
        found = cdp.send("DOMDebugger.getEventListeners", {"objectId": document})["listeners"]
        sources = [
            cdp.send("Debugger.getScriptSource", {"scriptId": e["scriptId"]})["scriptSource"]
            for e in found
            if e["type"] == "pointerdown"
        ]
        return sum("segroi annotation canvas" in source for source in sources)

    before = page_listeners()
    new_session(page, "SAM: box or points", frames=2)
    frames = make_phantom(1, seed=0, size=256)[:2]  # what the page shows
    listeners = []
    for k, frame in enumerate(frames):
        lv = frame.mask == 1
        s = Script(page)
        s.wait_canvas()
        page.wait_for_timeout(1500)  # the reruns of the canvas's first report
        listeners.append(page_listeners())
        loaded = s.canvas_page_id()
        x0, y0, x1, y1 = mask_box(lv)
        s.drag(x0 - 3, y0 - 3, x1 + 3, y1 + 3)
        settle(page)
        if k == 0:
            page.get_by_text("+ point (inside)").click()
            settle(page)
            s.click(*interior_point(lv))
            settle(page)
        assert s.canvas_page_id() == loaded
        s.accept()
    assert before == 0 and listeners == [1, 1]  # the canvas's press listener, once
    page.get_by_text("Session complete").wait_for()
    settle(page)  # the run that drew the summary has ended
    assert page.locator("iframe[title*='annotation_canvas']").count() == 0
    assert page_listeners() == before  # the canvas is gone, and so is its listener
    assert not errors, errors
    first, second = stored_items(db)[-2:]
    assert (first["prompt"], first["clicks"], first["corrections"]) == ("box+points", 2, 1)
    assert (second["prompt"], second["clicks"], second["corrections"]) == ("box", 1, 0)
    assert first["compute_seconds"] > 0 and second["timing"] == "browser"
