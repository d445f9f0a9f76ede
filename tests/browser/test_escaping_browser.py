"""User-provided strings are shown literally, seen in Chromium: a scenario named with a Markdown
image, raw HTML, emphasis, LaTeX and a Streamlit colour directive. A local HTTP listener counts
requests: none may arrive while Overview, Scenario (its compare panel included) and Export are
shown, and each page shows the name as typed."""

from __future__ import annotations

import http.server
import os
import threading

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


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_scenario_name_with_markup_is_shown_literally_and_fetches_nothing(tmp_path, monkeypatch):
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    from engine import reference
    from engine.store import open_store

    listener = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    track = listener.server_address[1]
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    name = (
        f"![t](http://127.0.0.1:{track}/track.png) <img src=http://127.0.0.1:{track}/img.png> "
        "**bold** :red[red] $x^2$ [link](http://127.0.0.1:{track}/link)"
    ).replace("{track}", str(track))
    db = tmp_path / "segroi.duckdb"
    monkeypatch.setenv("SEGROI_DB", str(db))
    reference.seed(open_store())
    raw = reference.reference_scenario()
    store = open_store()
    store.save_scenario(name, dict(raw, name=name), raw.get("provenance", {}))

    port = free_port()
    env = dict(os.environ, SEGROI_DB=str(db), SEGROI_SCENARIO=name)
    env.pop("SEGROI_PASSWORD", None)
    try:
        with (
            serving(dashboard_command(port), url=f"http://127.0.0.1:{port}", log_path=tmp_path / "server.log", env=env),
            sync_playwright() as pw,
        ):
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(90_000)
            try:
                for path, expect in (("", "saves"), ("scenario", "Compare"), ("export", "Download PDF")):
                    page.goto(f"http://127.0.0.1:{port}/{path}")
                    page.get_by_text(expect).first.wait_for()
                    settle(page)
                    page.wait_for_timeout(1000)
                    body = page.inner_text("body").replace("\u2060", "")  # escape.md's invisible word joiner
                    # the caption (Overview, Export) or the compare panel's heading (Scenario); the sidebar's
                    # picker shows it too, but inside an input, which inner_text does not read
                    assert name in body, (path, body[:3000])
                    assert page.locator(f"img[src*='{track}']").count() == 0, path
                    links = page.locator(f"a[href*='{track}']")
                    assert links.count() == 0, (
                        path,
                        [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())],
                    )
                    assert _Counter.hits == [], (path, _Counter.hits)
                    screenshot(page, tmp_path, f"escaped_{path or 'overview'}")
            finally:
                browser.close()
    finally:
        listener.shutdown()
    assert _Counter.hits == []
