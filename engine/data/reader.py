"""The one reader: walk paths, dispatch each file to its format, collect frames and problems.

Every failure becomes a `FileResult` with status "error" and a plain reason; nothing raises
out of `iter_load` for a bad file, so the rest of a batch always goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from engine.data import camus, dicom, echonet, images
from engine.data.problems import FileResult, LoadResult, ReadError, SkipFile, max_file_bytes
from engine.data.video import VIDEO_SUFFIXES, open_video

FRAME_MODES = ("all", "labelled")
OUTSIDE = "outside the data roots (a link that leads out of them is not followed)"


def _as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


class _Walk:
    def __init__(self, truth: Path | None, salt, read_masks: bool, frames: str, limit: int, keep: bool,
                 within=None, max_frames: int | None = None):
        if frames not in FRAME_MODES:
            raise ValueError(f"frames must be one of {FRAME_MODES}")
        self.within = None if within is None else [Path(r).resolve() for r in within]
        self.max_frames = max_frames
        self.kept = 0
        self.truth = truth.resolve() if truth is not None else None
        self.salt = salt
        self.read_masks = read_masks
        self.frames_mode = frames
        self.limit = limit
        self.keep = keep
        self.seen_dirs: set[Path] = set()
        self.seen_files: set[Path] = set()

    # -- limits ---------------------------------------------------------------------------
    @property
    def full(self) -> bool:
        """True once `max_frames` frames are kept: nothing more is read."""
        return self.max_frames is not None and self.kept >= self.max_frames

    def _outside(self, real: Path) -> bool:
        from engine.data.roots import is_within

        return self.within is not None and not is_within(real, self.within)

    # -- walking -------------------------------------------------------------------------
    def run(self, paths: Iterable[Path]) -> Iterator[FileResult]:
        for path in paths:
            if self.full:
                return
            if self._outside(path.resolve()):
                yield FileResult(str(path), "error", OUTSIDE)
            elif not path.exists():
                yield FileResult(str(path), "error", "no such file or folder")
            elif path.is_dir():
                yield from self._folder(path)
            else:
                sidecar, result = self._sidecar(path.parent)
                if result is not None and result.status == "error" and Path(result.path).resolve() not in self.seen_files:
                    self.seen_files.add(Path(result.path).resolve())
                    yield result  # a broken frames.json matters to the file read beside it
                yield from self._file(path, sidecar=sidecar, own_truth=self._own_truth(path.parent, result))

    def _folder(self, folder: Path) -> Iterator[FileResult]:
        real = folder.resolve()
        if real in self.seen_dirs:
            return
        self.seen_dirs.add(real)
        if self._outside(real):
            yield FileResult(str(folder), "error", OUTSIDE)
            return
        if self.truth is not None and real == self.truth:
            yield from self._truth_entries(folder)
            return
        if echonet.is_echonet_root(folder):
            yield from self._echonet(folder)
            return
        try:
            children = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            yield FileResult(str(folder), "error", f"folder could not be listed ({exc.strerror or exc})")
            return
        sidecar, sidecar_result = self._sidecar(folder)
        own_truth = self._own_truth(folder, sidecar_result)
        for child in children:
            if self.full:
                return
            if child.name.startswith("."):
                continue
            if own_truth is not None and child.resolve() == own_truth:
                yield from self._truth_entries(child)  # label PNGs, never images
                continue
            if child.is_dir():
                yield from self._folder(child)
            elif child.name == images.SIDECAR and sidecar_result is not None:
                self.seen_files.add(child.resolve())
                yield sidecar_result
            elif child.is_file():
                yield from self._file(child, sidecar=sidecar, own_truth=own_truth)

    def _truth_entries(self, folder: Path) -> Iterator[FileResult]:
        self.seen_dirs.add(folder.resolve())
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            self.seen_files.add(path.resolve())
            why = "ground-truth label, read with its image" if self.read_masks else "ground truth not read (label-free)"
            yield FileResult(str(path), "skipped", why)

    def _sidecar(self, folder: Path):
        """(entries or None, FileResult for inspect or None when there is no sidecar)."""
        path = folder / images.SIDECAR
        if not path.is_file():
            return None, None
        if self._outside(path.resolve()):
            return None, FileResult(str(path), "error", OUTSIDE)
        try:
            entries = images.read_sidecar(path)
            return entries, FileResult(str(path), "skipped", "segroi frame list, read with the images beside it")
        except ReadError as exc:
            return None, FileResult(str(path), "error", str(exc))

    @staticmethod
    def _own_truth(folder: Path, sidecar_result) -> Path | None:
        """`truth/` beside a frames.json is the dataset's own ground truth."""
        candidate = folder / images.TRUTH_FOLDER
        return candidate.resolve() if sidecar_result is not None and candidate.is_dir() else None

    # -- one file ------------------------------------------------------------------------
    def _file(self, path: Path, sidecar=None, own_truth: Path | None = None) -> Iterator[FileResult]:
        real = path.resolve()
        if real in self.seen_files:
            return
        self.seen_files.add(real)
        if self._outside(real):
            yield FileResult(str(path), "error", OUTSIDE)
            return
        if self.truth is not None and self.truth in real.parents:
            yield FileResult(str(path), "skipped", "ground-truth label, read with its image")
            return
        try:
            opener = self._classify(path, sidecar)
        except ReadError as exc:
            yield FileResult(str(path), "error", str(exc))
            return
        if isinstance(opener, FileResult):
            yield opener
            return
        yield self._collect(path, opener, own_truth)

    def _classify(self, path: Path, sidecar):
        """A callable returning (info, frames), or a FileResult for skipped files."""
        try:
            size = path.stat().st_size
            if size == 0:
                raise ReadError("empty file (0 bytes)")
            with open(path, "rb") as fh:
                head = fh.read(132)
        except OSError as exc:
            raise ReadError(f"cannot be opened ({exc.strerror or exc})") from None
        suffix = path.suffix.lower()
        name = path.name
        if len(head) >= 132 and head[128:132] == b"DICM":
            return lambda: dicom.open_dicom(path, salt=self.salt, limit=self.limit)
        if camus.is_ground_truth(path):
            return FileResult(str(path), "skipped", "ground-truth labels, read together with their image")
        if camus.is_nifti(path):
            gt = camus.ground_truth_for(path) if self.read_masks else None
            if gt is not None and self._outside(gt.resolve()):  # its _gt file is a link out of the roots
                return FileResult(str(path), "error", OUTSIDE)
            return lambda: camus.open_nifti(path, salt=self.salt, limit=self.limit, read_masks=self.read_masks)
        if suffix in images.IMAGE_SUFFIXES:
            return lambda: images.open_image(path, sidecar=sidecar, salt=self.salt, limit=self.limit)
        if suffix in VIDEO_SUFFIXES:
            return lambda: self._loose_video(path)
        if suffix in (".mhd", ".raw", ".cfg"):
            return FileResult(str(path), "skipped", "MHD/RAW (older CAMUS release) is not read; use the NIfTI release")
        if dicom.looks_like_dicom(head, suffix):
            return lambda: dicom.open_dicom(path, salt=self.salt, limit=self.limit)
        if name == images.SIDECAR:
            return FileResult(str(path), "skipped", "segroi frame list, read with the images beside it")
        return FileResult(str(path), "skipped", "not a format segroi reads (DICOM, NIfTI, PNG/JPEG/BMP/TIFF, AVI/MP4)")

    def _loose_video(self, path: Path):
        from engine.data.frame import Frame
        from engine.data.privacy import study_hash

        facts, arrays = open_video(path, self.limit)
        frame_ms = 1000.0 / facts["fps"] if facts["fps"] else None
        reason = "no calibration: a video file carries none"
        info = {"format": "video", "rows": facts["rows"], "columns": facts["columns"], "frames": facts["frames"],
                "photometric": None, "transfer_syntax": None, "spacing_mm": None, "spacing_source": None,
                "spacing_reason": reason, "frame_time_ms": frame_ms, "warnings": []}
        study = study_hash(str(path.resolve()), self.salt)
        meta = {"format": "video", "path": str(path), "spacing_source": None, "spacing_reason": reason}
        gen = (Frame(pixels=a, spacing_mm=None, study=study, source=path.stem, index=i, frame_time_ms=frame_ms,
                     meta=dict(meta)) for i, a in enumerate(arrays))
        return info, gen

    def _collect(self, path: Path, opener, own_truth: Path | None = None) -> FileResult:
        info: dict = {}
        try:
            info, frames = opener()
            kept, count, masks = [], 0, 0
            single = info.get("frames") == 1
            for frame in frames:
                count += 1
                self._attach_truth(path, frame, single, own_truth)
                if frame.mask is not None:
                    masks += 1
                elif self.frames_mode == "labelled":
                    continue
                if self.keep:
                    kept.append(frame)
                self.kept += 1
                if self.full:  # enough frames: the rest of this file is not decoded
                    break
            info["frames"] = count
            info["masks"] = masks
            return FileResult(str(path), "ok", "", kept, info)
        except ReadError as exc:
            return FileResult(str(path), "error", str(exc), [], info)
        except SkipFile as exc:
            return FileResult(str(path), "skipped", str(exc), [], info)
        except MemoryError:
            return FileResult(str(path), "error", "not enough memory to read it", [], info)
        except Exception as exc:  # a library failed in a way segroi did not foresee; still one line
            return FileResult(str(path), "error", f"unexpected failure while reading ({type(exc).__name__})", [], info)

    def _attach_truth(self, path: Path, frame, single: bool, own_truth: Path | None) -> None:
        folder = self.truth or own_truth
        if folder is None or not self.read_masks:
            return
        candidates = [folder / f"{frame.name}.png"]
        if single:
            candidates.append(folder / f"{path.stem}.png")
        for label in candidates:
            if label.is_file() and not self._outside(label.resolve()):
                frame.mask = images.read_label(label, frame.shape, self.limit)
                frame.meta["truth"] = label.name
                return

    # -- EchoNet -------------------------------------------------------------------------
    def _echonet(self, root: Path) -> Iterator[FileResult]:
        if any(self._outside((root / name).resolve()) for name in (echonet.FILELIST, echonet.TRACINGS, "Videos")):
            yield FileResult(str(root), "error", OUTSIDE)
            return
        tables = echonet.read_tables(root, self.read_masks)
        videos = sorted(p for p in (root / "Videos").iterdir() if p.suffix.lower() == ".avi" and p.is_file())
        self.seen_dirs.add((root / "Videos").resolve())
        for video in videos:
            if self.full:
                return
            self.seen_files.add(video.resolve())
            if self._outside(video.resolve()):
                yield FileResult(str(video), "error", OUTSIDE)
                continue
            yield self._collect(video, lambda v=video: echonet.open_echonet_video(
                v, tables, salt=self.salt, limit=self.limit, read_masks=self.read_masks))
        stems = {v.stem for v in videos}
        orphans = sorted(set(tables.tracings) - stems)
        if orphans:
            tables.note(echonet.TRACINGS, f"tracings for {len(orphans)} video(s) with no file in Videos/ "
                                          f"(e.g. {orphans[0]})")
        for table in (echonet.FILELIST, echonet.TRACINGS):
            path = root / table
            self.seen_files.add(path.resolve())
            reasons = tables.problems.get(table)
            if reasons:
                more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
                yield FileResult(str(path), "error", "; ".join(reasons[:3]) + more, info={"format": "echonet"})
            elif table == echonet.TRACINGS and not self.read_masks:
                yield FileResult(str(path), "skipped", "ground truth not read (label-free)", info={"format": "echonet"})
            else:
                yield FileResult(str(path), "skipped", "EchoNet-Dynamic table, read with the videos",
                                 info={"format": "echonet"})
        for other in sorted(root.iterdir()):
            if other.name.startswith(".") or other.name in (echonet.FILELIST, echonet.TRACINGS, "Videos"):
                continue
            if other.is_dir():
                yield from self._folder(other)
            else:
                yield from self._file(other)


