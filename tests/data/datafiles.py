"""Fixture writers for the data-reader tests: DICOM (pydicom), AVI (OpenCV), NIfTI, PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-dicom"

# Distinctive identifiers planted in test files; no output may contain them.
PHI = {
    "PatientName": "ZYXWVU^QWERTYUIOP",
    "PatientID": "PID-8675309-XQ",
    "PatientBirthDate": "19230417",
    "OtherPatientIDs": "OTHERID-4455",
    "AccessionNumber": "ACC-99887766",
}


def region(x0, y0, x1, y1, dx_cm, dy_cm, *, fmt=1, ux=3, uy=3):
    from pydicom.dataset import Dataset

    r = Dataset()
    r.RegionSpatialFormat = fmt
    r.RegionDataType = 1
    r.RegionFlags = 0
    r.RegionLocationMinX0, r.RegionLocationMinY0 = x0, y0
    r.RegionLocationMaxX1, r.RegionLocationMaxY1 = x1, y1
    r.PhysicalUnitsXDirection, r.PhysicalUnitsYDirection = ux, uy
    r.PhysicalDeltaX, r.PhysicalDeltaY = dx_cm, dy_cm
    return r


def write_dicom(
    path,
    pixels,
    *,
    photometric="MONOCHROME2",
    regions=None,
    pixel_spacing=None,
    frame_time=None,
    cine_rate=None,
    study_uid="1.2.3.4.5",
    phi=True,
    bits=None,
    signed=False,
    preamble=True,
    **tags,
):
    """Write `pixels` ((F,)H,W or (F,)H,W,3 uint8/uint16) as an ultrasound DICOM file."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    pixels = np.asarray(pixels)
    colour = pixels.shape[-1] == 3 and photometric not in ("MONOCHROME1", "MONOCHROME2")
    frames = pixels.shape[0] if pixels.ndim == (4 if colour else 3) else 1
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "US"
    ds.Manufacturer = "TestScanner"
    if study_uid:
        ds.StudyInstanceUID = study_uid
    if phi:
        for k, v in PHI.items():
            setattr(ds, k, v)
    ds.Rows, ds.Columns = pixels.shape[-3:-1] if colour else pixels.shape[-2:]
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = photometric
    if colour:
        ds.PlanarConfiguration = 0
    b = bits or (16 if pixels.dtype.itemsize == 2 else 8)
    ds.BitsAllocated = b
    ds.BitsStored = b
    ds.HighBit = b - 1
    ds.PixelRepresentation = 1 if signed else 0
    if frames > 1 or pixels.ndim == (4 if colour else 3):
        ds.NumberOfFrames = frames
    if regions is not None:
        ds.SequenceOfUltrasoundRegions = regions
    if pixel_spacing is not None:
        ds.PixelSpacing = list(pixel_spacing)
    if frame_time is not None:
        ds.FrameTime = frame_time
    if cine_rate is not None:
        ds.CineRate = cine_rate
    for k, v in tags.items():
        setattr(ds, k, v)
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    ds.save_as(path, enforce_file_format=preamble)
    return Path(path)


def write_jpeg_dicom(path, rgb_frames, *, quality=95):
    """YBR_FULL_422 under JPEG baseline, frames encoded by Pillow (4:2:2 chroma subsampling)."""
    import io

    from PIL import Image
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGBaseline8Bit

    chunks = []
    for rgb in rgb_frames:
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="JPEG", quality=quality, subsampling=1)
        chunks.append(buf.getvalue())
    rgb_frames = np.asarray(rgb_frames)
    write_dicom(path, rgb_frames, photometric="YBR_FULL_422")
    import pydicom

    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.PixelData = encapsulate(chunks)
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)
    return Path(path)


def write_avi(path, frames_u8, fps=50.0):
    import cv2

    frames_u8 = np.asarray(frames_u8, dtype=np.uint8)
    h, w = frames_u8.shape[1:3]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    assert out.isOpened()
    for f in frames_u8:
        out.write(cv2.cvtColor(f, cv2.COLOR_GRAY2BGR))
    out.release()
    return Path(path)


def write_nifti(path, array_xy_t, zooms=(0.3, 0.15)):
    """Write an (x, y[, t]) array as CAMUS does (columns first)."""
    import nibabel as nib

    import gzip

    img = nib.Nifti1Image(np.asarray(array_xy_t), affine=np.diag([1.0, 1.0, 1.0, 1.0]))
    nib.save(img, str(path))
    # pixdim[1:3] patched in the raw header (offset 80) so a test can plant a negative or NaN size
    raw = bytearray(gzip.decompress(Path(path).read_bytes()))
    raw[80:88] = np.asarray(zooms, "<f4").tobytes()
    Path(path).write_bytes(gzip.compress(bytes(raw)))
    return Path(path)


def gradient(h=32, w=48, frames=1, dtype=np.uint8):
    top = 255 if dtype == np.uint8 else 4095
    base = (np.arange(h)[:, None] * w + np.arange(w)[None, :]) % (top + 1)
    stack = np.stack([(base + 7 * i) % (top + 1) for i in range(frames)]).astype(dtype)
    return stack if frames > 1 else stack[0]
