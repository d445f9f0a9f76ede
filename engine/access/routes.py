"""Streamlit endpoints the dashboard keeps shut, checked before Streamlit sees the request.

- File upload (/_stcore/upload_file/<session>/<file>): open only for a session a page has opened it for
  behind the login (engine.access.uploads; today the Benchmarks page's bundle import). Open to all, it
  would store what it is sent in the server's memory for any visitor with a session - and a visitor who
  has not logged in has one (the login page's). Every other request to it gets 404, whatever the method
  and whatever the base URL path in front of it.

Installed by dashboard/serve.py (as `segroi dashboard` runs it), inside the Host-header check.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from engine.access import uploads

_UPLOAD = re.compile(r"/_stcore/upload_file(/|$)")
_log = logging.getLogger("segroi.access")
LOG_EVERY_SECONDS = 1.0  # at most one refusal line a second; the next line counts the ones left out
_log_lock = threading.Lock()
_log_state = {"last": float("-inf"), "quiet": 0}


def closed(path: str) -> bool:
    """Whether a request to `path` is refused: an upload for a session no page has opened."""
    path = path or ""
    return bool(_UPLOAD.search(path)) and not uploads.is_open(uploads.session_of(path))


class ClosedRoutes:
    """ASGI wrapper: HTTP requests to a closed endpoint get 404."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or not closed(scope.get("path", "")):
            return await self.app(scope, receive, send)
        log_refusal(scope.get("method", ""), scope.get("path", ""))
        body = b"segroi: uploads are not open for this session\n"
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def log_refusal(method: str, path: str, now: float | None = None) -> bool:
    """One log line for a refused upload, naming the session by a short hash (its id works like a key) and
    nothing the visitor typed (a path could carry line breaks). Rate-limited; True if a line was written."""
    now = time.monotonic() if now is None else now
    with _log_lock:
        if now - _log_state["last"] < LOG_EVERY_SECONDS:
            _log_state["quiet"] += 1
            return False
        quiet, _log_state["quiet"], _log_state["last"] = _log_state["quiet"], 0, now
    verb = method if method.isalpha() and len(method) <= 10 else "?"
    tag = uploads.session_tag(uploads.session_of(path))
    _log.warning(
        "refused an upload request (%s, session %s): no page has opened uploads for it%s",
        verb,
        tag,
        f"; {quiet} more refused since the last line" if quiet else "",
    )
    return True
