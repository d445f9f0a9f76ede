"""Streamlit's upload endpoint is closed to a session the login has not let in. Open, it let a visitor
who never gave the password store files in the server's memory: a websocket session (the login page
itself) and the XSRF cookie of the health check are all it asked for, 200 MB per file, as many files as
the visitor liked. Checked against a real server started as `segroi dashboard` starts it, with a
password, by a client that speaks Streamlit's websocket protocol (tests/streamlit_wire.py)."""

from __future__ import annotations

import asyncio

import pytest
from streamlit_browser import login_dashboard

pytestmark = pytest.mark.slow


def _upload(base: str, token: str, session: str) -> int:
    """PUT one 1 MB file into `session`; the HTTP status (a server that answers before reading the
    body may close the connection while it is still being sent)."""
    import http.client
    from urllib.parse import urlsplit

    boundary = "segroi-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"A" * (1 << 20)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    where = urlsplit(base)
    con = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        con.putrequest("PUT", f"/_stcore/upload_file/{session}/planted")
        for name, value in (
            ("Content-Type", f"multipart/form-data; boundary={boundary}"),
            ("Content-Length", str(len(body))),
            ("X-Xsrftoken", token),
            ("Cookie", f"_streamlit_xsrf={token}"),
            ("Origin", base),
        ):
            con.putheader(name, value)
        con.endheaders()
        try:
            con.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered already
        return con.getresponse().status
    finally:
        con.close()


async def _visit_and_upload(base: str):
    from streamlit_wire import Visitor

    async with Visitor(base) as visitor:
        drawn = await visitor.run()
        status = await asyncio.to_thread(_upload, base, visitor.token, drawn.session)  # while the session is open
    return drawn, status


def test_a_visitor_who_has_not_logged_in_cannot_upload(tmp_path):
    pytest.importorskip("websockets")
    with login_dashboard(tmp_path) as base:
        drawn, status = asyncio.run(_visit_and_upload(base))
    assert drawn.session and "Password" in drawn.labels  # the visitor is at the password box, not past it
    assert status in (403, 404), status
