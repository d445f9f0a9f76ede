"""Make docs/screenshots/*.png (1280x800) from the store in $SEGROI_DB. Not a test; run it by hand:

    SEGROI_DB=/path/to/store.duckdb python tests/browser/screenshots.py docs/screenshots

The store used for the committed pictures held: `segroi demo` (the reference scenario, the H100
anchors and the published accuracy figures); a phantom (`segroi phantom`, 12 training and 6 test
studies, `--style b` for the test studies); `segroi train-ssl --quick` on the training studies;
`segroi evaluate --model ssl` on the test studies; `segroi annotate-sim` (manual and ssl) on 12 test
frames. Every measured accuracy and annotation number in the pictures is therefore simulated (phantom
data) and the pages say so; the published accuracy figures are the literature's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))  # streamlit_browser, when run as a script

from streamlit_browser import dashboard_command, free_port, launch_chromium, serving  # noqa: E402

PAGES = [
    ("overview", "", "en"),
    ("scenario", "scenario", "en"),
    ("benchmarks", "benchmarks", "en"),
    ("accuracy", "accuracy", "en"),
    ("export", "export", "en"),
    ("overview_ja", "", "ja"),
]


def main(out: str) -> int:
    from playwright.sync_api import sync_playwright

    Path(out).mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(
            dashboard_command(port, host="localhost"),
            url=f"http://localhost:{port}",
            log_path=Path(tmp) / "server.log",
            env=dict(os.environ),
            timeout=60,
            stop_timeout=30,
        ),
    ):
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for name, path, lang in PAGES:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.set_default_timeout(90_000)
                page.goto(f"http://localhost:{port}/{path}")
                page.wait_for_selector("[data-testid='stSidebarNav']")
                if lang == "ja":
                    page.locator("[data-testid='stSidebar'] button", has_text="日本語").click()
                    page.wait_for_selector("text=削減します")
                page.wait_for_timeout(2500)
                page.wait_for_function(
                    "[...document.querySelectorAll('.stPlotlyChart')].every(c => c.querySelector('.main-svg'))"
                )
                page.wait_for_function(  # the Overview's chart frame (dashboard/charts.py)
                    "[...document.querySelectorAll('iframe')].every(f => !f.src.includes('segroi_charts')"
                    " || (f.contentDocument && f.contentDocument.body.getAttribute('data-drawn')))"
                )
                page.wait_for_timeout(1500)
                page.screenshot(path=str(Path(out) / f"{name}.png"))
                page.close()
                print("wrote", Path(out) / f"{name}.png")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(REPO / "docs" / "screenshots")))
