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


def write_json(path: str | os.PathLike | None, payload: dict) -> None:
    text = json.dumps(payload, indent=1, default=str)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text + "\n")
        print(f"wrote {path}", file=sys.stderr)


def fmt(x, digits: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A markdown table of `rows`; columns are (key, header)."""
    out = ["| " + " | ".join(h for _, h in columns) + " |",
           "|" + "|".join("---" for _ in columns) + "|"]
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
