"""Stored annotation time against scripted timings, in a real browser (benchmarks/RESULTS-annotation.md).

    python benchmarks/bench_annotation_timing.py [--repeat 2] [--out benchmarks/RESULTS-annotation.md]
                                                 [--json results.json]

Each case is one item on the Annotate page, performed by a script with real mouse events and
real waits in Debian's Chromium (tests/annotate_script.py: the same driver as the browser tests),
against `segroi dashboard` on a fresh store. The scripted active time comes from the script's own
clock: from the moment the item's canvas had its size on the page to the moment the Accept
button received the script's press, less the scripted pauses longer than the idle threshold and
the time the tab was hidden; for SAM, less SAM's compute time for the prompts, which this script
measures itself by timing the same SAM (variant, input size, one thread) in its own process. The
stored active time is read back from DuckDB. Goal: within 1 s in every case.

Cases:
  steady-14   manual, 14 vertices 1 s apart and the closing click, threshold 5 s
  pause-20    manual, 7 vertices 150 ms apart, a 20 s pause, 7 more and the close, threshold 5 s
  steady-40   manual, 20 vertices 2 s apart and the close (40 s), default threshold 30 s
  hidden-10   manual, 7 vertices 1 s apart, another tab in front for 10 s, 7 more, threshold 30 s
  sam-box     SAM (random weights, 256 px, CPU), drag a box over 0.6 s, look 3 s, accept
  sam-point   SAM, choose "+ point", click inside the LV, look 3 s, accept
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
for path in (REPO, REPO / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

GOAL_S = 1.0
MANUAL = "Manual: trace each structure"
SAM = "SAM: box or points"


def _lv():
    from engine.data.phantom import make_phantom

    frame = make_phantom(1, seed=0, size=256)[0]  # what the page shows first
    return frame, frame.mask == 1


def sam_prompt_seconds(frame, lv, repeat: int = 15) -> float:
    """Median seconds of one SAM mask for a box prompt, timed here: SAM as the page runs it
    (vit_b, random weights, 256 px, CPU, one thread, as the test server's OMP_NUM_THREADS=1)."""
    import torch

    from engine.annotation.flow import make_sam
    from engine.annotation.masks import mask_box

    torch.set_num_threads(1)
    sam = make_sam(None, 256, "cpu")
    embedding = sam.embed(frame.pixels)
    box = mask_box(lv)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        sam.predict(embedding, box=box)
        times.append(time.perf_counter() - start)
    return statistics.median(times[2:])


def run_case(name: str, context, url: str, lv, prompt_s: float) -> dict:
    from annotate_script import Script, new_session, open_annotate
    from engine.annotation.masks import contour_polygon, interior_point, mask_box

    page = open_annotate(context, url)
    threshold, predictions = 30.0, 0
    if name == "steady-14":
        threshold = 5.0
        new_session(page, MANUAL, idle=threshold)
        s = Script(page)
        s.wait_canvas()
        s.trace(contour_polygon(lv, 14), gap=1.0)
    elif name == "pause-20":
        threshold = 5.0
        new_session(page, MANUAL, idle=threshold)
        s = Script(page)
        s.wait_canvas()
        points = contour_polygon(lv, 14)
        s.trace(points[:7], gap=0.15, close=False)
        s.pause(20)
        s.trace(points[7:] + [points[0]], gap=0.15, close=False)
    elif name == "steady-40":
        new_session(page, MANUAL)
        s = Script(page)
        s.wait_canvas()
        s.trace(contour_polygon(lv, 20), gap=2.0)
    elif name == "hidden-10":
        new_session(page, MANUAL)
        s = Script(page)
        s.wait_canvas()
        points = contour_polygon(lv, 14)
        s.trace(points[:7], gap=1.0, close=False)
        s.hide(10)
        s.trace(points[7:] + [points[0]], gap=1.0, close=False)
    elif name == "sam-box":
        new_session(page, SAM)
        s = Script(page)
        s.wait_canvas()
        x0, y0, x1, y1 = mask_box(lv)
        s.drag(x0 - 3, y0 - 3, x1 + 3, y1 + 3, seconds=0.6)
        predictions = 1
        s.pause(3)  # looks at SAM's mask (under the threshold: work)
    elif name == "sam-point":
        new_session(page, SAM)
        s = Script(page)
        s.wait_canvas()
        page.get_by_text("+ point (inside)").click()
        s.wait_canvas()  # the same canvas, and it may have moved
        s.click(*interior_point(lv))
        predictions = 1
        s.pause(3)
    else:
        raise ValueError(name)
    s.accept()
    compute = predictions * prompt_s
    expected, idle = s.expected(threshold, compute=compute)
    return {
        "case": name,
        "threshold_s": threshold,
        "scripted_active_s": expected,
        "scripted_idle_s": idle,
        "scripted_hidden_s": sum(b - a for a, b in s.hidden),
        "scripted_compute_s": compute,
        "wall_s": s.accepted - s.shown,
    }


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions() -> dict:
    import streamlit

    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    return {"python": platform.python_version(), "streamlit": streamlit.__version__, "chromium": chromium}


CASES = ("steady-14", "pause-20", "steady-40", "hidden-10", "sam-box", "sam-point")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS-annotation.md"))
    parser.add_argument("--json", default=None)
    parser.add_argument(
        "--before",
        default=None,
        help="the printed rows (JSON lines) of this script run against older code, shown beside the results",
    )
    parser.add_argument("--before-label", default="older code")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from annotate_script import annotate_server, attached_chromium, stored_items

    frame, lv = _lv()
    prompt_s = sam_prompt_seconds(frame, lv)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    rows = []
    started = dt.datetime.now(dt.timezone.utc)
    load_before = _uptime()
    with (
        tempfile.TemporaryDirectory() as tmp,
        annotate_server(Path(tmp)) as (url, db),
        sync_playwright() as pw,
        attached_chromium(pw) as context,
    ):
        for round_no in range(args.repeat):
            for name in cases:
                row = run_case(name, context, url, lv, prompt_s)
                item = stored_items(db)[-1]
                # .get: the same script also runs against code from before these columns existed
                row.update(
                    round=round_no + 1,
                    stored_active_s=item["active_seconds"],
                    stored_idle_s=item["idle_seconds"],
                    stored_hidden_s=item.get("hidden_seconds"),
                    stored_compute_s=item.get("compute_seconds"),
                    timing=item.get("timing"),
                    load=os.getloadavg()[0],
                )
                row["error_s"] = row["stored_active_s"] - row["scripted_active_s"]
                rows.append(row)
                print(json.dumps(row), flush=True)
    load_after = _uptime()
    meta = {
        "date": started.isoformat(timespec="seconds"),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "sam_prompt_s": prompt_s,
        **_versions(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    before = None
    if args.before:
        before = [json.loads(line) for line in Path(args.before).read_text().splitlines() if line.startswith("{")]
    Path(args.out).write_text(report(meta, rows, before, args.before_label))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(abs(r["error_s"]) <= GOAL_S for r in rows) else 1


def report(meta: dict, rows: list[dict], before: list[dict] | None = None, label: str = "") -> str:
    def f(x, d=2):
        return "-" if x is None else f"{x:.{d}f}"

    worst = max(abs(r["error_s"]) for r in rows)
    loads = [r["load"] for r in rows]
    busy = (
        f"**was busy** (load average {min(loads):.0f}–{max(loads):.0f} on {meta['cores']} cores)"
        if max(loads) > (meta["cores"] or 1)
        else "was quiet"
    )
    lines = [
        "# Annotation timing: stored active time against scripted timings",
        "",
        "Script: `benchmarks/bench_annotation_timing.py` (cases and method in its docstring). Each case is "
        "one item traced or prompted on the Annotate page by a script with real mouse events and real "
        "waits in Debian's Chromium, against `segroi dashboard` on a fresh store; the stored item is "
        "read back from DuckDB. The scripted active time comes from the script's own clock (canvas on "
        "the page → Accept pressed, less scripted pauses over the threshold, hidden time and, for SAM, "
        "SAM's compute time for the prompt, timed by the script in its own process). "
        f"Goal: |stored − scripted| ≤ {GOAL_S:g} s in every case.",
        "",
        "## Conditions",
        "",
        f"- Date: {meta['date']} (UTC).",
        f"- CPU: {meta['cpu']}, {meta['cores']} cores; Python {meta['python']}, Streamlit {meta['streamlit']}, "
        f"{meta['chromium']} (headless, attached over the DevTools protocol).",
        f"- SAM: vit_b, random weights, 256 px, CPU, one thread; one mask takes {meta['sam_prompt_s'] * 1000:.0f} ms "
        "here (median, timed by the script).",
        f"- Load: before `{meta['load_before']}`; after `{meta['load_after']}`. The machine is shared "
        f"and {busy} during the run; the load column gives the 1-minute load average after each case.",
        "",
        "## Results",
        "",
        "| round | case | threshold (s) | scripted active (s) | stored active (s) | error (s) | scripted idle (s) "
        "| stored idle (s) | stored hidden (s) | stored SAM compute (s) | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['round']} | {r['case']} | {r['threshold_s']:g} | {f(r['scripted_active_s'])} | "
            f"{f(r['stored_active_s'])} | {r['error_s']:+.2f} | {f(r['scripted_idle_s'])} | "
            f"{f(r['stored_idle_s'])} | {f(r['stored_hidden_s'])} | {f(r['stored_compute_s'], 3)} | "
            f"{r['load']:.1f} |"
        )
    verdict = "met" if worst <= GOAL_S else "**not met**"
    lines += [
        "",
        f"Largest |error|: {worst:.2f} s — goal {verdict}.",
        "",
        "## Reading it",
        "",
        "- The script and segroi read the same clock (browser and server run on this machine), but "
        "not the same records: the script times the display and the Accept press with its own "
        "listeners in the page and its pauses and tab switches with its own clock; segroi stores "
        "what its canvas reported and the server received.",
        "- segroi puts the browser's times on the server's clock with the smallest (received − "
        "sent) it saw; a client whose clock is off shifts every time alike, so durations keep. "
        "Between two machines the estimate carries the shortest delivery delay; that is "
        "covered by unit tests (tests/annotation/test_activity.py), not by this run.",
        "- SAM at 256 px with random weights computes a mask in tens of milliseconds here, so "
        "the SAM cases check the prompt path and the timing around it more than the compute "
        "deduction; a 4 s computation is in tests/annotation/test_flow.py.",
        "- The tab is hidden by bringing a second tab to the front; the page receives a real "
        "`visibilitychange` (tests/annotate_script.py says why Chromium is attached, not launched).",
        "",
    ]
    if before:
        lines += [
            f"## The same script against {label}",
            "",
            "| case | scripted active (s) | stored active (s) | error (s) | scripted idle (s) | stored idle (s) "
            "| load |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in before:
            lines.append(
                f"| {r['case']} | {f(r['scripted_active_s'])} | {f(r['stored_active_s'])} | "
                f"{r['error_s']:+.2f} | {f(r['scripted_idle_s'])} | {f(r['stored_idle_s'])} | {r['load']:.1f} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
