"""`segroi dashboard`: start the Streamlit dashboard on the default store.

Listens on localhost unless `--host` says otherwise; serving to a network needs a login
(a password in SEGROI_PASSWORD or in Streamlit's secrets, or an OIDC [auth] section with an
allow-list), see docs/access.md. Before starting, every secrets file the server will read is
checked (engine.access.login): one that cannot be read stops the command. The server is told the
exact files (--secrets.files), whether a login is required (SEGROI_LOGIN_REQUIRED), the extra host
names it answers (SEGROI_ALLOWED_HOSTS) and the folders the Annotate page may read
(SEGROI_DATA_ROOTS). An empty store is first filled with the reference data (engine.reference.seed),
so the dashboard shows real headline numbers out of the box.
"""

from __future__ import annotations

import os
from typing import Mapping
import signal
import subprocess
import sys
from pathlib import Path

from engine.errors import SegroiError

from engine.access.login import LOCAL_HOSTS  # noqa: F401  (re-exported: localhost, 127.0.0.1, ::1)

# The largest file the Benchmarks page takes (Streamlit's server.maxUploadSize, in MB; its default is 200).
# A bundle is Parquet and small per run; a larger archive goes through `segroi runs import` instead.
MAX_UPLOAD_MB = 100


def register(sub) -> None:
    p = sub.add_parser("dashboard", help="start the dashboard in the browser (localhost by default)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--host",
        default="localhost",
        help="address to listen on; anything but localhost requires a login (docs/access.md)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name browsers use to reach the dashboard (the reverse proxy's name); "
        "repeatable; only with a --host that requires a login",
    )
    p.add_argument(
        "--data-root",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder the Annotate page may read images from; repeatable (default: none, only the phantom)",
    )
    p.add_argument("--no-seed", action="store_true", help="do not load the reference scenario into an empty store")
    p.set_defaults(func=run)


def project_root() -> Path:
    """The folder holding dashboard/ and .streamlit/ (Streamlit reads its config from the working dir)."""
    import dashboard

    # __path__ works whether the editable install maps dashboard as a regular or a namespace package
    return Path(list(dashboard.__path__)[0]).resolve().parent


def secrets_files(root: Path) -> list[Path]:
    """Every secrets file Streamlit 1.67 reads for this app, in its order (a later file's keys win):
    ~/.streamlit, the working folder's .streamlit (the server runs in `root`), and .streamlit beside
    the app script. `segroi dashboard` passes exactly these to the server."""
    return [
        Path.home() / ".streamlit" / "secrets.toml",
        root / ".streamlit" / "secrets.toml",
        root / "dashboard" / ".streamlit" / "secrets.toml",
    ]


def check_login(host: str, root: Path, env: Mapping[str, str] | None = None):
    """The login the server will ask for (engine.access.login.Login); SegroiError when a secrets file
    cannot be read, the configuration is malformed, or `host` needs a login and none is set up."""
    from engine.access import login

    env = os.environ if env is None else env
    secrets, read = login.read_secrets_files(secrets_files(root))
    where = ", ".join(str(p) for p in read) or "the secrets"
    return login.check(host, secrets, env, where=where)


def streamlit_command(port: int, host: str, root: Path) -> list[str]:
    files = [arg for path in secrets_files(root) for arg in ("--secrets.files", str(path))]
    return [
        sys.executable,
        "-m",
        "dashboard.serve",
        "run",
        str(root / "dashboard" / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "type",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        *files,  # no traceback or server path in the browser
    ]


def server_env(host: str, allowed_hosts: list[str], data_roots: list[str], env: dict | None = None) -> dict:
    """The server's environment: what it must enforce, decided here so the pages never guess."""
    from engine.access import hosts, login
    from engine.data import roots

    env = dict(os.environ if env is None else env)
    required = login.login_required(host, {})
    env.pop(login.REQUIRED_ENV, None)
    if required:
        env[login.REQUIRED_ENV] = "1"
    if allowed_hosts:
        if not required:
            raise SegroiError(
                "--allowed-host is only for a dashboard served beyond this machine (with --host "
                "and a login); on localhost only loopback names are answered"
            )
        env[hosts.ALLOWED_HOSTS_ENV] = ",".join(hosts.normalise(h) for h in allowed_hosts)
    if data_roots:
        env[roots.ROOTS_ENV] = os.pathsep.join(str(p) for p in roots.parse(data_roots))
    return env


def seed_if_empty() -> bool:
    """Load the reference data (engine.reference.seed) when the store has no scenario yet. True if it did."""
    from engine import reference
    from engine.store import open_store

    store = open_store()
    if store.scenarios():
        return False
    reference.seed(store)
    return True


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise SegroiError(f"--port must be between 1 and 65535, got {args.port}")
    from engine.access import login

    root = project_root()
    try:
        found = check_login(args.host, root)
    except login.LoginConfigError as exc:
        if login.login_required(args.host, {}):
            raise SegroiError(f"refusing to serve the dashboard on {args.host}: {exc}") from None
        raise SegroiError(f"refusing to start the dashboard: {exc}") from None
    env = server_env(args.host, args.allowed_host, args.data_root)
    if found.kind != "none":
        print(f"serving on {args.host}:{args.port} with {found.describe()}", file=sys.stderr)
    if not args.no_seed and seed_if_empty():
        print("the store was empty: loaded the reference scenario (segroi demo)", file=sys.stderr)
    cmd = streamlit_command(args.port, args.host, root)
    print(f"segroi dashboard: http://{args.host}:{args.port}  (Ctrl+C stops it)", file=sys.stderr)
    proc = subprocess.Popen(cmd, cwd=root, env=env)

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
