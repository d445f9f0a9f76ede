"""CAMUS NIfTI release: `patientXXXX_{2CH,4CH}_{ED,ES}[_gt].nii.gz` (and `_half_sequence`).

Orientation: the release stores each image with x (columns) first, so the array nibabel
returns is transposed to rows x columns; the header's zooms give (column mm, row mm).
CAMUS labels 1 LV, 2 myocardium, 3 LA become segroi's 1 LV, 0, 2 LA.
Any other NIfTI is read the same way, without view/phase and without masks.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import numpy as np

from engine.data.frame import STRUCTURES, Frame
from engine.data.privacy import study_hash
from engine.data.problems import ReadError, check_bytes, valid_spacing

CAMUS_NAME = re.compile(
    r"^(?P<patient>patient\d+)_(?P<view>2CH|4CH)_(?P<what>ED|ES|half_sequence|sequence)$", re.IGNORECASE
)
CAMUS_TO_SEGROI = {0: 0, 1: STRUCTURES["LV"], 2: 0, 3: STRUCTURES["LA"]}
VIEWS = {"2CH": "A2C", "4CH": "A4C"}


def nifti_stem(path: Path) -> str:
    name = path.name
    for ext in (".nii.gz", ".nii"):
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return path.stem


def is_nifti(path: Path) -> bool:
    return path.name.lower().endswith((".nii", ".nii.gz"))


def is_ground_truth(path: Path) -> bool:
    return is_nifti(path) and nifti_stem(path).lower().endswith("_gt")


def ground_truth_for(path: Path) -> Path | None:
    stem = nifti_stem(path)
    for ext in (".nii.gz", ".nii"):
        candidate = path.with_name(f"{stem}_gt{ext}")
        if candidate.is_file():
            return candidate
    return None


def _volume(path: Path, limit: int, what: str):
    import nibabel as nib
    from nibabel.openers import ImageOpener

    try:
        with _quiet_nibabel():
            img: Any = nib.load(str(path))  # a Nifti1Image (nibabel's stubs say FileBasedImage)
        shape = tuple(int(s) for s in img.shape)
    except Exception as exc:
        raise ReadError(f"{what} is not a readable NIfTI file ({type(exc).__name__}: {str(exc)[:120]})") from None
    if len(shape) == 4 and shape[3] == 1:
        shape = shape[:3]
    if len(shape) not in (2, 3) or min(shape) <= 0:
        raise ReadError(f"{what} has shape {shape}; expected a 2-D image or a 2-D + time sequence")
    check_bytes(what, int(np.prod(shape)) * 4 * 2, limit)
    try:
        data = np.asarray(img.dataobj).reshape(shape)
        # nibabel silently turns a negative pixdim positive; read the header as written
        with ImageOpener(str(path)) as fh:
            raw = type(img.header).from_fileobj(fh, check=False)
        zooms = tuple(float(z) for z in raw["pixdim"][1:3])
    except Exception as exc:
        raise ReadError(f"{what} is damaged or truncated ({type(exc).__name__}: {str(exc)[:120]})") from None
    if data.ndim == 2:
        data = data[:, :, None]
    return data, zooms  # (x, y, t)


class _quiet_nibabel:
    """nibabel reports header fixes on stderr; segroi reports its own warnings instead."""

    def __enter__(self):
        import nibabel as nib

        self.logger = nib.imageglobals.logger
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def _scale(data: np.ndarray, notes: list[str]) -> np.ndarray:
    a = data.astype(np.float32)
    if not np.all(np.isfinite(a)):
        notes.append("non-finite pixel values set to 0")
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    top = float(a.max(initial=0.0))
    if np.issubdtype(data.dtype, np.integer) or top > 1.0:
        top = 255.0 if top <= 255 else (65535.0 if top <= 65535 else top)
        a = a / top
    return np.clip(a, 0.0, 1.0)


def open_nifti(path: Path, *, salt, limit: int, read_masks: bool):
    stem = nifti_stem(path)
    match = CAMUS_NAME.match(stem)
    notes: list[str] = []
    data, zooms = _volume(path, limit, "the image")
    labels = None
    gt_path = ground_truth_for(path) if read_masks else None
    if gt_path is not None:
        gt, _ = _volume(gt_path, limit, f"its ground truth {gt_path.name}")
        if gt.shape != data.shape:
            raise ReadError(
                f"the image is {'x'.join(map(str, data.shape[:2]))} with {data.shape[2]} frame(s) "
                f"but {gt_path.name} is {'x'.join(map(str, gt.shape[:2]))} with {gt.shape[2]}"
            )
        values = np.unique(gt)
        unknown = [v for v in values.tolist() if v not in CAMUS_TO_SEGROI]
        if unknown:
            raise ReadError(f"{gt_path.name} holds label values {unknown[:5]}; CAMUS labels are 0-3")
        lut = np.zeros(4, dtype=np.uint8)
        for k, v in CAMUS_TO_SEGROI.items():
            lut[k] = v
        labels = lut[gt.astype(np.int64)]
    col_mm, row_mm = (valid_spacing(z) for z in zooms) if len(zooms) == 2 else (None, None)
    if col_mm is None or row_mm is None:
        spacing, source = None, None
        reason = f"the NIfTI header's voxel size {zooms} is not a usable spacing"
        notes.append(f"spacing unknown: {reason}")
    else:
        spacing, source, reason = (row_mm, col_mm), "NIfTI header pixdim", None
    view = VIEWS[match["view"].upper()] if match else None
    phase = match["what"].upper() if match and match["what"].upper() in ("ED", "ES") else None
    study = study_hash(match["patient"].lower() if match else str(path.resolve()), salt)
    pixels = _scale(data, notes)
    n = pixels.shape[2]
    info = {
        "format": "camus" if match else "nifti",
        "rows": pixels.shape[1],
        "columns": pixels.shape[0],
        "frames": n,
        "photometric": None,
        "transfer_syntax": None,
        "spacing_mm": spacing,
        "spacing_source": source,
        "spacing_reason": reason,
        "frame_time_ms": None,
        "warnings": notes,
    }
    meta = {"format": info["format"], "path": str(path), "spacing_source": source, "spacing_reason": reason}
    if gt_path is not None:
        meta["truth"] = gt_path.name

    def frames():
        for t in range(n):
            mask = np.ascontiguousarray(labels[:, :, t].T) if labels is not None else None
            yield Frame(
                pixels=np.ascontiguousarray(pixels[:, :, t].T),
                spacing_mm=spacing,
                study=study,
                source=stem,
                index=t,
                view=view,
                phase=phase,
                mask=mask,
                meta=dict(meta),
            )

    return info, frames()
