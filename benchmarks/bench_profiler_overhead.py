"""The profiler's own cost: throughput inside its measurement window vs an uninstrumented loop.

    python benchmarks/bench_profiler_overhead.py --device cuda --batch 256 --seconds 2 --repeats 5
    python benchmarks/bench_profiler_overhead.py --device cpu --batch 1 --input-size 64 --seconds 1

Three loops over the same U-Net step, interleaved and rotated (A B C, B C A, C A B, ...) so
drifting clocks or a busy neighbour affect all alike:
    bare         synchronize; N calls; synchronize - host wall clock, nothing else
    profiled     engine.profiling's window: CUDA events (GPU) or wall clock, the device's own energy
                 meter (NVML counter / RAPL / none), peak-memory reset and read
    sampled      the same with a power-sampling thread at 50 Hz in this process (energy.SampledPowerMeter;
                 on the CPU it samples a dummy reader, to cost the thread). The profiler's own fallback
                 for GPUs without an energy counter samples in a separate process instead
                 (engine/profiling/sampler.py); this loop shows what a thread would cost
Each loop runs the same N calls; throughput is calls x batch / host seconds. Overhead is
1 - profiled/bare (median over repeats). The goal is < 1 %.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

from benchlib import environment, write_json


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--dtype", default="bf16", choices=["fp32", "bf16"])
    p.add_argument("--recipe", default="tuned", choices=["plain", "tuned"])
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--input-size", type=int, default=256)
    p.add_argument("--threads", type=int)
    p.add_argument("--out")
    p.add_argument("--key", help="write the results under this key of the --out JSON object")
    args = p.parse_args(argv)

    import torch

    from engine.profiling import energy as en
    from engine.profiling.device import open_device
    from engine.profiling.settings import plan
    from engine.profiling.timing import steady_state
    from engine.profiling.workloads import SslUnetModel

    if args.threads:
        torch.set_num_threads(args.threads)
    device = open_device(args.device)
    env = environment(device)
    model = SslUnetModel(device.torch_device, input_size=args.input_size)
    setting = [s for s in plan(["full"], True, args.device, [args.dtype], [args.batch], [1], [args.recipe])][-1]
    torch.backends.cudnn.benchmark = setting.cudnn_benchmark
    step = model.prepare(setting).step
    sync = device.synchronize

    for _ in range(3):  # warm-up, then the per-call cost sets N for all three loops
        step()
    sync()
    t0 = time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < 0.5 or k < 2:
        step()
        k += 1
    sync()
    per_call = (time.perf_counter() - t0) / k
    n = max(3, math.ceil(args.seconds / per_call))

    def bare():
        sync()
        t = time.perf_counter()
        for _ in range(n):
            step()
        sync()
        return time.perf_counter() - t

    def profiled(meter):
        device.memory.reset()
        calls = {"n": 0}

        def counted():
            calls["n"] += 1
            return step()

        # Warm-up zero and a window of exactly n calls: steady_state's own loop, instrumented.
        w = steady_state(
            counted,
            seconds=n * per_call,
            timer=device.timer(),
            synchronize=sync,
            meter=meter,
            warmup_seconds=0.0,
            min_warmup=1,
            max_attempts=1,
        )
        device.memory.peak()
        return w.host_seconds, w.iterations

    if device.type == "cuda" and getattr(device, "nvml", None) is not None:
        sample_kind, sample_reader = device.nvml.power_reader()  # as segroi's fallback reads it
    else:
        sample_kind, sample_reader = None, lambda: 0.0  # costs the thread, not a reading

    loops = {
        "bare": lambda: n * args.batch / bare(),
        "profiled": lambda: (lambda h, i: i * args.batch / h)(*profiled(device.energy.meter())),
        "sampled": lambda: (lambda h, i: i * args.batch / h)(
            *profiled(en.SampledPowerMeter(sample_reader, interval=0.02))
        ),
    }
    names = list(loops)
    results = {k: [] for k in names}

    def summary():
        med = {k: statistics.median(v) for k, v in results.items() if v}
        overhead = {k: 1 - med[k] / med["bare"] for k in ("profiled", "sampled") if k in med and "bare" in med}
        return (
            med,
            overhead,
            {
                "benchmark": "profiler_overhead",
                "environment": env,
                "setting": setting.label(),
                "calls_per_loop": n,
                "energy_method": device.energy.method,
                "sampled_power": sample_kind,
                "repeats_done": len(results["bare"]),
                "images_per_second": results,
                "median": med,
                "overhead": overhead,
            },
        )

    for rep in range(args.repeats):
        for k in names[rep % 3 :] + names[: rep % 3]:  # rotate the order: no loop always goes first
            results[k].append(loops[k]())
        print(
            f"repeat {rep + 1}: " + ", ".join(f"{k} {v[-1]:.1f} img/s" for k, v in results.items()),
            file=sys.stderr,
            flush=True,
        )
        write_json(args.out, summary()[2], key=args.key, quiet=True)
    med, overhead, payload = summary()
    # The steady_state window also differs from `bare` by one extra warm-up call per loop;
    # throughput counts only the window's calls.
    print(
        f"\n{env['device_name']} ({args.device}), {setting.label()}, {n} calls per loop, energy {device.energy.method}"
    )
    for k in results:
        spread = (max(results[k]) - min(results[k])) / med[k]
        print(
            f"  {k:9} median {med[k]:10.2f} img/s  spread {spread:6.2%}"
            + (f"  overhead {overhead[k]:+.2%}" if k in overhead else "")
        )
    write_json(args.out, payload, key=args.key)
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
