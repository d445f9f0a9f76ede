"""Saved versions of scenarios: who saved which assumptions when, and which inputs changed.

`Store.save_scenario` records a version in the same transaction as the scenario itself (`record`); the
pages and commands read them with `versions` and `version`. A scenario deleted keeps its versions.
"""

from __future__ import annotations

import json
from typing import Any

MAX_SAVED_BY = 80


def leaves(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of an assumptions or provenance dict by dotted path; a range ({value, low, high, dist})
    and a provenance entry ({kind, source}) count as one leaf each."""
    if not isinstance(tree, dict) or (prefix and ("value" in tree or "kind" in tree and "source" in tree)):
        return {prefix: tree} if prefix else {}
    out: dict[str, Any] = {}
    for key, node in tree.items():
        out.update(leaves(node, f"{prefix}.{key}" if prefix else str(key)))
    return out


def changed_fields(
    old_assumptions: dict | None,
    new_assumptions: dict,
    old_provenance: dict | None = None,
    new_provenance: dict | None = None,
) -> list[str]:
    """Dotted fields whose value (or range) or provenance differ between two saved states, in the new
    state's order then the removed ones."""
    if old_assumptions is None:
        return []
    a, b = leaves(old_assumptions), leaves(new_assumptions)
    pa, pb = dict(old_provenance or {}), dict(new_provenance or {})
    out = [f for f in b if f not in a or a[f] != b[f] or pa.get(f) != pb.get(f)]
    out += [f for f in a if f not in b]
    out += [f for f in pb if f not in out and f not in b and pa.get(f) != pb.get(f)]
    return out


def record(
    con, name: str, assumptions: dict, provenance: dict, note: str | None, saved_by: str | None, saved_at
) -> int:
    """Inside the save's transaction: the next version of `name`, with what changed since the last one."""
    prev = con.execute(
        "SELECT version, assumptions, provenance FROM scenario_versions WHERE name = ? ORDER BY version DESC LIMIT 1",
        [name],
    ).fetchone()
    version = (prev[0] + 1) if prev else 1
    changed = changed_fields(
        json.loads(prev[1]) if prev else None, assumptions, json.loads(prev[2]) if prev and prev[2] else {}, provenance
    )
    who = str(saved_by)[:MAX_SAVED_BY] if saved_by else None
    con.execute(
        "INSERT INTO scenario_versions (name, version, saved_at, saved_by, assumptions, provenance, note, "
        "changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            version,
            saved_at,
            who,
            json.dumps(assumptions),
            json.dumps(provenance or {}),
            note,
            json.dumps(changed),
        ],
    )
    return version


def versions(store, name: str) -> list[dict]:
    """The saved versions of scenario `name`, newest first: version, saved_at, saved_by, note, changed."""
    rows = store.query(
        "SELECT version, saved_at, saved_by, note, changed FROM scenario_versions WHERE name = ? ORDER BY version DESC",
        [name],
    )
    for r in rows:
        r["changed"] = json.loads(r["changed"]) if r["changed"] else []
    return rows


def version(store, name: str, number: int) -> dict | None:
    """One saved version of `name` with its assumptions and provenance, or None."""
    rows = store.query("SELECT * FROM scenario_versions WHERE name = ? AND version = ?", [name, int(number)])
    if not rows:
        return None
    r = rows[0]
    r["assumptions"] = json.loads(r["assumptions"])
    r["provenance"] = json.loads(r["provenance"]) if r["provenance"] else {}
    r["changed"] = json.loads(r["changed"]) if r["changed"] else []
    return r
