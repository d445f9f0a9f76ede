"""The one reader: walk paths, dispatch each file to its format, collect frames and problems.

Every failure becomes a `FileResult` with status "error" and a plain reason; nothing raises
out of `iter_load` for a bad file, so the rest of a batch always goes on.

Reading happens in two steps, so that listing and decoding can run in different processes
(`segroi segment --ray` lists on the driver and decodes on the cluster):
* `plan(paths, ...)` walks the paths without decoding anything. It yields, in order, a
  `FileResult` for what the walk alone decides (missing paths, skipped files, a broken
  frames.json), a `ReadTask` for each file to decode, and an `EchoNetSummary` for the tables of
  an EchoNet folder, whose entries follow its videos.
* `read(task)` decodes one file into its `FileResult`. A task is plain, picklable data: the
  options (salt resolved, so every process hashes studies alike), the file's own frames.json
  entry and its own part of the EchoNet tables.
* `finish(summary, results)` gives the EchoNet tables' entries once their videos are read
  (tracing problems are found while reading a video).
`iter_load` is exactly these three steps in one process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.data import camus, dicom, echonet, images
from engine.data.problems import FileResult, LoadResult, ReadError, SkipFile, max_file_bytes
from engine.data.video import VIDEO_SUFFIXES, open_video

FRAME_MODES = ("all", "labelled")
OUTSIDE = "outside the data roots (a link that leads out of them is not followed)"
# Where the tracing problems a video's reading found travel back to its EchoNet summary.
TABLE_PROBLEMS = "table_problems"


@dataclass(frozen=True)
class ReadOptions:
    truth: Path | None
    salt: str | None
    read_masks: bool
    frames: str
    limit: int
    keep: bool
    within: tuple[Path, ...] | None = None  # data roots (engine.data.roots); None: anywhere

    def outside(self, real: Path) -> bool:
        """True when `real` (a resolved path) lies outside the data roots."""
        from engine.data.roots import is_within

        return self.within is not None and not is_within(real, list(self.within))


@dataclass
class ReadTask:
    """One file to decode, with everything its reading needs (see the module docstring)."""

    path: str
    kind: str  # dicom, nifti, image, video, echonet
    options: ReadOptions
    sidecar: dict | None = None  # image: {stem: frames.json entry} or None
    own_truth: str | None = None  # a dataset's own truth/ folder
    tables: "echonet.EchoNetTables | None" = None  # echonet: this video's part of the tables


@dataclass
class EchoNetSummary:
    """The tables of one EchoNet folder; `finish` turns them into entries after its videos."""

    root: Path
    tables: "echonet.EchoNetTables"
    videos: list[str]
    read_masks: bool


def _as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


class _Walk:
    """Walks paths and decides what each file is; decoding is `_Reader`'s."""

    def __init__(self, options: ReadOptions):
        self.options = options
        self.truth = options.truth
        self.read_masks = options.read_masks
        self.seen_dirs: set[Path] = set()
        self.seen_files: set[Path] = set()
        self._outside = options.outside

    # -- walking -------------------------------------------------------------------------
    def run(self, paths: Iterable[Path]) -> Iterator["FileResult | ReadTask"]:
        for path in paths:
            if self._outside(path.resolve()):
                yield FileResult(str(path), "error", OUTSIDE)
            elif not path.exists():
                yield FileResult(str(path), "error", "no such file or folder")
            elif path.is_dir():
                yield from self._folder(path)
            else:
                sidecar, result = self._sidecar(path.parent)
                if (
                    result is not None
                    and result.status == "error"
                    and Path(result.path).resolve() not in self.seen_files
                ):
                    self.seen_files.add(Path(result.path).resolve())
                    yield result  # a broken frames.json matters to the file read beside it
                yield from self._file(path, sidecar=sidecar, own_truth=self._own_truth(path.parent, result))

    def _folder(self, folder: Path) -> Iterator["FileResult | ReadTask"]:
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
    def _file(self, path: Path, sidecar=None, own_truth: Path | None = None) -> Iterator["FileResult | ReadTask"]:
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
            kind = self._classify(path)
        except ReadError as exc:
            yield FileResult(str(path), "error", str(exc))
            return
        if isinstance(kind, FileResult):
            yield kind
            return
        if kind == "image" and sidecar is not None:
            sidecar = {path.stem: sidecar[path.stem]} if path.stem in sidecar else {}
        yield ReadTask(
            str(path),
            kind,
            self.options,
            sidecar=sidecar if kind == "image" else None,
            own_truth=str(own_truth) if own_truth is not None else None,
        )

    def _classify(self, path: Path):
        """The file's kind (dicom, nifti, image, video), or a FileResult for skipped files."""
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
            return "dicom"
        if camus.is_ground_truth(path):
            return FileResult(str(path), "skipped", "ground-truth labels, read together with their image")
        if camus.is_nifti(path):
            gt = camus.ground_truth_for(path) if self.read_masks else None
            if gt is not None and self._outside(gt.resolve()):  # its _gt file is a link out of the roots
                return FileResult(str(path), "error", OUTSIDE)
            return "nifti"
        if suffix in images.IMAGE_SUFFIXES:
            return "image"
        if suffix in VIDEO_SUFFIXES:
            return "video"
        if suffix in (".mhd", ".raw", ".cfg"):
            return FileResult(str(path), "skipped", "MHD/RAW (older CAMUS release) is not read; use the NIfTI release")
        if dicom.looks_like_dicom(head, suffix):
            return "dicom"
        if name == images.SIDECAR:
            return FileResult(str(path), "skipped", "segroi frame list, read with the images beside it")
        return FileResult(str(path), "skipped", "not a format segroi reads (DICOM, NIfTI, PNG/JPEG/BMP/TIFF, AVI/MP4)")

    # -- EchoNet -------------------------------------------------------------------------
    def _echonet(self, root: Path) -> Iterator:
        if any(self._outside((root / name).resolve()) for name in (echonet.FILELIST, echonet.TRACINGS, "Videos")):
            yield FileResult(str(root), "error", OUTSIDE)
            return
        tables = echonet.read_tables(root, self.read_masks)
        videos = sorted(p for p in (root / "Videos").iterdir() if p.suffix.lower() == ".avi" and p.is_file())
        self.seen_dirs.add((root / "Videos").resolve())
        inside = []
        for video in videos:
            self.seen_files.add(video.resolve())
            if self._outside(video.resolve()):
                yield FileResult(str(video), "error", OUTSIDE)
                continue
            inside.append(video)
            yield ReadTask(str(video), "echonet", self.options, tables=tables.for_video(video.stem))
        for table in (echonet.FILELIST, echonet.TRACINGS):
            self.seen_files.add((root / table).resolve())
        yield EchoNetSummary(root, tables, [str(v) for v in inside], self.read_masks)
        for other in sorted(root.iterdir()):
            if other.name.startswith(".") or other.name in (echonet.FILELIST, echonet.TRACINGS, "Videos"):
                continue
            if other.is_dir():
                yield from self._folder(other)
            else:
                yield from self._file(other)


