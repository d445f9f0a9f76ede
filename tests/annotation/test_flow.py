"""The browser session's logic without a browser: timing, counts, writes, resume."""

from __future__ import annotations

import pytest

from annotation_helpers import FakeSam, small_frame
from engine.annotation import flow as flows
from engine.annotation.session import start_session
from engine.data import save_frames
from engine.errors import SegroiError
from engine.store import open_store


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t

    def tick(self, s):
        self.t += s


class Canvas:
    """What the annotation canvas sends for the item on screen, on the test's clock (the
    browser's clock is the server's here, and a report arrives the moment it is sent)."""

    def __init__(self, flow, clock):
        self.flow, self.clock, self.key = flow, clock, flow.canvas_key
        self.t0 = clock.t * 1000
        self.events = []
        self.shapes = {}
        self.event("visible")

    def event(self, kind):
        self.events.append([self.clock.t * 1000 - self.t0, kind])

    def click(self):
        self.event("down")
        self.event("up")

    def send(self, shapes=None):
        if shapes is not None:
            self.shapes = shapes
        return self.flow.update(
            {
                "v": 1,
                "item": self.key,
                "t0": self.t0,
                "sent": self.clock.t * 1000 - self.t0,
                "events": list(self.events),
                "shapes": self.shapes,
            },
            1.0,
        )


def drawing_only(flow, shapes):
    """A drawing with no activity report: what the server saw before activity was measured."""
    return flow.update({"item": flow.canvas_key, "shapes": shapes}, 1.0)


def _flow(task, clock, frames=None, structures=("LV",), idle=20, **kw):
    store = open_store()
    session = start_session(store, "ann-test", task, dataset="toy", frames_planned=1, idle_threshold_seconds=idle)
    return flows.Flow(store, session, frames or [small_frame()], list(structures), now=clock, **kw)


def _items(store):
    return store.query("SELECT * FROM annotation_items ORDER BY completed_at")


def polygon(points):
    return {"polygons": [[list(p) for p in points]]}


LV_SQUARE = [(12, 8), (28, 8), (28, 32), (12, 32)]
LV_TRACE = polygon(LV_SQUARE)
LA_TRACE = polygon([(12, 38), (28, 38), (28, 54), (12, 54)])
BOX = {"boxes": [[12, 8, 29, 33]]}


def test_server_events_only_time_the_old_way_and_say_the_report_was_refused():
    clock = Clock()
    f = _flow("manual", clock, structures=("LV", "LA"))
    f.show()
    clock.tick(4)
    f.touch()  # a widget touched
    clock.tick(45)  # away from the desk: idle
    assert drawing_only(f, LV_TRACE)
    assert not drawing_only(f, LV_TRACE)  # a rerun with the same drawing is no event
    clock.tick(2)
    assert "unknown version" in f.activity_problems[0]
    item = f.accept()
    assert item.active_seconds == pytest.approx(6) and item.idle_seconds == pytest.approx(45)
    assert item.timing == "server" and item.hidden_seconds is None and item.compute_seconds == 0
    assert (item.vertices, item.clicks, item.corrections, item.accepted) == (4, 5, 0, True)
    assert 0.5 < item.dice < 1.0 and item.prompt == "polygon"
    row = _items(f.store)[0]
    assert row["active_seconds"] == pytest.approx(6) and row["frame"] == "toy_000"
    assert row["timing"] == "server"
    assert f.current[1] == "LA" and not f.finished and f.done == 1 and f.activity_problems == []


def test_a_slow_trace_measured_in_the_browser_is_active_time():
    # the case: 14 vertices 1 s apart under a 5 s threshold, the polygon reaching the
    # server only when it is closed, 15 s after the canvas appeared
    clock = Clock()
    f = _flow("manual", clock, idle=5)
    f.show()
    clock.tick(0.2)  # the canvas appears in the browser
    canvas = Canvas(f, clock)
    assert not canvas.send()  # its first report: activity, no drawing yet
    vertices = [(12 + k, 8 + k % 3) for k in range(14)]
    for _ in vertices + [vertices[0]]:
        clock.tick(1.0)
        canvas.click()
    assert canvas.send(polygon(vertices))
    clock.tick(2.0)
    item = f.accept()
    # display (the canvas, at +0.2) to accept (+17.2): 17 s, no pause over 5 s
    assert item.timing == "browser" and item.active_seconds == pytest.approx(17.0)
    assert item.idle_seconds == 0 and item.hidden_seconds == 0 and item.vertices == 14
    assert _items(f.store)[0]["timing"] == "browser"


