"""Cost-model speed: one evaluation, a 10,000-draw Monte Carlo, a tornado.

Run: python benchmarks/bench_costmodel.py [--repeats 5]
Goals on the project's 2-core machine: evaluation < 1 ms, Monte Carlo < 200 ms, tornado < 100 ms.
Each figure is the median of `--repeats` rounds; a round times many calls and divides.
The scenario is the built-in reference scenario (20 ranged assumptions), cloud and on-prem shared.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from engine import costmodel
from engine.reference import reference_scenario


def per_call(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def bench(name: str, fn, calls: int, repeats: int, goal_ms: float | None) -> dict:
    fn()  # warm-up
    times = [per_call(fn, calls) * 1000 for _ in range(repeats)]
    med = statistics.median(times)
    row = {
        "name": name,
        "median_ms": med,
        "min_ms": min(times),
        "max_ms": max(times),
        "goal_ms": goal_ms,
        "calls": calls,
        "repeats": repeats,
    }
    verdict = "no goal" if goal_ms is None else f"goal < {goal_ms:g} ms: {'ok' if med < goal_ms else 'MISSED'}"
    print(f"{name:40} median {med:8.3f} ms  (min {min(times):.3f}, max {max(times):.3f})  {verdict}")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    raw = reference_scenario()
    for label, s in (
        ("cloud", costmodel.validate(raw)),
        ("on-prem shared", costmodel.validate(raw).with_mode("on_prem", dedicated=False)),
    ):
        print(f"-- reference scenario, {label}, {len(s.uncertain)} ranged assumptions")
        bench("validate (dict -> Scenario)", lambda: costmodel.validate(raw), 500, args.repeats, None)
        bench("evaluate (one scenario)", lambda s=s: costmodel.evaluate(s), 1000, args.repeats, 1.0)
        bench(
            "monte_carlo (10,000 draws)",
            lambda s=s: costmodel.monte_carlo(s, n=10_000, seed=0),
            10,
            args.repeats,
            200.0,
        )
        bench("tornado (all ranged inputs)", lambda s=s: costmodel.tornado(s), 200, args.repeats, 100.0)
        bench(
            "cumulative+breakdown",
            lambda s=s: (costmodel.cumulative(s), costmodel.breakdown(s)),
            300,
            args.repeats,
            None,
        )


if __name__ == "__main__":
    main()
