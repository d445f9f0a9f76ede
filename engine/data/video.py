"""Video files (AVI/MP4) through OpenCV: greyscale float32 frames, sizes checked first."""

from __future__ import annotations

import os
from typing import Iterator
from pathlib import Path

import numpy as np

from engine.data.problems import ReadError, check_bytes

VIDEO_SUFFIXES = {".avi", ".mp4", ".mov", ".mkv"}


def _cv2():
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # no decoder chatter on stderr
    import cv2

    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    except Exception:
        pass
    return cv2


def open_video(path: Path, limit: int) -> tuple[dict, Iterator]:
    """(facts, frame iterator). facts: rows, columns, frames (as declared), fps."""
    cv2 = _cv2()
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise ReadError("not a readable video (OpenCV could not open it)")
    w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    if w <= 0 or h <= 0:
        cap.release()
        raise ReadError("the video declares no frame size")
    try:
        check_bytes("the video", w * h * max(n, 1) * 4, limit)
    except ReadError:
        cap.release()
        raise
    facts = {"rows": h, "columns": w, "frames": n, "fps": fps if np.isfinite(fps) and fps > 0 else None}

    def frames():
        count = 0
        try:
            while True:
                ok, bgr = cap.read()
                if not ok or bgr is None:
                    break
                if bgr.ndim == 3:
                    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
                else:
                    grey = bgr
                if (count + 1) * grey.size * 4 > limit:
                    raise ReadError(
                        f"the video holds more than {count} frames, over segroi's limit of "
                        f"{limit / 2**30:.1f} GiB per file (it declared {n})"
                    )
                count += 1
                yield np.ascontiguousarray(grey, dtype=np.float32) / np.float32(255.0)
        finally:
            cap.release()
        if count == 0:
            raise ReadError("the video has no decodable frames")

    return facts, frames()
