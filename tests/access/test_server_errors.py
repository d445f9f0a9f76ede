"""An error a visitor provokes shows no traceback and no path on the server. The language switch is drawn
before the login, so a visitor who has not logged in can send it a value no browser would (option 99 of
two): Streamlit's default then showed the exception with its traceback, naming dashboard/app.py's full
path on the server. Checked against a real server started as `segroi dashboard` starts it, with a
password, by a client that speaks Streamlit's websocket protocol (tests/streamlit_wire.py); the details
go to the server's log."""

from __future__ import annotations

import asyncio

import pytest
from streamlit_browser import REPO, login_dashboard

pytestmark = pytest.mark.slow


async def _provoke(base: str):
    from streamlit_wire import Visitor

    async with Visitor(base) as visitor:
        first = await visitor.run()
        lang = next(wid for (kind, label), wid in first.widgets.items() if kind == "button_group")
        return first, await visitor.run([(lang, "int_array_value", [99])])


def test_a_provoked_error_before_the_login_shows_no_traceback_and_no_path(tmp_path):
    pytest.importorskip("websockets")
    with login_dashboard(tmp_path) as base:
        first, provoked = asyncio.run(_provoke(base))
    assert "Password" in first.labels and not first.exceptions
    assert provoked.exceptions, provoked.labels  # the bad value did fail the run
    for exc in provoked.exceptions:
        shown = " ".join([exc.type, exc.message, *exc.stack_trace])
        assert not exc.stack_trace and str(REPO) not in shown and "app.py" not in shown, shown
    assert "Password" not in provoked.labels or not provoked.exceptions  # and nothing past the login
    assert str(REPO / "dashboard" / "app.py") in (tmp_path / "server.log").read_text()  # the operator sees it
