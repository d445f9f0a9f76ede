"""Run bundles: results that move between stores (`segroi runs export` / `segroi runs import`).

A bundle is a folder:
    manifest.json        format, segroi version, schema version, when and where it was exported,
                         each run (kind, status, host, dates, devices) and each table's file, rows,
                         columns, SHA-256 and rows per provenance kind
    runs.parquet         the runs' rows
    <table>.parquet      the rows of every table linked to a run (a `run_id` column): hardware,
                         profiles, evaluations, measurements, training_runs, annotation sessions
                         and items, and any such table a later schema adds

Import is idempotent: a run whose id the store already has is left alone with all its rows, so a
bundle imported twice adds nothing. It refuses a bundle from a newer schema (its meaning may have
changed) and a bundle whose files do not match the manifest. Rows keep the host, dates and devices
of the machine that measured them; the runs record the import that brought them (runs.import_id,
bundle_imports). Everything lands in one transaction, or nothing does.

Only files named in the manifest and named after a known table are ever opened; no name from a
bundle becomes a path of its own (see bundle_files.py for zips and uploads).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from engine import __version__
from engine.store.store import PROVENANCE_KINDS, SCHEMA_VERSION, Store, StoreError, _now

FORMAT = "segroi-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RUNS = "runs"
_NOT_LINKED = {"runs", "schema_version", "scenarios", "bundle_imports"}
TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_ID_PREFIX_MIN = 8


def linked_tables(con) -> list[str]:
    """Tables with a run_id column (results of a run), in a stable order."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'run_id' "
        "AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in _NOT_LINKED]


def _columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- export ---------------------------------------------------------------------------------------
def resolve_ids(store: Store, given: list[str]) -> list[str]:
    """Full run ids for ids or unique prefixes (at least 8 characters), in the order given."""
    out = []
    for text in given:
        key = text.strip().lower()
        if len(key) < _ID_PREFIX_MIN:
            raise StoreError(
                f"run id {text!r} is too short: give the id `segroi runs` prints "
                f"(or its first {_ID_PREFIX_MIN} characters or more)"
            )
        rows = store.query("SELECT id FROM runs WHERE starts_with(id, ?) ORDER BY id", [key])
        if not rows:
            raise StoreError(f"no run {text} in {store.path}")
        if len(rows) > 1:
            raise StoreError(f"run id {text} is not unique in {store.path}: give more of it")
        if rows[0]["id"] not in out:
            out.append(rows[0]["id"])
    return out


def export_runs(store: Store, run_ids: list[str], out: str | os.PathLike) -> dict:
    """Write the runs and every row linked to them as a bundle folder `out`; returns the manifest.

    The folder is written under a temporary name and renamed when complete, so an interrupted
    export leaves no bundle that looks whole.
    """
    import pyarrow.parquet as pq

    out = Path(out).expanduser()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError(f"--out {out} exists and is not an empty folder")
    if not store.exists():
        raise StoreError(f"no store at {store.path}")
    ids = resolve_ids(store, run_ids)
    tmp = out.with_name(f".{out.name}.partial-{uuid.uuid4().hex[:8]}")
    tmp.mkdir(parents=True)
    try:
        with store.connect(read_only=True) as con:
            version = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
            runs = con.sql(
                "SELECT * FROM runs WHERE id = ANY($ids) ORDER BY started_at, id", params={"ids": ids}
            ).to_arrow_table()
            running = [
                r for r, s in zip(runs.column("id").to_pylist(), runs.column("status").to_pylist()) if s == "running"
            ]
            if running:
                raise StoreError(f"run {running[0]} is still running: export it when it has finished")
            tables = {RUNS: runs}
            for table in linked_tables(con):
                data = con.sql(
                    f'SELECT * FROM "{table}" WHERE run_id = ANY($ids)', params={"ids": ids}
                ).to_arrow_table()
                if data.num_rows:
                    tables[table] = data
            devices = {}
            for row in con.sql(
                "SELECT run_id, list(DISTINCT device_name ORDER BY device_name) AS names "
                "FROM hardware WHERE run_id = ANY($ids) GROUP BY run_id",
                params={"ids": ids},
            ).fetchall():
                devices[row[0]] = [n for n in row[1] if n]
        entries = {}
        for name, data in tables.items():
            path = tmp / f"{name}.parquet"
            pq.write_table(data, path)
            prov = None
            if "provenance" in data.column_names:
                prov = dict(Counter(data.column("provenance").to_pylist()))
            entries[name] = {
                "file": path.name,
                "rows": data.num_rows,
                "columns": data.column_names,
                "sha256": _sha256(path),
                "provenance": prov,
            }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "segroi_version": __version__,
            "schema_version": version,
            "exported_at": _now().isoformat(timespec="seconds"),
            "exported_from_host": socket.gethostname(),
            "runs": [
                {
                    "id": r["id"],
                    "kind": r["kind"],
                    "status": r["status"],
                    "host": r["host"],
                    "started_at": _iso(r["started_at"]),
                    "finished_at": _iso(r["finished_at"]),
                    "segroi_version": r["segroi_version"],
                    "devices": devices.get(r["id"], []),
                }
                for r in runs.to_pylist()
            ],
            "tables": entries,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


