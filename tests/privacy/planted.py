"""Echo DICOMs that carry distinctive patient identifiers, and the search for those identifiers.

The images are phantom frames (engine/data/phantom.py) so the SSL pipeline finds chambers, written
as ultrasound DICOMs with a calibration region. File and folder names are neutral: they are the
user's own and segroi does not scrub them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# One patient. Every value is distinctive enough that finding it anywhere is a leak, not chance.
IDENTIFIERS = {
    "PatientName": "Zyxwvut^Qqqplm",
    "PatientID": "PID-7391-XQ",
    "PatientBirthDate": "19120304",
    "OtherPatientIDs": "OPID-5521-ZK",
    "PatientAddress": "77 Vrrkstraat, Blimpton",
    "InstitutionName": "Qorvath Memorial Clinic",
    "ReferringPhysicianName": "Wexlonbarr^Ingrida",
    "AccessionNumber": "ACC-55120987",
    "StudyID": "STU84421",
}
STUDY_UID_ROOT = "1.2.826.0.1.3680043.8.498.739155"  # + ".<study number>"
BROKEN_NAME = "clip_broken.dcm"
ODD_NAME = "clip_odd.dcm"

# What must never be found, each with what it is. Name parts on their own and the birth date in
# the ways a program might print a date are searched for too; every needle case-insensitively.
_BIRTH = (
    "1912-03-04",
    "1912/03/04",
    "1912.03.04",
    "04/03/1912",
    "03/04/1912",
    "04.03.1912",
    "4 March 1912",
    "March 4, 1912",
    "04-Mar-1912",
    "1912-3-4",
    "1912年3月4日",
)
NEEDLES: dict[str, str] = {}
for _kw, _value in IDENTIFIERS.items():
    NEEDLES[_value] = _kw
    if "^" in _value:
        NEEDLES[_value.replace("^", " ")] = _kw
        NEEDLES[" ".join(reversed(_value.split("^")))] = _kw
        for _part in _value.split("^"):
            NEEDLES[_part] = f"{_kw} (part)"
for _b in _BIRTH:
    NEEDLES[_b] = "PatientBirthDate"
NEEDLES[STUDY_UID_ROOT] = "StudyInstanceUID"
NEEDLES["Vrrkstraat"] = "PatientAddress (part)"
NEEDLES["Qorvath"] = "InstitutionName (part)"
NEEDLES["7391-XQ"] = "PatientID (part)"

# Each needle lowered, in the encodings a file may hold text in (PDF text goes through pdftotext).
_ENCODED = {
    (needle, enc): needle.lower().encode(enc) for needle in NEEDLES for enc in ("utf-8", "utf-16-le", "utf-16-be")
}


def leaks(content: str | bytes, where: str) -> list[str]:
    """'<where>: <identifier kind> found: ...<context>...' for every planted identifier in
    `content`, ignoring case (ASCII letters in bytes)."""
    found = set()
    if isinstance(content, str):
        low = content.lower()
        for needle, kind in NEEDLES.items():
            at = low.find(needle.lower())
            if at >= 0:
                found.add(f"{where}: {kind} found: ...{content[max(0, at - 40) : at + len(needle) + 40]!r}...")
        return sorted(found)
    low = content.lower()  # only bytes A-Z change; non-ASCII needles are also looked for as written
    for (needle, enc), encoded in _ENCODED.items():
        at = low.find(encoded)
        if at < 0 and not needle.isascii():
            at = content.find(encoded)
        if at >= 0:
            context = content[max(0, at - 60) : at + len(encoded) + 60].decode(enc, "replace")
            found.add(f"{where}: {NEEDLES[needle]} found ({enc}): ...{context!r}...")
    return sorted(found)


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (fonts embed glyphs, not plain text)."""
    import subprocess

    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8", "replace")


def study_uid(number: int) -> str:
    return f"{STUDY_UID_ROOT}.{number}"


