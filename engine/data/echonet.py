"""EchoNet-Dynamic: `Videos/*.avi` + `FileList.csv` + `VolumeTracings.csv`.

Each traced frame has several VolumeTracings rows: the first is the long axis; the others
are chords across the LV. The LV outline runs down the chords' first ends (X1, Y1) and
back up their second ends (X2, Y2); the filled polygon is the LV mask (label 1). When a
video has exactly two traced frames, the larger traced area is ED and the smaller ES.
EchoNet videos are 112x112 with no calibration, so spacing stays None.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.data.frame import STRUCTURES, Frame
from engine.data.privacy import study_hash
from engine.data.problems import ReadError
from engine.data.video import open_video

FILELIST = "FileList.csv"
TRACINGS = "VolumeTracings.csv"
TRACING_COLUMNS = ("FileName", "X1", "Y1", "X2", "Y2", "Frame")
NO_SPACING = "no calibration: EchoNet-Dynamic videos are resampled to 112x112 without a pixel size"


def is_echonet_root(folder: Path) -> bool:
    return (folder / FILELIST).is_file() and (folder / TRACINGS).is_file() and (folder / "Videos").is_dir()


def _stem(name: str) -> str:
    name = name.strip()
    return name[:-4] if name.lower().endswith(".avi") else name


@dataclass
class EchoNetTables:
    root: Path
    videos: dict[str, dict] = field(default_factory=dict)  # stem -> FileList row
    tracings: dict[str, dict[str, list]] = field(default_factory=dict)  # stem -> frame text -> rows
    problems: dict[str, list[str]] = field(default_factory=dict)  # csv name -> reasons
    tracings_usable: bool = False
    listed: int | None = None  # rows in FileList.csv when this is one video's part (see for_video)

    def note(self, table: str, reason: str) -> None:
        self.problems.setdefault(table, []).append(reason)

    @property
    def any_listed(self) -> bool:
        return bool(self.videos) if self.listed is None else self.listed > 0

    def for_video(self, stem: str) -> "EchoNetTables":
        """This video's part of the tables, all that reading it needs (small enough to send to a worker)."""
        return EchoNetTables(
            self.root,
            videos={stem: self.videos[stem]} if stem in self.videos else {},
            tracings={stem: self.tracings[stem]} if stem in self.tracings else {},
            tracings_usable=self.tracings_usable,
            listed=len(self.videos) if self.listed is None else self.listed,
        )


def _read_csv(path: Path, required: tuple[str, ...]):
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            missing = [c for c in required if c not in columns]
            if missing:
                raise ReadError(f"missing column(s) {', '.join(missing)} (found: {', '.join(columns) or 'none'})")
            return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    except ReadError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReadError(f"could not be read ({exc})") from None


def read_tables(root: Path, read_masks: bool) -> EchoNetTables:
    t = EchoNetTables(root)
    try:
        for row in _read_csv(root / FILELIST, ("FileName",)):
            t.videos[_stem(row["FileName"])] = row
    except ReadError as exc:
        t.note(FILELIST, str(exc))
    if not read_masks:
        return t
    try:
        rows = _read_csv(root / TRACINGS, TRACING_COLUMNS)
        t.tracings_usable = True
    except ReadError as exc:
        t.note(TRACINGS, f"{exc}; videos load without LV masks")
        return t
    for row in rows:
        per_video = t.tracings.setdefault(_stem(row["FileName"]), {})
        per_video.setdefault(row["Frame"], []).append(row)
    return t


def _polygon(rows: list[dict], video: str, frame_text: str, shape) -> np.ndarray:
    """LV mask from one traced frame's rows; ReadError naming the video and frame when bad."""
    from skimage.draw import polygon

    where = f"{video} frame {frame_text}"
    if len(rows) < 3:
        raise ReadError(f"{where}: {len(rows)} tracing row(s); need the long axis and at least two chords")
    try:
        coords = np.array([[float(r[k]) for k in ("X1", "Y1", "X2", "Y2")] for r in rows[1:]], dtype=np.float64)
    except ValueError:
        raise ReadError(f"{where}: a coordinate is not a number") from None
    if not np.all(np.isfinite(coords)):
        raise ReadError(f"{where}: NaN or infinite coordinates")
    x = np.concatenate([coords[:, 0], coords[::-1, 2]])
    y = np.concatenate([coords[:, 1], coords[::-1, 3]])
    rr, cc = polygon(np.rint(y), np.rint(x), shape=shape)
    mask = np.zeros(shape, dtype=np.uint8)
    mask[rr, cc] = STRUCTURES["LV"]
    if not mask.any():
        raise ReadError(f"{where}: the traced outline lies outside the {shape[0]}x{shape[1]} image")
    return mask


def open_echonet_video(path: Path, tables: EchoNetTables, *, salt, limit: int, read_masks: bool):
    facts, arrays = open_video(path, limit)
    stem = path.stem
    notes: list[str] = []
    listed = tables.videos.get(stem)
    if tables.any_listed and listed is None:
        notes.append(f"{stem} is not listed in {FILELIST}")
    frame_ms = None
    fps_text = (listed or {}).get("FPS", "")
    try:
        fps = float(fps_text) if fps_text else facts["fps"]
    except ValueError:
        fps = facts["fps"]
        notes.append(f"FPS {fps_text!r} in {FILELIST} is not a number; used the video's own rate")
    if fps is not None and math.isfinite(fps) and fps > 0:
        frame_ms = 1000.0 / fps
    split = (listed or {}).get("Split") or None
    study = study_hash(stem, salt)
    meta = {"format": "echonet", "path": str(path), "spacing_source": None, "spacing_reason": NO_SPACING}
    if split:
        meta["split"] = split
    traced = tables.tracings.get(stem, {}) if read_masks else {}
    if read_masks and tables.tracings_usable and not traced:
        notes.append(f"no tracings for {stem} in {TRACINGS}")
    info = {
        "format": "echonet",
        "rows": facts["rows"],
        "columns": facts["columns"],
        "frames": facts["frames"],
        "photometric": None,
        "transfer_syntax": None,
        "spacing_mm": None,
        "spacing_source": None,
        "spacing_reason": NO_SPACING,
        "frame_time_ms": frame_ms,
        "warnings": notes,
    }

    def frames():
        out = [
            Frame(pixels=a, spacing_mm=None, study=study, source=stem, index=i, frame_time_ms=frame_ms, meta=dict(meta))
            for i, a in enumerate(arrays)
        ]
        n = len(out)
        areas = {}
        for frame_text, rows in traced.items():
            try:
                number = float(frame_text)
                if not math.isfinite(number) or number != int(number):
                    raise ReadError(f"{stem} frame {frame_text!r}: not a frame number")
                index = int(number)
                if not 0 <= index < n:
                    raise ReadError(f"{stem} frame {index}: out of range (the video has {n} frames)")
                mask = _polygon(rows, stem, frame_text, out[index].shape)
            except ReadError as exc:
                tables.note(TRACINGS, str(exc))
                notes.append(f"tracing dropped: {exc}")
                continue
            out[index].mask = mask
            out[index].meta["truth"] = TRACINGS
            areas[index] = int(mask.sum())
        if len(areas) == 2:
            (big, _), (small, _) = sorted(areas.items(), key=lambda kv: -kv[1])
            out[big].phase, out[small].phase = "ED", "ES"
        yield from out

    return info, frames()
