"""summary.md and summary.json of a gpu_check.sh output folder, from whatever the phases left there.

    python benchmarks/summarize_gpu_check.py OUTDIR [--phases "tests=0:41:80 unet=124:150:150"]
                                            [--git HASH] [--date YYYY-MM-DD]

Reads OUTDIR/results.json (one key per phase: probe, overhead, stability, train, train_cli, unet,
sam), OUTDIR/tests.xml (pytest's JUnit report) and OUTDIR/env.txt; any of them may be missing or
partial (a phase failed or ran out of time), and the summary then says so instead of failing.
summary.json holds the keys the GPU issue asks for (a figure that was not measured is null) plus
the goals, each phase's outcome and notes. summary.md has the same in tables, beside the H100
anchors quoted from REFERENCES.md (naive settings, 2026-11-26, PyTorch 2.11 + CUDA 13; labelled
as quoted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

# REFERENCES.md, "Measured here: compute anchors on one NVIDIA H100 80GB HBM3" (img/s, J/img).
ANCHORS = {
    ("ssl_unet", "naive_fp32", 256): (2691, 0.230),
    ("ssl_unet", "autocast_bf16", 256): (4261, 0.142),
    ("ssl_unet", "channels_last", 256): (5311, 0.112),
    ("ssl_unet", "compile", 256): (8968, 0.078),
    ("sam_vit_b", "fp32", 8): (29.0, 23.6),
    ("sam_vit_b", "autocast_bf16", 8): (50.8, 11.4),
    ("sam_vit_l", "autocast_bf16", 8): (27.6, 21.3),
    ("sam_vit_h", "fp32", 1): (5.2, 115.0),
    ("sam_vit_h", "autocast_bf16", 8): (20.2, 29.4),
    ("sam_vit_h", "bf16_weights", 8): (25.6, 25.3),
}
UNET_GOAL, UNET_FACTOR = 10_000.0, 2.0
VIT_H_GOAL, VIT_H_FACTOR = 25.6, 1.2
OVERHEAD_GOAL, CV_GOAL = 0.01, 0.03
UNET_NAIVE_BATCH, VIT_H_AUTOCAST_BATCH = 256, 8
# The keys the GPU issue asks summary.json to hold, in its order.
KEYS = (
    "gpu_name",
    "date",
    "git",
    "gpu_tests_passed",
    "gpu_tests_failed",
    "unet_naive_img_per_s",
    "unet_best_img_per_s",
    "unet_best_settings",
    "unet_best_joules_per_img",
    "sam_vit_h_autocast_img_per_s",
    "sam_vit_h_best_img_per_s",
    "sam_vit_h_best_settings",
    "sam_vit_h_best_joules_per_img",
    "sam_vit_b_best_img_per_s",
    "decoder_seconds_per_prompt",
    "profiler_overhead_fraction",
    "energy_cv",
    "ssl_train_img_per_s",
    "idle_watts",
)
SETTING_KEYS = (
    "dtype",
    "dtype_mode",
    "batch",
    "recipe",
    "channels_last",
    "attention",
    "compile_mode",
    "cudnn_benchmark",
    "cudnn_allow_tf32",
    "matmul_allow_tf32",
)


# -- reading ---------------------------------------------------------------------------------------
def load_results(out: Path) -> dict:
    try:
        data = json.loads((out / "results.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def read_tests(path: Path) -> dict | None:
    """Counts and failures from pytest's JUnit XML (None when there is no report)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failures = errors = skipped = 0
    failed = []
    for s in suites:
        total += int(s.get("tests", 0))
        failures += int(s.get("failures", 0))
        errors += int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
        for case in s.iter("testcase"):
            for kind in ("failure", "error"):
                for el in case.findall(kind):
                    msg = (el.get("message") or el.text or "").strip().splitlines()
                    failed.append(
                        f"{case.get('classname', '')}::{case.get('name', '')} ({kind}: {msg[0][:200] if msg else ''})"
                    )
    return {
        "total": total,
        "passed": total - failures - errors - skipped,
        "failed": failures + errors,
        "skipped": skipped,
        "failures": failed,
    }


