"""Plain image folders (PNG/JPEG/BMP/TIFF), label PNGs, and `save_frames` which writes them.

A file named `<source>_<idx 3+ digits>.<ext>` becomes frame `idx` of `source` (so `segment`'s
output names round-trip). A `frames.csv` in the same folder adds what an image file cannot
carry: spacing, study, view, phase, frame time. Its columns (all but `file` optional):
    file, study, view, phase, spacing_row_mm, spacing_col_mm, frame_time_ms
A `study` that is not already a segroi hash (16 hex characters) is hashed on reading.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from engine.data.frame import Frame, STRUCTURES
from engine.data.privacy import study_hash
from engine.data.problems import ReadError, check_bytes, valid_spacing

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
MANIFEST = "frames.csv"
MANIFEST_COLUMNS = ["file", "study", "view", "phase", "spacing_row_mm", "spacing_col_mm", "frame_time_ms"]
NAMED_FRAME = re.compile(r"^(?P<source>.+)_(?P<index>\d{3,})$")
HASHED = re.compile(r"^[0-9a-f]{16}$")
MAX_LABEL = max(STRUCTURES.values())


def split_name(stem: str) -> tuple[str, int]:
    m = NAMED_FRAME.match(stem)
    return (m["source"], int(m["index"])) if m else (stem, 0)


def read_manifest(path: Path) -> dict[str, dict]:
    """file name -> row. Raises ReadError when the table is unusable."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            if "file" not in columns:
                raise ReadError(f"{MANIFEST} has no 'file' column (columns: {', '.join(columns) or 'none'})")
            rows = {}
            for row in reader:
                row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                if row.get("file"):
                    rows[row["file"]] = row
            return rows
    except ReadError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReadError(f"{MANIFEST} could not be read ({exc})") from None


def _grey_image(path: Path, limit: int) -> tuple[np.ndarray, list[str]]:
    from PIL import Image, UnidentifiedImageError

    notes: list[str] = []
    try:
        with Image.open(path) as im:
            w, h = im.size
            check_bytes("the image", w * h * 4, limit)
            if w <= 0 or h <= 0:
                raise ReadError("the image has no pixels")
            if getattr(im, "n_frames", 1) > 1:
                notes.append(f"{im.n_frames} pages/frames in the file; only the first is read")
            mode = im.mode
            if mode in ("I;16", "I;16B", "I;16L", "I"):
                a = np.asarray(im).astype(np.float32)
                top = 65535.0 if mode.startswith("I;16") or a.max(initial=0) > 255 else 255.0
                a = a / top
            elif mode == "F":
                a = np.nan_to_num(np.asarray(im, dtype=np.float32))
                a = a / 255.0 if a.max(initial=0) > 1.0 else a
            else:
                a = np.asarray(im.convert("L"), dtype=np.float32) / 255.0
    except ReadError:
        raise
    except UnidentifiedImageError:
        raise ReadError("not a readable image (unknown or damaged format)") from None
    except Image.DecompressionBombError as exc:
        raise ReadError(f"image refused as too large ({exc})") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ReadError(f"the image is damaged or truncated ({exc})") from None
    if a.ndim != 2:
        raise ReadError(f"the image decoded to shape {a.shape}, not a 2-D picture")
    return np.ascontiguousarray(np.clip(a, 0.0, 1.0), dtype=np.float32), notes


def _float_or_none(text: str | None, what: str, notes: list[str]) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        notes.append(f"{what} {text!r} in {MANIFEST} is not a number; ignored")
        return None
    return value


