"""Named reads of what runs stored: profiles, accuracy, measurements, training, and the runs themselves.

Every function takes a `Store`, reads through its read-only path and copes with an absent or empty
store (no rows, an empty frame). Frames come back for the dashboard's tables and figures, lists of
dicts where a caller walks the rows.
"""

from __future__ import annotations

import json

import pandas as pd

from engine.store.kinds import MEASURED_KINDS, RunKind
from engine.store.store import Store

RESULT_TABLES = ("profiles", "evaluations", "measurements", "training_runs", "published_accuracy")


# -- profiles -------------------------------------------------------------------------------------
def profiles(store: Store) -> pd.DataFrame:
    """Every profile row of a run that finished, newest first, with the run's date and kind."""
    return store.frame(
        "SELECT p.*, r.started_at AS run_started_at, r.kind AS run_kind FROM profiles p "
        "JOIN runs r ON r.id = p.run_id WHERE r.status = 'ok' "
        "ORDER BY coalesce(p.measured_at, r.started_at) DESC"
    )


def run_profiles(store: Store, run_id: str, model: str | None = None) -> list[dict]:
    """One run's profile rows (of `model` only, when given), in the order they were measured."""
    if model is None:
        return store.query("SELECT * FROM profiles WHERE run_id = ? ORDER BY measured_at", [run_id])
    return store.query("SELECT * FROM profiles WHERE run_id = ? AND model = ? ORDER BY measured_at", [run_id, model])


def latest_full_size_profile_run(store: Store, model: str, device: str | None = None) -> str | None:
    """The newest finished run that profiled `model` at its full input size (on `device`), or None."""
    sql = (
        "SELECT p.run_id FROM profiles p JOIN runs r ON r.id = p.run_id "
        "WHERE r.status = 'ok' AND p.model = ? AND NOT p.reduced_input"
    )
    params: list = [model]
    if device is not None:
        sql += " AND p.device = ?"
        params.append(device)
    found = store.query(sql + " ORDER BY r.started_at DESC LIMIT 1", params)
    return found[0]["run_id"] if found else None


def profiled_models(store: Store) -> list[str]:
    """Every model some finished run profiled."""
    return [
        r["model"]
        for r in store.query(
            "SELECT DISTINCT p.model FROM profiles p JOIN runs r ON r.id = p.run_id WHERE r.status = 'ok' "
            "ORDER BY p.model"
        )
    ]


def demo_profiles_present(store: Store, source: str) -> bool:
    """Whether a finished `segroi demo` run stored profile rows from `source` (the reference anchors)."""
    rows = store.query(
        "SELECT count(*) AS n FROM profiles p JOIN runs r ON r.id = p.run_id "
        "WHERE r.kind = ? AND r.status = 'ok' AND p.source = ?",
        [RunKind.DEMO, source],
    )
    return bool(rows and rows[0]["n"])


def profile_runs(store: Store, limit: int = 10) -> list[dict]:
    """The latest profile runs, whatever their status (the Benchmarks page lists them)."""
    return store.query(
        "SELECT id, status, started_at, finished_at, command, reason FROM runs "
        "WHERE kind = ? ORDER BY started_at DESC LIMIT ?",
        [RunKind.PROFILE, limit],
    )


# -- accuracy, measurements, training -------------------------------------------------------------
def evaluations(store: Store) -> pd.DataFrame:
    """Per-structure accuracy rows of finished runs, with the run's SAM variant (`sam_variant`, for
    `segroi evaluate --model sam`). Random-weight rows are left out: their accuracy is noise."""
    return store.frame(
        "SELECT e.*, json_extract_string(r.settings, '$.sam_variant') AS sam_variant "
        "FROM evaluations e JOIN runs r ON r.id = e.run_id "
        "WHERE r.status = 'ok' AND coalesce(e.weights, '') <> 'random'"
    )


def published_accuracy(store: Store) -> pd.DataFrame:
    """Accuracy figures from the literature (`segroi demo` stores them), each with its citation."""
    return store.frame(
        "SELECT p.* FROM published_accuracy p JOIN runs r ON r.id = p.run_id WHERE r.status = 'ok' "
        "ORDER BY p.metric, p.dataset, p.model"
    )


