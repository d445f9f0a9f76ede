"""A bundle that arrives as a zip file or as uploaded files, unpacked safely into a folder.

Nothing in an archive chooses a path here. The zip must hold one manifest.json, at its top or in
one folder; the only other members read are `<table>.parquet` beside it for the tables the
manifest names (plain lower-case names), each written under that name into a fresh folder.
Absolute names, `..`, links and any other member are never extracted, and the bytes actually read
are counted against a limit (SEGROI_MAX_BUNDLE_BYTES, default 4 GiB) so a zip that lies about its
sizes cannot fill the disk.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from engine.store.bundle import TABLE_NAME, MANIFEST, ImportResult, import_bundle, max_bundle_bytes
from engine.store.store import Store, StoreError


class _Budget:
    def __init__(self, limit: int):
        self.left = limit
        self.limit = limit

    def copy(self, src, dest: Path) -> None:
        with open(dest, "wb") as out:
            while True:
                block = src.read(1 << 20)
                if not block:
                    return
                self.left -= len(block)
                if self.left < 0:
                    raise StoreError(
                        f"the bundle is larger than {self.limit / 2**30:.1f} GiB "
                        "(set SEGROI_MAX_BUNDLE_BYTES to allow more)"
                    )
                out.write(block)


def _table_names(manifest_bytes: bytes) -> list[str]:
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        tables = manifest["tables"]
        names = list(tables) if isinstance(tables, dict) else []
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise StoreError(f"the bundle's {MANIFEST} cannot be read") from None
    bad = [n for n in names if not isinstance(n, str) or not TABLE_NAME.fullmatch(n)]
    if bad:
        raise StoreError(f"the bundle's {MANIFEST} names a table {str(bad[0])[:60]!r} segroi does not know")
    return names


def unpack_zip(source, dest: Path, limit: int | None = None) -> None:
    """Read a bundle zip (a path or a binary file object) into the empty folder `dest`."""
    budget = _Budget(limit or max_bundle_bytes())
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise StoreError(f"not a zip file ({exc})") from None
    with zf:
        members = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        manifests = [n for n in members if PurePosixPath(n).name == MANIFEST and len(PurePosixPath(n).parts) <= 2]
        if len(manifests) != 1:
            raise StoreError(
                f"the zip must hold exactly one {MANIFEST}, at its top or in one folder (found {len(manifests)})"
            )
        prefix = manifests[0][: -len(MANIFEST)]
        with zf.open(members[manifests[0]]) as fh:
            budget.copy(fh, dest / MANIFEST)
        for table in _table_names((dest / MANIFEST).read_bytes()):
            info = members.get(f"{prefix}{table}.parquet")
            if info is None:
                raise StoreError(f"the zip lacks {prefix}{table}.parquet, which its manifest lists")
            with zf.open(info) as fh:
                budget.copy(fh, dest / f"{table}.parquet")


def stage_files(files: list[tuple[str, object]], dest: Path, limit: int | None = None) -> None:
    """Uploaded files (name, binary file object) into `dest`: one zip, or a bundle folder's files."""
    if len(files) == 1 and files[0][0].lower().endswith(".zip"):
        unpack_zip(files[0][1], dest, limit)
        return
    budget = _Budget(limit or max_bundle_bytes())
    seen = set()
    for name, fh in files:
        base = PurePosixPath(str(name).replace("\\", "/")).name
        stem = base[: -len(".parquet")] if base.endswith(".parquet") else None
        if base != MANIFEST and not (stem and TABLE_NAME.fullmatch(stem)):
            raise StoreError(
                f"{base[:80]!r} is not part of a segroi bundle (manifest.json and <table>.parquet files, or one .zip)"
            )
        if base in seen:
            raise StoreError(f"{base} was given twice")
        seen.add(base)
        budget.copy(fh, dest / base)
    if MANIFEST not in seen:
        raise StoreError(f"a bundle needs its {MANIFEST}: select every file of the bundle folder, or its zip")


@contextmanager
def staged(files: list[tuple[str, object]], limit: int | None = None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="segroi-bundle-") as tmp:
        folder = Path(tmp) / "bundle"
        folder.mkdir()
        stage_files(files, folder, limit)
        yield folder


def import_path(store: Store, path: str | os.PathLike) -> ImportResult:
    """`segroi runs import PATH`: a bundle folder, or a bundle zip."""
    path = Path(path).expanduser()
    if path.is_dir():
        return import_bundle(store, path, source=path.name)
    if path.is_file():
        with open(path, "rb") as fh, staged([(path.name, fh)]) as folder:
            return import_bundle(store, folder, source=path.name)
    raise StoreError(f"no bundle at {path}")


def import_uploads(store: Store, files: list[tuple[str, object]]) -> ImportResult:
    """The dashboard's upload: one zip, or the files of a bundle folder."""
    if not files:
        raise StoreError("no file given")
    source = files[0][0] if len(files) == 1 else f"{len(files)} uploaded files"
    with staged(files) as folder:
        return import_bundle(store, folder, source=PurePosixPath(source).name)
