"""Which dashboard sessions may send files to Streamlit's upload endpoint.

The endpoint (/_stcore/upload_file/<session>/<file>) keeps what it is sent in the server's memory.
Streamlit accepts it from any session with a websocket, and a visitor at the password box has one. So
segroi keeps the endpoint closed (engine.access.routes) except for sessions a page has opened it for:
a page that shows a file uploader calls `open_for(session)` when it draws it, which happens only after
the login gate has let that session in. An opening lasts OPEN_SECONDS after the page was last drawn;
at most MAX_OPEN sessions are open at once (the oldest closes first). Streamlit's own checks still
apply behind this one: the session must be live, and each file is capped by server.maxUploadSize.
A session that stops passing the gate (signed out, dropped from the allow-list) is closed again
(`close_for`, called by app.py before it stops).

Plain Python, no Streamlit: the ASGI wrapper and the pages share this table in the server's process.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time

OPEN_SECONDS = 30 * 60
MAX_OPEN = 256

_SESSION = re.compile(r"/_stcore/upload_file/([^/]+)")
_lock = threading.Lock()
_open: dict[str, float] = {}  # session id -> when the page was last drawn (monotonic seconds)


def session_tag(session: str | None) -> str:
    """A short, unlinkable tag of a browser session for the log (the id itself works like a key)."""
    return hashlib.sha256((session or "").encode()).hexdigest()[:8]


def session_of(path: str) -> str | None:
    """The session id an upload request names, or None."""
    found = _SESSION.search(path or "")
    return found.group(1) if found else None


def open_for(session: str, now: float | None = None) -> None:
    """Let `session` upload for the next OPEN_SECONDS. Call only behind the login gate."""
    if not session:
        return
    now = time.monotonic() if now is None else now
    with _lock:
        _open.pop(session, None)
        _open[session] = now
        while len(_open) > MAX_OPEN:
            _open.pop(next(iter(_open)))


def close_for(session: str) -> None:
    """Take a session's opening back (it no longer passes the login gate)."""
    with _lock:
        _open.pop(session, None)


def is_open(session: str | None, now: float | None = None) -> bool:
    if not session:
        return False
    now = time.monotonic() if now is None else now
    with _lock:
        since = _open.get(session)
        if since is None:
            return False
        if now - since > OPEN_SECONDS:
            del _open[session]
            return False
        return True


def close_all() -> None:
    with _lock:
        _open.clear()