def test_a_pause_and_a_hidden_tab_in_the_middle_of_a_trace_are_idle():
    clock = Clock()
    f = _flow("manual", clock, idle=5)
    f.show()
    canvas = Canvas(f, clock)
    canvas.send()
    for _ in range(3):
        clock.tick(0.5)
        canvas.click()
    clock.tick(20)  # a 20 s pause, the pointer still
    canvas.click()
    clock.tick(1)
    canvas.event("hidden")  # another tab for 10 s
    canvas.send()
    clock.tick(10)
    canvas.event("visible")
    canvas.send()
    clock.tick(1)
    canvas.click()
    clock.tick(0.5)
    canvas.click()
    canvas.send(LV_TRACE)
    clock.tick(1)
    item = f.accept()
    assert item.idle_seconds == pytest.approx(30) and item.hidden_seconds == pytest.approx(10)
    assert item.active_seconds == pytest.approx(1.5 + 1 + 1 + 0.5 + 1)


def test_a_report_for_another_item_is_ignored_and_a_bad_drawing_is_refused():
    clock = Clock()
    f = _flow("manual", clock)
    f.show()
    canvas = Canvas(f, clock)
    canvas.key = "annotate-someone-else"
    assert not canvas.send(LV_TRACE) and f.clock.timing == "server"
    canvas.key = f.canvas_key
    clock.tick(1)
    assert not canvas.send({"polygons": [[[0, 0], [1, "x"], [2, 2]]]})
    assert "bad number" in f.activity_problems[0] and f.shapes.count == 0
    assert f.clock.timing == "browser"  # the activity in that report was fine


def test_accept_needs_a_drawing_and_a_redo_is_counted():
    clock = Clock()
    f = _flow("manual", clock)
    f.show()
    with pytest.raises(SegroiError, match="trace the outline"):
        f.accept()
    canvas = Canvas(f, clock)
    canvas.send(LV_TRACE)
    canvas.send({"polygons": []})  # undone
    canvas.send(LV_TRACE)
    item = f.accept()
    assert item.corrections == 1 and item.clicks == 10
    assert f.finished and f.store.query("SELECT status FROM annotation_sessions")[0]["status"] == "done"


def test_sam_box_then_points_counts_corrections_and_uses_one_embedding():
    clock = Clock()
    frame = small_frame()
    sam = FakeSam(frame.mask)
    f = _flow("sam", clock, frames=[frame], structures=("LV", "LA"), sam=sam)
    assert f.needs_embedding
    clock.tick(30)  # embedding time is before display: not counted
    f.embed_current()
    assert not f.needs_embedding
    f.show()
    canvas = Canvas(f, clock)
    clock.tick(3)
    canvas.send(BOX)
    first = f.mask.copy()
    clock.tick(2)
    canvas.send({**BOX, "points": [[13, 9, 0]]})
    assert (f.mask != first).any()
    clock.tick(1)
    item = f.accept()
    assert item.active_seconds == pytest.approx(6) and item.idle_seconds == 0
    assert (item.clicks, item.corrections, item.prompt, item.accepted) == (2, 1, "box+points", True)
    assert item.vertices is None and item.dice is not None
    # next structure, same frame: no second embedding
    assert f.current[1] == "LA" and not f.needs_embedding and sam.embeds == 1
    f.show()
    Canvas(f, clock).send({"points": [[20, 46, 1]]})
    item = f.reject()
    assert not item.accepted and item.prompt == "points"


class SlowSam(FakeSam):
    """A SAM whose every mask takes `seconds` on the test's clock."""

    def __init__(self, truth, clock, seconds):
        super().__init__(truth)
        self.clock, self.seconds = clock, seconds

    def predict(self, *args, **kwargs):
        self.clock.tick(self.seconds)
        return super().predict(*args, **kwargs)


