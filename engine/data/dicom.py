"""DICOM ultrasound: header checks before any pixel is decoded, calibration, greyscale frames.

Order of work for one file:
1. parse the header with large values deferred (pixel data is not read yet);
2. refuse what cannot work, in plain words: no pixel data, zero frames, absurd sizes (before
   allocating), native pixel data whose length is not what rows x columns x frames x samples x
   bytes make (apart from the one padding byte), compressed pixel data whose own codestream
   headers declare another size, component count or a larger bit depth, or whose Extended Offset
   Table points anywhere but at a fragment (engine.data.codestream, read before any decoder runs),
   unsupported bit depth / photometric / transfer syntax;
3. calibration from the Sequence of Ultrasound Regions, else PixelSpacing, else None;
4. decode frame by frame (pydicom's iter_pixels reads one frame at a time) to float32 grey.
Patient tags are never copied; their values are scrubbed from every message (ignoring case).
Free-text tag values are not echoed in messages at all: a value outside DICOM's defined terms
(a photometric interpretation, a transfer syntax UID that is not digits and dots) is called
unrecognised, and quoted values are cut from library messages.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from typing import Any
from pathlib import Path

import numpy as np

from engine.data import codestream
from engine.data.frame import Frame
from engine.data.privacy import phi_values, scrub, study_hash
from engine.data.problems import ReadError, SkipFile, check_bytes, valid_spacing

# pydicom logs (and warns about) invalid values WITH the values in them, which may be a
# patient's name. segroi reports its own scrubbed messages instead, so pydicom's log records
# are dropped at the logger (a filter stops them before any handler, attached or not) and
# value validation on reading is off.
_PYDICOM_LOG = logging.getLogger("pydicom")
_PYDICOM_LOG.propagate = False
_PYDICOM_LOG.addFilter(lambda record: False)


def _quiet_validation() -> None:
    from pydicom import config

    config.settings.reading_validation_mode = config.IGNORE


MONO = ("MONOCHROME1", "MONOCHROME2")
COLOUR = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_RCT", "YBR_ICT")
SUPPORTED_PHOTOMETRIC = MONO + ("PALETTE COLOR",) + COLOUR
SUPPORTED_BITS = (8, 16, 32)
PIXEL_DATA = 0x7FE00010
UNDEFINED_LENGTH = 0xFFFFFFFF
# PS3.3 C.7.6.3.1.2: the defined terms of Photometric Interpretation (safe to name in a message).
PHOTOMETRIC_TERMS = SUPPORTED_PHOTOMETRIC + ("HSV", "ARGB", "CMYK", "YBR_PARTIAL_422", "YBR_PARTIAL_420", "XYB")


def looks_like_dicom(head: bytes, suffix: str) -> bool:
    """DICM marker, a .dcm name, or a raw (preamble-less) header starting in group 0002/0008."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return True
    if suffix in (".dcm", ".dicom", ".dic"):
        return True
    if len(head) >= 8 and head[:2] in (b"\x02\x00", b"\x08\x00") and head[3:4] == b"\x00":
        vr = head[4:6]
        explicit = vr.isalpha() and vr.isupper()
        length = int.from_bytes(head[4:8], "little")
        return explicit or length < 1024
    return False


def _read_header(path: Path):
    import pydicom
    from pydicom.errors import InvalidDicomError

    _quiet_validation()  # here, not at import: segroi imports this module without pydicom too

    try:
        return pydicom.dcmread(path, defer_size=4096)
    except InvalidDicomError:
        pass
    except Exception as exc:
        raise ReadError(f"not a readable DICOM file ({_short(exc)})") from None
    try:  # no DICM marker: accept a raw header only if it parses into image tags
        ds = pydicom.dcmread(path, defer_size=4096, force=True)
    except Exception as exc:
        raise ReadError(f"not a DICOM file ({_short(exc)})") from None
    if "Rows" not in ds and PIXEL_DATA not in ds._dict:
        raise ReadError("not a DICOM file (no DICM marker and no image header)")
    return ds


