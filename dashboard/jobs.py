"""One background engine command at a time (the Benchmarks page's "Refresh benchmarks").

The command runs as a subprocess in its own process group, so Cancel stops it and its
children. A reader thread keeps the last lines of its output (tqdm's carriage-return updates
included) and the latest "n/m" or "NN%" progress it printed. The job lives at module level:
one per dashboard server, whoever started it, so two browsers cannot start two profiles.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

_FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")
_PERCENT = re.compile(r"(\d{1,3})%")
_lock = threading.Lock()
_current: "Job | None" = None


def profile_command(models: list[str], device: str, seconds: float, extra: str = "") -> tuple[list[str], list[str]]:
    """(command, notes): the page's request checked and clamped by engine.profiling.page_args;
    SegroiError for anything it does not allow."""
    from engine.profiling.page_args import profile_args

    args, notes = profile_args(models, device, seconds, extra)
    return [sys.executable, "-m", "engine.cli", *args], notes


class Job:
    def __init__(self, command: list[str], env: dict | None = None):
        self.command = command
        self.started = time.time()
        self.finished: float | None = None
        self.lines: collections.deque[str] = collections.deque(maxlen=300)
        self.progress: float | None = None
        self.cancelled = False
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = self.proc.stdout.read1(4096) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(1)
            if not chunk:
                break
            buf += chunk
            parts = re.split(rb"[\r\n]", buf)
            buf = parts.pop()
            for raw in parts:
                self._line(raw.decode("utf-8", "replace"))
        if buf:
            self._line(buf.decode("utf-8", "replace"))
        self.proc.wait()
        self.finished = time.time()

    def _line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        self.lines.append(line)
        m = _FRACTION.search(line)
        if m and int(m.group(2)) > 0:
            self.progress = min(1.0, int(m.group(1)) / int(m.group(2)))
        else:
            m = _PERCENT.search(line)
            if m:
                self.progress = min(1.0, int(m.group(1)) / 100)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def returncode(self) -> int | None:
        return None if self.running else self.proc.returncode

    @property
    def state(self) -> str:
        if self.running:
            return "running"
        if self.cancelled:
            return "cancelled"
        return "ok" if self.proc.returncode == 0 else "failed"

    def reason(self) -> str:
        """The last thing the command said (segroi prints its error as one line)."""
        for line in reversed(self.lines):
            if "error" in line.lower() or "Error" in line:
                return line
        return self.lines[-1] if self.lines else f"exit status {self.proc.returncode}"

    def cancel(self, grace: float = 5.0) -> None:
        if not self.running:
            return
        self.cancelled = True
        try:
            os.killpg(self.proc.pid, signal.SIGINT)  # segroi marks its run failed: "interrupted"
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reader.join(timeout=grace)

    def wait(self, timeout: float | None = None) -> int | None:
        self._reader.join(timeout)
        return self.returncode


def current() -> Job | None:
    return _current


def start(command: list[str], env: dict | None = None) -> Job | None:
    """Start `command` unless a job is still running (then None)."""
    global _current
    with _lock:
        if _current is not None and _current.running:
            return None
        _current = Job(command, env)
        return _current


def forget() -> None:
    """Drop a finished job (after its result was shown)."""
    global _current
    with _lock:
        if _current is not None and not _current.running:
            _current = None
