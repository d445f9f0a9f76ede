"""The segroi store: one embedded DuckDB file."""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import json
import os
import random
import socket
import stat
import threading
import time
import uuid
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb

from engine import __version__
from engine.errors import SegroiError
from engine.store.kinds import run_kind

MIGRATIONS = "engine.store.migrations"
LOCK_WAIT_SECONDS = 10.0
PROVENANCE_KINDS = ("measured", "published", "simulated", "assumed")
RUN_STATUSES = ("running", "ok", "failed", "abandoned")


_COMMAND: contextvars.ContextVar[str | None] = contextvars.ContextVar("segroi_command", default=None)


@contextlib.contextmanager
def command_line(command: str) -> Iterator[None]:
    """Runs started inside this block record `command` as `runs.command` (engine.cli.main wraps every
    subcommand in it, so the command is recorded in one place, whoever opens the run)."""
    token = _COMMAND.set(command)
    try:
        yield
    finally:
        _COMMAND.reset(token)


class StoreError(SegroiError):
    """A store problem a user can act on; the message says what and where."""


class StoreLocked(StoreError):
    """Another process held the write lock for longer than we were willing to wait."""


def default_path() -> Path:
    """`SEGROI_DB` if set, else `segroi.duckdb` in the user's data directory."""
    env = os.environ.get("SEGROI_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("segroi", appauthor=False)) / "segroi.duckdb"


def _migrations() -> list[tuple[int, str, str]]:
    out = []
    for entry in resources.files(MIGRATIONS).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    # Another process holds the file lock, or (inside one process, e.g. the dashboard's
    # threads) a connection with the other read-only setting is still open.
    return ("lock" in text and ("conflicting" in text or "could not set" in text)) or (
        "different configuration" in text
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed child not yet reaped by its parent) is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


# Two readings of one process's start time can differ by a second: the kernel's boot time (btime) is
# itself derived from the clock. A pid reused by a new process starts far later than that.
_START_TOLERANCE_S = 2.0


def _process_start(pid: int) -> dt.datetime | None:
    """When process `pid` started (naive UTC), from /proc; None where that cannot be read (no /proc,
    the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(") ", 1)[1].split()[19])  # field 22, starttime
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        seconds = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).replace(tzinfo=None)


def _run_process_alive(pid: int, started: dt.datetime | None) -> bool:
    """Whether the process that started a run is still there: its pid is alive and, where the run
    recorded it, started when the run's process did (otherwise the pid now belongs to another process)."""
    if not _pid_alive(pid):
        return False
    if started is None:
        return True  # stored before version 11, or no /proc: the pid alone decides
    now = _process_start(pid)
    return now is None or abs((now - started).total_seconds()) <= _START_TOLERANCE_S


_umask_lock = threading.Lock()
_umask_users = 0
_umask_saved = 0


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """While a writer is connected, files DuckDB creates (the database, its .wal, a spill folder) are
    for this user only (umask 077 added): they hold file stems, dataset paths and measurements.
    The umask is process-wide, so nested and concurrent writers share one change, counted."""
    global _umask_users, _umask_saved
    with _umask_lock:
        if _umask_users == 0:
            _umask_saved = os.umask(0o077)
            os.umask(_umask_saved | 0o077)
        _umask_users += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_users -= 1
            if _umask_users == 0:
                os.umask(_umask_saved)


def tighten(path: Path) -> None:
    """A store file made readable by others (by a segroi before 0.1 or by hand) is made 0600 again."""
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            if stat.S_IMODE(p.stat().st_mode) & 0o077:
                os.chmod(p, 0o600)
        except OSError:  # absent, or not ours: leave it
            pass


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value)  # key order kept: a scenario's options are compared in the order given
    return value


