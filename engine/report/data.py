"""Read what the dashboard and the PDF show from the store, as small pandas frames.

Only reads (the store's read-only path); every function copes with an absent or empty store.
"""

from __future__ import annotations

import json

import pandas as pd

from engine.store import Store

# Kinds of runs whose results feed numbers (the demo's anchors included).
MEASURED_KINDS = ("profile", "evaluate", "train-ssl", "train_ssl", "annotate-sim", "annotate_sim",
                  "annotate", "demo")


def scenarios(store: Store) -> list[dict]:
    return store.scenarios()


def profiles(store: Store) -> pd.DataFrame:
    """Every stored profile row of a run that finished, newest first, with the run's date."""
    df = store.frame(
        "SELECT p.*, r.started_at AS run_started_at, r.kind AS run_kind FROM profiles p "
        "JOIN runs r ON r.id = p.run_id WHERE r.status = 'ok' "
        "ORDER BY coalesce(p.measured_at, r.started_at) DESC"
    )
    return df


def profile_runs(store: Store, limit: int = 10) -> list[dict]:
    return store.query(
        "SELECT id, status, started_at, finished_at, command, reason FROM runs "
        "WHERE kind = 'profile' ORDER BY started_at DESC LIMIT ?", [limit]
    )


def bundle_imports(store: Store, limit: int = 10) -> list[dict]:
    """The latest bundle imports (segroi runs import, or the Benchmarks page)."""
    from engine.store.bundle import imports

    return imports(store, limit)


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


def measurements(store: Store) -> pd.DataFrame:
    """Clinical measurements that have a reference value to compare with."""
    return store.frame(
        "SELECT m.* FROM measurements m JOIN runs r ON r.id = m.run_id "
        "WHERE r.status = 'ok' AND m.value IS NOT NULL AND m.reference IS NOT NULL"
    )


def annotation_items(store: Store) -> pd.DataFrame:
    return store.frame("SELECT * FROM annotation_items")


def training_runs(store: Store) -> pd.DataFrame:
    return store.frame(
        "SELECT t.*, r.started_at FROM training_runs t JOIN runs r ON r.id = t.run_id "
        "WHERE r.status = 'ok' ORDER BY r.started_at DESC"
    )


def measured_runs(store: Store, limit: int = 30) -> list[dict]:
    """Finished runs that produced numbers, with where they ran: one line each for the PDF."""
    kinds = ", ".join("?" for _ in MEASURED_KINDS)
    rows = store.query(
        f"SELECT r.id, r.kind, r.status, r.started_at, r.finished_at, r.host, r.settings, "
        f"h.device_type, h.device_name, h.cpu_name, h.torch_version "
        f"FROM runs r LEFT JOIN (SELECT * FROM hardware QUALIFY row_number() OVER "
        f"(PARTITION BY run_id ORDER BY device_type) = 1) h ON h.run_id = r.id "
        f"WHERE r.status = 'ok' AND r.kind IN ({kinds}) ORDER BY r.started_at DESC LIMIT ?",
        [*MEASURED_KINDS, limit],
    )
    counts = _row_counts(store, [r["id"] for r in rows])
    for r in rows:
        r["settings"] = _json(r.get("settings"))
        r["hardware"] = r.get("device_name") or r.get("cpu_name") or _profile_device(store, r["id"]) or r["host"]
        r["rows"] = counts.get(r["id"], {})
    return rows


def _row_counts(store: Store, run_ids: list[str]) -> dict[str, dict[str, int]]:
    if not run_ids:
        return {}
    marks = ", ".join("?" for _ in run_ids)
    out: dict[str, dict[str, int]] = {}
    for table in ("profiles", "evaluations", "measurements", "training_runs", "published_accuracy"):
        for r in store.query(
            f"SELECT run_id, count(*) AS n FROM {table} WHERE run_id IN ({marks}) GROUP BY run_id", run_ids
        ):
            out.setdefault(r["run_id"], {})[table] = r["n"]
    return out


def _profile_device(store: Store, run_id: str) -> str | None:
    rows = store.query("SELECT device_name FROM profiles WHERE run_id = ? AND device_name IS NOT NULL LIMIT 1",
                       [run_id])
    return rows[0]["device_name"] if rows else None


def _json(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def result_row_count(store: Store) -> int:
    """How many result rows the store holds (profiles, evaluations, measurements, annotation items)."""
    rows = store.query(
        "SELECT (SELECT count(*) FROM profiles) + (SELECT count(*) FROM evaluations) + "
        "(SELECT count(*) FROM measurements) + (SELECT count(*) FROM annotation_items) AS n"
    )
    return int(rows[0]["n"]) if rows else 0
