"""The dashboard as a user meets it: `segroi dashboard` on a free localhost port, driven by Playwright
through Debian's Chromium.

Loads the Overview, changes a wage on the Scenario page and sees the headline change, switches to
Japanese, downloads the PDF, renders it with pdftoppm and checks with pdftotext that it carries the
same headline figures as the page. Screenshots (1280x800) land in the test's tmp folder, and in
$SEGROI_SCREENSHOTS when set (that is how docs/screenshots/ is made).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from streamlit_browser import free_port, launch_chromium, screenshot, serving, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def dashboard(tmp_path):
    """`segroi dashboard --port P` on an empty store in tmp (it loads the reference data itself)."""
    skip_without_browser("pdftoppm")
    port = free_port()
    db = tmp_path / "segroi.duckdb"
    env = dict(os.environ, SEGROI_DB=str(db), OMP_NUM_THREADS="1")
    env.pop("SEGROI_PASSWORD", None)
    url = f"http://localhost:{port}"
    with serving([sys.executable, "-m", "engine.cli", "dashboard", "--port", str(port)], url=url,
                 log_path=tmp_path / "server.log", env=env, cwd=tmp_path, timeout=90, stop_timeout=30,
                 own_group=True):
        yield url


def _shot(page, tmp_path, name):
    page.wait_for_timeout(1500)  # let Plotly finish drawing
    screenshot(page, tmp_path, name)


def _nav(page, label: str):
    page.locator("[data-testid='stSidebarNav'] a", has_text=label).first.click()


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _wait_change(page, selector: str, old: str, timeout: float = 60_000) -> str:
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel);"
        " return e && e.innerText.split(/\\s+/).join(' ').trim() !== old; }",
        arg=[selector, old], timeout=timeout)
    return _text(page.locator(selector))


def test_overview_scenario_japanese_and_pdf(dashboard, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a busy 2-core machine draws Plotly charts slowly

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
        page.set_default_timeout(60_000)
        try:
            # Overview: the reference scenario's recommendation
            page.goto(dashboard)
            headline = page.locator(".st-key-headline")
            expect(headline).to_contain_text("saves")
            first = _text(headline)
            assert re.search(r"Label-free SSL saves \$[\d.]+k over 5 years", first), first
            expect(page.locator(".js-plotly-plot")).to_have_count(4)
            _shot(page, tmp_path, "overview")

            _nav(page, "Benchmarks")
            expect(page.locator(".js-plotly-plot")).to_have_count(2)
            _shot(page, tmp_path, "benchmarks")
            _nav(page, "Accuracy")
            expect(page.get_by_text("segroi evaluate --model ssl").first).to_be_visible()
            _shot(page, tmp_path, "accuracy")

            # Scenario: a higher clinician wage makes automation save more
            _nav(page, "Scenario")
            here = page.locator(".st-key-scenario_headline")
            expect(here).to_contain_text("saves")
            before_here = _text(here)
            _shot(page, tmp_path, "scenario")
            wage = page.get_by_role("spinbutton", name="Clinician wage per hour")
            wage.fill("60")
            wage.press("Enter")
            after_here = _wait_change(page, ".st-key-scenario_headline", before_here)
            assert after_here != before_here
            _nav(page, "Overview")
            expect(headline).not_to_have_text(first)
            second = _text(headline)
            assert second != first and second in after_here
            savings = lambda s: float(re.search(r"saves \$([\d.]+)k", s).group(1))  # noqa: E731
            assert savings(second) > savings(first)

            # Japanese
            page.locator("[data-testid='stSidebar'] button", has_text="日本語").click()
            expect(headline).to_contain_text("削減します")
            ja = _text(headline)
            expect(page.locator("[data-testid='stSidebarNav'] a", has_text="シナリオ")).to_be_visible()
            _shot(page, tmp_path, "overview_ja")

            # Export: the PDF of the scenario on screen, in Japanese
            _nav(page, "エクスポート")
            button = page.locator("[data-testid='stDownloadButton'] button")
            expect(button).to_contain_text("PDF をダウンロード")
            _shot(page, tmp_path, "export")
            with page.expect_download(timeout=120_000) as info:
                button.click()
            pdf = tmp_path / "summary.pdf"
            info.value.save_as(pdf)
        finally:
            browser.close()

    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "pdf")], check=True)
    pages = sorted(tmp_path.glob("pdf-*.png"))
    assert 2 <= len(pages) <= 4
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "".join(ja.split()) in flat            # the same sentence, numbers and all
    amount = re.search(r"([\d.]+万ドル)", ja).group(1)
    months = re.search(r"([\d.]+か月)", ja).group(1)
    assert amount in flat and months in flat
    assert "シナリオ「reference（編集中・未保存）」" in flat  # the PDF says the scenario was edited
