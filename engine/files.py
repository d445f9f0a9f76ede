"""Writing an output file all at once: a private temporary file in the same folder, then a rename.

`atomic_write(path, write)` creates the temporary file with `tempfile.mkstemp` in the target's own
folder (a random name, created exclusively, mode 0600: a link planted in advance is never followed,
and no other user can open it meanwhile), lets `write(file)` fill it, flushes it to disk and renames
it over the target with `os.replace`. On any failure the temporary file is removed and the target is
left as it was. The finished file gets the mode a plain `open(path, "w")` would have given it
(0666 less the umask), or the old file's mode when it replaces one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for every thread)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def atomic_write(path, write: Callable, sync: bool = True) -> Path:
    """Fill `path` through `write(binary file)`; see the module's docstring. `sync=False` skips the
    flush to disk (many small files, such as one image per frame, where a crash only loses files that
    are written again by running the command again)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_bytes(path, data: bytes) -> Path:
    return atomic_write(path, lambda fh: fh.write(data))


def write_png(path, array, sync: bool = False) -> Path:
    """`array` (a 2-D uint8 image or label map) as a PNG, through `atomic_write`."""
    from PIL import Image

    return atomic_write(path, lambda fh: Image.fromarray(array).save(fh, format="PNG"), sync=sync)


def check_can_write(path, what: str = "--out", create_folder: bool = False) -> Path:
    """Refuse, before any work is done, an output file that cannot be written: a folder in its place,
    a missing folder (created when `create_folder`), or a folder that takes no new file."""
    from engine.errors import SegroiError

    path = Path(path)
    if path.is_dir():
        raise SegroiError(f"{what} {path} is a folder; give a file name")
    folder = path.parent
    if create_folder and not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SegroiError(f"{what} {path}: folder {folder} cannot be created ({exc.strerror or exc})") from None
    if not folder.is_dir():
        raise SegroiError(f"{what} {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise SegroiError(f"{what} {path} cannot be written ({exc.strerror or exc})") from None
    return path
