"""What a small uploaded picture is, read from its bytes: PNG or JPEG, and its size in pixels.

Only these two kinds: neither carries script, unlike SVG, which is XML and may. The kind comes from
the file's signature, never from its name or a declared type, and the whole file is walked as its
format lays it out, so that a damaged file or one with something else after its end is refused
before any page shows it. The dimensions come from the header (PNG's IHDR, JPEG's frame header);
nothing is decoded, so no library is needed and a picture that would decode to gigabytes costs
nothing here: its declared size is what refuses it.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import StrEnum


class PictureKind(StrEnum):
    """The accepted kinds, by the file extension the portal gives them."""

    PNG = "png"
    JPEG = "jpg"

    @property
    def content_type(self) -> str:
        return "image/png" if self is PictureKind.PNG else "image/jpeg"


@dataclass(frozen=True)
class Picture:
    kind: PictureKind
    width: int
    height: int


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"
# JPEG markers of a frame header, which holds the size: SOF0-3, 5-7, 9-11, 13-15 (C4, C8, CC are others)
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_SCAN = 0xDA  # after the first scan's header comes the compressed data, up to the end marker
# markers that stand alone, without a length: restarts, the start of the image, TEM
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD9)) | {0x01}


def kind_of(data: bytes) -> PictureKind | None:
    """The accepted kind whose signature the file starts with, if any."""
    if data.startswith(_PNG_SIGNATURE):
        return PictureKind.PNG
    if data.startswith(_JPEG_START):
        return PictureKind.JPEG
    return None


def picture(data: bytes) -> Picture | None:
    """The picture a file of an accepted kind holds; None when it is no such file, or a damaged one."""
    kind = kind_of(data)
    if kind is None:
        return None
    size = _png_size(data) if kind is PictureKind.PNG else _jpeg_size(data)
    return Picture(kind, *size) if size and min(size) > 0 else None


def _png_size(data: bytes) -> tuple[int, int] | None:
    """IHDR's width and height, if every chunk is whole (its checksum holds), IHDR comes first,
    image data follows and IEND ends the file."""
    at, first, has_data = len(_PNG_SIGNATURE), b"", False
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        end = at + 12 + length
        if end > len(data) or zlib.crc32(data[at + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            return None
        if at == len(_PNG_SIGNATURE):
            if kind != b"IHDR" or length != 13:
                return None
            first = data[at + 8 : at + 16]
        has_data = has_data or kind == b"IDAT"
        if kind == b"IEND":
            width, height = struct.unpack(">II", first)
            return (width, height) if has_data and end == len(data) else None
        at = end
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame header's width and height, if the segments before the first scan follow each other
    as their lengths say, a frame header comes before that scan, and the end marker ends the file."""
    if not data.endswith(_JPEG_END):
        return None
    at, size = 2, None
    while at + 4 <= len(data):
        segment = _jpeg_segment(data, at)
        if segment is None:
            return None
        marker, start, at = segment
        if marker in _JPEG_FRAMES and at - start >= 6:  # precision, height, width, components
            height, width = struct.unpack(">HH", data[start + 1 : start + 5])
            size = (width, height)
        if marker == _JPEG_SCAN:
            return size
    return None


def _jpeg_segment(data: bytes, at: int) -> tuple[int, int, int] | None:
    """The segment at `at`: its marker, where its content starts and where the next segment starts;
    None where no marker is, or a length reaches past the file."""
    while data[at : at + 2] == b"\xff\xff":  # fill bytes before a marker
        at += 1
    if data[at : at + 1] != b"\xff" or at + 2 > len(data):
        return None
    marker = data[at + 1]
    if marker in _JPEG_STANDALONE:
        return marker, at + 2, at + 2
    length = int.from_bytes(data[at + 2 : at + 4], "big")
    if length < 2 or at + 2 + length > len(data):
        return None
    return marker, at + 4, at + 2 + length
