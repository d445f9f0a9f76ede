"""The login fails closed, seen in Chromium: a server that needs a login (on 127.0.0.2, told so as
`segroi dashboard` tells it) with a password in a project secrets file and an unparsable
~/.streamlit/secrets.toml (HOME points at a temp folder), or with `password = 12345678`. Every page URL
shows one error and nothing else: no password box, no figures, no traceback, no path."""

from __future__ import annotations

import os

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

PAGES = ("", "overview", "scenario", "benchmarks", "accuracy", "annotate", "export")
ERROR = "login is not set up correctly"


def _server(tmp_path, monkeypatch, home_secrets: str | None, project_secrets: str):
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    if home_secrets is not None:
        (home / ".streamlit" / "secrets.toml").write_text(home_secrets)
    monkeypatch.setenv("HOME", str(home))  # so the pinned ~/.streamlit path is the temp one
    project = tmp_path / "project" / "secrets.toml"
    project.parent.mkdir()
    project.write_text(project_secrets)
    port = free_port()
    # segroi dashboard names the three files Streamlit reads (~/.streamlit is the temp home here); the
    # project file is added to the list the same way.
    cmd = dashboard_command(
        port,
        "--secrets.files",
        str(home / ".streamlit" / "secrets.toml"),
        "--secrets.files",
        str(project),
        host="127.0.0.2",
    )
    env = dict(os.environ, HOME=str(home), SEGROI_DB=str(tmp_path / "segroi.duckdb"), SEGROI_LOGIN_REQUIRED="1")
    env.pop("SEGROI_PASSWORD", None)
    return serving(cmd, url=f"http://127.0.0.2:{port}", log_path=tmp_path / "server.log", env=env), port


@pytest.mark.parametrize(
    "case, home_secrets, project_secrets",
    [
        ("unparsable_home", 'password = = "broken\n[auth\n', 'password = "correct horse battery"\n'),
        ("numeric_password", None, "password = 12345678\n"),
    ],
)
def test_every_page_shows_one_error_and_nothing_else(tmp_path, monkeypatch, case, home_secrets, project_secrets):
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    from engine import reference
    from engine.store import open_store

    monkeypatch.setenv("SEGROI_DB", str(tmp_path / "segroi.duckdb"))
    reference.seed(open_store())  # a store with content, so an open door would show it
    server, port = _server(tmp_path, monkeypatch, home_secrets, project_secrets)
    with server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        try:
            for name in PAGES:
                page.goto(f"http://127.0.0.2:{port}/{name}")
                page.get_by_text(ERROR).wait_for()
                settle(page)
                body = page.inner_text("body")
                assert ERROR in body, (name, body)
                assert page.locator("[data-testid='stAlertContentError']").count() == 1, name
                for absent in ("Password", "saves", "Traceback", "Error", "secrets.toml", str(tmp_path), "/"):
                    assert absent not in body, (name, absent, body)
                assert page.locator("input").count() == 0 and page.locator(".js-plotly-plot").count() == 0
                assert page.locator("[data-testid='stSidebarNav']").count() == 0
            screenshot(page, tmp_path, f"login_{case}")
        finally:
            browser.close()
    log = (tmp_path / "server.log").read_text()
    assert "login configuration refused" in log
