"""Start Streamlit on dashboard/app.py with every request's Host header checked before Streamlit sees it.

The pages live in dashboard/views/, a folder name Streamlit does not take for an old-style multipage
app, so `st.navigation` in app.py is in charge of every URL from the first request.
The server's ASGI app is wrapped in engine.access.hosts.HostGuard (DNS rebinding: only loopback
names, plus the listening address and SEGROI_ALLOWED_HOSTS when served with a login), and inside it
engine.access.routes.ClosedRoutes (the file upload endpoint, which no page uses, is closed).
Usage: python -m dashboard.serve run dashboard/app.py [streamlit options]
"""

import sys


def guard_hosts() -> None:
    """Wrap the app Streamlit's server builds in the Host-header check (Streamlit 1.67 serves through
    Starlette and uvicorn; the server module looks the builder up by name when it starts)."""
    from streamlit.web.server.starlette import starlette_server

    build = starlette_server.create_starlette_app
    if getattr(build, "segroi_guarded", False):
        return

    def guarded(runtime):
        from streamlit import config

        from engine.access.hosts import HostGuard, extra_names
        from engine.access.routes import ClosedRoutes

        return HostGuard(ClosedRoutes(build(runtime)), extra_names(config.get_option("server.address")))

    guarded.segroi_guarded = True
    starlette_server.create_starlette_app = guarded


def main() -> int:
    from streamlit.web import cli

    guard_hosts()
    sys.argv = ["streamlit", *sys.argv[1:]]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