def _dataset(pixels: np.ndarray, spacing_mm: float, uid: str, photometric: str = "MONOCHROME2"):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    colour = photometric == "RGB"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"  # US multi-frame image
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = uid
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "US"
    ds.Manufacturer = "AuditScanner"
    ds.StudyDate = "20240115"
    for keyword, value in IDENTIFIERS.items():
        setattr(ds, keyword, value)
    ds.PatientSex = "F"
    frames = pixels.shape[0]
    ds.NumberOfFrames = frames
    ds.Rows, ds.Columns = pixels.shape[1:3]
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = photometric
    if colour:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.FrameTime = 33.3
    region = Dataset()
    region.RegionSpatialFormat = 1  # 2-D tissue
    region.RegionDataType = 1
    region.RegionFlags = 0
    region.RegionLocationMinX0 = region.RegionLocationMinY0 = 0
    region.RegionLocationMaxX1 = ds.Columns - 1
    region.RegionLocationMaxY1 = ds.Rows - 1
    region.PhysicalUnitsXDirection = region.PhysicalUnitsYDirection = 3  # cm
    region.PhysicalDeltaX = region.PhysicalDeltaY = spacing_mm / 10.0
    ds.SequenceOfUltrasoundRegions = Sequence([region])
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds


def write_scans(folder: Path, truth: Path, studies: int = 3, size: int = 96) -> list[dict]:
    """One 2-frame (ED, ES) cine DICOM per study and view, and label PNGs named as `segment` writes
    them (`<stem>_<frame 3 digits>.png`). Returns one record per file (path, uid, frames)."""
    from PIL import Image

    from engine.data.phantom import make_study

    folder.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    written = []
    n = 0
    for s in range(studies):
        frames = make_study(s, seed=11, size=size)
        uid = study_uid(s + 1)
        for view in ("A4C", "A2C"):
            pair = [f for f in frames if f.view == view]
            pair.sort(key=lambda f: f.phase != "ED")
            n += 1
            stem = f"clip{n:02d}"
            grey = np.stack([np.round(f.pixels * 255).astype(np.uint8) for f in pair])
            photometric = "RGB" if n == 2 else "MONOCHROME2"  # scanners often store colour
            pixels = np.repeat(grey[..., None], 3, axis=-1) if photometric == "RGB" else grey
            ds = _dataset(pixels, pair[0].spacing_mm[0], uid, photometric)
            path = folder / f"{stem}.dcm"
            ds.save_as(path, enforce_file_format=True)
            for i, f in enumerate(pair):
                Image.fromarray(f.mask.astype(np.uint8)).save(truth / f"{stem}_{i:03d}.png")
            written.append({"path": path, "uid": uid, "frames": len(pair), "stem": stem})
    return written


def write_dicom(path: Path, pixels: np.ndarray, spacing_mm: float = 0.3, number: int = 1) -> Path:
    """Frames (F, H, W) uint8 as one planted DICOM of study `number`."""
    _dataset(pixels, spacing_mm, study_uid(number)).save_as(path, enforce_file_format=True)
    return path


def write_odd(path: Path) -> Path:
    """A scanner that wrote the patient's name, lower-cased, into a free-text tag segroi reports on
    (PhotometricInterpretation, which a reader upper-cases before quoting it)."""
    ds = _dataset(np.zeros((1, 32, 32), np.uint8), 0.3, study_uid(98))
    ds.PhotometricInterpretation = IDENTIFIERS["PatientName"].lower()
    ds.save_as(path, enforce_file_format=True)
    return path


def write_broken(path: Path) -> Path:
    """A DICOM whose header is full of identifiers but whose pixel data is cut short."""
    pixels = np.zeros((2, 32, 32), np.uint8)
    ds = _dataset(pixels, 0.3, study_uid(99))
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 3]
    ds.save_as(path, enforce_file_format=True)
    return path