def tests_from_log(path: Path) -> dict | None:
    """Counts from pytest -v lines in log.txt ("tests/x.py::test_y PASSED [ 12%]"), for a test
    phase that was cut short before it could write its JUnit report."""
    import re

    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    found = re.findall(r"^(tests/\S+::\S+) (PASSED|FAILED|ERROR|SKIPPED)\b", text, re.M)
    if not found:
        return None
    last = dict(found)  # a test reported twice (call, then teardown error) counts once, last word
    n = {k: sum(v == k for v in last.values()) for k in ("PASSED", "FAILED", "ERROR", "SKIPPED")}
    return {
        "total": len(last),
        "passed": n["PASSED"],
        "failed": n["FAILED"] + n["ERROR"],
        "skipped": n["SKIPPED"],
        "source": "log.txt (no JUnit report: the phase was cut short)",
        "failures": [f"{t} ({v.lower()})" for t, v in last.items() if v in ("FAILED", "ERROR")],
    }


def parse_phases(text: str) -> dict:
    """'name=rc:seconds:limit ...' (rc 'skip' for a phase not started) -> {name: {...}}."""
    out = {}
    for item in (text or "").split():
        name, _, rest = item.partition("=")
        parts = rest.split(":")
        if len(parts) != 3:
            continue
        rc, secs, limit = parts
        status = (
            "not started"
            if rc == "skip"
            else "ok"
            if rc == "0"
            else "timed out"
            if rc in ("124", "137")
            else f"failed (rc {rc})"
        )
        out[name] = {
            "rc": None if rc == "skip" else int(rc),
            "seconds": int(secs),
            "limit": int(limit),
            "status": status,
        }
    return out


# -- picking figures -------------------------------------------------------------------------------
def ok_rows(section: dict | None, model: str | None = None, component: str | None = None) -> list:
    rows = (section or {}).get("rows") or []
    return [
        r
        for r in rows
        if r.get("status") == "ok"
        and (model is None or r.get("model") == model)
        and (component is None or r.get("component") == component)
    ]


def rate(r: dict) -> float:
    return r.get("images_per_second") or r.get("prompts_per_second") or 0.0


def best(rows: list) -> dict | None:
    return max(rows, key=rate, default=None)


def describe(r: dict | None) -> str | None:
    """A row's setting in words: step, dtype and how it is applied, layout, attention, compile, batch."""
    if not r:
        return None
    bits = [r.get("step") or r.get("recipe") or "?"]
    mode = r.get("dtype_mode")
    bits.append({"weights": "bf16 weights", "autocast": f"{r.get('dtype')} autocast"}.get(mode, r.get("dtype")))
    if r.get("dtype") == "fp32" and r.get("cudnn_allow_tf32"):
        bits.append("cuDNN TF32 allowed")
    if r.get("channels_last"):
        bits.append("channels_last")
    if r.get("attention") == "sdpa":
        bits.append("SDPA attention")
    if r.get("cudnn_benchmark"):
        bits.append("cudnn.benchmark")
    if r.get("compile_mode"):
        bits.append(f"torch.compile {r['compile_mode']}")
    bits.append(f"batch {r.get('batch')}")
    return ", ".join(str(b) for b in bits if b)


def find(rows: list, step: str, batch: int | None = None) -> dict | None:
    return next((r for r in rows if r.get("step") == step and (batch is None or r.get("batch") == batch)), None)


def rows_complete(rows: list) -> tuple[int, list[str]]:
    """How many measured rows carry every setting, the idle power and the energy method."""
    missing = []
    for r in rows:
        gaps = [
            k
            for k in SETTING_KEYS + ("idle_power_watts", "energy_method")
            if r.get(k) is None and not (k in ("attention", "compile_mode") and k in r)
        ]
        if r.get("energy_method") == "not_measured":
            gaps.append("energy (not measured)")
        if gaps:
            missing.append(f"{r.get('model')} {r.get('step')} b{r.get('batch')}: {', '.join(gaps)}")
    return len(rows), missing


