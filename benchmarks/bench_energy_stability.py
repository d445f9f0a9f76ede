"""Energy per image across repeated measurements of the same setting (the spread to report).

    python benchmarks/bench_energy_stability.py --device cuda --repeats 4 --seconds 4
    python benchmarks/bench_energy_stability.py --device cpu --repeats 3 --seconds 1 --sam-image-size 256 --unet-batch 1 --sam-batch 1

Settings: the U-Net at bf16 weights + channels_last (batch --unet-batch) and the SAM ViT-B encoder
at bf16 weights + SDPA (batch --sam-batch); --dtype fp32 for CPUs without fast bf16. Each is
measured --repeats times in a row after one warm-up window. Reported per setting: mean, standard
deviation, coefficient of variation and (max - min) / mean of J/image and of images/s.

On a GPU with the NVML energy counter:
- how often the counter changes while the GPU is busy (`counter_update`): a window of W seconds
  with a counter that moves every u seconds is uncertain by up to about u / W at each end, so the
  windows here should be at least ~20 u long (the check says whether they were);
- the same windows are also integrated from sampled power, read the way segroi's own fallback
  reads it (NVML's instantaneous field where the driver has it, else the 1 s average), to show how
  far the fallback lands from the counter (`sampled_vs_counter`, `sampled_power`).
Where no energy source is readable (most CPUs without root), only the timing spread is reported:
energy is not invented. Results are written after every repeat.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from benchlib import Deadline, environment, error_text, write_json


class TeeMeter:
    """The device's meter, plus a second meter over exactly the same window."""

    def __init__(self, primary, secondary):
        self.primary, self.secondary = primary, secondary
        self.last_secondary = None

    @property
    def method(self):
        return self.primary.method

    def start(self):
        self.secondary.start()
        self.primary.start()

    def stop(self):
        reading = self.primary.stop()
        self.last_secondary = self.secondary.stop()
        return reading


def _stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return {
        "n": len(values),
        "mean": mean,
        "std": sd,
        "cv": sd / mean if mean else None,
        "min": min(values),
        "max": max(values),
        "spread": (max(values) - min(values)) / mean if mean else None,
    }


