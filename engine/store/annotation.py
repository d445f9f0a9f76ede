"""Named reads and writes of timed annotation: sessions and their items (engine/annotation uses them).

Sessions and items are inserted with `Store.insert` (one short transaction each, as an item
completes); everything else that touches the two tables is here.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from engine.store.store import Store


def session_row(store: Store, session_id: str) -> dict | None:
    """The stored row of one session, or None."""
    rows = store.query("SELECT * FROM annotation_sessions WHERE id = ?", [session_id])
    return rows[0] if rows else None


def open_sessions(store: Store, annotator: str | None = None) -> list[dict]:
    """Human sessions still open (resumable), of `annotator` when given, newest first, with how many
    items they hold."""
    sql = (
        "SELECT s.id, s.annotator, s.task, s.dataset, s.frames_planned, s.created_at, "
        "count(i.frame) AS items FROM annotation_sessions s "
        "LEFT JOIN annotation_items i ON i.session_id = s.id "
        "WHERE s.status = 'open' AND NOT s.simulated {extra} "
        "GROUP BY ALL ORDER BY s.created_at DESC"
    )
    if annotator:
        return store.query(sql.format(extra="AND s.annotator = ?"), [annotator])
    return store.query(sql.format(extra=""))


def human_sessions(store: Store) -> list[dict]:
    """Every human (not simulated) session, newest first, with its item count."""
    return store.query(
        "SELECT s.id, s.annotator, s.task, s.dataset, s.status, s.created_at, count(i.frame) AS items "
        "FROM annotation_sessions s LEFT JOIN annotation_items i ON i.session_id = s.id "
        "WHERE NOT s.simulated GROUP BY ALL ORDER BY s.created_at DESC"
    )


def session_ids(store: Store) -> list[str]:
    """Every session's id, oldest first."""
    return [r["id"] for r in store.query("SELECT id FROM annotation_sessions ORDER BY created_at")]


def completed_pairs(store: Store, session_id: str) -> set[tuple[str, str]]:
    """The (frame, structure) pairs a session already holds items for."""
    rows = store.query("SELECT frame, structure FROM annotation_items WHERE session_id = ?", [session_id])
    return {(r["frame"], r["structure"]) for r in rows}


def mark_session_done(store: Store, session_id: str) -> None:
    store.execute("UPDATE annotation_sessions SET status = 'done' WHERE id = ?", [session_id])


def session_items(store: Store, ids: Sequence[str]) -> list[dict]:
    """Items of the given sessions, oldest first, with the session's annotator, SAM weights ("random",
    a checkpoint name, or None) and SAM variant (vit_b, vit_l, vit_h, or None)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return store.query(
        "SELECT i.*, s.annotator, s.created_at AS session_created_at, "
        "json_extract_string(s.settings, '$.sam_weights') AS sam_weights, "
        "json_extract_string(s.settings, '$.sam_variant') AS sam_variant FROM annotation_items i "
        f"JOIN annotation_sessions s ON s.id = i.session_id WHERE i.session_id IN ({marks}) "
        "ORDER BY i.completed_at",
        list(ids),
    )


def human_item_count(store: Store, timing: str) -> int:
    """How many human (not simulated) items were timed the way `timing` names."""
    rows = store.query("SELECT count(*) AS n FROM annotation_items WHERE NOT simulated AND timing = ?", [timing])
    return int(rows[0]["n"]) if rows else 0


def items(store: Store) -> pd.DataFrame:
    """Every annotation item (the Accuracy page's Dice of annotated masks)."""
    return store.frame("SELECT * FROM annotation_items")
