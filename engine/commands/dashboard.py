"""`segroi dashboard`: start the Streamlit dashboard on the default store.

Listens on localhost unless `--host` says otherwise; serving to a network needs a login
(a password in SEGROI_PASSWORD or in Streamlit's secrets, or an OIDC [auth] section),
see docs/access.md. An empty store is first filled with the reference scenario (`segroi demo`),
so the dashboard shows real headline numbers out of the box.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from engine.errors import SegroiError

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def register(sub) -> None:
    p = sub.add_parser("dashboard", help="start the dashboard in the browser (localhost by default)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--host", default="localhost",
                   help="address to listen on; anything but localhost requires a login (docs/access.md)")
    p.add_argument("--no-seed", action="store_true",
                   help="do not load the reference scenario into an empty store")
    p.set_defaults(func=run)


def project_root() -> Path:
    """The folder holding dashboard/ and .streamlit/ (Streamlit reads its config from the working dir)."""
    import dashboard

    # __path__ works whether the editable install maps dashboard as a regular or a namespace package
    return Path(list(dashboard.__path__)[0]).resolve().parent


def secrets_files(root: Path) -> list[Path]:
    return [root / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def login_configured(root: Path, env: dict | None = None) -> str | None:
    """How a network-served dashboard would ask for a login, or None when nothing is set up."""
    import tomllib

    env = os.environ if env is None else env
    if env.get("SEGROI_PASSWORD"):
        return "password (SEGROI_PASSWORD)"
    for path in secrets_files(root):
        if not path.exists():
            continue
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SegroiError(f"cannot read {path}: {exc}") from exc
        if secrets.get("password"):
            return f"password ({path})"
        if isinstance(secrets.get("auth"), dict) and secrets["auth"].get("client_id"):
            return f"OIDC login ({path})"
    return None


def streamlit_command(port: int, host: str, root: Path) -> list[str]:
    return [
        sys.executable, "-m", "dashboard.serve", "run", str(root / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.address", host, "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]


def seed_reference() -> str:
    """Run `segroi demo` (reference scenario + H100 anchors, idempotent); returns what it printed."""
    import argparse
    import contextlib
    import io

    from engine.commands import demo

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        demo.run(argparse.Namespace(force=False))
    return out.getvalue()


def seed_if_empty() -> bool:
    """Load the reference data when the store has no scenario yet. True if it did."""
    from engine.store import open_store

    if open_store().scenarios():
        return False
    seed_reference()
    return True


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise SegroiError(f"--port must be between 1 and 65535, got {args.port}")
    root = project_root()
    if args.host not in LOCAL_HOSTS:
        how = login_configured(root)
        if how is None:
            raise SegroiError(
                f"refusing to serve the dashboard on {args.host} without a login: set SEGROI_PASSWORD, "
                f"or put password = \"...\" (or an OIDC [auth] section) in {secrets_files(root)[0]}; "
                "see docs/access.md")
        print(f"serving on {args.host}:{args.port} with {how}", file=sys.stderr)
    if not args.no_seed and seed_if_empty():
        print("the store was empty: loaded the reference scenario (segroi demo)", file=sys.stderr)
    cmd = streamlit_command(args.port, args.host, root)
    print(f"segroi dashboard: http://{args.host}:{args.port}  (Ctrl+C stops it)", file=sys.stderr)
    proc = subprocess.Popen(cmd, cwd=root)

    def _stop(signum, frame):  # SIGTERM (service managers, tests) stops Streamlit too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
