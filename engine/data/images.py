"""Plain image folders (PNG/JPEG/BMP/TIFF), label PNGs, and `save_frames` which writes them.

A file named `<source>_<idx 3+ digits>.<ext>` becomes frame `idx` of `source` (so `segment`'s
output names round-trip). A `frames.json` sidecar in the same folder (written by
`save_frames` and by the phantom) adds what an image file cannot carry:
    {"frames": {"<file stem>": {"study": ..., "view": "A4C", "phase": "ED",
                                "spacing_mm": [row_mm, col_mm], "frame_time_ms": ..., ...}}}
Other plain numeric/text fields of an entry (e.g. the phantom's true volumes) go to Frame.meta.
A `study` that is not already a segroi hash (16 hex characters) is hashed on reading.
A `truth/` folder beside a sidecar is that dataset's ground truth: never read as images,
used for masks unless ground truth is switched off (read_masks=False).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from engine.data.frame import STRUCTURES, Frame
from engine.data.privacy import study_hash
from engine.data.problems import ReadError, check_bytes, valid_spacing

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
SIDECAR = "frames.json"
TRUTH_FOLDER = "truth"
NAMED_FRAME = re.compile(r"^(?P<source>.+)_(?P<index>\d{3,})$")
HASHED = re.compile(r"^[0-9a-f]{16}$")
MAX_LABEL = max(STRUCTURES.values())
READER_META = {
    "path",
    "format",
    "spacing_source",
    "spacing_reason",
    "truth",
    "frames",
    "transfer_syntax",
    "photometric",
    "manufacturer",
    "split",
}
KNOWN_FIELDS = {"study", "index", "source", "view", "phase", "spacing_mm", "frame_time_ms", "file"}


def split_name(stem: str) -> tuple[str, int]:
    m = NAMED_FRAME.match(stem)
    return (m["source"], int(m["index"])) if m else (stem, 0)


def read_sidecar(path: Path) -> dict[str, dict]:
    """file stem -> entry. Raises ReadError when the sidecar is unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(f"{SIDECAR} could not be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"{SIDECAR} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    frames = data.get("frames") if isinstance(data, dict) else None
    if not isinstance(frames, dict) or not all(isinstance(v, dict) for v in frames.values()):
        raise ReadError(f'{SIDECAR} has no "frames" object mapping file stems to entries')
    return frames


def _grey_image(path: Path, limit: int) -> tuple[np.ndarray, list[str]]:
    from PIL import Image, UnidentifiedImageError

    notes: list[str] = []
    try:
        with Image.open(path) as im:
            w, h = im.size
            check_bytes("the image", w * h * 4, limit)
            if w <= 0 or h <= 0:
                raise ReadError("the image has no pixels")
            pages = getattr(im, "n_frames", 1)
            if pages > 1:
                notes.append(f"{pages} pages/frames in the file; only the first is read")
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


def _number(value, what: str, notes: list[str]) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        notes.append(f"{what} {value!r} in {SIDECAR} is not a number; ignored")
        return None


def open_image(path: Path, *, sidecar: dict | None, salt, limit: int):
    pixels, notes = _grey_image(path, limit)
    source, index = split_name(path.stem)
    entry = (sidecar or {}).get(path.stem, {})
    spacing = None
    reason: str | None = "no calibration: an image file carries none"
    src = None
    given = entry.get("spacing_mm")
    if given is not None:
        pair = given if isinstance(given, (list, tuple)) and len(given) == 2 else (None, None)
        r, c = (_number(v, "spacing_mm", notes) for v in pair)
        vr, vc = valid_spacing(r), valid_spacing(c)
        if vr is None or vc is None:
            reason = f"{SIDECAR} gives an unusable spacing_mm {given!r}"
            notes.append(f"spacing unknown: {reason}")
        else:
            spacing, reason, src = (vr, vc), None, SIDECAR
    frame_ms = _number(entry.get("frame_time_ms"), "frame_time_ms", notes)
    if frame_ms is not None and not (math.isfinite(frame_ms) and frame_ms > 0):
        notes.append(f"frame_time_ms {frame_ms!r} ignored")
        frame_ms = None
    study_text = str(entry.get("study") or "")
    study = study_text if HASHED.match(study_text) else study_hash(study_text or source, salt)
    view = str(entry["view"]) if entry.get("view") else None
    phase = str(entry["phase"]) if entry.get("phase") else None
    if phase and phase not in ("ED", "ES"):
        notes.append(f"phase {phase!r} is not ED or ES; ignored")
        phase = None
    info = {
        "format": "image",
        "rows": pixels.shape[0],
        "columns": pixels.shape[1],
        "frames": 1,
        "photometric": None,
        "transfer_syntax": None,
        "spacing_mm": spacing,
        "spacing_source": src,
        "spacing_reason": reason,
        "frame_time_ms": frame_ms,
        "warnings": notes,
    }
    meta = {k: v for k, v in entry.items() if k not in KNOWN_FIELDS and _plain(v)}
    meta.update({"format": "image", "path": str(path), "spacing_source": src, "spacing_reason": reason})
    frame = Frame(
        pixels=pixels,
        spacing_mm=spacing,
        study=study,
        source=source,
        index=index,
        view=view,
        phase=phase,
        frame_time_ms=frame_ms,
        meta=meta,
    )
    return info, iter([frame])


def _plain(value) -> bool:
    return isinstance(value, (bool, int, float)) or (isinstance(value, str) and len(value) <= 200)


def read_label(path: Path, shape: tuple[int, int], limit: int) -> np.ndarray:
    """A label PNG as uint8 (0 bg, 1 LV, 2 LA, 3 RV, 4 RA), checked against the image shape."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            check_bytes("the label image", im.size[0] * im.size[1], limit)
            if im.mode not in ("L", "P", "I", "I;16", "1"):
                raise ReadError(f"label {path.name} is {im.mode}; labels must be one channel of integer values 0-4")
            a = np.asarray(im)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"label {path.name} could not be read ({type(exc).__name__}: {exc})") from None
    if a.shape != tuple(shape):
        raise ReadError(f"label {path.name} is {a.shape[0]}x{a.shape[1]} but its image is {shape[0]}x{shape[1]}")
    if a.size and int(a.max()) > MAX_LABEL:
        raise ReadError(f"label {path.name} holds value {int(a.max())}; labels are 0-{MAX_LABEL}")
    return a.astype(np.uint8)


def save_frames(frames, images_dir, truth_dir=None) -> list[Path]:
    """Write frames as `<Frame.name>.png` (8-bit grey) + frames.json; masks as label PNGs.

    `load(images_dir, truth=truth_dir)` reads them back: same names, spacing, study, view,
    phase, frame time and masks; pixels rounded to 1/255. (With truth_dir = images_dir/truth
    the masks are found without naming it.)
    """
    from engine.files import atomic_write, write_png

    images_dir = Path(images_dir)
    images_dir.mkdir(parents=True, exist_ok=True)
    truth = Path(truth_dir) if truth_dir is not None else None
    if truth is not None:
        truth.mkdir(parents=True, exist_ok=True)
    sidecar_path = images_dir / SIDECAR
    try:
        entries = read_sidecar(sidecar_path) if sidecar_path.is_file() else {}
    except ReadError:
        entries = {}
    written = []
    for f in frames:
        name = f"{f.name}.png"
        grey = np.clip(np.rint(np.asarray(f.pixels, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)
        write_png(images_dir / name, grey)  # a private temporary file, renamed: no planted link is followed
        written.append(images_dir / name)
        if truth is not None and f.mask is not None:
            write_png(truth / name, np.ascontiguousarray(f.mask, dtype=np.uint8))
        entry = {k: v for k, v in (f.meta or {}).items() if _plain(v) and k not in READER_META}
        entry.update(
            {
                "study": f.study,
                "index": f.index,
                "view": f.view,
                "phase": f.phase,
                "spacing_mm": list(map(float, f.spacing_mm)) if f.spacing_mm else None,
                "frame_time_ms": f.frame_time_ms,
            }
        )
        entries[f.name] = entry
    text = json.dumps({"frames": entries}, indent=1, sort_keys=True).encode("utf-8")
    atomic_write(sidecar_path, lambda fh: fh.write(text))
    return written
