"""What the dashboard's Benchmarks page may ask `segroi profile` to do.

Anyone who can open the page can start a profile run on the server, so the page's request is
checked here rather than passed on: the models and device come from fixed lists, the steady-state
window is clamped to the form's range, and the free "more arguments" box accepts only the options
in EXTRA, each value clamped to its range (a note says so) or refused. Everything else - `--seconds`
(the form has it), checkpoints and weights (paths on the server), `--format`, unknown options,
bare words - is refused with one message naming it.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

from engine.errors import SegroiError
from engine.profiling.settings import DTYPES, MODES

MODELS = ("ssl_unet", "sam_vit_b", "sam_vit_l", "sam_vit_h")
DEVICES = ("auto", "cpu", "cuda")
SECONDS = (0.5, 600.0)  # the form's steady-state window, seconds per setting
MAX_VALUES = 6  # values in one list option


@dataclass(frozen=True)
class Option:
    kind: str  # "choices", "ints", "int", "float"
    low: float = 0
    high: float = 0
    choices: tuple = ()
    step: int = 1  # ints must be a multiple of this


EXTRA = {
    "--dtypes": Option("choices", choices=DTYPES),
    "--modes": Option("choices", choices=MODES),
    "--batch-sizes": Option("ints", 1, 256),
    "--prompt-batches": Option("ints", 1, 64),
    "--warmup": Option("float", 0, 60),
    "--idle-seconds": Option("float", 0, 60),
    "--image-size": Option("int", 64, 1024, step=16),
    "--threads": Option("int", 1, os.cpu_count() or 1),
}


def _clamp(flag: str, value: float, opt: Option, notes: list[str]) -> float:
    kept = min(max(value, opt.low), opt.high)
    if kept != value:
        notes.append(f"{flag} {value:g} is outside {opt.low:g}-{opt.high:g}; used {kept:g}")
    return kept


def _number(flag: str, text: str, integer: bool) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise SegroiError(f"{flag}: {text!r} is not a {'whole ' if integer else ''}number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SegroiError(f"{flag}: {text!r} is not a number")
    return value


def _value(flag: str, text: str, notes: list[str]) -> str:
    opt = EXTRA[flag]
    if opt.kind in ("choices", "ints"):
        items = [x.strip() for x in text.split(",") if x.strip()]
        if not items:
            raise SegroiError(f"{flag}: give at least one value")
        if len(items) > MAX_VALUES:
            raise SegroiError(f"{flag}: at most {MAX_VALUES} values")
        if opt.kind == "choices":
            bad = [x for x in items if x not in opt.choices]
            if bad:
                raise SegroiError(f"{flag}: unknown {', '.join(bad)}; use {', '.join(opt.choices)}")
            return ",".join(dict.fromkeys(items))
        numbers = [int(_clamp(flag, _number(flag, x, True), opt, notes)) for x in items]
        return ",".join(str(n) for n in dict.fromkeys(numbers))
    number = _clamp(flag, _number(flag, text, opt.kind == "int"), opt, notes)
    if opt.step > 1 and number % opt.step:
        number = max(opt.low, number - number % opt.step)
        notes.append(f"{flag} rounded down to a multiple of {opt.step}: {number:g}")
    return f"{int(number)}" if opt.kind == "int" else f"{number:g}"


def parse_extra(text: str) -> tuple[list[str], list[str]]:
    """(arguments, notes) from the page's free box; SegroiError for anything not allowed."""
    try:
        tokens = shlex.split(text or "")
    except ValueError as exc:
        raise SegroiError(f"more arguments: {exc}") from None
    out: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    i = 0
    allowed = ", ".join(EXTRA)
    while i < len(tokens):
        token = tokens[i]
        flag, eq, value = token.partition("=")
        if flag not in EXTRA:
            what = "argument" if not token.startswith("-") else "option"
            raise SegroiError(f"{what} {flag!r} is not allowed here; the page accepts {allowed}")
        if flag in seen:
            raise SegroiError(f"{flag} is given twice")
        seen.add(flag)
        if not eq:
            i += 1
            if i >= len(tokens) or tokens[i].startswith("--"):
                raise SegroiError(f"{flag} needs a value")
            value = tokens[i]
        out += [flag, _value(flag, value, notes)]
        i += 1
    return out, notes


def profile_args(models, device: str, seconds: float, extra: str = "") -> tuple[list[str], list[str]]:
    """The `segroi profile` arguments for the page's request, and notes on what was clamped."""
    models = list(models or [])
    if not models:
        raise SegroiError("choose at least one model")
    bad = [m for m in models if m not in MODELS]
    if bad or device not in DEVICES:
        raise SegroiError(f"unknown model or device: {', '.join(map(str, bad or [device]))}")
    notes: list[str] = []
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        raise SegroiError("the measuring window is not a number") from None
    if seconds != seconds:
        raise SegroiError("the measuring window is not a number")
    seconds = _clamp("--seconds", seconds, Option("float", *SECONDS), notes)
    more, extra_notes = parse_extra(extra)
    args = [
        "profile",
        "--models",
        ",".join(dict.fromkeys(models)),
        "--device",
        device,
        "--seconds",
        f"{seconds:g}",
        *more,
    ]
    return args, notes + extra_notes