# -- import ---------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    added: list[str]  # run ids added
    present: list[str]  # run ids the store already had
    rows: dict[str, int]  # rows added per table
    import_id: str | None
    manifest: dict

    def line(self) -> str:
        if not self.added:
            return f"nothing imported: the store already has all {len(self.present)} run(s) of this bundle"
        rows = ", ".join(f"{n} {t}" for t, n in sorted(self.rows.items()) if n and t != RUNS)
        have = f"; {len(self.present)} already present" if self.present else ""
        m = self.manifest
        return (
            f"imported {len(self.added)} run(s) from {m.get('exported_from_host')} (segroi "
            f"{m.get('segroi_version')}, schema {m.get('schema_version')}){have}" + (f": {rows}" if rows else "")
        )


DEFAULT_LIMIT = 4 * 2**30  # bytes a bundle may unpack to, and its tables may hold uncompressed
MANIFEST_LIMIT = 16 * 2**20  # a manifest lists runs and tables: far below this


def max_bundle_bytes() -> int:
    """SEGROI_MAX_BUNDLE_BYTES, else DEFAULT_LIMIT."""
    env = os.environ.get("SEGROI_MAX_BUNDLE_BYTES")
    if env:
        try:
            return max(1, int(float(env)))
        except ValueError:
            pass
    return DEFAULT_LIMIT


