"""Dashboard and PDF timings against the issue's goals (recorded in benchmarks/RESULTS-dashboard.md).

    python benchmarks/bench_dashboard.py [--repeat 5] [--browser]

1. Overview first render with 10,000 stored result rows: a fresh session's first script run
   (Streamlit AppTest, caches cleared) and, with --browser, the time from opening the page in
   Chromium to the headline and all four charts being drawn, with the headline's own time (the
   executive's first render) and where the rest goes (the chart frame's plotly.js bundle fetched,
   all charts drawn). The Overview draws its charts in one component frame with plotly.js's basic
   bundle (dashboard/charts.py).
2. Scenario edit -> updated numbers: the Scenario page's script run after a wage change
   (a scenario not seen before, so the cost model and a 10,000-draw Monte Carlo run in it).
3. PDF export: pdf.build with the chart renderer warm (as on the Export page, which starts it
   when opened), and `segroi report` end to end (cold Chromium start included).

Every run uses its own temporary store. Prints a JSON summary (medians and all samples).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"


def fill_store(n_rows: int) -> None:
    """Reference data plus n_rows result rows (profiles, evaluations, measurements, annotation items)."""
    from engine import reference
    from engine.store import open_store

    store = open_store()
    reference.seed(store)
    now = dt.datetime(2026, 11, 26, 12, 0)
    quarter = n_rows // 4
    with store.run("profile", settings={"bench": True}) as run:
        run.add(
            "profiles",
            [
                {
                    "model": "ssl_unet",
                    "component": "full",
                    "weights": "random",
                    "device": "cuda",
                    "device_name": "bench GPU",
                    "dtype": "bf16",
                    "batch": 2 ** (i % 9),
                    "input_size": "1x256x256",
                    "images_per_second": 1000.0 + i,
                    "seconds_per_image": 1 / (1000.0 + i),
                    "joules_per_image": 0.1,
                    "provenance": "measured",
                    "measured_at": now,
                }
                for i in range(quarter)
            ],
        )
    with store.run("evaluate", settings={"bench": True}) as run:
        run.add(
            "evaluations",
            [
                {
                    "model": "ssl_unet" if i % 2 else "sam_vit_b",
                    "frame": f"f_{i:05d}",
                    "structure": "LV LA RV RA".split()[i % 4],
                    "dice": 0.5 + (i % 50) / 100,
                    "provenance": "measured",
                }
                for i in range(quarter)
            ],
        )
        run.add(
            "measurements",
            [
                {
                    "model": "ssl_unet",
                    "study": f"s{i}",
                    "name": "lv_edv_ml",
                    "value": 100.0 + i % 7,
                    "reference": 100.0,
                    "unit": "ml",
                    "provenance": "measured",
                }
                for i in range(quarter)
            ],
        )
    store.insert(
        "annotation_items",
        [
            {
                "session_id": "bench",
                "frame": f"f_{i:05d}",
                "structure": "LV",
                "task": "manual sam ssl".split()[i % 3],
                "active_seconds": 5.0 + i % 9,
                "accepted": i % 5 != 0,
                "simulated": True,
                "completed_at": now,
            }
            for i in range(n_rows - 3 * quarter)
        ],
    )


def _apptest():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=120)


def overview_first_render(repeat: int) -> list[float]:
    import streamlit as st

    samples = []
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = _apptest()
        t0 = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - t0)
        assert not at.exception and len(at.get("component_instance")) == 1, at.exception
    return samples


def scenario_edit(repeat: int) -> tuple[list[float], list[float]]:
    from engine import reference
    from engine.report.summary import summarize

    at = _apptest().run()
    at.switch_page("views/scenario.py").run()
    page_samples, model_samples = [], []
    for i in range(repeat):
        wage = 40.0 + i * 0.37  # a new scenario each time: nothing cached
        box = next(n for n in at.number_input if n.key.endswith(":labour.clinician_wage_per_hour"))
        box.set_value(wage)
        t0 = time.perf_counter()
        at.run()
        page_samples.append(time.perf_counter() - t0)
        assert not at.exception and not at.error
        raw = reference.reference_scenario()
        raw["labour"]["clinician_wage_per_hour"]["value"] = wage + 0.001
        t0 = time.perf_counter()
        summarize(raw)
        model_samples.append(time.perf_counter() - t0)
    return page_samples, model_samples


def pdf_export(repeat: int) -> tuple[list[float], list[float]]:
    from engine import reference
    from engine.report import images, pdf
    from engine.store import results
    from engine.report.summary import summarize
    from engine.store import open_store

    summary = summarize(reference.reference_scenario())
    runs = results.measured_runs(open_store(read_only=True))
    images.start()
    images.png(__import__("plotly.graph_objects", fromlist=["Figure"]).Figure())  # Chromium up
    warm = []
    for lang in (["en", "ja"] * repeat)[:repeat]:
        t0 = time.perf_counter()
        pdf.build(summary, lang, runs)
        warm.append(time.perf_counter() - t0)
    images.stop()
    cli = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(max(1, repeat // 2)):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "engine.cli", "report", "--out", f"{tmp}/r{i}.pdf"],
                check=True,
                capture_output=True,
            )
            cli.append(time.perf_counter() - t0)
    return warm, cli


# Runs in the page and in its chart frame from their first script: when the headline's text appears
# (page) and when the frame has drawn its charts (frame), as absolute times (timeOrigin + now), so that
# the frame's clock and the page's can be compared (polled every 10 ms; the frame by timer, because a
# frame still of height 0 gets no animation frames).
_MARKS_JS = """
window.__marks = {};
(function poll() {
  const m = window.__marks, now = performance.timeOrigin + performance.now();
  if (window === window.top) {
    const h = document.querySelector('.st-key-headline');
    if (m.headline === undefined && h && h.innerText.trim()) m.headline = now;
    if (m.headline === undefined) setTimeout(poll, 10);
  } else {
    const drawn = document.body && document.body.getAttribute('data-drawn');
    if (m.charts === undefined && drawn) m.charts = now;
    if (m.charts === undefined) setTimeout(poll, 10);
  }
})();
"""
_FRAME_JS = """() => {
  const r = performance.getEntriesByType('resource').find(e => /plotly-basic[.]min[.]js$/.test(e.name));
  const o = performance.timeOrigin;
  return Object.assign({}, window.__marks,
    r ? {plotly_bundle_requested: o + r.startTime, plotly_bundle_loaded: o + r.responseEnd} : {});
}"""
_ALL_DRAWN = """() => [...document.querySelectorAll('iframe')].some(f => {
  try { return f.contentDocument && f.contentDocument.body.getAttribute('data-drawn') === '4'; }
  catch (e) { return false; } })"""


def browser_first_render(repeat: int) -> dict[str, list[float]]:
    """Per page load in a fresh browser context (nothing cached), seconds from opening the page:
    `full` (headline and all four charts drawn, timed from Python as before), and from the browser's
    own clocks `headline` (the plain-words recommendation visible: the executive's first render),
    `plotly_bundle_requested` / `plotly_bundle_loaded` (the chart frame's plotly.js basic bundle) and
    `charts` (the frame has drawn all four)."""
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.serve",
            "run",
            str(APP),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: dict[str, list[float]] = {}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            for i in range(repeat + 1):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.add_init_script(_MARKS_JS)
                t0 = time.perf_counter()
                page.goto(f"http://localhost:{port}/")
                page.wait_for_selector(".st-key-headline", timeout=60_000)
                page.wait_for_function(_ALL_DRAWN, timeout=60_000)
                full = time.perf_counter() - t0
                origin = page.evaluate("performance.timeOrigin")
                marks = dict(page.evaluate("window.__marks"))
                frame = next(f for f in page.frames if f != page.main_frame and "segroi_charts" in f.url)
                frame.wait_for_function("window.__marks && window.__marks.charts !== undefined", timeout=10_000)
                marks.update(frame.evaluate(_FRAME_JS))
                if i:  # the very first page load also warms the server process; reported apart
                    samples.setdefault("full", []).append(full)
                    for name, at in marks.items():
                        samples.setdefault(name, []).append(round((at - origin) / 1000, 3))
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--browser", action="store_true", help="also time the first render in Chromium")
    parser.add_argument("--browser-only", action="store_true", help="time only the first render in Chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SEGROI_DB"] = str(Path(tmp) / "bench.duckdb")
        fill_store(args.rows)
        out = {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "cpu": _cpu(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
            "result_rows": args.rows,
        }
        if not args.browser_only:
            out["overview_first_render_s"] = overview_first_render(args.repeat)
            page, model = scenario_edit(args.repeat)
            out["scenario_edit_page_run_s"], out["scenario_edit_cost_model_incl_mc_s"] = page, model
            warm, cli = pdf_export(args.repeat)
            out["pdf_build_warm_s"], out["segroi_report_cli_s"] = warm, cli
        if args.browser or args.browser_only:
            browser = browser_first_render(args.repeat)
            out["overview_browser_first_render_s"] = browser.pop("full")
            out["overview_browser_headline_s"] = browser.pop("headline")
            for name, values in browser.items():
                out[f"overview_browser_{name}_s"] = values
        out["load_average_at_end"] = os.getloadavg()
    out["medians"] = {
        k: round(statistics.median(v), 3)
        for k, v in out.items()
        if isinstance(v, list) and v and isinstance(v[0], float)
    }
    print(json.dumps(out, indent=1, default=str))
    return 0


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
