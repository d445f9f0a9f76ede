"""Which Streamlit endpoints are closed (engine.access.routes, engine.access.uploads), without a server;
the real server is checked in test_server_uploads.py and, with a page that opens uploads, in
tests/browser/test_bundle_import_browser.py."""

from __future__ import annotations

import asyncio

import pytest

from engine.access import uploads
from engine.access.routes import ClosedRoutes, closed


@pytest.fixture(autouse=True)
def _no_session_open():
    uploads.close_all()
    yield
    uploads.close_all()


@pytest.mark.parametrize(
    "path, shut",
    [
        ("/_stcore/upload_file/abc/def", True),
        ("/segroi/_stcore/upload_file/abc/def", True),
        ("/_stcore/upload_file", True),
        ("/_stcore/upload_file/", True),
        ("/_stcore/health", False),
        ("/_stcore/stream", False),
        ("/media/abc.png", False),
        ("/", False),
        ("/_stcore/upload_filex", False),
        ("/scenario", False),
    ],
)
def test_uploads_are_closed_until_a_page_opens_them_and_nothing_else_is(path, shut):
    assert closed(path) is shut


def test_a_page_opens_uploads_for_its_own_session_only():
    uploads.open_for("abc")
    assert not closed("/_stcore/upload_file/abc/def")
    assert not closed("/segroi/_stcore/upload_file/abc/def")
    assert closed("/_stcore/upload_file/abd/def")  # another session
    assert closed("/_stcore/upload_file/ab/def")  # a prefix of an open one
    assert closed("/_stcore/upload_file/")


def test_an_opening_lapses_and_the_oldest_goes_first():
    uploads.open_for("s1", now=0.0)
    assert uploads.is_open("s1", now=uploads.OPEN_SECONDS - 1)
    assert not uploads.is_open("s1", now=uploads.OPEN_SECONDS + 1)
    for i in range(uploads.MAX_OPEN + 1):
        uploads.open_for(f"k{i}", now=10.0)
    assert not uploads.is_open("k0", now=10.0)
    assert uploads.is_open(f"k{uploads.MAX_OPEN}", now=10.0)
    assert not uploads.is_open(None) and not uploads.is_open("")


def test_closed_requests_never_reach_streamlit():
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    guard = ClosedRoutes(app)
    for method in ("PUT", "DELETE", "OPTIONS", "GET"):
        asyncio.run(guard({"type": "http", "method": method, "path": "/_stcore/upload_file/s/f"}, receive, send))
    asyncio.run(guard({"type": "http", "method": "GET", "path": "/_stcore/health"}, receive, send))
    uploads.open_for("s")
    asyncio.run(guard({"type": "http", "method": "PUT", "path": "/_stcore/upload_file/s/f"}, receive, send))
    assert reached == ["/_stcore/health", "/_stcore/upload_file/s/f"]
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [404] * 4


def test_a_closed_session_can_no_longer_upload():
    uploads.open_for("s")
    uploads.close_for("s")
    assert closed("/_stcore/upload_file/s/f")


def test_refusals_log_a_hash_of_the_session_never_the_path_and_at_most_once_a_second(caplog):
    import hashlib

    from engine.access import routes

    routes._log_state.update(last=float("-inf"), quiet=0)
    forged = "/_stcore/upload_file/x\nwrong dashboard password from 10.6.6.6/f"
    with caplog.at_level("WARNING", logger="segroi.access"):
        assert routes.log_refusal("PUT", forged, now=100.0)
        assert not routes.log_refusal("PUT", forged, now=100.5)
        assert not routes.log_refusal("PUT\nX", forged, now=100.9)
        assert routes.log_refusal("DELETE", "/_stcore/upload_file/abc/f", now=101.2)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all("\n" not in line and "10.6.6.6" not in line for line in lines)
    assert hashlib.sha256(b"x\nwrong dashboard password from 10.6.6.6").hexdigest()[:8] in lines[0]
    assert "abc" not in lines[1] and hashlib.sha256(b"abc").hexdigest()[:8] in lines[1]
    assert "2 more refused" in lines[1]
