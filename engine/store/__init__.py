"""DuckDB store: schema, migrations, and every SQL statement segroi runs.

No other package writes SQL. They read and write through named functions:
    store.py        `Store`: connections, migrations, runs (`Store.run`), generic inserts of result
                    rows (`Run.add`, `Store.insert`), scenarios; `command_line`, what runs record
                    as their command (set once, by engine.cli.main)
    kinds.py        `RunKind`, the one list of run kinds
    results.py      reads of profiles, evaluations, measurements, published accuracy, training
                    runs and the runs behind them (dashboard, PDF, measured inputs)
    annotation.py   annotation sessions and items
    bundle.py       runs exported to, and imported from, bundles of Parquet files

Connections are short-lived: every write opens the file, runs one transaction and closes it, so the
engine holds DuckDB's write lock only while it writes, never while it computes. Readers open the
file read-only and retry briefly while a writer holds the lock.
"""

from engine.store.kinds import RunKind
from engine.store.store import (
    SCHEMA_VERSION,
    Run,
    Store,
    StoreError,
    StoreLocked,
    assumptions_of,
    command_line,
    default_path,
    open_store,
)

__all__ = [
    "SCHEMA_VERSION",
    "Run",
    "RunKind",
    "Store",
    "StoreError",
    "StoreLocked",
    "assumptions_of",
    "command_line",
    "default_path",
    "open_store",
]