class Store:
    """Handle on one DuckDB file. Cheap to create; holds no open connection."""

    def __init__(self, path: str | os.PathLike | None = None, lock_wait: float = LOCK_WAIT_SECONDS):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.lock_wait = lock_wait
        self._columns: dict[str, list[str]] = {}

    # -- connections ---------------------------------------------------------------
    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the file, retrying with jittered back-off while another process holds the lock.
        A writer's files are created private (`private_files`) and an old, readable file tightened."""
        if read_only:
            with self._connected(read_only=True) as con:
                yield con
            return
        with private_files():
            tighten(self.path)
            with self._connected(read_only=False) as con:
                yield con
            tighten(self.path)

    @contextlib.contextmanager
    def _connected(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        deadline = time.monotonic() + self.lock_wait
        delay = 0.01
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    raise StoreError(f"cannot open store {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreLocked(
                        f"store {self.path} is locked by another segroi process "
                        f"(waited {self.lock_wait:.0f} s); try again when it finishes writing"
                    ) from exc
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _write_errors(self) -> Iterator[None]:
        """DuckDB failing to write the file (a full disk, a file-size limit, an I/O error) as one
        StoreError naming the store; the failed transaction has not landed."""
        try:
            yield
        except (duckdb.IOException, duckdb.TransactionException) as exc:
            reason = " ".join(str(exc).split())
            raise StoreError(f"cannot write store {self.path}: {reason}; nothing of this change was stored") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction: all of it lands or none of it does."""
        with self._write_errors(), self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- schema --------------------------------------------------------------------
    def schema_version(self, con: duckdb.DuckDBPyConnection) -> int:
        has = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchall()[0][0]
        if not has:
            return 0
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]

    def migrate(self) -> int:
        """Create or upgrade the schema; refuse a file written by a newer segroi. Returns the version."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._write_errors(), self.connect() as con:
            current = self.schema_version(con)
            self._refuse_newer(current)
            for version, name, sql in _migrations():
                if version <= current:
                    continue
                con.execute("BEGIN TRANSACTION")
                try:
                    if version == 1:
                        con.execute(
                            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, "
                            "applied_at TIMESTAMP)"
                        )
                    con.execute(sql)
                    con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, _now()])
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
                current = version
            self._mark_abandoned(con)
        return current

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, written by a newer segroi; "
                f"this segroi ({__version__}) knows versions up to {SCHEMA_VERSION}. "
                "Upgrade segroi, or set SEGROI_DB to another file."
            )

    def _mark_abandoned(self, con: duckdb.DuckDBPyConnection) -> None:
        host = socket.gethostname()
        started = (
            "process_started_at"
            if con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'runs' "
                "AND column_name = 'process_started_at'"
            ).fetchall()[0][0]
            else "NULL"
        )  # a store held below version 11
        rows = con.execute(
            f"SELECT id, pid, {started} FROM runs WHERE status = 'running' AND host = ?", [host]
        ).fetchall()
        for run_id, pid, started in rows:
            if not _run_process_alive(pid, started):
                con.execute(
                    "UPDATE runs SET status = 'abandoned', finished_at = ?, reason = ? WHERE id = ?",
                    [_now(), f"process {pid} on {host} ended before the run finished", run_id],
                )

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading -------------------------------------------------------------------
    def query(self, sql: str, params: Iterable[Any] | None = None) -> list[dict]:
        """Rows as dicts, read-only. An absent store reads as empty. For engine/store's own modules
        (and tests); other packages call the named functions there."""
        if not self.exists():
            return []
        with self.connect(read_only=True) as con:
            if self.schema_version(con) == 0:
                return []
            cur = con.execute(sql, list(params or []))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def frame(self, sql: str, params: Iterable[Any] | None = None):
        """Rows as a pandas DataFrame, read-only (empty frame for an absent store)."""
        import pandas as pd

        if not self.exists():
            return pd.DataFrame()
        with self.connect(read_only=True) as con:
            if self.schema_version(con) == 0:
                return pd.DataFrame()
            return con.execute(sql, list(params or [])).df()

    def columns(self, table: str, con: duckdb.DuckDBPyConnection) -> list[str]:
        if table not in self._columns:
            names = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            if not names:
                raise StoreError(f"the store has no table {table!r}")
            self._columns[table] = names
        return self._columns[table]

    def runs(self, limit: int = 200) -> list[dict]:
        return self.query("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", [limit])

    # -- writing -------------------------------------------------------------------
    def _insert(self, con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        cols = self.columns(table, con)
        unknown = sorted({k for r in rows for k in r} - set(cols))
        if unknown:
            raise StoreError(f"table {table!r} has no column(s) {', '.join(unknown)}")
        used = [c for c in cols if any(c in r for r in rows)]
        if "provenance" in used and table != "scenarios":
            bad = {r.get("provenance") for r in rows} - set(PROVENANCE_KINDS)
            if bad:
                raise StoreError(f"provenance must be one of {', '.join(PROVENANCE_KINDS)}, got {bad}")
        collist = ", ".join(f'"{c}"' for c in used)
        if len(rows) < 50:
            marks = ", ".join("?" for _ in used)
            con.executemany(
                f"INSERT INTO {table} ({collist}) VALUES ({marks})",
                [[_cell(r.get(c)) for c in used] for r in rows],
            )
        else:
            import pyarrow as pa

            data = pa.table({c: [_cell(r.get(c)) for r in rows] for c in used})
            con.register("_segroi_rows", data)
            try:
                con.execute(f"INSERT INTO {table} ({collist}) SELECT {collist} FROM _segroi_rows")
            finally:
                con.unregister("_segroi_rows")

    def insert(self, table: str, rows: list[dict]) -> None:
        """Insert rows now, in one short transaction (annotation items are written this way)."""
        with self.transaction() as con:
            self._insert(con, table, rows)

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> None:
        """One write statement in its own transaction (for engine/store's own modules)."""
        with self.transaction() as con:
            con.execute(sql, list(params or []))

    def save_scenario(
        self,
        name: str,
        assumptions: dict,
        provenance: dict | None = None,
        note: str | None = None,
        saved_by: str | None = None,
    ) -> int:
        """Store the scenario and, in the same transaction, its next version (engine.store.versions), saved
        by `saved_by` (a login name or pseudonym). Returns the version number."""
        from engine.store import versions

        now = _now()
        with self.transaction() as con:
            old = con.execute("SELECT created_at FROM scenarios WHERE name = ?", [name]).fetchone()
            con.execute("DELETE FROM scenarios WHERE name = ?", [name])
            self._insert(
                con,
                "scenarios",
                [
                    {
                        "name": name,
                        "assumptions": assumptions,
                        "provenance": provenance or {},
                        "note": note,
                        "created_at": old[0] if old else now,
                        "updated_at": now,
                    }
                ],
            )
            return versions.record(con, name, assumptions, provenance or {}, note, saved_by, now)

    def scenarios(self) -> list[dict]:
        rows = self.query("SELECT * FROM scenarios ORDER BY name")
        for r in rows:
            r["assumptions"] = json.loads(r["assumptions"])
            r["provenance"] = json.loads(r["provenance"]) if r["provenance"] else {}
        return rows

    def delete_scenario(self, name: str) -> None:
        self.execute("DELETE FROM scenarios WHERE name = ?", [name])

    @contextlib.contextmanager
    def run(self, kind: str, settings: dict | None = None, command: str | None = None) -> Iterator["Run"]:
        """A run of `kind` (engine.store.kinds.RunKind): a `running` row now, its results and `ok` in one
        transaction at the end. `command` is the command line cli.main is running (`command_line`)
        unless one is given.

        Results added with `run.add(table, rows)` are held in memory until the block ends,
        so a crash leaves a running (later: abandoned) or failed run and never half a result.
        """
        run = self.start_run(kind, settings=settings, command=command)
        try:
            yield run
            self.finish_run(run)
        except BaseException as exc:
            self.fail_run(run, exc)
            raise

    def start_run(self, kind: str, settings: dict | None = None, command: str | None = None) -> "Run":
        """Insert a `running` run now (for several runs open at once; `run` is the usual form)."""
        try:
            kind = run_kind(kind)
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        run = Run(self, str(uuid.uuid4()))
        run.settings = dict(settings or {})
        with self.transaction() as con:
            self._insert(
                con,
                "runs",
                [
                    {
                        "id": run.id,
                        "kind": str(kind),
                        "status": "running",
                        "started_at": _now(),
                        "host": socket.gethostname(),
                        "pid": os.getpid(),
                        "process_started_at": _process_start(os.getpid()),
                        "command": command if command is not None else _COMMAND.get(),
                        "settings": run.settings,
                        "segroi_version": __version__,
                    }
                ],
            )
        return run

    def finish_run(self, run: "Run") -> None:
        """Write the run's rows and mark it ok, in one transaction."""
        with self.transaction() as con:
            for table, rows in run.rows.items():
                self._insert(con, table, [{"run_id": run.id, **r} for r in rows])
            if run.settings_changed:
                con.execute("UPDATE runs SET settings = ? WHERE id = ?", [_cell(run.settings), run.id])
            con.execute("UPDATE runs SET status = 'ok', finished_at = ? WHERE id = ?", [_now(), run.id])

    def fail_run(self, run: "Run", exc: BaseException | str) -> None:
        """Mark the run failed with its reason; none of its rows are written."""
        if isinstance(exc, str):
            reason = exc
        else:
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else (str(exc) or type(exc).__name__)
        with self.transaction() as con:
            con.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, reason = ? WHERE id = ?",
                [_now(), reason[:2000], run.id],
            )

    def fail_open_run(self, run_id: str, reason: str) -> None:
        """Mark a run that did not finish as failed, by id (a launcher whose worker held the run)."""
        with self.transaction() as con:
            con.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, reason = ? WHERE id = ? AND status <> 'ok'",
                [_now(), reason[:2000], run_id],
            )


