"""Which Host headers the dashboard answers: protection against DNS rebinding.

A web page elsewhere can point a name it controls at 127.0.0.1 and then script requests to the
dashboard from the visitor's own browser; the requests carry that name in their Host header. So
the server answers only requests addressed to a loopback name (localhost, 127.0.0.0/8, ::1) and,
when it is served beyond this machine (then always behind a login), to the name or address it
listens on and the names listed with `segroi dashboard --allowed-host` (SEGROI_ALLOWED_HOSTS). Every
other request gets 403 before Streamlit sees it: pages, static files, the health check, and the
websocket (/_stcore/stream) alike.

A page elsewhere can also frame the dashboard: the frame's requests carry Host: localhost and pass the
check above, and the live dashboard then sits under the page's decoy (clickjacking), taking control
messages from parents on Streamlit's default origins. So every answer says that only the dashboard's own
pages may frame it (Content-Security-Policy frame-ancestors 'self', X-Frame-Options SAMEORIGIN); its
own components (the annotation canvas) are same-origin frames and keep working.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping

from engine.access.login import login_required
from engine.errors import SegroiError

ALLOWED_HOSTS_ENV = "SEGROI_ALLOWED_HOSTS"
_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
_UNSPECIFIED = ("", "0.0.0.0", "::")
_log = logging.getLogger("segroi.access")


def _ip(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def normalise(name: str) -> str:
    """A host name or IP address as the allow-list holds it; SegroiError when it is neither."""
    text = str(name).strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    ip = _ip(text)
    if ip is not None:
        return str(ip)
    if not _NAME.fullmatch(text):
        raise SegroiError(f"{name!r} is not a host name or an IP address")
    return text


def host_of(header: str | None) -> str | None:
    """The name in a Host header ("name", "name:port", "[::1]:port"), normalised; None when malformed."""
    if not header:
        return None
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        name, rest = text[1:end], text[end + 1 :]
        if _ip(name) is None or _ip(name).version != 6:
            return None
    else:
        name, colon, port = text.partition(":")
        rest = colon + port
    if rest and not re.fullmatch(r":\d{1,5}", rest):
        return None
    try:
        return normalise(name)
    except SegroiError:
        return None


def is_loopback(name: str) -> bool:
    ip = _ip(name)
    return name == "localhost" if ip is None else ip.is_loopback


def extra_names(address, env: Mapping[str, str] | None = None) -> frozenset[str]:
    """Names besides loopback ones: only when a login is required (the server listens beyond this
    machine): its own address unless that is every interface, and SEGROI_ALLOWED_HOSTS."""
    env = os.environ if env is None else env
    if not login_required(address, env):
        return frozenset()
    names = set()
    if isinstance(address, str) and address.strip().strip("[]") not in _UNSPECIFIED:
        names.add(normalise(address))
    for entry in env.get(ALLOWED_HOSTS_ENV, "").replace(",", " ").split():
        names.add(normalise(entry))
    return frozenset(names)


FRAME_HEADERS = ((b"content-security-policy", b"frame-ancestors 'self'"), (b"x-frame-options", b"SAMEORIGIN"))


def _no_framing(send):
    """`send` with FRAME_HEADERS set on every HTTP response (replacing any the app set)."""
    names = {name for name, _ in FRAME_HEADERS}

    async def wrapped(message):
        if message.get("type") == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers") or () if k.lower() not in names]
            message = dict(message, headers=[*headers, *FRAME_HEADERS])
        await send(message)

    return wrapped


def allowed(header: str | None, extra: frozenset[str] = frozenset()) -> bool:
    name = host_of(header)
    return name is not None and (is_loopback(name) or name in extra)


class HostGuard:
    """ASGI wrapper: requests (HTTP or websocket) whose Host header is not allowed get 403; every HTTP
    answer forbids framing by other origins."""

    def __init__(self, app, extra: frozenset[str] = frozenset()):
        self.app = app
        self.extra = frozenset(extra)

    async def __call__(self, scope, receive, send):
        if scope.get("type") not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        send = _no_framing(send)
        hosts = [v.decode("latin-1") for k, v in scope.get("headers") or () if k.lower() == b"host"]
        if len(hosts) == 1 and allowed(hosts[0], self.extra):
            return await self.app(scope, receive, send)
        _log.warning(
            "refused a %s request for %s with Host %r (not an allowed name)",
            scope["type"],
            scope.get("path", "?"),
            hosts[0][:100] if hosts else None,
        )
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b"segroi: requests for this host name are refused (see docs/access.md, allowed hosts)\n"
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
