"""Importing another machine's results on the Benchmarks page, in Chromium: a zip made by
`segroi runs export` is uploaded, its run lands in the dashboard's store, and the charts gain a line
for that hardware. A zip with a hostile manifest is refused on the page and stores nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from streamlit_browser import launch_chromium, screenshot, segroi_dashboard, settle, skip_without_browser

from engine.store import open_store
from engine.store.bundle import export_runs

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _bundle_zip(tmp_path) -> bytes:
    """A store of 'another machine' with one profile run on an L4, exported and zipped."""
    store = open_store(tmp_path / "site-b.duckdb")
    with store.run("profile", settings={"models": ["ssl_unet"]}) as run:
        run.add("hardware", {"device_type": "cuda", "device_name": "NVIDIA L4", "host": "gpu-box-7"})
        run.add(
            "profiles",
            [
                {
                    "model": "ssl_unet",
                    "component": "full",
                    "weights": "random",
                    "device": "cuda",
                    "device_name": "NVIDIA L4",
                    "host": "gpu-box-7",
                    "dtype": "fp32",
                    "batch": b,
                    "input_size": "1x256x256",
                    "images_per_second": 400.0 * b**0.5,
                    "provenance": "measured",
                    "source": "site B",
                    "measured_at": dt.datetime(2026, 10, 1),
                }
                for b in (1, 64)
            ],
        )
    export_runs(store, [run.id], tmp_path / "bundle")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted((tmp_path / "bundle").iterdir()):
            zf.write(p, f"bundle/{p.name}")
    return buf.getvalue()


@pytest.fixture
def dashboard(tmp_path):
    skip_without_browser()
    db = tmp_path / "segroi.duckdb"
    with segroi_dashboard(db, tmp_path) as url:
        yield url, db


def test_upload_a_bundle_zip_and_compare_the_hardware(dashboard, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, db = dashboard
    good = tmp_path / "site-b.zip"
    good.write_bytes(_bundle_zip(tmp_path))
    hostile = tmp_path / "hostile.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "segroi-bundle", "tables": {"../../etc/x": {}}}))
    hostile.write_bytes(buf.getvalue())
    expect.set_options(timeout=60_000)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(60_000)
        try:
            page.goto(url)
            page.locator("[data-testid='stSidebarNav'] a", has_text="Benchmarks").first.click()
            expect(page.get_by_text("Import results from another machine")).to_be_visible()
            settle(page)
            upload = page.locator("[data-testid='stFileUploader'] input[type='file']")

            upload.set_input_files(str(hostile))
            settle(page)
            page.get_by_role("button", name="Import").click()
            settle(page)
            expect(page.get_by_text("The bundle was not imported; nothing was stored")).to_be_visible()
            expect(page.locator("[data-testid='stCode']")).to_contain_text("names a table")

            upload.set_input_files(str(good))
            settle(page)
            page.get_by_role("button", name="Import").click()
            settle(page)
            expect(page.get_by_text("Imported 1 run (0 already in the store).")).to_be_visible()
            page.wait_for_timeout(1500)
            screenshot(page, tmp_path, "benchmarks_import", full_page=True)
            legend = page.locator(".js-plotly-plot .legendtext")
            expect(legend.filter(has_text="ssl_unet · fp32 · NVIDIA L4").first).to_be_attached()
        finally:
            browser.close()
    store = open_store(db, read_only=True)
    rows = store.query("SELECT host, device_name FROM profiles WHERE host IS NOT NULL")
    assert rows == [{"host": "gpu-box-7", "device_name": "NVIDIA L4"}] * 2
    imports = store.query("SELECT source, runs_added FROM bundle_imports")
    assert imports == [{"source": "site-b.zip", "runs_added": 1}]
