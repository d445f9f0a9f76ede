"""What the browser tests share (tests/browser, tests/privacy, and tests/browser/screenshots.py):
a Streamlit server on a free localhost port for the length of a `with` block, Debian's Chromium
for Playwright, waiting for Streamlit to finish a rerun, and keeping screenshots.

Importable as `streamlit_browser` from any test folder: pytest puts tests/ on sys.path for
tests/conftest.py (tests/ has no __init__.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skip_without_browser(*tools: str) -> None:
    """Skip the test unless Debian's Chromium, Playwright and the named command-line tools are here."""
    import pytest

    missing = [t for t in tools if shutil.which(t) is None]
    if not Path(CHROMIUM).exists() or missing:
        pytest.skip("needs Debian's chromium" + "".join(f" and {t}" for t in tools))
    pytest.importorskip("playwright")


def dashboard_command(port: int, *extra: str, host: str = "127.0.0.1") -> list[str]:
    """The Streamlit command line `segroi dashboard` runs (engine.commands.dashboard), plus `extra`."""
    from engine.commands.dashboard import streamlit_command

    return [*streamlit_command(port, host, REPO), *extra]


@contextmanager
def serving(
    cmd: list[str],
    *,
    url: str,
    log_path: Path,
    env: dict,
    cwd: Path = REPO,
    timeout: float = 60.0,
    stop_timeout: float = 20.0,
    own_group: bool = False,
):
    """Run the server `cmd` (output to `log_path`) until `url`'s health check answers, yield the
    process, and stop it afterwards: SIGTERM, then SIGKILL after `stop_timeout` seconds. With
    `own_group` it runs in its own process group and the whole group is signalled (for a command
    that starts Streamlit as a child). A server that exits or does not answer within `timeout`
    seconds fails with its log."""
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=own_group)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(Path(log_path).read_text()) from None
                time.sleep(0.3)
        yield proc
    finally:
        _signal(proc, signal.SIGTERM, own_group)
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL, own_group)
            proc.wait()
        log.close()


def _signal(proc: subprocess.Popen, sig: int, group: bool) -> None:
    try:
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    except ProcessLookupError:  # already gone
        pass


def launch_chromium(pw):
    """Debian's Chromium through Playwright (`pw` from sync_playwright())."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def settle(page, timeout: float = 120_000) -> None:
    """Wait until Streamlit has finished the rerun the last action started: no running
    indicator and no stale (greyed) element left from the previous run."""
    page.wait_for_timeout(700)
    rerun_done(page, timeout)
    page.wait_for_timeout(300)


def rerun_done(page, timeout: float = 60_000) -> None:
    """Wait, without a fixed pause, until no Streamlit rerun is running and no element of the previous
    run is left greyed out."""
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout)


def screenshot(page, folder: Path, name: str, full_page: bool = False) -> Path:
    """`name`.png in `folder`, copied to $SEGROI_SCREENSHOTS too when that is set."""
    path = Path(folder) / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    out = os.environ.get("SEGROI_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(out) / path.name)
    return path


@contextmanager
def segroi_dashboard(db: Path, folder: Path, **environ: str):
    """`segroi dashboard` on a free localhost port with the store `db`, no login and `environ` added
    to its environment, its log in `folder`; yields the URL while the server runs."""
    import sys

    port = free_port()
    env = dict(os.environ, SEGROI_DB=str(db), OMP_NUM_THREADS="1", **environ)
    env.pop("SEGROI_PASSWORD", None)
    url = f"http://localhost:{port}"
    with serving(
        [sys.executable, "-m", "engine.cli", "dashboard", "--port", str(port)],
        url=url,
        log_path=Path(folder) / "server.log",
        env=env,
        cwd=folder,
        timeout=90,
        stop_timeout=30,
        own_group=True,
    ):
        yield url


@contextmanager
def login_dashboard(folder: Path, **environ: str):
    """The dashboard as `segroi dashboard --host 127.0.0.2` starts it, with a password: an address that
    is not local, so the login is required. Its store and log are in `folder`, `environ` is added to its
    environment; yields the base URL while the server runs."""
    port = free_port()
    base = f"http://127.0.0.2:{port}"
    env = dict(
        os.environ,
        SEGROI_PASSWORD="a long passphrase",
        SEGROI_LOGIN_REQUIRED="1",
        SEGROI_DB=str(Path(folder) / "segroi.duckdb"),
        **environ,
    )
    with serving(dashboard_command(port, host="127.0.0.2"), url=base, log_path=Path(folder) / "server.log", env=env):
        yield base
