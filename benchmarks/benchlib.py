"""Helpers shared by the profiling benchmarks (run as `python benchmarks/<script>.py`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .` (the GPU machine)
    sys.path.insert(0, str(ROOT))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader (or a kill) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_json(path: str | os.PathLike | None, payload: dict, key: str | None = None, quiet: bool = False) -> None:
    """Write `payload` as JSON to `path`; with `key`, as that key of the JSON object already there.

    Called after every step of a benchmark, so that whatever was measured before a crash or a time
    limit is on disk. Writing under a key lets several benchmarks share one results file (the GPU
    check returns only a few files).
    """
    if not path:
        return
    path = Path(path)
    if key is not None:
        try:
            whole = json.loads(path.read_text())
            if not isinstance(whole, dict):
                whole = {}
        except (OSError, ValueError):
            whole = {}
        whole[key] = payload
        payload = whole
    _atomic_write(path, json.dumps(payload, indent=1, default=str) + "\n")
    if not quiet:
        print(f"wrote {path}" + (f" [{key}]" if key else ""), file=sys.stderr)


class Deadline:
    """A wall-clock time (seconds since the epoch) after which a benchmark starts nothing new.

    From --deadline, else the GPU check's GPU_CHECK_DEADLINE; none means no limit.
    """

    def __init__(self, at: float | None = None):
        if at is None and os.environ.get("GPU_CHECK_DEADLINE"):
            at = float(os.environ["GPU_CHECK_DEADLINE"])
        self.at = at

    def left(self) -> float:
        import time

        return float("inf") if self.at is None else self.at - time.time()

    def allows(self, seconds: float) -> bool:
        return self.left() >= seconds


def exit_on_term() -> None:
    """Turn SIGTERM (what `timeout` sends first) into SystemExit, so `finally` blocks still write."""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def error_text(exc: BaseException, limit: int = 400) -> str:
    """One line naming an exception: its type and the first line of its message."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:limit]


def fmt(x, digits: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A markdown table of `rows`; columns are (key, header)."""
    out = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for r in rows:
        out.append("| " + " | ".join(fmt(r.get(k)) for k, _ in columns) + " |")
    return "\n".join(out)


def environment(device) -> dict:
    import torch

    info = device.info()
    info["python"] = sys.version.split()[0]
    info["torch"] = torch.__version__
    info["date"] = now()
    return info