def counter_under_load(device, step, seconds: float = 0.6) -> dict | None:
    """The energy counter's update interval while `step` keeps the GPU busy (None off the GPU)."""
    from engine.profiling import energy as en

    nvml = getattr(device, "nvml", None)
    if device.type != "cuda" or nvml is None or device.energy.method != en.NVML_COUNTER:
        return None
    device.synchronize()
    import time

    t0 = time.perf_counter()
    step()
    device.synchronize()
    per_call = max(time.perf_counter() - t0, 1e-4)
    for _ in range(int(1.5 * seconds / per_call) + 1):  # queued: the host is free to poll meanwhile
        step()
    result = en.update_interval(nvml.total_energy_joules, seconds)
    device.synchronize()
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--models", default="ssl_unet,sam_vit_b")
    p.add_argument("--repeats", type=int, default=4)
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--dtype", default="bf16", choices=["fp32", "bf16"])
    p.add_argument("--unet-batch", type=int, default=256)
    p.add_argument("--unet-input-size", type=int, default=256, help="below 256 only to check code paths")
    p.add_argument("--sam-batch", type=int, default=8)
    p.add_argument("--sam-image-size", type=int, default=1024)
    p.add_argument("--idle-seconds", type=float, default=2.0)
    p.add_argument("--threads", type=int)
    p.add_argument("--deadline", type=float, help="seconds since the epoch: start no model after it")
    p.add_argument("--out")
    p.add_argument("--key", help="write the results under this key of the --out JSON object")
    args = p.parse_args(argv)

    import torch

    from engine.profiling import energy as en
    from engine.profiling.device import open_device
    from engine.profiling.profiler import ProfileOptions, measure
    from engine.profiling.settings import plan
    from engine.profiling.workloads import SamModel, SslUnetModel, traits

    if args.threads:
        torch.set_num_threads(args.threads)
    deadline = Deadline(args.deadline)
    device = open_device(args.device)
    env = environment(device)
    idle = device.idle_power(args.idle_seconds) if args.idle_seconds > 0 else None
    counter = device.energy.method == en.NVML_COUNTER
    sampled_kind, sampled_reader = device.nvml.power_reader() if counter else (None, None)
    results: list[dict] = []
    payload = {
        "benchmark": "energy_stability",
        "environment": env,
        "idle_power_watts": idle,
        "energy_method": device.energy.method,
        "sampled_power": sampled_kind,
        "repeats": args.repeats,
        "seconds": args.seconds,
        "results": results,
    }
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        components, conv = traits(name)
        batch = args.unet_batch if name == "ssl_unet" else args.sam_batch
        setting = [
            s
            for s in plan(components, conv, args.device, [args.dtype], [batch], [1], ["tuned"])
            if s.component in ("full", "encoder")
        ][0]
        need = (args.repeats + 1) * (args.seconds + args.warmup) + 5
        summary = {"model": name, "setting": setting.label(), "rows": []}
        results.append(summary)
        if not deadline.allows(need):
            summary["skipped"] = (
                f"not started: about {need:.0f} s needed, {max(deadline.left(), 0):.0f} s left before the deadline"
            )
            print(f"{name}: {summary['skipped']}", file=sys.stderr)
            write_json(args.out, payload, key=args.key, quiet=True)
            continue
        model = None
        try:
            if name == "ssl_unet":
                model = SslUnetModel(device.torch_device, input_size=args.unet_input_size)
            else:
                model = SamModel(name.removeprefix("sam_"), device.torch_device, args.sam_image_size)
            warm = ProfileOptions(seconds=args.warmup, warmup_seconds=args.warmup)
            measure(device, model, setting, warm, idle)  # one discarded window: clocks, caches settle
            if counter:
                with torch.inference_mode():
                    summary["counter_update"] = counter_under_load(device, model.prepare(setting).step)
            opts = ProfileOptions(seconds=args.seconds, warmup_seconds=0.2)
            rows, sampled = summary["rows"], []
            for rep in range(args.repeats):
                tee = None
                if counter:
                    tee = TeeMeter(device.energy.meter(), en.SampledPowerMeter(sampled_reader, 0.02, en.NVML_SAMPLING))
                row = measure(device, model, setting, opts, idle, meter=tee)
                rows.append(row)
                if tee is not None and tee.last_secondary is not None and row["joules_per_image"]:
                    sampled.append(tee.last_secondary.joules / (row["iterations"] * row["batch"]))
                print(
                    f"{name} repeat {rep + 1}: {row['images_per_second']:.2f} img/s, J/img {row['joules_per_image']}",
                    file=sys.stderr,
                    flush=True,
                )
                summary.update(
                    {
                        "input_size": rows[0]["input_size"],
                        "energy_method": rows[0]["energy_method"],
                        "joules_per_image": _stats([r["joules_per_image"] for r in rows]),
                        "joules_per_image_idle_subtracted": _stats(
                            [r["joules_per_image_idle_subtracted"] for r in rows]
                        ),
                        "images_per_second": _stats([r["images_per_second"] for r in rows]),
                        "average_power_watts": _stats([r["average_power_watts"] for r in rows]),
                        "energy_window_seconds": _stats([r["energy_window_seconds"] for r in rows]),
                        "sampled_joules_per_image": _stats(sampled),
                        "sampled_vs_counter": (
                            statistics.fmean(s / r["joules_per_image"] for s, r in zip(sampled, rows))
                            if sampled
                            else None
                        ),
                    }
                )
                upd = (summary.get("counter_update") or {}).get("interval")
                if upd:
                    summary["window_over_counter_update"] = min(r["energy_window_seconds"] for r in rows) / upd
                write_json(args.out, payload, key=args.key, quiet=True)
        except Exception as exc:  # noqa: BLE001 - recorded; the next model still runs
            summary["error"] = error_text(exc)
            print(f"{name}: {summary['error']}", file=sys.stderr)
        finally:
            if model is not None:
                model.close()
            torch._dynamo.reset()
            if device.type == "cuda":
                torch.cuda.empty_cache()
        write_json(args.out, payload, key=args.key, quiet=True)
    print(
        f"\n{env['device_name']} ({args.device}), {args.repeats} repeats of {args.seconds} s, "
        f"idle {idle} W, energy {device.energy.method}, sampled power {sampled_kind}"
    )
    for s in results:
        if "images_per_second" not in s:
            print(f"  {s['model']:9} {s.get('skipped') or s.get('error')}")
            continue
        ips, j = s["images_per_second"], s["joules_per_image"]
        line = (
            f"  {s['model']:9} {s['setting']:28} img/s {ips['mean']:.4g} (cv {ips['cv']:.2%}, "
            f"spread {ips['spread']:.2%})"
        )
        if j:
            line += f"; J/img {j['mean']:.4g} (cv {j['cv']:.2%}, spread {j['spread']:.2%})"
        else:
            line += "; energy not measured"
        if s["sampled_vs_counter"]:
            line += f"; sampled/counter {s['sampled_vs_counter']:.3f}"
        if s.get("counter_update"):
            line += f"; counter updates every {s['counter_update']['interval']} s"
        print(line)
    write_json(args.out, payload, key=args.key)
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