def assumptions_of(row: dict) -> dict:
    """A stored scenario row (`Store.scenarios`) as one assumptions dict: a copy of its assumptions,
    with its provenance map."""
    raw = copy.deepcopy(row["assumptions"])
    if row.get("provenance") and "provenance" not in raw:
        raw["provenance"] = row["provenance"]
    return raw


class Run:
    """Collects one run's result rows; written by `Store.run` when the block ends."""

    def __init__(self, store: Store, run_id: str):
        self.store = store
        self.id = run_id
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.settings: dict = {}
        self.settings_changed = False

    def add(self, table: str, rows: dict | list[dict]) -> None:
        self.rows[table].extend([rows] if isinstance(rows, dict) else rows)

    def update_settings(self, values: dict) -> None:
        """Settings known only at the end (frames found, where they ran): written with the results."""
        self.settings.update(values)
        self.settings_changed = True


def open_store(
    path: str | os.PathLike | None = None, read_only: bool = False, lock_wait: float = LOCK_WAIT_SECONDS
) -> Store:
    """The store at `path` (default: `default_path()`), migrated to this segroi's schema.

    Read-only callers (the dashboard) do not create a missing file; they read it as empty.
    """
    store = Store(path, lock_wait=lock_wait)
    if read_only and not store.exists():
        return store
    if read_only:
        with store.connect(read_only=True) as con:
            version = store.schema_version(con)
        store._refuse_newer(version)
        if version == SCHEMA_VERSION:
            return store
    store.migrate()
    return store
