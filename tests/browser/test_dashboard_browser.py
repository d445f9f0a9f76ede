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

import pytest
from streamlit_browser import launch_chromium, screenshot, segroi_dashboard, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def dashboard(tmp_path):
    """`segroi dashboard --port P` on an empty store in tmp (it loads the reference data itself)."""
    skip_without_browser("pdftoppm")
    db = tmp_path / "segroi.duckdb"
    with segroi_dashboard(db, tmp_path) as url:
        yield url


def _shot(page, tmp_path, name):
    page.wait_for_timeout(1500)  # let Plotly finish drawing
    screenshot(page, tmp_path, name)


def _charts(page):
    """The Overview's chart frame (dashboard/charts.py)."""
    return page.frame_locator("iframe[src*='segroi_charts']")


def _nav(page, label: str):
    page.locator("[data-testid='stSidebarNav'] a", has_text=label).first.click()


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _wait_change(page, selector: str, old: str, timeout: float = 60_000) -> str:
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel);"
        " return e && e.innerText.split(/\\s+/).join(' ').trim() !== old; }",
        arg=[selector, old],
        timeout=timeout,
    )
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
            assert re.search(r"Label-free SSL saves \$[\d.]+K over 5 years", first), first
            expect(_charts(page).locator(".js-plotly-plot")).to_have_count(4)
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
            wage = page.get_by_role("spinbutton", name="Clinician wage ($/h)")
            wage.fill("60")
            wage.press("Enter")
            after_here = _wait_change(page, ".st-key-scenario_headline", before_here)
            assert after_here != before_here
            _nav(page, "Overview")
            expect(headline).not_to_have_text(first)
            second = _text(headline)
            assert second != first and second in after_here
            savings = lambda s: float(re.search(r"saves \$([\d.]+)K", s).group(1))  # noqa: E731
            assert savings(second) > savings(first)

            # Japanese
            page.locator("[data-testid='stSidebar'] button", has_text="日本語").click()
            expect(headline).to_contain_text("削減します")
            ja = _text(headline)
            expect(page.locator("[data-testid='stSidebarNav'] a", has_text="シナリオ")).to_be_visible()
            _shot(page, tmp_path, "overview_ja")

            # Export: the PDF of the scenario on screen, in Japanese
            _nav(page, "エクスポート")
            button = page.locator("[data-testid='stDownloadButton'] button").first
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
    assert 3 <= len(pages) <= 5
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "".join(ja.split()) in flat  # the same sentence, numbers and all
    amount = re.search(r"(\$[\d.]+万)", ja).group(1)
    months = re.search(r"([\d.]+か月)", ja).group(1)
    assert amount in flat and months in flat
    assert "シナリオ「reference（編集中・未保存）」" in flat  # the PDF says the scenario was edited


