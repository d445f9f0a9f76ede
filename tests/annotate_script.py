"""Scripted annotation sessions on the Annotate page, with real mouse events in Chromium and the
script's own clock beside them: shared by tests/browser/test_annotation_timing_browser.py and
benchmarks/bench_annotation_timing.py.

Chromium is started here and Playwright attaches to it over the DevTools protocol with
`no_defaults`, instead of `launch()`: a browser Playwright launches keeps every page "visible"
(its focus emulation), so a tab could never be hidden. Attached this way, bringing a second tab
to the front really hides the first, as when an annotator switches tabs: the page gets a
genuine `visibilitychange` with `document.visibilityState == "hidden"`, in headless Chromium.

The script keeps its own time line on the machine's clock (`time.time()`, which the browser
shares here): when the item's canvas got its size on the page (seen from inside the page on the
next animation frame), each click, when each scripted pause and hidden span began and ended, and
when the Accept button received the script's press (a listener the script puts on the page
itself). `Script.expected` turns that into the active time the timing rule should find (docs:
engine/annotation/timing.py), never from what segroi stored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit_browser import CHROMIUM, CHROMIUM_ARGS, dashboard_command, free_port, rerun_done, serving

VIEWPORT = (1500, 1400)
# segroi's annotation canvas, in its component frame; streamlit-drawable-canvas, which the
# Annotate page used before activity was measured in the browser, draws in the page itself (in a
# shadow root), so the script looks there when there is no such frame and runs against that code too
CANVAS_FRAME = "iframe[title*='annotation_canvas']"


@contextmanager
def annotate_server(folder: Path, env_extra: dict | None = None):
    """The dashboard as `segroi dashboard` starts it, on a fresh store in `folder`: (url, db)."""
    port = free_port()
    db = Path(folder) / "segroi.duckdb"
    env = dict(os.environ, SEGROI_DB=str(db), SEGROI_SALT="browser-test", OMP_NUM_THREADS="1", **(env_extra or {}))
    env.pop("SEGROI_PASSWORD", None)
    url = f"http://127.0.0.1:{port}"
    with serving(dashboard_command(port), url=url, log_path=Path(folder) / "server.log", env=env):
        yield url, db


@contextmanager
def attached_chromium(pw):
    """Debian's Chromium, headless, started by us; Playwright attached with no default overrides.
    Yields the browser's own context (its tabs can hide each other)."""
    port = free_port()
    profile = tempfile.mkdtemp(prefix="segroi-chromium-")
    cmd = [
        CHROMIUM,
        "--headless",
        f"--remote-debugging-port={port}",
        f"--user-data-dir={profile}",
        f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
        *CHROMIUM_ARGS,
        "about:blank",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("Chromium did not start its DevTools endpoint") from None
                time.sleep(0.2)
        browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}", no_defaults=True)
        try:
            yield browser.contexts[0]
        finally:
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