def _sop_class_name(ds) -> str | None:
    """The registered name of the object's SOP class ("Media Storage Directory Storage", ...)."""
    from pydicom.uid import UID

    meta = getattr(ds, "file_meta", None)
    for value in (meta.get("MediaStorageSOPClassUID") if meta is not None else None, ds.get("SOPClassUID")):
        try:
            name = UID(str(value)).name if value else ""
        except Exception:
            name = ""
        if name and name != str(value):
            return name
    return None


def _ends_early(ds, path: Path) -> bool:
    """True when the last element pydicom parsed runs past the end of the file or leaves bytes over."""
    try:
        last = next(reversed(ds._dict.values()))
        tell, length = getattr(last, "value_tell", None), getattr(last, "length", None)
        if tell is None or length in (None, UNDEFINED_LENGTH):
            return False
        return tell + length != os.path.getsize(path)
    except Exception:
        return False


def _short(exc: BaseException | Warning | str, limit: int = 200) -> str:
    """A library's message on one line, with every quoted value cut out: a tag's value (which may be
    a patient's name, in any case) is never echoed."""
    import re

    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    text = re.sub(r"'[^']*'|\"[^\"]*\"|b'[^']*'", "'…'", text)
    return (text or type(exc).__name__)[:limit]


def _named(value: str, terms) -> str:
    """`value` quoted when it is one of DICOM's defined `terms`; otherwise not echoed."""
    return repr(value) if value in terms else "an unrecognised value"


def _uid_text(uid) -> str:
    """ "with UID 1.2.3" for a well-formed UID; a malformed one is not echoed."""
    text = str(uid)
    ok = text and len(text) <= 64 and all(c.isdigit() or c == "." for c in text)
    return f"with UID {text}" if ok else "with an unreadable UID"


def _required(ds, keyword: str) -> int:
    """A whole-number header value that must be there (ReadError when missing, empty or not whole)."""
    value = _whole(ds, keyword, required=True)
    assert value is not None  # required=True raises instead
    return value