def test_the_time_sam_computes_is_not_the_annotators():
    clock = Clock()
    frame = small_frame()
    f = _flow("sam", clock, frames=[frame], sam=SlowSam(frame.mask, clock, 4.0), idle=5)
    f.embed_current()
    f.show()
    canvas = Canvas(f, clock)
    clock.tick(1)
    canvas.click()
    canvas.send(BOX)  # SAM computes 4 s
    clock.tick(2)  # the annotator looks at the mask
    canvas.click()
    canvas.send({**BOX, "points": [[13, 9, 0]]})  # 4 s more
    clock.tick(1.5)
    item = f.accept()
    assert item.compute_seconds == pytest.approx(8)
    assert item.active_seconds == pytest.approx(1 + 2 + 1.5) and item.idle_seconds == 0
    # without the browser's reports the 4 s wait is still SAM's, not idle or active
    g = _flow("sam", clock, frames=[frame], sam=SlowSam(frame.mask, clock, 4.0), idle=3)
    g.embed_current()
    g.show()
    clock.tick(1)
    drawing_only(g, BOX)
    clock.tick(2)
    item = g.accept()
    assert (item.active_seconds, item.idle_seconds, item.compute_seconds) == (pytest.approx(3), 0, pytest.approx(4))


def test_sam_at_random_weights_stores_no_dice():
    clock = Clock()
    frame = small_frame()
    sam = FakeSam(frame.mask)
    sam.weights = "random"
    f = _flow("sam", clock, frames=[frame], sam=sam)
    f.embed_current()
    f.show()
    Canvas(f, clock).send(BOX)
    assert f.accept().dice is None


def test_ssl_review_accept_and_correction_record_review_time():
    clock = Clock()
    frame = small_frame()
    labels = frame.mask.copy()
    labels[labels == 2] = 0
    f = _flow("ssl", clock, frames=[frame], structures=("LV", "LA"), ssl_labels={frame.name: labels})
    f.show()
    assert f.mask.any() and not f.drawing
    review = Canvas(f, clock)
    assert not review.send(LV_TRACE)  # the review canvas draws nothing
    clock.tick(3)
    item = f.accept()
    assert item.accepted and item.dice == 1.0 and item.review_seconds == pytest.approx(3)
    assert item.active_seconds == pytest.approx(3) and item.corrections == 0
    f.show()  # LA: nothing proposed
    clock.tick(2)
    f.start_correction()
    assert f.drawing and f.mask is None
    trace = Canvas(f, clock)  # a new canvas for the correction
    clock.tick(5)
    trace.send(LA_TRACE)
    clock.tick(1)
    item = f.accept()
    assert not item.accepted and item.corrections == 1 and item.review_seconds == pytest.approx(2)
    assert item.active_seconds == pytest.approx(8) and item.vertices == 4


def test_a_long_look_at_an_ssl_proposal_with_the_mouse_moving_is_review_time():
    clock = Clock()
    frame = small_frame()
    f = _flow("ssl", clock, frames=[frame], ssl_labels={frame.name: frame.mask}, idle=5)
    f.show()
    review = Canvas(f, clock)
    review.send()
    for _ in range(12):  # 36 s of looking, the pointer moving over the mask
        clock.tick(3)
        review.event("move")
    review.send()
    clock.tick(1)
    item = f.accept()
    assert item.review_seconds == pytest.approx(37) and item.active_seconds == pytest.approx(37)


def test_start_and_resume_after_the_browser_closed(tmp_path):
    save_frames([small_frame(i) for i in range(2)], tmp_path / "img", tmp_path / "truth")
    store = open_store()
    clock = Clock()
    f = flows.start(
        store,
        "ann-test",
        "manual",
        data=str(tmp_path / "img"),
        truth=str(tmp_path / "truth"),
        frames=2,
        structures=["LV", "RA"],
        now=clock,
    )
    assert f.total == 2  # the toy frames have no RA
    f.show()
    Canvas(f, clock).send(LV_TRACE)
    f.accept()
    f.show()
    Canvas(f, clock).send(LV_TRACE)  # drawn but never accepted: the browser closes
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
