"""Markdown summary of a gpu_check.sh output folder (printed to stdout).

    python benchmarks/summarize_gpu_check.py OUTDIR > OUTDIR/summary.md

Side by side with the measured figures it shows the H100 anchors quoted in REFERENCES.md
(naive settings, 2026-11-26, PyTorch 2.11 + CUDA 13); those are labelled as such.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# REFERENCES.md, "Measured here: compute anchors on one NVIDIA H100 80GB HBM3" (img/s, J/img).
ANCHORS = {
    ("ssl_unet", "full", "fp32", 256): (2691, 0.230),
    ("ssl_unet", "full", "bf16", 256): (4261, 0.142),
    ("sam_vit_b", "encoder", "fp32", 8): (29.0, 23.6),
    ("sam_vit_b", "encoder", "bf16", 8): (50.8, 11.4),
    ("sam_vit_l", "encoder", "bf16", 8): (27.6, 21.3),
    ("sam_vit_h", "encoder", "fp32", 1): (5.2, 115.0),
    ("sam_vit_h", "encoder", "bf16", 8): (20.2, 29.4),
}
UNET_GOAL = 10_000.0
VIT_H_BASELINE = 20.2


def _load(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _g(x, digits=4):
    return "-" if x is None else (f"{x:.{digits}g}" if isinstance(x, float) else str(x))


def _rate(r):
    return r["images_per_second"] if r.get("images_per_second") is not None else r.get("prompts_per_second")


def _joules(r, idle=False):
    suffix = "_idle_subtracted" if idle else ""
    key = "joules_per_image" if r.get("component") != "decoder" else "joules_per_prompt"
    return r.get(key + suffix)


def _dtype(r):
    return r["dtype"] + {"weights": " weights", "autocast": " autocast"}.get(r.get("dtype_mode"), "")


def _extras(r):
    bits = [k for k in ("channels_last", "cudnn_benchmark") if r.get(k)]
    if r.get("attention") == "sdpa":
        bits.append("sdpa")
    if r.get("compile_mode"):
        bits.append(f"compile:{r['compile_mode']}")
    return " ".join(bits) or "-"


def profile_section(rows) -> list[str]:
    out = ["## Profile (segroi profile, every model)", ""]
    if not rows:
        return out + ["No profile.json (phase failed or not run; see log.txt).", ""]
    r0 = rows[0]
    shortest = min(r["window_seconds"] for r in rows)
    out += [f"{r0['device_name']}, torch {r0['torch_version']}, timed window >= {shortest:.2g} s "
            f"per setting, energy {r0['energy_method']}, idle {_g(r0['idle_power_watts'])} W, "
            f"weights {r0['weights']}, run {r0['run_id']}", "",
            "| model | part | dtype | batch | extras | per s | J/item | J/item idle-sub | W | "
            "peak GB | GFLOP/img |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        peak = r["peak_memory_bytes"] / 1e9 if r.get("peak_memory_bytes") else None
        flops = r["flops_per_image"] / 1e9 if r.get("flops_per_image") else None
        out.append(f"| {r['model']} | {r['component']} | {_dtype(r)} | {r['batch']} | {_extras(r)} | "
                   f"{_g(_rate(r))} | {_g(_joules(r))} | {_g(_joules(r, True))} | "
                   f"{_g(r.get('average_power_watts'))} | {_g(peak, 3)} | {_g(flops)} |")
    out += ["", "Against the REFERENCES.md anchors (naive settings, measured 2026-11-26 on an H100):", "",
            "| model | dtype | batch | anchor img/s | plain img/s | best img/s (setting) | anchor J/img | "
            "plain J/img | best J/img |", "|---|---|---|---|---|---|---|---|---|"]
    for (model, comp, dtype, batch), (a_ips, a_j) in ANCHORS.items():
        same = [r for r in rows if r["model"] == model and r["component"] == comp
                and r["dtype"] == dtype and r["batch"] == batch]
        plain = next((r for r in same if r.get("recipe") == "plain"), None)
        best = max(same, key=_rate, default=None)
        out.append(f"| {model} {comp} | {dtype} | {batch} | {a_ips} | {_g(plain and _rate(plain))} | "
                   f"{_g(best and _rate(best))} ({best and _extras(best)}) | {a_j} | "
                   f"{_g(plain and _joules(plain))} | {_g(best and _joules(best))} |")
    vit_h = [r for r in rows if r["model"] == "sam_vit_h" and r["component"] == "encoder"]
    if vit_h:
        best = max(vit_h, key=_rate)
        verdict = "meets" if _rate(best) >= VIT_H_BASELINE else "does NOT meet"
        out += ["", f"SAM ViT-H encoder, fastest: {_rate(best):.1f} img/s at {_dtype(best)}, batch "
                f"{best['batch']}, {_extras(best)}: {verdict} the naive bf16 baseline of "
                f"{VIT_H_BASELINE} img/s."]
    return out + [""]


def steps_section(data) -> list[str]:
    out = ["## U-Net optimisation steps (bench_unet_steps.py)", ""]
    if not data:
        return out + ["No unet-steps.json (phase failed or not run; see log.txt).", ""]
    out += ["| step | batch | img/s | x first | J/img | J/img idle-sub | W | peak GB | first call s |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in data["steps"] + data.get("final_batches", []):
        peak = r["peak_memory_bytes"] / 1e9 if r.get("peak_memory_bytes") else None
        out.append(f"| {r['step']} | {r['batch']} | {_g(r['images_per_second'])} | "
                   f"{_g(r.get('speedup_vs_first'), 3)} | {_g(r['joules_per_image'])} | "
                   f"{_g(r['joules_per_image_idle_subtracted'])} | {_g(r['average_power_watts'])} | "
                   f"{_g(peak, 3)} | {_g(r.get('compile_seconds'), 3)} |")
    best = data.get("best")
    if best:
        verdict = "meets" if best["images_per_second"] >= UNET_GOAL else "does NOT meet"
        out += ["", f"Best: {best['step']} at batch {best['batch']}: {best['images_per_second']:.0f} img/s, "
                f"{_g(best['joules_per_image'])} J/img: {verdict} the 10,000 img/s goal."]
    return out + [""]


def overhead_section(data) -> list[str]:
    out = ["## Profiler overhead (bench_profiler_overhead.py)", ""]
    if not data:
        return out + ["No overhead.json.", ""]
    med, ovh = data["median"], data["overhead"]
    out += [f"{data['setting']}, {data['calls_per_loop']} calls per loop, energy {data['energy_method']}", "",
            "| loop | median img/s | overhead vs bare |", "|---|---|---|",
            f"| bare | {med['bare']:.1f} | - |",
            f"| profiled | {med['profiled']:.1f} | {ovh['profiled']:+.2%} |",
            f"| sampled (50 Hz thread) | {med['sampled']:.1f} | {ovh['sampled']:+.2%} |", "",
            f"Goal < 1 %: profiled {'met' if ovh['profiled'] < 0.01 else 'NOT met'}."]
    return out + [""]


def stability_section(data) -> list[str]:
    out = ["## Energy stability over repeats (bench_energy_stability.py)", ""]
    if not data:
        return out + ["No stability.json.", ""]
    out += [f"{data['repeats']} repeats of {data['seconds']} s, idle {_g(data['idle_power_watts'])} W", "",
            "| model | setting | img/s mean | img/s cv | J/img mean | J/img cv | J/img spread | "
            "sampled/counter |", "|---|---|---|---|---|---|---|---|"]
    for s in data["results"]:
        ips, j = s["images_per_second"], s["joules_per_image"] or {}
        out.append(f"| {s['model']} | {s['setting']} | {_g(ips['mean'])} | {_g(ips['cv'], 2)} | "
                   f"{_g(j.get('mean'))} | {_g(j.get('cv'), 2)} | {_g(j.get('spread'), 2)} | "
                   f"{_g(s.get('sampled_vs_counter'), 3)} |")
    return out + [""]


def main(argv=None) -> int:
    out_dir = Path((argv or sys.argv[1:])[0])
    env = (out_dir / "env.txt").read_text() if (out_dir / "env.txt").exists() else ""
    lines = ["# segroi GPU check", "", "```", *env.splitlines()[:8], "```", ""]
    lines += profile_section(_load(out_dir / "profile.json"))
    lines += steps_section(_load(out_dir / "unet-steps.json"))
    lines += overhead_section(_load(out_dir / "overhead.json"))
    lines += stability_section(_load(out_dir / "stability.json"))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