def _whole(ds, keyword: str, default=None, *, required=False) -> int | None:
    if keyword not in ds:
        if required:
            raise ReadError(f"the header has no {keyword}")
        return default
    try:
        value = ds[keyword].value
        if value is None or value == "":
            if required:
                raise ReadError(f"{keyword} is empty")
            return default
        if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
            raise ReadError(f"{keyword} holds several values")
        number = float(value)
    except ReadError:
        raise
    except Exception:
        raise ReadError(f"{keyword} is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise ReadError(f"{keyword} is not a whole number ({number:g})")
    return int(number)


def _number(item, keyword: str) -> float | None:
    try:
        value = item.get(keyword)
        return None if value is None or value == "" else float(value)
    except Exception:
        return None


def calibration(ds) -> dict:
    """spacing_mm (row_mm, col_mm) or None, with spacing_source / spacing_reason / warnings."""
    warnings: list[str] = []
    out: dict[str, Any] = {"spacing_mm": None, "spacing_source": None, "spacing_reason": None, "warnings": warnings}
    try:
        regions = list(ds.get("SequenceOfUltrasoundRegions") or [])
    except Exception:
        regions = []
        warnings.append("the Sequence of Ultrasound Regions could not be read")
    candidates = []
    for i, region in enumerate(regions, 1):
        fmt = _number(region, "RegionSpatialFormat")
        ux = _number(region, "PhysicalUnitsXDirection")
        uy = _number(region, "PhysicalUnitsYDirection")
        if fmt != 1 or ux != 3 or uy != 3:
            continue
        x0, y0, x1, y1 = (
            _number(region, k)
            for k in ("RegionLocationMinX0", "RegionLocationMinY0", "RegionLocationMaxX1", "RegionLocationMaxY1")
        )
        area = 0.0
        if x0 is not None and y0 is not None and x1 is not None and y1 is not None and x1 >= x0 and y1 >= y0:
            area = (x1 - x0 + 1) * (y1 - y0 + 1)
        candidates.append((area, -i, i, region))
    if candidates:
        area, _, i, region = max(candidates, key=lambda c: (c[0], c[1]))
        label = f"ultrasound region {i} of {len(regions)} (2-D, cm)"
        raw_x, raw_y = _number(region, "PhysicalDeltaX"), _number(region, "PhysicalDeltaY")
        dx = valid_spacing(raw_x * 10) if raw_x is not None else None
        dy = valid_spacing(raw_y * 10) if raw_y is not None else None
        if dx is None or dy is None:
            bad = [
                f"{name} {v!r}"
                for name, v, ok in (("PhysicalDeltaX", raw_x, dx), ("PhysicalDeltaY", raw_y, dy))
                if ok is None
            ]
            reason = f"{label} has an unusable {' and '.join(bad)} cm (not a positive, finite, plausible size)"
            out["spacing_reason"] = reason
            warnings.append(f"spacing unknown: {reason}")
            return out
        others = {
            (round(_number(r, "PhysicalDeltaY") or 0, 9), round(_number(r, "PhysicalDeltaX") or 0, 9))
            for *_, r in candidates
        }
        if len(others) > 1:
            warnings.append(f"{len(candidates)} 2-D regions with different calibrations; used the largest (region {i})")
        out["spacing_mm"] = (dy, dx)
        out["spacing_source"] = label
        return out
    if "PixelSpacing" in ds:
        try:
            values = [float(v) for v in ds.PixelSpacing]
        except Exception:
            values = []
        rows_mm = valid_spacing(values[0]) if len(values) == 2 else None
        cols_mm = valid_spacing(values[1]) if len(values) == 2 else None
        if rows_mm is None or cols_mm is None:
            reason = f"PixelSpacing (0028,0030) is unusable ({values or 'unreadable'})"
            out["spacing_reason"] = reason
            warnings.append(f"spacing unknown: {reason}")
            return out
        out["spacing_mm"] = (rows_mm, cols_mm)
        out["spacing_source"] = "PixelSpacing (0028,0030)"
        return out
    if regions:
        out["spacing_reason"] = f"no calibration: none of the {len(regions)} ultrasound regions is a 2-D region in cm"
    else:
        out["spacing_reason"] = "no calibration: no Sequence of Ultrasound Regions and no PixelSpacing"
    return out


def frame_time_ms(ds, notes: list[str]) -> float | None:
    t = _number(ds, "FrameTime")
    if t is not None:
        if math.isfinite(t) and 0 < t < 10_000:
            return t
        notes.append(f"FrameTime {t!r} ms ignored (not a positive, plausible time)")
    rate = _number(ds, "CineRate")
    if rate is not None:
        if math.isfinite(rate) and 0 < rate < 10_000:
            return 1000.0 / rate
        notes.append(f"CineRate {rate!r} ignored (not a positive, plausible rate)")
    return None


def _offset_tables(ds):
    """The raw (Extended Offset Table, its Lengths) when the file has either (a missing one reads as
    empty, so the two disagree), else None."""
    tables = (0x7FE00001, 0x7FE00002)
    if not any(tag in ds._dict for tag in tables):
        return None
    out = []
    for tag in tables:
        try:
            value = ds[tag].value if tag in ds._dict else b""
        except Exception:
            raise ReadError("the Extended Offset Table cannot be read") from None
        out.append(bytes(value or b""))
    return tuple(out)


def _transfer_syntax(ds):
    from pydicom.uid import UID, ImplicitVRLittleEndian

    meta = getattr(ds, "file_meta", None)
    uid = meta.get("TransferSyntaxUID") if meta is not None else None
    if not uid:
        implicit = getattr(ds, "original_encoding", (True, True))[0]
        return ImplicitVRLittleEndian if implicit in (True, None) else UID("1.2.840.10008.1.2.1")
    return UID(str(uid))


def open_dicom(path: Path, *, salt: str | None, limit: int):
    """Check the header and return (info, frame iterator). Raises ReadError."""
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ds = _read_header(path)
        phi = phi_values(ds)
        try:
            info, frames = _prepare(ds, path, salt=salt, limit=limit, phi=phi)
        except (ReadError, SkipFile) as exc:
            raise type(exc)(scrub(str(exc), phi)) from None
        except Exception as exc:  # a header pydicom parsed but cannot interpret
            raise ReadError(f"the header could not be interpreted ({scrub(_short(exc), phi)})") from None
        caught = [scrub(_short(w.message), phi) for w in seen]
    info["warnings"] = [scrub(w, phi) for w in info["warnings"]] + _dedupe(caught)
    return info, frames


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))[:10]


