"""AppTest helpers: the dashboard runs in-process against the test's own store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
APP = HERE.parents[1] / "dashboard" / "app.py"
sys.path.insert(0, str(HERE.parent / "report"))  # report_rows: small stored rows shared with tests/report


@pytest.fixture
def app(monkeypatch):
    """A fresh AppTest of dashboard/app.py (not run yet)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    monkeypatch.delenv("SEGROI_SCENARIO", raising=False)
    return AppTest.from_file(str(APP), default_timeout=60)


@pytest.fixture
def seeded():
    """The store holds the reference scenario and the H100 anchors (what `segroi dashboard` loads)."""
    from engine.commands.dashboard import seed_reference
    from engine.store import open_store

    seed_reference()
    return open_store()


def shown(markdown: str) -> str:
    """Markdown source as it reads on screen: backslash escapes resolved (engine.report.escape puts
    them before every punctuation mark of user text and of generated sentences), word joiners gone."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "")


def texts(at) -> str:
    """Everything the page wrote as text, in one string (escapes resolved, see `shown`)."""
    parts = []
    for kind in ("markdown", "caption", "info", "error", "warning", "success", "title", "subheader"):
        parts += [shown(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def go(at, page: str):
    """Open a page (its file under dashboard/views) and run."""
    return at.switch_page(f"views/{page}.py").run()


def overview_figures(at) -> list[dict]:
    """The figures the Overview's chart frame draws (dashboard/charts.py), row by row, as plotly JSON."""
    import json

    frames = [c for c in at.get("component_instance") if c.proto.component_name.endswith("segroi_charts")]
    if not frames:
        return []
    rows = json.loads(frames[0].proto.json_args)["rows"]
    return [item["figure"] for row in rows for item in row]


def titles(figures: list[dict]) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures]
