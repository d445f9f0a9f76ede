"""DNS rebinding, against a real server started as `segroi dashboard` starts it: requests with a Host
header that is not allowed get 403 on every endpoint - the page, the health check, static files,
host-config and the websocket handshake (/_stcore/stream) - before Streamlit sees them."""

from __future__ import annotations

import http.client
import os
import socket

import pytest
from streamlit_browser import dashboard_command, free_port, login_dashboard, serving

pytestmark = pytest.mark.slow

PATHS = ("/", "/scenario", "/_stcore/health", "/_stcore/host-config", "/static/js/index.js")


def _get(address: str, port: int, path: str, host: str) -> int:
    con = http.client.HTTPConnection(address, port, timeout=20)
    try:
        con.putrequest("GET", path, skip_host=True)
        con.putheader("Host", host)
        con.endheaders()
        response = con.getresponse()
        response.read()
        return response.status
    finally:
        con.close()


def _websocket(address: str, port: int, host: str) -> int:
    with socket.create_connection((address, port), timeout=20) as s:
        s.sendall(
            (
                f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        status = s.recv(64).split(b"\r\n")[0]
    return int(status.split()[1])


def _statuses(address: str, port: int, host: str) -> dict:
    out = {path: _get(address, port, path, host) for path in PATHS}
    out["websocket"] = _websocket(address, port, host)
    return out


def test_localhost_dashboard_answers_loopback_names_only(tmp_path):
    port = free_port()
    env = dict(os.environ, SEGROI_ALLOWED_HOSTS="segroi.example-hospital.org")  # ignored without a login
    env.pop("SEGROI_PASSWORD", None)
    with serving(dashboard_command(port), url=f"http://127.0.0.1:{port}", log_path=tmp_path / "server.log", env=env):
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
            got = _statuses("127.0.0.1", port, host)
            assert got.pop("websocket") == 101 and set(got.values()) == {200}, (host, got)
        for host in (
            f"attacker.example:{port}",
            "attacker.example",
            f"localhost.attacker.example:{port}",
            f"segroi.example-hospital.org:{port}",
            f"127.0.0.1.nip.io:{port}",
            "",
        ):
            got = _statuses("127.0.0.1", port, host)
            assert set(got.values()) == {403}, (host, got)
    assert "refused a websocket request for /_stcore/stream" in (tmp_path / "server.log").read_text()


def test_served_dashboard_also_answers_its_address_and_the_configured_names(tmp_path):
    """On 127.0.0.2 (not a name segroi takes for local: a login is required) with a password."""
    with login_dashboard(tmp_path, SEGROI_ALLOWED_HOSTS="segroi.example-hospital.org") as base:
        port = int(base.rsplit(":", 1)[1])
        for host in (
            f"127.0.0.2:{port}",
            f"segroi.example-hospital.org:{port}",
            "SEGROI.example-hospital.org",
            f"localhost:{port}",
        ):
            got = _statuses("127.0.0.2", port, host)
            assert got.pop("websocket") == 101 and set(got.values()) == {200}, (host, got)
        for host in (
            f"attacker.example:{port}",
            f"evil.segroi.example-hospital.org:{port}",
            f"segroi.example-hospital.org.attacker.example:{port}",
        ):
            got = _statuses("127.0.0.2", port, host)
            assert set(got.values()) == {403}, (host, got)
