"""Which Host headers the dashboard answers (engine.access.hosts), checked without a server; the
real server is checked in test_server_hosts.py."""

from __future__ import annotations

import asyncio

import pytest

from engine.access.hosts import HostGuard, allowed, extra_names, host_of


@pytest.mark.parametrize(
    "header, name",
    [
        ("localhost:8501", "localhost"),
        ("LOCALHOST", "localhost"),
        ("127.0.0.1:1", "127.0.0.1"),
        ("[::1]:8501", "::1"),
        ("[::1]", "::1"),
        ("Segroi.Example.org:443", "segroi.example.org"),
        ("localhost:", None),
        ("localhost:abc", None),
        ("a b", None),
        ("[::1", None),
        ("[127.0.0.1]:80", None),
        ("", None),
        (None, None),
        ("localhost:8501:1", None),
        ("evil.example/x", None),
    ],
)
def test_host_of(header, name):
    assert host_of(header) == name


@pytest.mark.parametrize("header", ["localhost:8501", "127.0.0.1:8501", "127.0.0.2", "[::1]:8501", "Localhost"])
def test_loopback_names_are_answered(header):
    assert allowed(header)


@pytest.mark.parametrize(
    "header",
    [
        "attacker.example:8501",
        "localhost.attacker.example",
        "127.0.0.1.nip.io",
        "localhost.",
        "0.0.0.0:8501",
        "10.0.0.5:8501",
        "[::]:8501",
        "",
        None,
        "xn--80ak6aa92e.com",
    ],
)
def test_other_names_are_refused(header):
    assert not allowed(header)


def test_extra_names_only_when_a_login_is_required():
    env = {"SEGROI_ALLOWED_HOSTS": "segroi.example-hospital.org, 10.0.0.5"}
    assert extra_names("localhost", env) == frozenset()  # localhost: loopback names only, whatever is set
    assert extra_names("0.0.0.0", env) == {"segroi.example-hospital.org", "10.0.0.5"}
    assert extra_names("10.0.0.7", {}) == {"10.0.0.7"}
    assert extra_names("localhost", dict(env, SEGROI_LOGIN_REQUIRED="1")) == {
        "segroi.example-hospital.org",
        "10.0.0.5",
        "localhost",
    }
    extra = extra_names("0.0.0.0", env)
    assert allowed("segroi.example-hospital.org:8501", extra) and not allowed("evil.example-hospital.org", extra)


def _call(app, scope):
    sent = []

    async def receive():
        return {"type": "websocket.connect"} if scope["type"] == "websocket" else {"type": "http.request"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_the_guard_refuses_before_the_app_runs():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    guard = HostGuard(app)
    for kind in ("http", "websocket"):
        sent = _call(guard, {"type": kind, "path": "/_stcore/stream", "headers": [(b"host", b"attacker.example")]})
        assert not reached
        assert sent[0]["type"] == ("http.response.start" if kind == "http" else "websocket.close")
        if kind == "http":
            assert sent[0]["status"] == 403
    two = [(b"host", b"localhost"), (b"host", b"attacker.example")]
    assert _call(guard, {"type": "http", "path": "/", "headers": two})[0]["status"] == 403
    assert _call(guard, {"type": "http", "path": "/", "headers": []})[0]["status"] == 403
    _call(guard, {"type": "http", "path": "/", "headers": [(b"host", b"localhost:8501")]})
    _call(guard, {"type": "lifespan"})
    assert reached == ["http", "lifespan"]


def test_every_answer_forbids_framing_by_other_origins():
    async def app(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html"), (b"X-Frame-Options", b"ALLOWALL")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})

    guard = HostGuard(app)
    for host in (b"localhost", b"attacker.example"):  # answered and refused alike
        start = _call(guard, {"type": "http", "path": "/", "headers": [(b"host", host)]})[0]
        headers = [(k.lower(), v) for k, v in start["headers"]]
        assert (b"content-security-policy", b"frame-ancestors 'self'") in headers, headers
        assert [v for k, v in headers if k == b"x-frame-options"] == [b"SAMEORIGIN"], headers