def open_image(path: Path, *, manifest: dict | None, salt, limit: int):
    pixels, notes = _grey_image(path, limit)
    source, index = split_name(path.stem)
    row = (manifest or {}).get(path.name, {})
    spacing = None
    reason = "no calibration: an image file carries none"
    src = None
    r, c = (_float_or_none(row.get(k), k, notes) for k in ("spacing_row_mm", "spacing_col_mm"))
    if r is not None or c is not None:
        vr, vc = valid_spacing(r), valid_spacing(c)
        if vr is None or vc is None:
            reason = f"{MANIFEST} gives an unusable spacing ({r!r}, {c!r}) mm"
            notes.append(f"spacing unknown: {reason}")
        else:
            spacing, reason, src = (vr, vc), None, MANIFEST
    frame_ms = _float_or_none(row.get("frame_time_ms"), "frame_time_ms", notes)
    if frame_ms is not None and not (math.isfinite(frame_ms) and frame_ms > 0):
        notes.append(f"frame_time_ms {frame_ms!r} ignored")
        frame_ms = None
    given = row.get("study", "")
    study = given if HASHED.match(given) else study_hash(given or source, salt)
    view = row.get("view") or None
    phase = row.get("phase") or None
    if phase and phase not in ("ED", "ES"):
        notes.append(f"phase {phase!r} is not ED or ES; ignored")
        phase = None
    info = {"format": "image", "rows": pixels.shape[0], "columns": pixels.shape[1], "frames": 1,
            "photometric": None, "transfer_syntax": None, "spacing_mm": spacing,
            "spacing_source": src, "spacing_reason": reason, "frame_time_ms": frame_ms,
            "warnings": notes}
    meta = {"format": "image", "path": str(path), "spacing_source": src, "spacing_reason": reason}
    frame = Frame(pixels=pixels, spacing_mm=spacing, study=study, source=source, index=index,
                  view=view, phase=phase, frame_time_ms=frame_ms, meta=meta)
    return info, iter([frame])


def read_label(path: Path, shape: tuple[int, int], limit: int) -> np.ndarray:
    """A label PNG as uint8 (0 bg, 1 LV, 2 LA, 3 RV, 4 RA), checked against the image shape."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            check_bytes("the label image", im.size[0] * im.size[1], limit)
            if im.mode not in ("L", "P", "I", "I;16", "1"):
                raise ReadError(f"label {path.name} is {im.mode}; labels must be one channel of "
                                "integer values 0-4")
            a = np.asarray(im)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"label {path.name} could not be read ({type(exc).__name__}: {exc})") from None
    if a.shape != tuple(shape):
        raise ReadError(f"label {path.name} is {a.shape[0]}x{a.shape[1]} but its image is "
                        f"{shape[0]}x{shape[1]}")
    if a.size and int(a.max()) > MAX_LABEL:
        raise ReadError(f"label {path.name} holds value {int(a.max())}; labels are 0-{MAX_LABEL}")
    return a.astype(np.uint8)


def save_frames(frames, images_dir, truth_dir=None) -> list[Path]:
    """Write frames as `<Frame.name>.png` (8-bit grey) + frames.csv; masks as label PNGs.

    `load(images_dir, truth=truth_dir)` reads them back: same names, spacing, study, view,
    phase, frame time and masks; pixels rounded to 1/255.
    """
    from PIL import Image

    images_dir = Path(images_dir)
    images_dir.mkdir(parents=True, exist_ok=True)
    truth = Path(truth_dir) if truth_dir is not None else None
    if truth is not None:
        truth.mkdir(parents=True, exist_ok=True)
    written, rows = [], []
    for f in frames:
        name = f"{f.name}.png"
        grey = np.clip(np.rint(np.asarray(f.pixels, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)
        Image.fromarray(grey).save(images_dir / name)
        written.append(images_dir / name)
        if truth is not None and f.mask is not None:
            Image.fromarray(np.ascontiguousarray(f.mask, dtype=np.uint8)).save(truth / name)
        spacing = f.spacing_mm or (None, None)
        rows.append({"file": name, "study": f.study, "view": f.view or "", "phase": f.phase or "",
                     "spacing_row_mm": "" if spacing[0] is None else repr(float(spacing[0])),
                     "spacing_col_mm": "" if spacing[1] is None else repr(float(spacing[1])),
                     "frame_time_ms": "" if f.frame_time_ms is None else repr(float(f.frame_time_ms))})
    with open(images_dir / MANIFEST, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return written