def figures(res: dict, tests: dict | None, meta: dict) -> tuple[dict, dict]:
    """(the issue's keys, extra keys) from the parsed results."""
    probe = res.get("probe") or {}
    gpu = probe.get("gpu") or {}
    unet, sam = res.get("unet"), res.get("sam")
    unet_rows = ok_rows(unet, "ssl_unet")
    naive = find(unet_rows, "naive_fp32", UNET_NAIVE_BATCH)
    ubest = best(unet_rows)
    vit_h = ok_rows(sam, "sam_vit_h", "encoder")
    h_auto = find(vit_h, "autocast_bf16", VIT_H_AUTOCAST_BATCH)
    hbest = best(vit_h)
    bbest = best(ok_rows(sam, "sam_vit_b", "encoder"))
    dec = [r for r in ok_rows(sam, component="decoder") if r.get("batch") == 1]
    dbest = min(dec, key=lambda r: r.get("seconds_per_prompt") or float("inf"), default=None)
    overhead = ((res.get("overhead") or {}).get("overhead") or {}).get("profiled")
    bare = ((res.get("overhead") or {}).get("images_per_second") or {}).get("bare") or []
    resolution = (max(bare) - min(bare)) / sorted(bare)[len(bare) // 2] if len(bare) > 1 else None
    stab = [s for s in (res.get("stability") or {}).get("results") or [] if s.get("joules_per_image")]
    cvs = {s["model"]: s["joules_per_image"]["cv"] for s in stab}
    train_all = (res.get("train") or {}).get("rows") or []
    train = [r for r in train_all if r.get("status") == "ok"]
    # The first setting is the product's training recipe; its figure or none (not another's).
    product = train_all[0] if train_all and train_all[0].get("status") == "ok" else None
    idle = gpu.get("idle_power_watts")
    if idle is None:
        idle = next((s.get("idle_power_watts") for s in (unet, sam) if s and s.get("idle_power_watts")), None)
    name = gpu.get("device_name") or gpu.get("torch_device_name")
    keys = {
        "gpu_name": name,
        "date": meta.get("date") or (probe.get("date") or "")[:10] or None,
        "git": meta.get("git"),
        "gpu_tests_passed": tests["passed"] if tests else None,
        "gpu_tests_failed": tests["failed"] if tests else None,
        "unet_naive_img_per_s": naive and naive["images_per_second"],
        "unet_best_img_per_s": ubest and ubest["images_per_second"],
        "unet_best_settings": describe(ubest),
        "unet_best_joules_per_img": ubest and ubest.get("joules_per_image"),
        "sam_vit_h_autocast_img_per_s": h_auto and h_auto["images_per_second"],
        "sam_vit_h_best_img_per_s": hbest and hbest["images_per_second"],
        "sam_vit_h_best_settings": describe(hbest),
        "sam_vit_h_best_joules_per_img": hbest and hbest.get("joules_per_image"),
        "sam_vit_b_best_img_per_s": bbest and bbest["images_per_second"],
        "decoder_seconds_per_prompt": dbest and dbest["seconds_per_prompt"],
        "profiler_overhead_fraction": overhead,
        "energy_cv": max(cvs.values()) if cvs else None,
        "ssl_train_img_per_s": product and product["images_per_second"],
        "idle_watts": idle,
    }
    measured = unet_rows + ok_rows(sam)
    n_rows, incomplete = rows_complete(measured)
    extra = {
        "gpu_tests_skipped": tests["skipped"] if tests else None,
        "profiler_overhead_resolution": resolution,
        "gpu_tests_failures": tests["failures"] if tests else None,
        "gpu_tests_source": (tests.get("source") or "tests.xml") if tests else None,
        "unet_best_batch": ubest and ubest["batch"],
        "sam_vit_h_best_batch": hbest and hbest["batch"],
        "sam_vit_b_best_settings": describe(bbest),
        "decoder_settings": describe(dbest) and f"{dbest['model']} {describe(dbest)}",
        "energy_cv_by_model": cvs or None,
        "energy_method": gpu.get("energy_method"),
        "counter_update_seconds": (gpu.get("counter_update_idle") or {}).get("interval"),
        "nvml_match": (gpu.get("nvml") or {}).get("match") if isinstance(gpu.get("nvml"), dict) else gpu.get("nvml"),
        "tf32_defaults": gpu.get("tf32"),
        "ssl_train_settings": train_all[0].get("setting") if train_all else None,
        "ssl_train_best_img_per_s": max((r["images_per_second"] for r in train), default=None),
        "rows_measured": n_rows,
        "rows_incomplete": incomplete,
        "weights": "random (compute only)",
        "provenance": "measured",
    }
    return keys, extra


def overhead_met(overhead: float | None, spread: float | None) -> bool | None:
    """Below the goal? None when the loops' own spread over repeats is too large to tell."""
    if overhead is None:
        return None
    if spread is not None and spread >= OVERHEAD_GOAL:
        return False if overhead >= OVERHEAD_GOAL + spread else None
    return overhead < OVERHEAD_GOAL


def goals(k: dict, extra: dict) -> list[dict]:
    def goal(what, value, target, met):
        return {"goal": what, "value": value, "target": target, "met": None if met is None else bool(met)}

    t_ok = (
        None
        if k["gpu_tests_passed"] is None
        else (k["gpu_tests_failed"] == 0 and not extra["gpu_tests_skipped"] and k["gpu_tests_passed"] > 0)
    )
    ub, un = k["unet_best_img_per_s"], k["unet_naive_img_per_s"]
    hb, ha = k["sam_vit_h_best_img_per_s"], k["sam_vit_h_autocast_img_per_s"]
    ov, cv = k["profiler_overhead_fraction"], k["energy_cv"]
    n, bad = extra["rows_measured"], extra["rows_incomplete"]
    return [
        goal(
            "gpu tests all pass",
            f"{k['gpu_tests_passed']} passed, {k['gpu_tests_failed']} failed, {extra['gpu_tests_skipped']} skipped",
            "all pass",
            t_ok,
        ),
        goal("U-Net best img/s", ub, f">= {UNET_GOAL:,.0f}", None if ub is None else ub >= UNET_GOAL),
        goal(
            "U-Net best / naive fp32 b256",
            ub / un if ub and un else None,
            f">= {UNET_FACTOR}",
            None if not (ub and un) else ub >= UNET_FACTOR * un,
        ),
        goal("SAM ViT-H best img/s", hb, f">= {VIT_H_GOAL}", None if hb is None else hb >= VIT_H_GOAL),
        goal(
            "SAM ViT-H best / bf16 autocast b8",
            hb / ha if hb and ha else None,
            f">= {VIT_H_FACTOR}",
            None if not (hb and ha) else hb >= VIT_H_FACTOR * ha,
        ),
        goal(
            f"profiler overhead (bare loop's spread over repeats: {_g(extra['profiler_overhead_resolution'], 2)})",
            ov,
            f"< {OVERHEAD_GOAL:.0%}",
            overhead_met(ov, extra["profiler_overhead_resolution"]),
        ),
        goal(
            "energy per image, CV over repeats (worst model)",
            cv,
            f"< {CV_GOAL:.0%}",
            None if cv is None else cv < CV_GOAL,
        ),
        goal(
            "every profile row has its settings, idle power and energy method",
            f"{n - len(bad)} of {n}",
            "all",
            None if n == 0 else not bad,
        ),
    ]


# -- markdown --------------------------------------------------------------------------------------
def _g(x, digits=4):
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def _gb(b):
    return None if b is None else b / 1e9


def ladder_table(section: dict | None, title: str, key: str) -> list[str]:
    out = [f"## {title}", ""]
    if not section:
        return out + [
            f"No results (results.json has no `{key}`: the phase failed, ran out of time or was not run; see log.txt).",
            "",
        ]
    out += [
        f"Idle {_g(section.get('idle_power_watts'))} W; windows of at least {section.get('seconds')} s "
        f"after {section.get('warmup_seconds')} s of warm-up; {section.get('store') or 'not stored'}.",
        "",
        "| model | step | batch | status | per s | x first | J/item | J/item idle-sub | W | "
        "peak GB | first call s | step s | CUDA-graph skips |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in section.get("rows") or []:
        ok = r.get("status") == "ok"
        j = r.get("joules_per_image") if r.get("component") != "decoder" else r.get("joules_per_prompt")
        jn = (
            r.get("joules_per_image_idle_subtracted")
            if r.get("component") != "decoder"
            else r.get("joules_per_prompt_idle_subtracted")
        )
        status = "ok" if ok else f"{r.get('status')}: {r.get('error') or r.get('reason')}"
        out.append(
            f"| {r.get('model')} {r.get('component', '')} | {r.get('step')} | {r.get('batch')} | "
            f"{status} | {_g(rate(r) if ok else None)} | {_g(r.get('speedup_vs_first'), 3)} | "
            f"{_g(j)} | {_g(jn)} | {_g(r.get('average_power_watts'))} | "
            f"{_g(_gb(r.get('peak_memory_bytes')), 3)} | {_g(r.get('compile_seconds'), 3)} | "
            f"{_g(r.get('step_seconds'), 3)} | {_g(r.get('cudagraph_skips'))} |"
        )
    hints = [
        f"{r.get('model')} {r.get('step')}: {h}" for r in section.get("rows") or [] for h in r.get("perf_hints") or []
    ]
    if hints:
        out += ["", "Inductor on CUDA graphs:", ""] + [f"- {h}" for h in hints[:10]]
    if section.get("load_errors"):
        out += ["", "Models that could not be built: " + "; ".join(section["load_errors"].values())]
    return out + [""]


def anchors_table(res: dict) -> list[str]:
    rows = ok_rows(res.get("unet")) + ok_rows(res.get("sam"))
    out = [
        "## Against the H100 anchors (quoted from REFERENCES.md, 2026-11-26, not measured by this code)",
        "",
        "| model | setting | batch | anchor img/s | this run img/s | anchor J/img | this run J/img |",
        "|---|---|---|---|---|---|---|",
    ]
    for (model, step, batch), (ips, j) in ANCHORS.items():
        r = next(
            (
                x
                for x in rows
                if x.get("model") == model
                and x.get("step") == step
                and x.get("batch") == batch
                and x.get("component") != "decoder"
            ),
            None,
        )
        out.append(
            f"| {model} | {step} | {batch} | {ips} | {_g(r and r['images_per_second'])} | {j} | "
            f"{_g(r and r.get('joules_per_image'))} |"
        )
    return out + [
        "",
        "The anchors' `compile` row is bf16 weights + channels_last + torch.compile "
        "(default mode); their `bf16_weights` ViT-H row is bf16 weights with segment-anything's "
        "own attention.",
        "",
    ]


def overhead_section(data: dict | None) -> list[str]:
    out = ["## Profiler overhead (bench_profiler_overhead.py)", ""]
    if not data or not data.get("median"):
        return out + ["No results.", ""]
    med, ovh = data["median"], data.get("overhead") or {}
    out += [
        f"{data.get('setting')}, {data.get('calls_per_loop')} calls per loop, "
        f"{data.get('repeats_done')} repeats, energy {data.get('energy_method')}, sampled power "
        f"{data.get('sampled_power')}",
        "",
        "| loop | median img/s | overhead vs bare |",
        "|---|---|---|",
    ]
    for k in ("bare", "profiled", "sampled"):
        if k in med:
            o = ovh.get(k)
            out.append(f"| {k} | {med[k]:.1f} | {'-' if o is None else f'{o:+.2%}'} |")
    return out + [""]


def stability_section(data: dict | None) -> list[str]:
    out = ["## Energy per image over repeats (bench_energy_stability.py)", ""]
    if not data:
        return out + ["No results.", ""]
    out += [
        f"{data.get('repeats')} repeats of {data.get('seconds')} s, idle {_g(data.get('idle_power_watts'))} W, "
        f"energy {data.get('energy_method')}, fallback power read as {data.get('sampled_power')}",
        "",
        "| model | setting | img/s mean | img/s cv | J/img mean | J/img cv | J/img spread | "
        "counter update s | window / update | sampled/counter |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in data.get("results") or []:
        if "images_per_second" not in s:
            out.append(
                f"| {s.get('model')} | {s.get('setting')} | {s.get('skipped') or s.get('error')} | | | | | | | |"
            )
            continue
        ips, j = s["images_per_second"], s.get("joules_per_image") or {}
        upd = (s.get("counter_update") or {}).get("interval")
        out.append(
            f"| {s['model']} | {s['setting']} | {_g(ips['mean'])} | {_g(ips['cv'], 2)} | "
            f"{_g(j.get('mean'))} | {_g(j.get('cv'), 2)} | {_g(j.get('spread'), 2)} | {_g(upd, 3)} | "
            f"{_g(s.get('window_over_counter_update'), 3)} | {_g(s.get('sampled_vs_counter'), 3)} |"
        )
        if s.get("error"):
            out.append(f"| {s['model']} | stopped: {s['error']} | | | | | | | | |")
    return out + [""]


def train_section(data: dict | None, cli: dict | None) -> list[str]:
    out = ["## SSL training throughput (bench_ssl_train_steps.py, then segroi train-ssl)", ""]
    if data:
        out += [
            f"U-Net width {data.get('width')} on 1x{data.get('input_size')}x{data.get('input_size')}; "
            f"left out: {data.get('excluded')}",
            "",
            "| setting | status | img/s | J/img | W | peak GB |",
            "|---|---|---|---|---|---|",
        ]
        for r in data.get("rows") or []:
            status = (
                r.get("status")
                if r.get("status") == "ok"
                else f"{r.get('status')}: {r.get('error') or r.get('reason')}"
            )
            out.append(
                f"| {r.get('setting')} | {status} | {_g(r.get('images_per_second'))} | "
                f"{_g(r.get('joules_per_image'))} | {_g(r.get('average_power_watts'))} | "
                f"{_g(_gb(r.get('peak_memory_bytes')), 3)} |"
            )
    else:
        out.append("No training-step results.")
    out.append("")
    if cli and cli.get("training_runs"):
        for r in cli["training_runs"]:
            out.append(
                f"`segroi train-ssl` on the GPU: {r.get('images')} frames, {r.get('epochs')} epochs x "
                f"{r.get('rounds')} rounds at {r.get('image_size')} px, width {r.get('width')}, "
                f"{_g(r.get('seconds'))} s (pseudo-labelling included), energy "
                f"{_g(r.get('energy_joules'))} J ({r.get('energy_method')}), run {r.get('run_id')}."
            )
    else:
        out.append("`segroi train-ssl` on the GPU: " + ((cli or {}).get("error") or "no run recorded") + ".")
    return out + [""]


def markdown(keys, extra, goal_rows, phases, res, tests, env_text, notes) -> str:
    lines = [
        "# segroi GPU check",
        "",
        f"{keys['gpu_name'] or 'GPU not identified'}, {keys['date']}, git {keys['git']}. Random "
        "weights (compute only); every figure below measured in this run unless labelled quoted.",
        "",
        "## Goals",
        "",
        "| goal | value | target | met |",
        "|---|---|---|---|",
    ]
    for g in goal_rows:
        met = {True: "yes", False: "**no**", None: "not measured"}[g["met"]]
        lines.append(f"| {g['goal']} | {_g(g['value'])} | {g['target']} | {met} |")
    lines += ["", "## summary.json", "", "| key | value |", "|---|---|"]
    lines += [f"| {k} | {_g(v)} |" for k, v in keys.items()]
    lines += ["", "## Phases", "", "| phase | outcome | seconds | limit |", "|---|---|---|---|"]
    lines += [f"| {n} | {p['status']} | {p['seconds']} | {p['limit']} |" for n, p in phases.items()]
    if not phases:
        lines.append("| - | no phase record | | |")
    lines += ["", "## Environment (env.txt, first lines)", "", "```", *env_text.splitlines()[:40], "```", ""]
    lines += ["## GPU tests (pytest -m gpu)", ""]
    if tests:
        lines.append(
            f"{tests['passed']} passed, {tests['failed']} failed, {tests['skipped']} skipped "
            f"of {tests['total']}" + (f", read from {tests['source']}." if tests.get("source") else ".")
        )
        lines += [f"- {f}" for f in tests["failures"]]
    else:
        lines.append("No tests.xml (the phase did not finish; see log.txt).")
    lines.append("")
    for title, key in (
        ("U-Net optimisation steps (bench_unet_steps.py)", "unet"),
        ("SAM encoder and decoder settings (bench_sam_steps.py)", "sam"),
    ):
        lines += _safe(ladder_table, res.get(key), title, key)
    lines += _safe(anchors_table, res)
    lines += _safe(overhead_section, res.get("overhead"))
    lines += _safe(stability_section, res.get("stability"))
    lines += _safe(train_section, res.get("train"), res.get("train_cli"))
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines) + "\n"


def _safe(fn, *args) -> list[str]:
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - one broken section must not cost the others
        return [f"({fn.__name__} could not be written: {type(exc).__name__}: {exc})", ""]


def build(out: Path, phases_text: str = "", git: str | None = None, date: str | None = None) -> dict:
    res = load_results(out)
    tests = read_tests(out / "tests.xml") or tests_from_log(out / "log.txt")
    phases = parse_phases(phases_text)
    meta = {"git": git, "date": date or dt.datetime.now(dt.timezone.utc).date().isoformat()}
    keys, extra = figures(res, tests, meta)
    goal_rows = goals(keys, extra)
    notes = []
    for name, p in phases.items():
        if p["status"] != "ok":
            notes.append(f"phase {name}: {p['status']} after {p['seconds']} s (limit {p['limit']} s)")
    for key in ("unet", "sam"):
        sec = res.get(key) or {}
        if sec.get("broken"):
            notes.append(f"{key}: {sec['broken']}")
        skipped = [
            f"{r.get('model')} {r.get('step')} b{r.get('batch')}"
            for r in sec.get("rows") or []
            if r.get("status") == "skipped"
        ]
        if skipped:
            notes.append(f"{key}: not started for lack of time or a broken context: {', '.join(skipped)}")
    if extra["nvml_match"] and not str(extra["nvml_match"]).startswith("uuid"):
        notes.append(
            f"NVML was matched to the GPU by {extra['nvml_match']}: check that the energy readings are this GPU's"
        )
    upd = extra["counter_update_seconds"]
    if upd:
        notes.append(
            f"the energy counter changed every {upd * 1000:.0f} ms at idle: a 3 s window is "
            f"uncertain by up to about {2 * upd / 3:.1%} from the counter's steps alone"
        )
    if extra["rows_incomplete"]:
        notes.append("rows without a setting, idle power or energy: " + "; ".join(extra["rows_incomplete"][:8]))
    env_path = out / "env.txt"
    env_text = env_path.read_text(errors="replace") if env_path.exists() else "(no env.txt)"
    summary = {**keys, **extra, "goals": goal_rows, "phases": phases, "notes": notes}
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")
    (out / "summary.md").write_text(markdown(keys, extra, goal_rows, phases, res, tests, env_text, notes))
    return summary


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--phases", default="")
    p.add_argument("--git")
    p.add_argument("--date")
    args = p.parse_args(argv)
    try:
        summary = build(Path(args.out), args.phases, args.git, args.date)
    except Exception:  # noqa: BLE001 - the caller writes a fallback summary
        traceback.print_exc()
        return 1
    for g in summary["goals"]:
        met = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        print(f"{g['goal']}: {_g(g['value'])} (target {g['target']}): {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