# run on the page: on every animation frame, look into the component frames (same origin) and
# note the moment each new canvas first has its size
CANVAS_WATCH = """() => {
  if (window.__canvasShown) return;
  window.__canvasShown = [];
  const seen = new WeakSet();
  const roots = () => {
    const out = [document];
    for (const frame of document.querySelectorAll('iframe')) {
      try { if (frame.contentDocument) out.push(frame.contentDocument); } catch (err) { /* other origin */ }
    }
    for (const el of document.querySelectorAll('*')) { if (el.shadowRoot) out.push(el.shadowRoot); }
    return out;
  };
  const look = () => {
    for (const root of roots()) {
      for (const c of root.querySelectorAll('canvas')) {
        if (!seen.has(c) && c.width > 1 && c.height > 1) {
          seen.add(c);
          window.__canvasShown.push(performance.timeOrigin + performance.now());
        }
      }
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""


def settle(page, timeout: float = 120_000) -> None:
    """Streamlit has finished the rerun the last action started."""
    page.wait_for_timeout(500)
    rerun_done(page, timeout)


def open_annotate(context, url: str):
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    page.evaluate(CANVAS_WATCH)
    page.get_by_text("Language / 言語").wait_for(timeout=60_000)
    page.get_by_role("link", name="Annotate", exact=True).click()
    page.get_by_text("Timed annotation").first.wait_for(timeout=60_000)
    settle(page)
    return page


def new_session(page, task_label: str, idle: float | None = None, frames: int = 1) -> None:
    """Fill the New session form and press Start (the item appears after this)."""
    page.get_by_label("Your pseudonym").fill("timing tester")
    page.get_by_text(task_label).click()
    settle(page)
    box = page.get_by_label("Frames")
    box.fill(str(frames))
    box.press("Enter")
    settle(page)
    if idle is not None:
        box = page.get_by_label("Idle threshold")
        box.fill(f"{idle:g}")
        box.press("Enter")
        settle(page)
    page.get_by_role("button", name="Start").click()


@dataclass
class Script:
    """One item as the script performs it, on the script's clock (time.time)."""

    page: object
    scale: float = 2.0  # canvas px per image px (the 256-px phantom on 512 px)
    shown: float | None = None
    origin: tuple[float, float] = (0.0, 0.0)
    pauses: list[tuple[float, float]] = field(default_factory=list)
    hidden: list[tuple[float, float]] = field(default_factory=list)
    clicks: list[float] = field(default_factory=list)
    accepted: float | None = None

    def wait_canvas(self, timeout: float = 240_000) -> None:
        """Wait until the item's canvas is on the page with its size (the display, timed inside
        the page) and no longer moving."""
        self.page.get_by_role("button", name="Start", exact=True).wait_for(state="detached", timeout=timeout)
        settle(self.page, timeout)  # the last item's canvas stays on the page until the run ends
        canvas = None
        deadline = time.time() + timeout / 1000
        in_page = self.page.locator("canvas >> visible=true")  # not a hidden table's canvas
        while canvas is None:
            if self.page.locator(CANVAS_FRAME).count() == 1:  # not while the last item's is still there
                canvas = self.page.frame_locator(CANVAS_FRAME).locator("canvas").last
            elif in_page.count():
                canvas = in_page.last
            elif time.time() > deadline:
                raise TimeoutError("no annotation canvas appeared")
            else:
                self.page.wait_for_timeout(100)
        canvas.wait_for(state="visible", timeout=timeout)
        shown_ms = self.page.wait_for_function(
            "() => (window.__canvasShown || []).slice(-1)[0]", timeout=timeout
        ).json_value()
        last = None
        for _ in range(100):
            box = canvas.bounding_box()
            here = (box["x"], box["y"])
            if here == last and box["width"] > 10:
                break
            last = here
            self.page.wait_for_timeout(50)
        self.shown = shown_ms / 1000 if self.shown is None else self.shown
        self.origin = last

    def canvas_page_id(self) -> float:
        """A number the canvas's page keeps until the browser loads that page again."""
        return (
            self.page.frame_locator(CANVAS_FRAME)
            .locator("body")
            .evaluate("() => (window.__loadId = window.__loadId || Math.random())")
        )

    def at(self, x: float, y: float) -> tuple[float, float]:
        """Image pixels -> page pixels."""
        return self.origin[0] + x * self.scale, self.origin[1] + y * self.scale

    def click(self, x: float, y: float) -> None:
        self.page.mouse.click(*self.at(x, y))
        self.clicks.append(time.time())

    def wait_until(self, moment: float) -> None:
        """Wait (as work: the annotator is busy) until `moment` on the script's clock."""
        left = moment - time.time()
        if left > 0:
            self.page.wait_for_timeout(left * 1000)

    def trace(self, points, gap: float, close: bool = True) -> None:
        """Click the vertices `gap` seconds apart (and the first again, to close)."""
        start = time.time()
        for k, (x, y) in enumerate(list(points) + ([points[0]] if close else [])):
            self.wait_until(start + k * gap)
            self.click(x, y)

    def drag(self, x0: float, y0: float, x1: float, y1: float, seconds: float = 0.6, steps: int = 12) -> None:
        """Press at (x0, y0), move to (x1, y1) over `seconds`, release."""
        self.page.mouse.move(*self.at(x0, y0))
        self.page.mouse.down()
        start = time.time()
        for k in range(1, steps + 1):
            f = k / steps
            self.page.mouse.move(*self.at(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f))
            self.wait_until(start + seconds * f)
        self.page.mouse.up()
        self.clicks.append(time.time())

    def pause(self, seconds: float) -> None:
        """Do nothing at all for `seconds` (the pointer stays still)."""
        began = time.time()
        self.page.wait_for_timeout(seconds * 1000)
        self.pauses.append((began, time.time()))

    def hide(self, seconds: float) -> None:
        """Switch to another tab for `seconds`, then back (the page is hidden meanwhile)."""
        other = self.page.context.new_page()
        began = time.time()
        other.bring_to_front()
        self.page.wait_for_function("() => document.visibilityState === 'hidden'", polling=100, timeout=10_000)
        other.wait_for_timeout(seconds * 1000)
        self.page.bring_to_front()
        self.page.wait_for_function("() => document.visibilityState === 'visible'", polling=100, timeout=10_000)
        self.hidden.append((began, time.time()))
        other.close()

    def press(self, name: str) -> None:
        self.page.get_by_role("button", name=name).click()

    def accept(self) -> None:
        """Click Accept and wait for the item to be saved; the press is timed inside the page."""
        button = self.page.get_by_role("button", name="Accept")
        button.wait_for(timeout=60_000)
        # As a person would: press once the page has finished the rerun the last stroke started (a
        # click that lands while Streamlit swaps the button out, or on a button still disabled, is lost).
        rerun_done(self.page)
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Accept') && !b.disabled)",
            timeout=60_000,
        )
        self.page.evaluate(
            "() => { window.__acceptPressed = null; document.addEventListener('pointerdown', e => {"
            " const b = e.target.closest('button'); if (b && b.innerText.includes('Accept'))"
            " window.__acceptPressed = performance.timeOrigin + performance.now(); },"
            " {capture: true, once: true}); }"
        )
        button.click()
        self.page.get_by_text("Session complete").or_(self.page.get_by_text("Saved ")).first.wait_for(timeout=120_000)
        self.accepted = self.page.evaluate("() => window.__acceptPressed") / 1000

    def expected(self, threshold: float, compute: float = 0.0) -> tuple[float, float]:
        """(active, idle) the rule should find, from the script's clock: the time from display to
        accept, less `compute` (SAM, timed apart by the caller); scripted pauses longer than
        the threshold and hidden spans are idle."""
        total = self.accepted - self.shown
        idle = sum(b - a for a, b in self.pauses if b - a > threshold) + sum(b - a for a, b in self.hidden)
        return total - idle - compute, idle


def stored_items(db: Path) -> list[dict]:
    from engine.store import open_store

    return open_store(db, read_only=True).query(
        "SELECT i.*, s.idle_threshold_seconds FROM annotation_items i "
        "JOIN annotation_sessions s ON s.id = i.session_id ORDER BY i.completed_at"
    )
