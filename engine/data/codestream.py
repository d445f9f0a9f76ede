"""What compressed pixel data says about itself, read before anything is decoded.

A JPEG, JPEG 2000 or RLE frame carries its own size. A decoder believes the codestream, not the DICOM
header, so a 1 kB file whose header says 64 x 64 but whose codestream says 10000 x 10000 would have
the decoder allocate hundreds of megabytes before anything could check the result. `check` walks the
encapsulated items (Basic Offset Table, then fragments), reads only the first bytes of each fragment,
and compares what every codestream header found declares with the DICOM header:

- JPEG 2000 (a raw codestream, or the JP2 file format around one): the SIZ marker segment right
  after SOC - image width and height (Xsiz - XOsiz, Ysiz - YOsiz), the number of components, and
  each component's bit depth;
- JPEG (baseline, extended, progressive ...): the SOFn segment - lines, samples per line,
  components and sample precision (a height left to a later DNL marker is refused);
- RLE: the 64-byte header of every frame (one fragment per frame): its number of segments must be
  samples per pixel x bytes per sample, its offsets inside the fragment.
A size or a number of components that differs, or a bit depth larger than BitsAllocated, is refused
with both numbers named. So is a codestream whose header cannot be found, or items that do not parse.

An Extended Offset Table (7FE0,0001 and 7FE0,0002) sends the decoder straight to a byte offset, not to
an item: pointing into the middle of a fragment it would hand over a codestream never looked at. So
every offset must be where a fragment's item begins, and every length must stay inside that fragment;
the two tables must have as many entries as each other.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from engine.data.problems import ReadError

ITEM = b"\xfe\xff\x00\xe0"
SEQUENCE_END = b"\xfe\xff\xdd\xe0"
HEAD_BYTES = 1 << 20  # how much of a fragment is read to find its codestream header
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_START = b"\xff\x4f\xff\x51"
JPEG_START = b"\xff\xd8"
# Start-of-frame markers: C0-C3, C5-C7, C9-CB, CD-CF (C4 DHT, C8 JPG and CC DAC are not frames).
SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
STANDALONE = {0x01, *range(0xD0, 0xD8)}


@dataclass(frozen=True)
class Declared:
    """What one codestream header declares."""

    kind: str
    rows: int
    columns: int
    components: int
    bits: int


def fragments(fh: BinaryIO, start: int, size: int, head: int = HEAD_BYTES) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, first bytes) of every fragment of the encapsulated value at `start`, the Basic
    Offset Table skipped; the offset is that of the fragment's item tag, counted from the first item
    after the Basic Offset Table (as an Extended Offset Table counts). ReadError when the items do
    not parse or run past the end of the file."""
    fh.seek(start)
    first = True
    origin = 0  # set by the Basic Offset Table, the first item
    while True:
        tag = fh.read(8)
        if len(tag) < 8:
            raise ReadError("the file is truncated: the compressed pixel data ends without its closing item")
        if tag[:4] == SEQUENCE_END:
            return
        if tag[:4] != ITEM:
            raise ReadError("the compressed pixel data is malformed (an item tag is missing)")
        (length,) = struct.unpack("<I", tag[4:])
        at = fh.tell()
        if length == 0xFFFFFFFF or at + length > size:
            raise ReadError("the file is truncated: a compressed pixel data fragment runs past its end")
        if first:
            first = False  # the Basic Offset Table
            origin = at + length
        else:
            yield at - 8 - origin, length, fh.read(min(length, head))
        fh.seek(at + length)


def _siz(data: bytes, kind: str) -> Declared:
    """JPEG 2000: SIZ right after SOC (ISO/IEC 15444-1 A.5.1)."""
    if len(data) < 4 + 38 or data[:4] != J2K_START:
        raise ReadError(f"the {kind} codestream has no readable SIZ marker segment")
    lsiz, _rsiz, xsiz, ysiz, xo, yo, _xt, _yt, _xto, _yto, csiz = struct.unpack(">HHIIIIIIIIH", data[4 : 4 + 38])
    if not 1 <= csiz <= 16384 or lsiz != 38 + 3 * csiz or len(data) < 4 + lsiz or xsiz <= xo or ysiz <= yo:
        raise ReadError(f"the {kind} codestream's SIZ marker segment is malformed")
    depths = [(data[4 + 38 + 3 * c] & 0x7F) + 1 for c in range(csiz)]
    return Declared(kind, ysiz - yo, xsiz - xo, csiz, max(depths))


def _jp2(data: bytes) -> Declared:
    """The JP2 file format: find the contiguous-codestream box (jp2c) and read its SIZ."""
    at = 0
    while at + 8 <= len(data):
        length, box = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if length == 1:
            if at + 16 > len(data):
                break
            length, header = struct.unpack(">Q", data[at + 8 : at + 16])[0], 16
        if box == b"jp2c":
            return _siz(data[at + header :], "JPEG 2000")
        if length == 0 or length < header:
            break
        at += length
    raise ReadError(f"the JPEG 2000 file holds no codestream within its first {HEAD_BYTES // 1024} kB")


