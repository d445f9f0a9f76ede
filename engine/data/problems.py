"""What a read produces besides frames: per-file problems, and the result of a whole load."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.data.frame import Frame
from engine.errors import SegroiError


class ReadError(Exception):
    """A file cannot be read; the message says why in plain words (no patient data)."""


class SkipFile(Exception):
    """A readable file that holds no image (a DICOMDIR, a report): skipped, not an error."""


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class FileResult:
    """One input file: its frames (empty when it failed or was skipped) and what was learnt.

    status is "ok", "error" or "skipped"; info holds the technical header facts that
    `segroi inspect` prints (never a patient identifier).
    """

    path: str
    status: str
    reason: str = ""
    frames: list[Frame] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    @property
    def problem(self) -> FileProblem | None:
        return FileProblem(self.path, self.reason) if self.status == "error" else None


@dataclass
class LoadResult:
    frames: list[Frame] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)

    def require_frames(self) -> list[Frame]:
        """The frames, or a SegroiError naming every problem when there are none."""
        if self.frames:
            return self.frames
        if self.problems:
            shown = "; ".join(str(p) for p in self.problems[:5])
            more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
            raise SegroiError(f"no image could be read: {shown}{more}")
        raise SegroiError("no image found (segroi reads DICOM, EchoNet-Dynamic, CAMUS NIfTI, PNG/JPEG and AVI)")


def require_unique_names(frames: list[Frame], advice: str) -> None:
    """Refuse frames that share `Frame.name` (`<source stem>_<idx>`), naming both source files.

    Two files with one stem in different folders (site1/a.dcm, site2/a.dcm) give the same
    names; a command keyed by name (label PNG written, ground truth looked up) would mix them
    up silently. `advice` ends the message with what the user can do.
    """
    first: dict[str, Frame] = {}
    for f in frames:
        other = first.setdefault(f.name, f)
        if other is not f:
            a = (other.meta or {}).get("path", other.source)
            b = (f.meta or {}).get("path", f.source)
            raise SegroiError(f"{a} and {b} both give frame name {f.name} (file stem + frame index); {advice}")


def check_bytes(what: str, nbytes: int, limit: int) -> None:
    """Refuse a declared size before anything is allocated."""
    if nbytes > limit:
        raise ReadError(
            f"{what} declares {nbytes / 2**30:.1f} GiB of pixels, over segroi's limit of "
            f"{limit / 2**30:.1f} GiB per file (set SEGROI_MAX_FILE_BYTES to raise it)"
        )


def valid_spacing(value) -> float | None:
    """A usable mm-per-pixel value, or None: never negative, zero, NaN, infinite or absurd."""
    import math

    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v) or v < MIN_SPACING_MM or v > MAX_SPACING_MM:
        return None
    return v


# A pixel of an echo image covers roughly 0.05-1 mm; outside these bounds a value is an error.
MIN_SPACING_MM = 1e-3
MAX_SPACING_MM = 20.0


def max_file_bytes() -> int:
    import os

    env = os.environ.get("SEGROI_MAX_FILE_BYTES")
    if env:
        try:
            return max(1, int(float(env)))
        except ValueError:
            pass
    return 2 * 2**30
