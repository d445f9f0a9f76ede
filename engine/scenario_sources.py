"""Where a scenario's assumptions come from: a file, or a scenario stored in the store.

The cost model parses and writes assumptions text and does no I/O (engine.costmodel.text); reading the
file (size-limited, engine.files) and finding the stored row happen here, for `segroi cost`,
`segroi scenario` and `segroi report` alike. Every problem is a SegroiError naming it.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import SegroiError

MAX_FILE_BYTES = 5_000_000


def load_assumptions(path: str) -> dict:
    """Read an assumptions file (JSON, or TOML by its suffix), unvalidated."""
    from engine import costmodel
    from engine.files import read_text

    text = read_text(path, "assumptions file", MAX_FILE_BYTES)
    try:
        return costmodel.parse_assumptions(text, toml=Path(path).suffix.lower() == ".toml")
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"{path}: {exc}") from None


def stored_assumptions(name: str) -> dict:
    """The stored scenario `name` as an assumptions dict (its provenance map included)."""
    from engine.store import assumptions_of, open_store

    store = open_store(read_only=True)
    for row in store.scenarios():
        if row["name"] == name:
            return assumptions_of(row)
    raise SegroiError(
        f"no scenario named {name!r} in {store.path} (`segroi scenario list` shows them; "
        "`segroi demo` adds the reference scenario)"
    )


def pick_stored(rows: list[dict], name: str | None) -> dict:
    """The stored scenario row named `name`; without a name, the one engine.reference.preferred_scenario
    picks (the reference scenario, else the only one)."""
    from engine import reference

    names = [r["name"] for r in rows]
    if not rows:
        raise SegroiError(
            "the store holds no scenario: run `segroi demo` to load the reference scenario "
            "(or `segroi scenario` to add your own)"
        )
    if name is None:
        name = reference.preferred_scenario(names)
        if name is None:
            raise SegroiError(f"several scenarios are stored; pick one with --scenario ({', '.join(names)})")
    for r in rows:
        if r["name"] == name:
            return r
    raise SegroiError(f"no scenario named {name!r} in the store; stored: {', '.join(names)}")
