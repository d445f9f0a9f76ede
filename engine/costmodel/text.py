"""Assumptions files as text: parsed from JSON or TOML, written as JSON. No file I/O here (the
callers read and write files: engine/files.py, the commands); no validation either (`validate`)."""

from __future__ import annotations

import json

from engine.costmodel.errors import AssumptionError


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def parse_assumptions(text: str, toml: bool = False) -> dict:
    """The assumptions in `text` (JSON, or TOML when `toml`). A syntax error, a key given twice in one
    object or nesting too deep raises AssumptionError (field "") naming the line and column."""
    if toml:
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise AssumptionError("", f"not valid TOML: {exc}") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise AssumptionError("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except _DuplicateKey as exc:
        raise AssumptionError("", f"key {str(exc.args[0])[:60]!r} appears twice in one object") from None
    except RecursionError:
        raise AssumptionError("", "nested too deeply to be an assumptions file") from None


def assumptions_text(raw: dict) -> str:
    """`raw` as the text of an assumptions file (JSON, keys in the order given: the order of the options
    is part of a scenario), ending in a newline."""
    return json.dumps(raw, indent=1) + "\n"