def read_manifest(folder: Path) -> dict:
    """The manifest, checked: format, versions, table names, files present with their checksums."""
    path = folder / MANIFEST
    if not path.is_file():
        raise StoreError(f"{folder} is not a segroi bundle: it has no {MANIFEST}")
    if path.stat().st_size > MANIFEST_LIMIT:
        raise StoreError(
            f"{MANIFEST} of {folder} is larger than {MANIFEST_LIMIT // 2**20} MiB; a segroi manifest is far smaller"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{MANIFEST} of {folder} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError(f"{folder} is not a segroi bundle (its {MANIFEST} does not say format {FORMAT!r})")
    fv, sv = manifest.get("format_version"), manifest.get("schema_version")
    if not isinstance(fv, int) or not isinstance(sv, int):
        raise StoreError(f"{MANIFEST} of {folder} has no valid format_version/schema_version")
    if fv > FORMAT_VERSION:
        raise StoreError(
            f"the bundle's format version {fv} is newer than this segroi's ({FORMAT_VERSION}): "
            "upgrade segroi to import it"
        )
    if sv > SCHEMA_VERSION:
        raise StoreError(
            f"the bundle was written by segroi {manifest.get('segroi_version')} with store schema "
            f"{sv}; this segroi ({__version__}) knows schemas up to {SCHEMA_VERSION}. Upgrade segroi "
            "to import it: rows of a newer schema could be misread"
        )
    tables = manifest.get("tables")
    runs = manifest.get("runs")
    if not isinstance(tables, dict) or RUNS not in tables or not isinstance(runs, list):
        raise StoreError(f"{MANIFEST} of {folder} lists no runs")
    for name, entry in tables.items():
        if not isinstance(name, str) or not TABLE_NAME.fullmatch(name) or not isinstance(entry, dict):
            raise StoreError(f"{MANIFEST} of {folder} names a table {str(name)[:60]!r} segroi does not know")
        if entry.get("file") != f"{name}.parquet":
            raise StoreError(f"{MANIFEST} of {folder}: table {name} must be in {name}.parquet")
        file = folder / entry["file"]
        if not file.is_file():
            raise StoreError(f"the bundle {folder} lacks {entry['file']}, which its manifest lists")
        if entry.get("sha256") != _sha256(file):
            raise StoreError(
                f"{entry['file']} in {folder} does not match its manifest (checksum): "
                "the bundle was changed or damaged after export"
            )
    return manifest


def _check_unpacked_size(folder: Path, manifest: dict) -> None:
    """The tables' own metadata, before any is read: a small Parquet file can declare rows that fill the
    memory once decoded. Their uncompressed sizes together stay within max_bundle_bytes()."""
    import pyarrow.parquet as pq

    limit, total = max_bundle_bytes(), 0
    for entry in manifest["tables"].values():
        try:
            meta = pq.ParquetFile(folder / entry["file"]).metadata
        except Exception as exc:  # noqa: BLE001 - a damaged Parquet file is one user problem
            raise StoreError(f"{entry['file']} in {folder} cannot be read as Parquet: {exc}") from None
        total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if total > limit:
            raise StoreError(
                f"the bundle's tables hold more than {limit / 2**30:.1f} GiB once decoded "
                "(set SEGROI_MAX_BUNDLE_BYTES to allow more)"
            )


def _check_items_bring_their_sessions(con, data: dict, added: list) -> None:
    """Annotation items come with their own session, new to this store: items that named a session already
    here would change that session's times and Dice."""
    items, sessions = data.get("annotation_items"), data.get("annotation_sessions")
    if items is None or "session_id" not in items.column_names:
        return
    runs = set(added)
    wanted = {
        s for s, r in zip(items.column("session_id").to_pylist(), items.column("run_id").to_pylist()) if r in runs
    }
    brought = set()
    if sessions is not None and "id" in sessions.column_names:
        brought = {
            s for s, r in zip(sessions.column("id").to_pylist(), sessions.column("run_id").to_pylist()) if r in runs
        }
    here = {
        r[0]
        for r in con.execute(
            "SELECT id FROM annotation_sessions WHERE id = ANY(?)", [sorted(map(str, wanted))]
        ).fetchall()
    }
    if wanted - (brought - here):
        raise StoreError(
            "annotation_items.parquet holds items of an annotation session the bundle does not "
            "bring, or one this store already has"
        )


def import_bundle(store: Store, folder: str | os.PathLike, source: str | None = None) -> ImportResult:
    """Import a bundle folder into the store (see the module docstring)."""
    import pyarrow.parquet as pq

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise StoreError(f"no bundle folder {folder}")
    manifest = read_manifest(folder)
    data = {}
    _check_unpacked_size(folder, manifest)
    for name, entry in manifest["tables"].items():
        try:
            data[name] = pq.read_table(folder / entry["file"])
        except Exception as exc:  # noqa: BLE001 - a damaged Parquet file is one user problem
            raise StoreError(f"{entry['file']} in {folder} cannot be read as Parquet: {exc}") from None
    runs = data[RUNS]
    if "id" not in runs.column_names or "status" not in runs.column_names:
        raise StoreError(f"runs.parquet in {folder} has no id/status columns")
    bundle_ids = runs.column("id").to_pylist()
    if sorted(map(str, bundle_ids)) != sorted(str(r.get("id")) for r in manifest["runs"] if isinstance(r, dict)):
        raise StoreError(f"runs.parquet in {folder} does not hold the runs its manifest lists")
    if "running" in runs.column("status").to_pylist():
        raise StoreError("the bundle holds a run that was still running when exported; it cannot be imported")
    store.migrate()  # create or upgrade the store first; a newer store file is refused here
    with store.transaction() as con:
        known = set(linked_tables(con))
        for name, table in data.items():
            if name != RUNS and name not in known:
                raise StoreError(f"the bundle has a table {name} that this store does not have")
            ours = set(_columns(con, name))
            extra = sorted(set(table.column_names) - ours)
            if extra:
                raise StoreError(
                    f"{name}.parquet has column(s) {', '.join(extra)} that this store's {name} does not have"
                )
            if name != RUNS:
                if "run_id" not in table.column_names:
                    raise StoreError(f"{name}.parquet has no run_id column")
                strays = set(table.column("run_id").to_pylist()) - set(bundle_ids)
                if strays:
                    raise StoreError(f"{name}.parquet holds rows of a run the bundle does not list")
            if "provenance" in table.column_names and name != "scenarios":
                bad = set(table.column("provenance").to_pylist()) - set(PROVENANCE_KINDS)
                if bad:
                    raise StoreError(
                        f"{name}.parquet: provenance must be one of {', '.join(PROVENANCE_KINDS)}, "
                        f"got {sorted(map(str, bad))}"
                    )
        present = [r[0] for r in con.execute("SELECT id FROM runs WHERE id = ANY(?)", [bundle_ids]).fetchall()]
        added = [i for i in bundle_ids if i not in present]
        counts: dict[str, int] = {}
        if not added:
            return ImportResult([], present, {}, None, manifest)
        _check_items_bring_their_sessions(con, data, added)
        import_id = str(uuid.uuid4())
        order = [RUNS] + sorted(n for n in data if n != RUNS)
        for name in order:
            table = data[name]
            con.register("_segroi_bundle", table)
            try:
                cols = ", ".join(f'"{c}"' for c in table.column_names)
                key = "id" if name == RUNS else "run_id"
                where = f"WHERE {key} = ANY($added)"
                if name == "annotation_sessions":  # its own primary key: never a second copy
                    where += " AND id NOT IN (SELECT id FROM annotation_sessions)"
                if name == RUNS:
                    select = ", ".join(f'"{c}"' for c in table.column_names if c != "import_id")
                    insert = select + ', "import_id"'
                    sql = f"INSERT INTO runs ({insert}) SELECT {select}, $import_id FROM _segroi_bundle {where}"
                    params = {"added": added, "import_id": import_id}
                else:
                    sql = f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _segroi_bundle {where}'
                    params = {"added": added}
                before = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
                con.execute(sql, params).fetchall()
                counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] - before
            finally:
                con.unregister("_segroi_bundle")
        exported = manifest.get("exported_at")
        try:
            exported_at = dt.datetime.fromisoformat(exported) if isinstance(exported, str) else None
        except ValueError:
            exported_at = None
        con.execute(
            "INSERT INTO bundle_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                _now(),
                source or folder.name,
                str(manifest.get("segroi_version")),
                manifest["schema_version"],
                exported_at,
                str(manifest.get("exported_from_host")),
                len(added),
                len(present),
                json.dumps(manifest, sort_keys=True),
            ],
        ).fetchall()
    return ImportResult(added, present, counts, import_id, manifest)


def imports(store: Store, limit: int = 20) -> list[dict]:
    """The latest bundle imports, newest first."""
    return store.query(
        "SELECT id, imported_at, source, exported_from_host, bundle_segroi_version, bundle_schema_version, "
        "runs_added, runs_present FROM bundle_imports ORDER BY imported_at DESC LIMIT ?",
        [limit],
    )
