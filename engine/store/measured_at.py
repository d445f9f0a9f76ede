"""When a run's figures were measured, which is not always when the run was stored: `segroi demo` stores
the H100 reference measurements of 2026-11-26 whenever a store is filled, and each of their profile rows
keeps its own measurement time."""

from __future__ import annotations


def measured_dates(store, run_ids: list[str]) -> dict[str, tuple]:
    """{run id: (earliest, latest) measured_at of its profile rows} for runs whose rows carry one."""
    if not run_ids:
        return {}
    marks = ", ".join("?" for _ in run_ids)
    rows = store.query(
        f"SELECT run_id, min(measured_at) AS first, max(measured_at) AS last FROM profiles "
        f"WHERE run_id IN ({marks}) AND measured_at IS NOT NULL GROUP BY run_id",
        list(run_ids),
    )
    return {r["run_id"]: (r["first"], r["last"]) for r in rows}