class _Reader:
    """Decodes one `ReadTask` into its `FileResult`."""

    def __init__(self, task: ReadTask, max_frames: int | None = None):
        self.task = task
        self.max_frames = max_frames
        o = task.options
        self.salt, self.limit, self.read_masks, self.keep = o.salt, o.limit, o.read_masks, o.keep
        self.truth = o.truth
        self.frames_mode = o.frames

    def result(self) -> FileResult:
        task, path = self.task, Path(self.task.path)
        own_truth = Path(task.own_truth) if task.own_truth is not None else None
        if task.kind == "dicom":
            opener = lambda: dicom.open_dicom(path, salt=self.salt, limit=self.limit)  # noqa: E731
        elif task.kind == "nifti":
            opener = lambda: camus.open_nifti(  # noqa: E731
                path,
                salt=self.salt,
                limit=self.limit,
                read_masks=self.read_masks,
            )
        elif task.kind == "image":
            opener = lambda: images.open_image(  # noqa: E731
                path,
                sidecar=task.sidecar,
                salt=self.salt,
                limit=self.limit,
            )
        elif task.kind == "video":
            opener = lambda: self._loose_video(path)  # noqa: E731
        elif task.kind == "echonet":
            tables = task.tables
            assert tables is not None  # the walk gives every EchoNet video its part of the tables
            opener = lambda: echonet.open_echonet_video(  # noqa: E731
                path,
                tables,
                salt=self.salt,
                limit=self.limit,
                read_masks=self.read_masks,
            )
        else:
            raise ValueError(f"unknown read task kind {task.kind!r}")
        result = self._collect(path, opener, own_truth)
        if task.tables is not None and task.tables.problems:
            result.info[TABLE_PROBLEMS] = {k: list(v) for k, v in task.tables.problems.items()}
        return result

    def _loose_video(self, path: Path):
        from engine.data.frame import Frame
        from engine.data.privacy import study_hash

        facts, arrays = open_video(path, self.limit)
        frame_ms = 1000.0 / facts["fps"] if facts["fps"] else None
        reason = "no calibration: a video file carries none"
        info = {
            "format": "video",
            "rows": facts["rows"],
            "columns": facts["columns"],
            "frames": facts["frames"],
            "photometric": None,
            "transfer_syntax": None,
            "spacing_mm": None,
            "spacing_source": None,
            "spacing_reason": reason,
            "frame_time_ms": frame_ms,
            "warnings": [],
        }
        study = study_hash(str(path.resolve()), self.salt)
        meta = {"format": "video", "path": str(path), "spacing_source": None, "spacing_reason": reason}
        gen = (
            Frame(
                pixels=a,
                spacing_mm=None,
                study=study,
                source=path.stem,
                index=i,
                frame_time_ms=frame_ms,
                meta=dict(meta),
            )
            for i, a in enumerate(arrays)
        )
        return info, gen

    def _collect(self, path: Path, opener, own_truth: Path | None = None) -> FileResult:
        info: dict = {}
        try:
            info, frames = opener()
            kept, count, masks, taken = [], 0, 0, 0
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
                taken += 1
                if self.max_frames is not None and taken >= self.max_frames:
                    break  # enough frames: the rest of this file is not decoded
            info["frames"] = count
            info["masks"] = masks
            info["kept"] = taken
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
            if label.is_file() and not self.task.options.outside(label.resolve()):
                frame.mask = images.read_label(label, frame.shape, self.limit)
                frame.meta["truth"] = label.name
                return


