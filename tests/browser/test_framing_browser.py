"""Clickjacking: a page on another origin must not be able to frame the dashboard. Its requests carry
Host: localhost, so the host check lets them through; without frame-ancestors the framed dashboard is
live under the page's decoy (a click on Benchmarks' "start" or Scenario's "save"), and Streamlit takes
control messages (rerun, stop ...) from parents on its default origins (*.streamlit.app, which anyone
can publish on). Same-origin frames (the annotation canvas component) still work."""

from __future__ import annotations

import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from streamlit_browser import dashboard_command, free_port, launch_chromium, serving, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_another_origin_cannot_frame_the_dashboard(tmp_path):
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    port = free_port()
    (tmp_path / "decoy.html").write_text(
        f'<html><body><h1>decoy</h1><iframe src="http://localhost:{port}/benchmarks" width="1200" height="800">'
        "</iframe></body></html>"
    )
    decoy = ThreadingHTTPServer(("127.0.0.3", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=decoy.serve_forever, daemon=True).start()
    env = dict(os.environ, SEGROI_DB=str(tmp_path / "segroi.duckdb"))
    env.pop("SEGROI_PASSWORD", None)
    try:
        with (
            serving(dashboard_command(port), url=f"http://127.0.0.1:{port}", log_path=tmp_path / "server.log", env=env),
            sync_playwright() as pw,
        ):
            browser = launch_chromium(pw)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.3:{decoy.server_address[1]}/decoy.html")
                page.wait_for_timeout(8000)  # long enough for the framed app to draw, had it loaded
                framed = [f for f in page.frames if f.url.startswith(f"http://localhost:{port}")]
                texts = []
                for frame in framed:
                    try:
                        texts.append(frame.inner_text("body"))
                    except Exception:  # a blocked frame holds Chromium's error page or nothing
                        texts.append("")
                assert not any("Benchmarks" in text for text in texts), texts
                # the same page opened directly still works
                page.goto(f"http://localhost:{port}/benchmarks")
                page.get_by_text("Stored compute profiles").first.wait_for(timeout=60_000)
            finally:
                browser.close()
    finally:
        decoy.shutdown()
