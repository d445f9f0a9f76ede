"""Data roots: the only folders the dashboard's Annotate page may read.

A person at the browser types folder and file paths (images, ground truth, SSL weights, a SAM
checkpoint). The dashboard runs with the server's permissions, so each path is resolved - `~`,
`..` and every symbolic link followed - and refused unless the real path lies inside one of the
configured roots (also real paths). The roots come from `segroi dashboard --data-root DIR`
(repeatable), which passes them to the server as SEGROI_DATA_ROOTS (os.pathsep-separated). With
none configured the page reads no folder at all; the in-memory phantom needs none. While a folder
is walked, links inside it that lead out of the roots are skipped too (engine.data.reader, `within`).
The command line is not restricted: whoever runs `segroi` already has the shell.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from engine.errors import SegroiError

ROOTS_ENV = "SEGROI_DATA_ROOTS"


def parse(entries) -> list[Path]:
    """Folders given as roots, resolved; SegroiError for one that is not an existing folder."""
    out: list[Path] = []
    for entry in entries:
        if not str(entry).strip():
            continue
        path = Path(str(entry).strip()).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        real = path.resolve()
        if not real.is_dir():
            raise SegroiError(f"data root {entry} is not an existing folder")
        if real not in out:
            out.append(real)
    return out


def configured(env: Mapping[str, str] | None = None) -> list[Path]:
    """The roots the server was started with (folders that have disappeared since are dropped)."""
    env = os.environ if env is None else env
    roots = []
    for entry in env.get(ROOTS_ENV, "").split(os.pathsep):
        if entry.strip():
            real = Path(entry.strip()).expanduser().resolve()
            if real.is_dir() and real not in roots:
                roots.append(real)
    return roots


def is_within(real: Path, roots) -> bool:
    """True when the (already resolved) path is one of `roots` or lies below one."""
    return any(real == root or root in real.parents for root in roots)


def allow(path: str, roots, what: str = "folder") -> Path:
    """The real path of `path` when it exists inside `roots`; SegroiError otherwise."""
    text = str(path or "").strip()
    if not text:
        raise SegroiError(f"give the {what}'s full path")
    if not roots:
        raise SegroiError(
            f"this dashboard reads no {what}s: none of its folders is a data root "
            "(start it with segroi dashboard --data-root DIR); the phantom needs none"
        )
    try:
        given = Path(text).expanduser()
    except RuntimeError:  # ~name of no user here: answered like any other path outside the roots
        given = None
    if given is not None and not given.is_absolute():
        raise SegroiError(f"give the {what}'s full path, starting with /")
    try:
        real = given.resolve(strict=True) if given is not None else None
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL byte
        real = None
    if real is None or not is_within(real, roots):
        # The same answer whether the path exists or not: the page must not reveal what is on the server.
        raise SegroiError(
            f"the {what} must be inside a data root ({', '.join(map(str, roots))}); "
            "links that lead out of them are not followed"
        )
    return real


def allow_page_paths(roots, *, folder=None, truth=None, checkpoint=None, weights=None) -> dict:
    """The Annotate page's typed paths, each checked with `allow`; returns {"folder", "truth",
    "checkpoint", "weights"} as real paths (text). `folder` None means the phantom (no folder); an
    empty folder is refused; the other three are optional (empty stays None)."""
    whats = {
        "folder": "folder",
        "truth": "ground-truth folder",
        "checkpoint": "SAM checkpoint",
        "weights": "SSL weights file",
    }
    given = {"folder": folder, "truth": truth, "checkpoint": checkpoint, "weights": weights}
    return {
        key: str(allow(value, roots, whats[key]))
        if (key == "folder" and value is not None) or (value and str(value).strip())
        else None
        for key, value in given.items()
    }


def allow_session(settings: Mapping, roots) -> None:
    """Refuse to resume a session whose stored paths are no longer inside `roots`."""
    data = settings.get("data") or "phantom"
    allow_page_paths(
        roots,
        folder=None if str(data).strip().lower() == "phantom" else data,
        truth=settings.get("truth"),
        checkpoint=settings.get("sam_checkpoint"),
        weights=settings.get("ssl_weights"),
    )
