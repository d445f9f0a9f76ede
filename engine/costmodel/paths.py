"""Dotted field paths ("labour.clinician_wage_per_hour") into assumptions dicts."""

from __future__ import annotations

from typing import Any, Mapping

_RAISE = object()


def get_field(tree: Mapping, path: str, default: Any = _RAISE) -> Any:
    """The node at `path`; `default` when a part is missing (KeyError when no default is given)."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if default is _RAISE:
                raise KeyError(path)
            return default
        node = node[part]
    return node


def set_field(tree: dict, path: str, value: Any) -> None:
    """Put `value` at `path`, creating the objects on the way."""
    parts = path.split(".")
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
