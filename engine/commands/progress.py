"""Progress bars for the commands: drawn on stderr only when stderr is a terminal. Piped or written to
a log, stderr carries the command's own lines alone, so an error stays one readable line."""

from __future__ import annotations

import sys


def progress_bar(**options):
    """A tqdm bar (`options` as tqdm takes them; it is not kept on screen once closed unless
    `leave=True`), disabled when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(**{"file": sys.stderr, "leave": False, "disable": None, **options})
