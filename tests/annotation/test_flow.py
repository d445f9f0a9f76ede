"""The browser session's logic without a browser: timing, counts, writes, resume."""

from __future__ import annotations

import pytest

from annotation_helpers import FakeSam, small_frame
from engine.annotation import flow as flows
from engine.annotation.canvas import NEGATIVE_COLOR, POSITIVE_COLOR
from engine.annotation.session import start_session
from engine.data import save_frames
from engine.errors import SegroiError
from engine.store import open_store
from test_canvas import polygon


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t

    def tick(self, s):
        self.t += s


def _flow(task, clock, frames=None, structures=("LV",), **kw):
    store = open_store()
    session = start_session(store, "ann-test", task, dataset="toy", frames_planned=1,
                            idle_threshold_seconds=20)
    return flows.Flow(store, session, frames or [small_frame()], list(structures), now=clock, **kw)


def _items(store):
    return store.query("SELECT * FROM annotation_items ORDER BY completed_at")


LV_TRACE = {"objects": [polygon([(12, 8), (28, 8), (28, 32), (12, 32)])]}
LA_TRACE = {"objects": [polygon([(12, 38), (28, 38), (28, 54), (12, 54)])]}


def test_manual_item_times_from_display_to_accept_without_the_idle_gap():
    clock = Clock()
    f = _flow("manual", clock, structures=("LV", "LA"))
    f.show()
    clock.tick(4)
    f.touch()                       # a widget touched
    clock.tick(45)                  # away from the desk: idle
    assert f.update(LV_TRACE, scale=1.0)
    assert not f.update(LV_TRACE, scale=1.0)   # a rerun with the same drawing is no event
    clock.tick(2)
    item = f.accept()
    assert item.active_seconds == pytest.approx(6) and item.idle_seconds == pytest.approx(45)
    assert (item.vertices, item.clicks, item.corrections, item.accepted) == (4, 5, 0, True)
    assert 0.5 < item.dice < 1.0 and item.prompt == "polygon"
    row = _items(f.store)[0]
    assert row["active_seconds"] == pytest.approx(6) and row["frame"] == "toy_000"
    assert f.current[1] == "LA" and not f.finished and f.done == 1


def test_accept_needs_a_drawing_and_a_redo_is_counted():
    clock = Clock()
    f = _flow("manual", clock)
    f.show()
    with pytest.raises(SegroiError, match="trace the outline"):
        f.accept()
    f.update(LV_TRACE, 1.0)
    f.update({"objects": []}, 1.0)           # deleted with the toolbar
    f.update(LV_TRACE, 1.0)
    item = f.accept()
    assert item.corrections == 1 and item.clicks == 10
    assert f.finished and f.store.query("SELECT status FROM annotation_sessions")[0]["status"] == "done"


def test_sam_box_then_points_counts_corrections_and_uses_one_embedding():
    clock = Clock()
    frame = small_frame()
    sam = FakeSam(frame.mask)
    f = _flow("sam", clock, frames=[frame], structures=("LV", "LA"), sam=sam)
    assert f.needs_embedding
    clock.tick(30)                            # embedding time is before display: not counted
    f.embed_current()
    assert not f.needs_embedding
    f.show()
    box = {"type": "Rect", "left": 12, "top": 8, "width": 17, "height": 25}
    clock.tick(3)
    f.update({"objects": [box]}, 1.0)
    first = f.mask.copy()
    minus = {"type": "Circle", "originX": "center", "originY": "center", "left": 13, "top": 9,
            "radius": 3, "stroke": NEGATIVE_COLOR}
    clock.tick(2)
    f.update({"objects": [box, minus]}, 1.0)
    assert (f.mask != first).any()
    clock.tick(1)
    item = f.accept()
    assert item.active_seconds == pytest.approx(6) and item.idle_seconds == 0
    assert (item.clicks, item.corrections, item.prompt, item.accepted) == (2, 1, "box+points", True)
    assert item.vertices is None and item.dice is not None
    # next structure, same frame: no second embedding
    assert f.current[1] == "LA" and not f.needs_embedding and sam.embeds == 1
    f.show()
    f.update({"objects": [{"type": "Circle", "left": 20, "top": 46, "radius": 3,
                           "originX": "center", "originY": "center", "stroke": POSITIVE_COLOR}]}, 1.0)
    item = f.reject()
    assert not item.accepted and item.prompt == "points"


def test_sam_at_random_weights_stores_no_dice():
    clock = Clock()
    frame = small_frame()
    sam = FakeSam(frame.mask)
    sam.weights = "random"
    f = _flow("sam", clock, frames=[frame], sam=sam)
    f.embed_current()
    f.show()
    f.update({"objects": [{"type": "Rect", "left": 12, "top": 8, "width": 17, "height": 25}]}, 1.0)
    assert f.accept().dice is None


def test_ssl_review_accept_and_correction_record_review_time():
    clock = Clock()
    frame = small_frame()
    labels = frame.mask.copy()
    labels[labels == 2] = 0
    f = _flow("ssl", clock, frames=[frame], structures=("LV", "LA"),
              ssl_labels={frame.name: labels})
    f.show()
    assert f.mask.any() and not f.drawing
    assert not f.update(LV_TRACE, 1.0)        # the canvas is read-only during review
    clock.tick(3)
    item = f.accept()
    assert item.accepted and item.dice == 1.0 and item.review_seconds == pytest.approx(3)
    assert item.active_seconds == pytest.approx(3) and item.corrections == 0
    f.show()                                  # LA: nothing proposed
    clock.tick(2)
    f.start_correction()
    assert f.drawing and f.mask is None
    clock.tick(5)
    f.update(LA_TRACE, 1.0)
    clock.tick(1)
    item = f.accept()
    assert not item.accepted and item.corrections == 1 and item.review_seconds == pytest.approx(2)
    assert item.active_seconds == pytest.approx(8) and item.vertices == 4


def test_start_and_resume_after_the_browser_closed(tmp_path):
    save_frames([small_frame(i) for i in range(2)], tmp_path / "img", tmp_path / "truth")
    store = open_store()
    clock = Clock()
    f = flows.start(store, "ann-test", "manual", data=str(tmp_path / "img"),
                    truth=str(tmp_path / "truth"), frames=2, structures=["LV", "RA"], now=clock)
    assert f.total == 2   # the toy frames have no RA
    f.show()
    f.update(LV_TRACE, 1.0)
    f.accept()
    f.show()
    f.update(LV_TRACE, 1.0)   # drawn but never accepted: the browser closes
    again = flows.resume(store, f.session.id, now=clock)
    assert again.done == 1 and again.current[0].name == "toy_001" and again.current[1] == "LV"
    assert len(_items(store)) == 1


def test_start_refuses_readable_problems(tmp_path):
    store = open_store()
    with pytest.raises(SegroiError, match="SSL weights"):
        flows.start(store, "a", "ssl", data="phantom", frames=1, ssl_weights=None)
    with pytest.raises(SegroiError, match="SAM"):
        flows.start(store, "a", "sam", data="phantom", frames=1)
    with pytest.raises(SegroiError, match="structure"):
        flows.start(store, "a", "manual", data="phantom", frames=1, structures=[])
    assert store.query("SELECT * FROM annotation_sessions") == []