def _sof(data: bytes) -> Declared:
    """JPEG: walk the marker segments from SOI to the first start-of-frame (ITU-T T.81 B.2)."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ReadError("the JPEG codestream is malformed before its frame header")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in SOF:
            if length < 8 or at + 2 + length > len(data):
                break
            precision, lines, samples, components = struct.unpack(">BHHB", data[at + 4 : at + 10])
            if lines == 0:
                raise ReadError("the JPEG codestream leaves its height to a later DNL marker (not supported)")
            return Declared("JPEG", lines, samples, components, precision)
        if marker in (0xD9, 0xDA) or length < 2:  # end of image, or scan data before any frame header
            break
        at += 2 + length
    raise ReadError(
        "the JPEG codestream has no readable frame header (SOF) before its image data; refused before decoding"
    )


def declared(data: bytes) -> Declared | None:
    """What the codestream starting `data` declares, or None when `data` is not the start of one
    (a frame's later fragment)."""
    if data.startswith(J2K_START):
        return _siz(data, "JPEG 2000")
    if data.startswith(JP2_SIGNATURE):
        return _jp2(data)
    if data.startswith(JPEG_START):
        return _sof(data)
    return None


def _compare(found: Declared, rows: int, cols: int, samples: int, bits: int) -> None:
    if (found.rows, found.columns) != (rows, cols):
        raise ReadError(
            f"the {found.kind} codestream is {found.rows} x {found.columns} pixels but the header "
            f"declares {rows} x {cols}; refused before decoding"
        )
    if found.components != samples:
        raise ReadError(
            f"the {found.kind} codestream has {found.components} component(s) but the header "
            f"declares SamplesPerPixel {samples}; refused before decoding"
        )
    if found.bits > bits:
        raise ReadError(
            f"the {found.kind} codestream holds {found.bits}-bit samples but BitsAllocated is {bits}; "
            "refused before decoding"
        )


def _rle(length: int, data: bytes, samples: int, bytes_each: int) -> None:
    """RLE: one fragment per frame, a 64-byte header of segment count and offsets (PS3.5 G.5)."""
    if length < 64 or len(data) < 64:
        raise ReadError("an RLE frame is shorter than its 64-byte header")
    count, *offsets = struct.unpack("<16I", data[:64])
    want = samples * bytes_each
    if count != want:
        raise ReadError(
            f"an RLE frame holds {count} segment(s) but the header declares {want} "
            f"({samples} sample(s) x {bytes_each} byte(s)); refused before decoding"
        )
    used = offsets[:count]
    if used[0] != 64 or any(b <= a for a, b in zip(used, used[1:])) or used[-1] >= length:
        raise ReadError("an RLE frame's segment offsets do not fit inside it")


def _table(raw, name: str) -> list[int]:
    if not isinstance(raw, (bytes, bytearray)) or len(raw) % 8:
        raise ReadError(f"the {name} is malformed (not a list of 8-byte numbers)")
    return list(struct.unpack(f"<{len(raw) // 8}Q", raw))


def _check_extended(extended, items: dict[int, int]) -> None:
    """Every (offset, length) of the Extended Offset Table must start at a fragment's item and stay
    inside that fragment (`items`: item offset -> fragment length)."""
    offsets = _table(extended[0], "Extended Offset Table")
    lengths = _table(extended[1], "Extended Offset Table Lengths")
    if len(offsets) != len(lengths):
        raise ReadError(
            f"the Extended Offset Table has {len(offsets)} entries but its lengths table "
            f"{len(lengths)}; refused before decoding"
        )
    for index, (offset, length) in enumerate(zip(offsets, lengths)):
        if offset not in items:
            raise ReadError(
                f"the Extended Offset Table sends frame {index} to byte {offset}, where no fragment "
                "begins; refused before decoding"
            )
        if length > items[offset]:
            raise ReadError(
                f"the Extended Offset Table gives frame {index} {length} bytes, its fragment holds "
                f"{items[offset]}; refused before decoding"
            )


def check(
    path, start: int, *, transfer_syntax: str, frames: int, rows: int, cols: int, samples: int, bits: int, extended=None
) -> int:
    """Compare every codestream header of the encapsulated pixel data at `start` with the DICOM header;
    ReadError on any difference. `extended`: the raw (Extended Offset Table, Extended Offset Table
    Lengths) when the file has either, checked against the fragments. Returns how many headers were
    checked."""
    import os

    bytes_each = max(1, (bits + 7) // 8)
    rle = "RLE" in transfer_syntax
    checked = 0
    items: dict[int, int] = {}
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        for offset, length, data in fragments(fh, start, size, 64 if rle else HEAD_BYTES):
            items[offset] = length
            if rle:
                _rle(length, data, samples, bytes_each)
                checked += 1
                continue
            found = declared(data)
            if found is not None:
                _compare(found, rows, cols, samples, bits)
                checked += 1
    if extended is not None:
        _check_extended(extended, items)
    if checked == 0:
        raise ReadError(f"no {transfer_syntax} codestream header was found in the pixel data; refused before decoding")
    if rle and checked < frames:
        raise ReadError(f"the RLE pixel data holds {checked} frame(s), the header declares {frames}")
    return checked
