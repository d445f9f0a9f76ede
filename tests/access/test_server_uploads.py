"""The dashboard takes no file uploads, so Streamlit's upload endpoint is closed. Open, it let a visitor
who never gave the password store files in the server's memory: a websocket session (the login page
itself) and the XSRF cookie of the health check are all it asked for, 200 MB per file, as many files as
the visitor liked. Checked against a real server started as `segroi dashboard` starts it, with a
password, by a client that speaks Streamlit's websocket protocol."""

from __future__ import annotations

import asyncio
import os
import urllib.error
import urllib.request

import pytest
from streamlit_browser import dashboard_command, free_port, serving

pytestmark = pytest.mark.slow


def _xsrf(base: str) -> str:
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=20) as response:
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    raise AssertionError("no XSRF cookie")


async def _login_page_session(base: str, token: str) -> tuple[str, list[str]]:
    """Open a session the way a browser does and run the page once: (session id, labels drawn)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with websockets.connect(base.replace("http", "ws") + "/_stcore/stream",
                                  subprotocols=["streamlit", token],
                                  additional_headers={"Origin": base, "Cookie": f"_streamlit_xsrf={token}"}) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = ""
        await ws.send(msg.SerializeToString())
        session, labels = None, []
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                session = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                labels.append(getattr(getattr(element, element.WhichOneof("type")), "label", ""))
            elif kind == "script_finished":
                return session, labels, await _upload(base, token, session)


async def _upload(base: str, token: str, session: str) -> int:
    """PUT one 1 MB file while the session is open; the HTTP status."""
    boundary = "segroi-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + b"A" * (1 << 20) + \
        f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{base}/_stcore/upload_file/{session}/planted", data=body, method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token,
                 "Cookie": f"_streamlit_xsrf={token}", "Origin": base})

    def put() -> int:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    return await asyncio.to_thread(put)


def test_a_visitor_who_has_not_logged_in_cannot_upload(tmp_path):
    pytest.importorskip("websockets")
    port = free_port()
    base = f"http://127.0.0.2:{port}"
    env = dict(os.environ, SEGROI_PASSWORD="a long passphrase", SEGROI_LOGIN_REQUIRED="1",
               SEGROI_DB=str(tmp_path / "segroi.duckdb"))
    with serving(dashboard_command(port, host="127.0.0.2"), url=base, log_path=tmp_path / "server.log", env=env):
        session, labels, status = asyncio.run(_login_page_session(base, _xsrf(base)))
    assert session and "Password" in labels  # the visitor is at the password box, not past it
    assert status in (403, 404), status