def iter_load(paths, *, truth=None, salt=None, read_masks: bool = True, frames: str = "all",
              limit: int | None = None, keep_pixels: bool = True, within=None,
              max_frames: int | None = None) -> Iterator[FileResult]:
    """One `FileResult` per input file, in order; see the package docstring.

    `within` (folders): anything whose real path lies outside them - a link leading out included - is
    reported as an error and not read (engine.data.roots). `max_frames`: reading stops, mid-file too,
    as soon as that many frames are kept (a stopped file's `frames` counts what was read)."""
    if truth is not None and not read_masks:
        raise ValueError("truth given with read_masks=False")
    walk = _Walk(Path(truth) if truth is not None else None, salt, read_masks, frames,
                 limit or max_file_bytes(), keep_pixels, within=within, max_frames=max_frames)
    if truth is not None and not Path(truth).is_dir():
        yield FileResult(str(truth), "error", "the ground-truth folder does not exist")
    yield from walk.run(_as_paths(paths))


def load(paths, *, truth=None, salt=None, read_masks: bool = True, frames: str = "all",
         limit: int | None = None, within=None, max_frames: int | None = None) -> LoadResult:
    result = LoadResult()
    for item in iter_load(paths, truth=truth, salt=salt, read_masks=read_masks, frames=frames, limit=limit,
                          within=within, max_frames=max_frames):
        result.frames.extend(item.frames)
        if item.status == "error":
            result.problems.append(item.problem)
        elif item.status == "skipped":
            result.skipped.append(item.problem or _skip(item))
    return result


def _skip(item: FileResult):
    from engine.data.problems import FileProblem

    return FileProblem(item.path, item.reason)


def inspect(paths, *, salt=None, limit: int | None = None) -> list[dict]:
    """One plain dict per file for `segroi inspect` (pixels are decoded, then dropped)."""
    entries = []
    for item in iter_load(paths, salt=salt, limit=limit, keep_pixels=False):
        info = item.info
        spacing = info.get("spacing_mm") if item.status == "ok" else None
        entries.append({
            "path": item.path,
            "status": item.status,
            "reason": item.reason or None,
            "format": info.get("format"),
            "frames": info.get("frames") if item.status == "ok" else None,
            "rows": info.get("rows"),
            "columns": info.get("columns"),
            "photometric": info.get("photometric"),
            "transfer_syntax": info.get("transfer_syntax"),
            "spacing_mm": [spacing[1], spacing[0]] if spacing else None,  # [x, y] = [column mm, row mm]
            "spacing_reason": None if spacing else info.get("spacing_reason"),
            "spacing_source": info.get("spacing_source"),
            "frame_time_ms": info.get("frame_time_ms"),
            "masks": info.get("masks"),
            "warnings": list(info.get("warnings") or []),
        })
    return entries