def published_accuracy_count(store: Store) -> int:
    """How many published accuracy figures the store holds (of any run)."""
    rows = store.query("SELECT count(*) AS n FROM published_accuracy")
    return int(rows[0]["n"]) if rows else 0


def measurements(store: Store) -> pd.DataFrame:
    """Clinical measurements of finished runs that have a reference value to compare with."""
    return store.frame(
        "SELECT m.* FROM measurements m JOIN runs r ON r.id = m.run_id "
        "WHERE r.status = 'ok' AND m.value IS NOT NULL AND m.reference IS NOT NULL"
    )


def training_runs(store: Store) -> pd.DataFrame:
    """SSL training rows of finished runs, newest first, with the run's start."""
    return store.frame(
        "SELECT t.*, r.started_at FROM training_runs t JOIN runs r ON r.id = t.run_id "
        "WHERE r.status = 'ok' ORDER BY r.started_at DESC"
    )


# -- runs -----------------------------------------------------------------------------------------
def measured_runs(store: Store, limit: int = 30) -> list[dict]:
    """Finished runs that produced numbers, with where they ran: one line each for the PDF.
    Each has `settings` (parsed), `hardware` (a device, CPU or host name) and `rows` {table: count}."""
    kinds = ", ".join("?" for _ in MEASURED_KINDS)
    rows = store.query(
        f"SELECT r.id, r.kind, r.status, r.started_at, r.finished_at, r.host, r.settings, "
        f"h.device_type, h.device_name, h.cpu_name, h.torch_version "
        f"FROM runs r LEFT JOIN (SELECT * FROM hardware QUALIFY row_number() OVER "
        f"(PARTITION BY run_id ORDER BY device_type) = 1) h ON h.run_id = r.id "
        f"WHERE r.status = 'ok' AND r.kind IN ({kinds}) ORDER BY r.started_at DESC LIMIT ?",
        [*MEASURED_KINDS, limit],
    )
    from engine.store.measured_at import measured_dates

    counts = _row_counts(store, [r["id"] for r in rows])
    dates = measured_dates(store, [r["id"] for r in rows])
    for r in rows:
        # when the figures were measured (a profile row's own time), else when the run ran
        r["measured_at"] = dates.get(r["id"], (r["started_at"],))[0]
        r["settings"] = _json(r.get("settings"))
        r["hardware"] = r.get("device_name") or r.get("cpu_name") or _profile_device(store, r["id"]) or r["host"]
        r["rows"] = counts.get(r["id"], {})
    return rows


def latest_run_id(store: Store, kind: RunKind) -> str | None:
    """The newest run of `kind`, whatever its status, or None."""
    rows = store.query("SELECT id FROM runs WHERE kind = ? ORDER BY started_at DESC LIMIT 1", [kind])
    return rows[0]["id"] if rows else None


def run_rows(store: Store, table: str, run_id: str) -> list[dict]:
    """Every row one run stored in `table`, one of RESULT_TABLES."""
    if table not in RESULT_TABLES:
        raise ValueError(f"{table!r} is not a result table ({', '.join(RESULT_TABLES)})")
    return store.query(f"SELECT * FROM {table} WHERE run_id = ?", [run_id])


def training_run_for_weights(store: Store, weights_path: str) -> dict | None:
    """The newest training row that wrote `weights_path` (as stored: an absolute path), or None."""
    rows = store.query(
        "SELECT t.* FROM training_runs t JOIN runs r ON r.id = t.run_id "
        "WHERE t.weights_path = ? ORDER BY r.started_at DESC LIMIT 1",
        [weights_path],
    )
    return rows[0] if rows else None


def _row_counts(store: Store, run_ids: list[str]) -> dict[str, dict[str, int]]:
    if not run_ids:
        return {}
    marks = ", ".join("?" for _ in run_ids)
    out: dict[str, dict[str, int]] = {}
    for table in RESULT_TABLES:
        for r in store.query(
            f"SELECT run_id, count(*) AS n FROM {table} WHERE run_id IN ({marks}) GROUP BY run_id", run_ids
        ):
            out.setdefault(r["run_id"], {})[table] = r["n"]
    return out


def _profile_device(store: Store, run_id: str) -> str | None:
    rows = store.query(
        "SELECT device_name FROM profiles WHERE run_id = ? AND device_name IS NOT NULL LIMIT 1", [run_id]
    )
    return rows[0]["device_name"] if rows else None


def _json(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
