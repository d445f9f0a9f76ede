"""Streamlit endpoints the dashboard does not use are closed before Streamlit sees the request.

- File upload (/_stcore/upload_file/<session>/<file>): no page has a file uploader. Open, it stores
  what it is sent in the server's memory, up to 200 MB a file and any number of files, for any
  visitor with a session - and a visitor who has not logged in has one (the login page's). So every
  request to it gets 404, whatever the method and whatever the base URL path in front of it.

Installed by dashboard/serve.py (as `segroi dashboard` runs it), inside the Host-header check. A page
that starts taking uploads must reopen the endpoint here, and put it behind the login.
"""

from __future__ import annotations

import logging
import re

_CLOSED = re.compile(r"/_stcore/upload_file(/|$)")
_log = logging.getLogger("segroi.access")


def closed(path: str) -> bool:
    return bool(_CLOSED.search(path or ""))


class ClosedRoutes:
    """ASGI wrapper: HTTP requests to a closed endpoint get 404."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or not closed(scope.get("path", "")):
            return await self.app(scope, receive, send)
        _log.warning("refused a %s request to %s (the dashboard takes no uploads)", scope.get("method", "?"),
                     scope.get("path", "?")[:100])
        body = b"segroi: this dashboard takes no file uploads\n"
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
