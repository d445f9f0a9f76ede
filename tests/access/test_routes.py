"""Which Streamlit endpoints are closed (engine.access.routes), without a server; the real server is
checked in test_server_uploads.py."""

from __future__ import annotations

import asyncio

import pytest

from engine.access.routes import ClosedRoutes, closed


@pytest.mark.parametrize("path, shut", [
    ("/_stcore/upload_file/abc/def", True), ("/segroi/_stcore/upload_file/abc/def", True),
    ("/_stcore/upload_file", True), ("/_stcore/upload_file/", True),
    ("/_stcore/health", False), ("/_stcore/stream", False), ("/media/abc.png", False), ("/", False),
    ("/_stcore/upload_filex", False), ("/scenario", False),
])
def test_the_upload_endpoint_is_closed_and_nothing_else(path, shut):
    assert closed(path) is shut


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
    assert reached == ["/_stcore/health"]
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [404] * 4
