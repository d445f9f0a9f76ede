"""Every SQL statement segroi runs is written in engine/store; other packages (and the benchmarks) call
named functions there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|ALTER\s+TABLE)\b", re.S
)


def _sql_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # f-strings: their literal parts joined
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if SQL.search(text):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {' '.join(text.split())[:80]}")
    return found


def test_the_finder_finds_sql():
    probe = ROOT / "engine" / "store" / "results.py"
    assert _sql_strings(probe), "the pattern no longer recognises the store's own queries"


def test_no_sql_outside_engine_store():
    files = [p for folder in ("engine", "dashboard", "benchmarks") for p in (ROOT / folder).rglob("*.py")]
    outside = [p for p in files if (ROOT / "engine" / "store") not in p.parents]
    found = [hit for p in outside for hit in _sql_strings(p)]
    assert not found, "SQL outside engine/store (add a named function there):\n" + "\n".join(found)
