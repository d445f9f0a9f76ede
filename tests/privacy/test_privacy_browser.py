"""Privacy audit in a real browser: the served dashboard over the audited store, every page's HTML
(every frame, the canvas component's iframe included) and visible text, and the server's log,
hold none of the planted identifiers. On Annotate a session is started on the planted folder."""

from __future__ import annotations

import pytest
from planted import leaks, pdf_text
from streamlit_browser import dashboard_command, free_port, launch_chromium, serving, settle, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("overview", "scenario", "benchmarks", "accuracy", "annotate", "export")


@pytest.fixture
def served(audit):
    """The dashboard on the audit's store, served as `segroi dashboard` starts it, with debug logging."""
    skip_without_browser()
    port = free_port()
    log_path = audit.root / "logs" / "dashboard-server.log"
    url = f"http://127.0.0.1:{port}"
    with serving(dashboard_command(port, "--logger.level=debug"), url=url, log_path=log_path, env=audit.env(log_path)):
        yield url, log_path


def _everything(page) -> str:
    """HTML of every frame plus the visible text of the page."""
    parts = [page.inner_text("body")]
    for frame in page.frames:
        try:
            parts.append(frame.content())
        except Exception as exc:  # a frame that went away while we read
            parts.append(f"[frame not read: {exc}]")
    return "\n".join(parts)


def test_served_dashboard_shows_no_identifier(audit, served):
    from playwright.sync_api import sync_playwright

    from engine.report.i18n import t

    url, server_log = served
    found, seen = [], {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(url)
        page.get_by_text("Language / 言語").wait_for(timeout=60_000)
        settle(page)
        for name in PAGES:
            link = page.get_by_role("link", name=t(f"nav.{name}", "en"), exact=True)
            if not link.count():
                continue
            link.click()
            settle(page)
            page.wait_for_timeout(500)  # figures paint after the run ends
            seen[name] = _everything(page)
            found += leaks(seen[name], f"page {name}")

        if "export" in seen:  # the PDF the Export page hands out, built on the click
            page.get_by_role("link", name=t("nav.export", "en"), exact=True).click()
            settle(page)
            with page.expect_download(timeout=180_000) as download:
                page.get_by_role("button", name="Download PDF").click()
            pdf = audit.out / "dashboard-export.pdf"
            download.value.save_as(pdf)
            text = pdf_text(pdf)
            assert pdf.read_bytes().startswith(b"%PDF") and len(text) > 200
            found += leaks(pdf.read_bytes(), "dashboard PDF bytes") + leaks(text, "dashboard PDF text")

        if "annotate" in seen:  # the page reads the planted DICOMs itself
            page.get_by_role("link", name=t("nav.annotate", "en"), exact=True).click()
            settle(page)
            page.get_by_label("Your pseudonym").fill("auditor")
            page.get_by_text("A folder on this computer").click()
            settle(page)
            for label, value in (("Image folder", audit.scans), ("Ground-truth label folder", audit.truth)):
                box = page.get_by_label(label)
                box.fill(str(value))
                box.press("Enter")
                settle(page)
            page.get_by_role("button", name="Start").click()
            page.get_by_text("clip01_000").first.wait_for(timeout=120_000)
            page.frame_locator("iframe[title*='annotation_canvas']").locator("canvas").wait_for(timeout=120_000)
            settle(page)
            text = _everything(page)
            found += leaks(text, "annotate page, session on the planted folder")
        browser.close()
    found += leaks(server_log.read_text(errors="replace"), "dashboard server log")
    assert not found, "\n".join(found)
    assert {"overview", "accuracy", "export"} <= set(seen)
    assert "SSL: payback" in seen["overview"]  # the page was drawn (its payback card)