def _prepare(ds, path: Path, *, salt, limit, phi):
    from pydicom.pixels import get_decoder

    if PIXEL_DATA not in ds._dict:
        if len(ds._dict) == 0:
            raise ReadError("the file ends before its data set begins (truncated, or not DICOM)")
        if _ends_early(ds, path):
            raise ReadError("the file is truncated: it ends inside its header, before any pixel data")
        if any(k in ds for k in ("Rows", "Columns", "PhotometricInterpretation", "NumberOfFrames")):
            raise ReadError("the header describes an image but the file has no pixel data")
        kind = _sop_class_name(ds)
        if kind and "Image" not in kind:
            raise SkipFile(f"a DICOM object without an image ({kind})")
        raise ReadError("the file has no pixel data (an image object cut short, or not an image)")
    ts = _transfer_syntax(ds)
    ts_name = ts.name if ts.is_transfer_syntax else _uid_text(ts)
    rows = _required(ds, "Rows")
    cols = _required(ds, "Columns")
    if rows <= 0 or cols <= 0:
        raise ReadError(f"the image is {rows} x {cols} pixels (no pixels)")
    frames = _whole(ds, "NumberOfFrames", 1)
    if frames is None:
        frames = 1
    if frames <= 0:
        raise ReadError(f"NumberOfFrames is {frames}: the file declares no frames")
    samples = _whole(ds, "SamplesPerPixel", 1) or 1
    bits = _required(ds, "BitsAllocated")
    stored = _whole(ds, "BitsStored", bits)
    signed = _whole(ds, "PixelRepresentation", 0)
    photometric = str(ds.get("PhotometricInterpretation", "") or "").strip().upper()

    early_notes: list[str] = []
    if samples not in (1, 3):
        raise ReadError(f"SamplesPerPixel {samples} is not supported (1 for grey/palette, 3 for colour)")
    # Size first: refuse before any allocation, whatever else is wrong.
    bytes_each = max(1, math.ceil(bits / 8)) if bits and bits > 0 else 1
    declared = rows * cols * frames * samples * bytes_each
    check_bytes("the header", max(declared, rows * cols * frames * 4), limit)

    if bits not in SUPPORTED_BITS:
        raise ReadError(f"BitsAllocated {bits} is not supported (segroi reads 8, 16 and 32)")
    if stored is None or not 1 <= stored <= bits:
        raise ReadError(f"BitsStored {stored} does not fit in BitsAllocated {bits}")
    if signed not in (0, 1):
        raise ReadError(f"PixelRepresentation {signed} is neither 0 (unsigned) nor 1 (signed)")
    if not photometric:
        raise ReadError("the header has no PhotometricInterpretation")
    if photometric not in SUPPORTED_PHOTOMETRIC:
        raise ReadError(
            f"photometric interpretation {_named(photometric, PHOTOMETRIC_TERMS)} is not supported "
            f"(segroi reads {', '.join(SUPPORTED_PHOTOMETRIC)})"
        )
    want = 3 if photometric in COLOUR else 1
    if samples != want:
        raise ReadError(f"{photometric} needs SamplesPerPixel {want}, the header says {samples}")
    if photometric in COLOUR and bits != 8 and photometric != "RGB":
        raise ReadError(f"{bits}-bit {photometric} is not supported (colour-difference data must be 8-bit)")
    if photometric == "RGB" and bits == 32:
        raise ReadError("32-bit colour pixels are not supported")
    planar = 0
    if samples == 3:
        declared_planar = _whole(ds, "PlanarConfiguration", None)
        if declared_planar is None:
            early_notes.append("no PlanarConfiguration for colour pixels; assumed 0 (interleaved)")
        elif declared_planar not in (0, 1):
            raise ReadError(f"PlanarConfiguration {declared_planar} is neither 0 nor 1")
        else:
            planar = declared_planar
    if photometric == "PALETTE COLOR" and bits not in (8, 16):
        raise ReadError(f"{bits}-bit PALETTE COLOR indices are not supported (8 or 16)")
    if photometric == "PALETTE COLOR" and "RedPaletteColorLookupTableDescriptor" not in ds:
        raise ReadError("PALETTE COLOR without a colour lookup table")

    try:
        decoder = get_decoder(ts)
    except NotImplementedError:
        raise ReadError(
            f"transfer syntax {ts_name} is not supported (video-encoded or unknown); "
            "export the clip uncompressed, RLE, JPEG or JPEG 2000"
        ) from None
    except Exception:
        raise ReadError(f"unknown transfer syntax {_uid_text(ts)}") from None
    if photometric in ("YBR_RCT", "YBR_ICT") and "JPEG 2000" not in ts_name:
        raise ReadError(f"{photometric} is only valid in JPEG 2000, not in {ts_name}")
    if not decoder.is_available:
        raise ReadError(f"no decoder installed for {ts_name} ({'; '.join(decoder.missing_dependencies)})")

    element = ds._dict[PIXEL_DATA]
    length = getattr(element, "length", None)
    value_tell = getattr(element, "value_tell", None)
    size = os.path.getsize(path)
    if length is None and getattr(element, "value", None) is not None:
        length = len(element.value)
    if length == 0:
        raise ReadError("the pixel data element is empty")
    if ts.is_encapsulated:
        if length not in (None, UNDEFINED_LENGTH):
            raise ReadError(f"{ts_name} pixel data must be encapsulated (undefined length)")
        if value_tell is None:
            raise ReadError("the compressed pixel data cannot be located in the file")
        # The codestreams' own sizes, before any decoder allocates for them.
        codestream.check(
            path,
            value_tell,
            transfer_syntax=ts_name,
            frames=frames,
            rows=rows,
            cols=cols,
            samples=samples,
            bits=bits,
            extended=_offset_tables(ds),
        )
    else:
        per_pixel = 2 if photometric == "YBR_FULL_422" else samples
        expected = rows * cols * frames * per_pixel * bytes_each
        need = (
            f"{rows} rows x {cols} columns x {frames} frame(s) x {per_pixel} sample(s) x "
            f"{bytes_each} byte(s) = {expected} bytes"
        )
        if length == UNDEFINED_LENGTH:
            raise ReadError(f"pixel data is encapsulated but the transfer syntax {ts_name} is not compressed")
        if length is not None and length < expected:
            raise ReadError(
                f"pixel data is shorter than the header declares: it holds {length} bytes, the header declares {need}"
            )
        if length is not None and length > expected and not (length == expected + 1 and expected % 2):
            raise ReadError(
                f"pixel data is longer than the header declares: it holds {length} bytes, "
                f"the header declares {need} (Rows, Columns or NumberOfFrames is wrong, so "
                "every frame after the first would start at the wrong byte)"
            )
        if value_tell is not None and length is not None and value_tell + min(length, expected) > size:
            raise ReadError(
                f"the file is truncated: pixel data needs {expected} bytes, "
                f"only {max(0, size - value_tell)} are present"
            )

    notes: list[str] = early_notes
    cal = calibration(ds)
    notes.extend(cal["warnings"])
    frame_ms = frame_time_ms(ds, notes)
    study_uid = str(ds.get("StudyInstanceUID", "") or "").strip()
    study = study_hash(study_uid or str(path.resolve()), salt)
    if not study_uid:
        notes.append("no StudyInstanceUID: the study is identified by the file path (hashed)")
    lut_bits = 16
    if photometric == "PALETTE COLOR":
        try:
            lut_bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
        except Exception:
            raise ReadError("the palette lookup table descriptor is unreadable") from None
        if lut_bits not in (8, 16):
            raise ReadError(f"palette lookup table entries of {lut_bits} bits are not supported")
    info = {
        "format": "dicom",
        "rows": rows,
        "columns": cols,
        "frames": frames,
        "photometric": photometric,
        "transfer_syntax": ts_name,
        "bits_allocated": bits,
        "spacing_mm": cal["spacing_mm"],
        "spacing_source": cal["spacing_source"],
        "spacing_reason": cal["spacing_reason"],
        "frame_time_ms": frame_ms,
        "manufacturer": scrub(str(ds.get("Manufacturer", "") or ""), phi) or None,
        "warnings": notes,
    }
    options = {"transfer_syntax_uid": ts}
    if samples == 3:
        options["planar_configuration"] = planar
    meta = {
        k: info[k]
        for k in ("format", "transfer_syntax", "photometric", "spacing_source", "spacing_reason", "manufacturer")
    }
    meta["path"] = str(path)

    def generate():
        from pydicom.pixels import apply_color_lut, iter_pixels

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                count = 0
                for index, arr in enumerate(iter_pixels(path, **options)):
                    if index >= frames:
                        break
                    count += 1
                    if photometric == "PALETTE COLOR":
                        arr = apply_color_lut(arr, ds)
                        pixels = _grey(arr, lut_bits, 0, invert=False)
                    else:
                        pixels = _grey(arr, stored, signed, invert=photometric == "MONOCHROME1")
                    if pixels.shape != (rows, cols):
                        raise ReadError(f"frame {index} decoded to {pixels.shape}, expected {(rows, cols)}")
                    yield Frame(
                        pixels=pixels,
                        spacing_mm=cal["spacing_mm"],
                        study=study,
                        source=path.stem,
                        index=index,
                        frame_time_ms=frame_ms,
                        meta=dict(meta, frames=frames),
                    )
                if count < frames:
                    raise ReadError(f"only {count} of {frames} declared frames could be decoded")
            except ReadError as exc:
                raise ReadError(scrub(str(exc), phi)) from None
            except MemoryError:
                raise ReadError("not enough memory to decode the pixel data") from None
            except Exception as exc:
                raise ReadError(f"pixel data could not be decoded ({ts_name}): {scrub(_short(exc), phi)}") from None

    return info, generate()


def _grey(arr: np.ndarray, bits: int, signed: int, *, invert: bool) -> np.ndarray:
    """Any decoded frame -> float32 grey in [0, 1] using the declared range, not the image's."""
    a = arr.astype(np.float32, copy=False)
    if a.ndim == 3 and a.shape[-1] == 3:
        a = a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114
    elif a.ndim != 2:
        raise ReadError(f"a frame decoded to an array of shape {arr.shape}")
    top = float(2**bits - 1)
    if signed:
        a = (a + 2 ** (bits - 1)) / top
    else:
        a = a / top
    a = np.clip(a, 0.0, 1.0)
    if invert:
        a = 1.0 - a
    return np.ascontiguousarray(a, dtype=np.float32)
