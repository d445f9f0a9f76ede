"""The Annotate page in-process (Streamlit AppTest): set up, accept too early, leave, resume.

Drawing needs a real browser (tests/browser/test_annotate_browser.py); this covers the rest
of the page quickly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture
def at(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    return app.switch_page("views/annotate.py").run()


def _text(at) -> str:
    return "\n".join(
        str(e.value) for kind in ("markdown", "caption", "info", "error", "success", "title") for e in at.get(kind)
    )


@pytest.mark.slow
def test_setup_start_accept_too_early_leave_and_resume(at):
    from engine.store import open_store

    assert not at.exception and "Timed annotation" in _text(at)
    at.text_input(key="ann_name").input("page tester")
    at.number_input(key="ann_frames").set_value(1)
    at.button(key="ann_start").click().run()
    assert not at.exception
    assert "Click around the outline of the **LV**" in _text(at)
    store = open_store(read_only=True)
    (session,) = store.query("SELECT * FROM annotation_sessions")
    assert session["status"] == "open" and session["task"] == "manual" and not session["simulated"]

    accept = next(b for b in at.button if b.key and b.key.startswith("accept-"))
    accept.click().run()
    assert "nothing to accept yet" in _text(at)
    assert store.query("SELECT * FROM annotation_items") == []

    at.button(key="ann_leave").click().run()
    assert "Click around the outline" not in _text(at)
    assert at.selectbox(key="ann_resume_pick").value == session["id"]
    at.button(key="ann_resume").click().run()
    assert not at.exception and "Click around the outline of the **LV**" in _text(at)


@pytest.mark.slow
def test_japanese_labels(at):
    at.segmented_control(key="lang").set_value("ja").run()
    assert not at.exception and "時間計測付きアノテーション" in _text(at)


@pytest.mark.slow
def test_items_timed_the_old_way_count_only_when_ticked_and_a_mix_is_said(at):
    from engine.store import open_store

    store = open_store()
    for sid, timing, day in (("old", "server", "2026-01-01"), ("new", "browser", "2026-02-01")):
        store.insert(
            "annotation_sessions",
            [
                {
                    "id": sid,
                    "annotator": "ann-x",
                    "task": "manual",
                    "idle_threshold_seconds": 30.0,
                    "simulated": False,
                    "created_at": day,
                    "status": "done",
                }
            ],
        )
        store.insert(
            "annotation_items",
            [
                {
                    "session_id": sid,
                    "frame": f"f{k}",
                    "structure": "LV",
                    "task": "manual",
                    "active_seconds": s,
                    "accepted": True,
                    "simulated": False,
                    "timing": timing,
                    "completed_at": day,
                }
                for k, s in enumerate((1.0, 2.0) if timing == "server" else (10.0, 14.0))
            ],
        )
    at.run()
    assert "2 items timed the old way are left out" in _text(at)
    inputs = at.dataframe[-1].value
    assert list(inputs["n"]) == [2] and inputs["Value"][0].startswith("12 ")
    at.checkbox(key="ann_old_all").check().run()
    assert "mix items timed in the browser (2) with items timed the old way (2)" in "\n".join(
        w.value for w in at.warning
    )
    inputs = at.dataframe[-1].value
    assert list(inputs["n"]) == [4] and inputs["Value"][0].startswith("6.75 ")
