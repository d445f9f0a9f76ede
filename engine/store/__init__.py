"""DuckDB store: schema, migrations, and the only code in segroi that writes SQL.

Connections are short-lived: every write opens the file, runs one transaction and
closes it, so the engine holds DuckDB's write lock only while it writes, never while
it computes. Readers open the file read-only and retry briefly while a writer holds
the lock.
"""

from engine.store.store import (
    SCHEMA_VERSION,
    Run,
    Store,
    StoreError,
    StoreLocked,
    default_path,
    open_store,
)

__all__ = ["SCHEMA_VERSION", "Run", "Store", "StoreError", "StoreLocked", "default_path", "open_store"]
