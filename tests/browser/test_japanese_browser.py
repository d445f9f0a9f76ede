"""Every page in Japanese, read in Chromium: no English words outside an allow-list of names and units.

The dashboard is opened with `?lang=ja` (a shared link) on every page, over the reference data plus one
profile, evaluation and annotation session, so tables, charts and notes are filled. What a Japanese reader
sees - the main area, the sidebar, chart titles, axes and legends (also inside the Overview's chart frame)
- is collected as text; commands and file names in code spans, and what the user or a run wrote (scenario
names, sources of figures, run ids), are left out. Any other Latin word fails the test, named with its page.
Screenshots land in the test's tmp folder (and $SEGROI_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import re
import sys

import pytest
from streamlit_browser import launch_chromium, screenshot, segroi_dashboard, settle, skip_without_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("", "scenario", "benchmarks", "accuracy", "annotate", "export")

# Names of things and units, which stay as they are in Japanese text.
ALLOWED = {
    # product, models, methods, hardware
    "segroi",
    "SAM",
    "SSL",
    "ViT",
    "MedSAM",
    "U-Net",
    "Net",
    "Dice",
    "IoU",
    "HD",
    "ROI",
    "NPV",
    "PUE",
    "GPU",
    "CPU",
    "PDF",
    "ID",
    "NVIDIA",
    "HBM",
    "H100",
    "CUDA",
    "cuda",
    "cpu",
    "torch",
    "compile",
    "channels_last",
    "FLOP",
    "NVML",
    "RAPL",
    "Bland-Altman",
    "Bland",
    "Altman",
    "Jeffreys",
    "Monte",
    "Carlo",
    "DICOM",
    "CSV",
    "zip",
    "xlsx",
    "ML",
    "IT",
    "ED",
    "ES",
    "LV",
    "LA",
    "RV",
    "RA",
    "MYO",
    "A4C",
    "A2C",
    "EF",
    "EDV",
    "ESV",
    "CAMUS",
    "EchoNet",
    "UTC",
    "fp32",
    "bf16",
    "fp16",
    "sdpa",
    "random",
    "ssl_unet",
    "sam_vit_b",
    "sam_vit_l",
    "sam_vit_h",
    "vit_b",
    "vit_l",
    "vit_h",
    "full",
    "encoder",
    "decoder",
    "ckpt",
    "pth",
    "pt",
    # units and currencies
    "kWh",
    "USD",
    "JPY",
    "EUR",
    "GiB",
    "GB",
    "MB",
    "ms",
    "px",
    "Wh",
    "GPU-h",
    "ml",
    "mm",
    "cm",
    # file kinds a drop zone accepts
    "ZIP",
    "JSON",
    "PARQUET",
    # the language switch names both languages
    "Language",
    "English",
}


def _latin_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]", text)


def _visible_text(page) -> str:
    """The page's words as shown, without code spans, tables the user filled, or the store's path."""
    js = """() => {
      const skip = "code, pre, [data-testid='stDataFrame'], iframe, svg, [data-testid='stIconMaterial'], "
                   + "[data-testid='stIconEmoji'], .material-symbols-rounded, [data-segroi-user]";
      const parts = [];
      for (const sel of ["[data-testid='stMain']", "[data-testid='stSidebar']"]) {
        const root = document.querySelector(sel);
        if (!root) continue;
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const el = n.parentElement;
          if (!el || el.closest(skip) || !el.checkVisibility()) continue;
          if (getComputedStyle(el).fontFamily.includes("Material")) continue;  // an icon's name
          parts.push(n.textContent);
        }
      }
      document.querySelectorAll(".js-plotly-plot .gtitle, .js-plotly-plot .xtitle, .js-plotly-plot .ytitle, "
                                + ".js-plotly-plot .legendtext").forEach(e => parts.push(e.textContent));
      return parts.join("\\n");
    }"""
    text = page.evaluate(js)
    for frame in page.frames[1:]:
        try:
            text += "\n" + frame.evaluate(
                "() => Array.from(document.querySelectorAll('.gtitle, .xtitle, .ytitle, .legendtext, "
                ".annotation-text')).map(e => e.textContent).join('\\n')"
            )
        except Exception:  # a frame that went away while reading
            pass
    return text


@pytest.fixture
def filled_dashboard(tmp_path):
    skip_without_browser()
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "report"))
    from report_rows import add_annotation_items, add_evaluations, add_profiles

    from engine.reference import seed
    from engine.store import open_store

    db = tmp_path / "segroi.duckdb"
    old = os.environ.get("SEGROI_DB")
    os.environ["SEGROI_DB"] = str(db)
    try:
        store = open_store()
        seed(store)
        add_profiles(store)
        add_evaluations(store)
        add_annotation_items(store)
        store.close() if hasattr(store, "close") else None
    finally:
        if old is None:
            os.environ.pop("SEGROI_DB", None)
        else:
            os.environ["SEGROI_DB"] = old
    with segroi_dashboard(db, tmp_path) as url:
        yield url


def test_every_page_in_japanese_has_no_untranslated_english(filled_dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    # what the store holds, as the user or a run wrote it: scenario names, the test's device and model names
    user_words = set(_latin_words("reference reference-ja Test GPU HBM3 deeplabv3_r50 sess-hum"))
    found: dict[str, set[str]] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.set_default_timeout(90_000)
            for name in PAGES:
                page.goto(f"{filled_dashboard}/{name}?lang=ja")
                page.wait_for_selector("[data-testid='stSidebarNav']")
                settle(page)
                page.wait_for_timeout(2500)  # charts drawn
                screenshot(page, tmp_path, f"ja_{name or 'overview'}")
                words = set(_latin_words(_visible_text(page))) - ALLOWED - user_words
                if words:
                    found[name or "overview"] = words
        finally:
            browser.close()
    assert not found, f"English words on Japanese pages: {found}"
