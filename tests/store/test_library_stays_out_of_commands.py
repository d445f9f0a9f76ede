"""Library code lives in the library: only engine/cli.py and the commands themselves import engine.commands
(the dashboard, the report and the store call engine modules such as engine.reference and
engine.scenario_sources instead)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports_commands(path: Path) -> list[str]:
    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        if any(n == "engine.commands" or n.startswith("engine.commands.") for n in names):
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return hits


def test_the_finder_sees_an_import_of_a_command():
    assert _imports_commands(ROOT / "tests" / "report" / "test_report_cli.py"), "the pattern misses imports"


def test_nothing_outside_the_commands_imports_them():
    files = [p for folder in ("engine", "dashboard") for p in (ROOT / folder).rglob("*.py")]
    outside = [p for p in files if (ROOT / "engine" / "commands") not in p.parents and p != ROOT / "engine" / "cli.py"]
    found = [hit for p in outside for hit in _imports_commands(p)]
    assert not found, "library code imports a command (move what it needs into engine/):\n" + "\n".join(found)