def plan(
    paths,
    *,
    truth=None,
    salt=None,
    read_masks: bool = True,
    frames: str = "all",
    limit: int | None = None,
    keep_pixels: bool = True,
    within=None,
) -> Iterator:
    """Walk `paths` without decoding: FileResult, ReadTask and EchoNetSummary items, in order.
    `within` (folders): anything whose real path lies outside them - a link leading out included - is
    reported as an error and not read (engine.data.roots)."""
    from engine.data.privacy import default_salt

    if truth is not None and not read_masks:
        raise ValueError("truth given with read_masks=False")
    if frames not in FRAME_MODES:
        raise ValueError(f"frames must be one of {FRAME_MODES}")
    options = ReadOptions(
        Path(truth).resolve() if truth is not None else None,
        salt if salt is not None else default_salt(),
        read_masks,
        frames,
        limit or max_file_bytes(),
        keep_pixels,
        None if within is None else tuple(Path(r).resolve() for r in within),
    )
    if truth is not None and not Path(truth).is_dir():
        yield FileResult(str(truth), "error", "the ground-truth folder does not exist")
    yield from _Walk(options).run(_as_paths(paths))


def read(task: ReadTask, max_frames: int | None = None) -> FileResult:
    """Decode one file: the same FileResult the walk would give for it (see `plan`); with
    `max_frames`, decoding stops once that many frames are kept."""
    return _Reader(task, max_frames).result()


def finish(summary: EchoNetSummary, results: Iterable[FileResult]) -> list[FileResult]:
    """The EchoNet tables' entries, given the results of the summary's videos (in order)."""
    tables = summary.tables
    for item in results:
        for table, reasons in (item.info.get(TABLE_PROBLEMS) or {}).items():
            for reason in reasons:
                tables.note(table, reason)
    stems = {Path(v).stem for v in summary.videos}
    orphans = sorted(set(tables.tracings) - stems)
    if orphans:
        tables.note(
            echonet.TRACINGS, f"tracings for {len(orphans)} video(s) with no file in Videos/ (e.g. {orphans[0]})"
        )
    out = []
    for table in (echonet.FILELIST, echonet.TRACINGS):
        path = summary.root / table
        reasons = tables.problems.get(table)
        if reasons:
            more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
            out.append(FileResult(str(path), "error", "; ".join(reasons[:3]) + more, info={"format": "echonet"}))
        elif table == echonet.TRACINGS and not summary.read_masks:
            out.append(
                FileResult(str(path), "skipped", "ground truth not read (label-free)", info={"format": "echonet"})
            )
        else:
            out.append(
                FileResult(
                    str(path), "skipped", "EchoNet-Dynamic table, read with the videos", info={"format": "echonet"}
                )
            )
    return out


def iter_load(
    paths,
    *,
    truth=None,
    salt=None,
    read_masks: bool = True,
    frames: str = "all",
    limit: int | None = None,
    keep_pixels: bool = True,
    within=None,
    max_frames: int | None = None,
) -> Iterator[FileResult]:
    """One `FileResult` per input file, in order; see the package docstring.

    `within`: see `plan`. `max_frames`: reading stops, mid-file too, as soon as that many frames are
    kept (a stopped file's `frames` counts what was read)."""
    done: dict[str, FileResult] = {}
    taken = 0
    for item in plan(
        paths,
        truth=truth,
        salt=salt,
        read_masks=read_masks,
        frames=frames,
        limit=limit,
        keep_pixels=keep_pixels,
        within=within,
    ):
        if max_frames is not None and taken >= max_frames:
            return
        if isinstance(item, ReadTask):
            result = read(item, None if max_frames is None else max_frames - taken)
            if result.status == "ok":
                taken += result.info.get("kept", len(result.frames))
            if item.kind == "echonet":
                done[item.path] = FileResult(
                    result.path, result.status, info={TABLE_PROBLEMS: result.info.get(TABLE_PROBLEMS)}
                )
            yield result
        elif isinstance(item, EchoNetSummary):
            yield from finish(item, [done.pop(v) for v in item.videos])
        else:
            yield item


def load(
    paths,
    *,
    truth=None,
    salt=None,
    read_masks: bool = True,
    frames: str = "all",
    limit: int | None = None,
    within=None,
    max_frames: int | None = None,
) -> LoadResult:
    result = LoadResult()
    for item in iter_load(
        paths,
        truth=truth,
        salt=salt,
        read_masks=read_masks,
        frames=frames,
        limit=limit,
        within=within,
        max_frames=max_frames,
    ):
        result.frames.extend(item.frames)
        if item.problem is not None:  # status "error"
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
        entries.append(
            {
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
            }
        )
    return entries