def test_links_to_the_first_page_work(dashboard):
    """/overview (the first page's name) shows the Overview without a "Page not found" dialog."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            for path in ("/overview", "/", "/overview?lang=en"):
                page.goto(dashboard + path)
                expect(page.locator(".st-key-headline")).to_contain_text("saves")
                page.wait_for_timeout(1500)  # a "Page not found" dialog would be up by now
                assert page.get_by_text("Page not found").count() == 0, path
                assert page.locator("[role='dialog']").count() == 0, path
                assert page.url.rstrip("/") == dashboard.rstrip("/") or page.url.startswith(dashboard + "/?"), page.url
                current = page.locator("[data-testid='stSidebarNav'] a[aria-current='page']")
                expect(current).to_contain_text("Overview")
        finally:
            browser.close()


@pytest.fixture
def eight_options(tmp_path):
    """A dashboard whose store holds a scenario with eight options (every template, one with a label
    and its own on-prem server), shown first."""
    skip_without_browser()
    from engine import costmodel, reference
    from engine.store import open_store

    db = tmp_path / "segroi.duckdb"
    old = os.environ.get("SEGROI_DB")
    os.environ["SEGROI_DB"] = str(db)
    try:
        reference.seed(open_store())
        raw = reference.reference_scenario()
        for template in ("sam_vit_b", "sam_vit_l", "sam_finetuned", "hybrid"):
            raw = reference.add_option_from_template(raw, template)
        raw = reference.add_option_from_template(raw, "sam_vit_h", "vit_h_own")
        raw["options"]["vit_h_own"]["label"] = "SAM ViT-H on our own server"
        raw["options"]["vit_h_own"]["hardware"] = {
            "mode": "on_prem",
            "dedicated": False,
            "utilization": 0.5,
            "energy_price_per_kwh": 0.15,
            "pue": 1.5,
            "server_capex": 45000,
            "amortization_years": 4,
        }
        raw["name"] = "eight options"
        canon = costmodel.validate(raw).to_dict()
        open_store().save_scenario("eight options", canon, canon.pop("provenance", {}))
    finally:
        if old is None:
            os.environ.pop("SEGROI_DB", None)
        else:
            os.environ["SEGROI_DB"] = old
    with segroi_dashboard(db, tmp_path, SEGROI_SCENARIO="eight options") as url:
        yield url


def test_eight_options_stay_legible(eight_options, tmp_path):
    """Every option's name is on the Overview's cost chart, one line each; the Scenario page edits all
    eight. Screenshots (Overview, Scenario) are kept for looking at."""
    from playwright.sync_api import expect, sync_playwright

    names = [
        "Manual",
        "SAM",
        "SSL",
        "SAM ViT-B",
        "SAM ViT-L",
        "Fine-tuned SAM",
        "SSL → SAM",
        "SAM ViT-H on our own server",
    ]
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2400})
            page.set_default_timeout(90_000)
            page.goto(eight_options)
            expect(page.locator(".st-key-headline")).to_contain_text("saves")
            frame = _charts(page)
            expect(frame.locator(".js-plotly-plot")).to_have_count(4)
            ticks = frame.locator(".js-plotly-plot").first.locator(".yaxislayer-above .ytick text")
            expect(ticks).to_have_count(8)
            assert sorted(ticks.all_text_contents()) == sorted(names)
            # the tick labels do not overlap one another
            rects = ticks.evaluate_all(
                "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })"
            )
            boxes = sorted(tuple(r) for r in rects)
            assert all(a[1] <= b[0] + 1 for a, b in zip(boxes, boxes[1:])), boxes
            _shot(page, tmp_path, "overview_eight")
            _nav(page, "Scenario")
            expect(page.locator(".st-key-option_vit_h_own")).to_contain_text("SAM ViT-H on our own server")
            expect(page.locator("[class*='st-key-option_']")).to_have_count(8)
            expect(page.locator(".st-key-add_option").get_by_role("button", name="Add")).to_be_disabled()
            _shot(page, tmp_path, "scenario_eight")
        finally:
            browser.close()


def test_printing_the_overview_leaves_out_the_sidebar_and_keeps_charts_whole(dashboard, tmp_path):
    """Print media: no sidebar; the chart frame is replaced by one picture per chart, a row of them kept on
    one page. The printed PDF (Chromium's own print) is rendered with pdftoppm for looking at."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(90_000)
            page.goto(dashboard)
            expect(page.locator(".st-key-headline")).to_contain_text("saves")
            expect(_charts(page).locator("body[data-print-copy='4']")).to_have_count(1)
            page.emulate_media(media="print")
            assert not page.locator("[data-testid='stSidebar']").is_visible()
            assert not page.locator("iframe[src*='segroi_charts']").is_visible()
            pictures = page.locator("#segroi-print-charts img")
            expect(pictures).to_have_count(4)
            assert all(p.is_visible() for p in pictures.all())
            rows = page.locator("#segroi-print-charts .segroi-print-row")
            assert rows.count() == 3  # costs; cumulative beside the tornado; the cheapest by volume
            assert rows.first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
            out = tmp_path / "overview_print.pdf"
            page.pdf(path=str(out), format="A4", print_background=True)
        finally:
            browser.close()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(out), str(tmp_path / "print")], check=True)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "saves" in text and "Language" not in text  # the answer is printed, the sidebar is not
