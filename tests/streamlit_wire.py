"""A visitor that speaks Streamlit's own websocket protocol instead of driving a browser (tests/access):
it opens a session the way the browser does, runs the page with any widget values it likes (a browser
would only send well-formed ones), and reads back what the server drew. Importable as
`streamlit_wire` from any test folder (pytest puts tests/ on sys.path for tests/conftest.py)."""

from __future__ import annotations

import asyncio
import urllib.request
from dataclasses import dataclass, field


def xsrf_token(base: str) -> str:
    """The XSRF cookie the health check hands to anyone."""
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=20) as response:
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    raise AssertionError("no XSRF cookie")


@dataclass
class Drawn:
    """What one run of the page drew."""

    session: str | None = None
    widgets: dict = field(default_factory=dict)  # (element type, label) -> widget id
    labels: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)  # Exception protos


class Visitor:
    """`async with Visitor(base) as v: drawn = await v.run()`; `v.token` is the XSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.token = xsrf_token(base)

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(
            self.base.replace("http", "ws") + "/_stcore/stream",
            subprotocols=["streamlit", self.token],
            additional_headers={"Origin": self.base, "Cookie": f"_streamlit_xsrf={self.token}"},
        )
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, states=()) -> Drawn:
        """Rerun the page with widget `states`: (widget id, proto field, value); a list value goes
        into a repeated field's `data`."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.page_name = ""
        for wid, kind, value in states:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = wid
            if isinstance(value, list):
                getattr(widget, kind).data.extend(value)
            else:
                setattr(widget, kind, value)
        await self.ws.send(msg.SerializeToString())
        drawn = Drawn()
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.ws.recv(), 60))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                drawn.session = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                inner = getattr(element, which)
                if which == "exception":
                    drawn.exceptions.append(inner)
                label = getattr(inner, "label", "")
                drawn.labels.append(label)
                if getattr(inner, "id", ""):
                    drawn.widgets[(which, label)] = inner.id
            elif kind == "script_finished":
                return drawn
