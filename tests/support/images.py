"""Small pictures made byte by byte, as an organiser's drawing program would save them, and files
that only pretend to be one."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 120, height: int = 40, text: str = "") -> bytes:
    """A PNG of one colour (RGB, 8 bits), decodable by any browser; `text` in a tEXt chunk."""
    row = b"\x00" + bytes((0, 112, 127)) * width  # filter byte, then the pixels
    comment = [_chunk(b"tEXt", b"Comment\x00" + text.encode("latin-1"))] if text else []
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            *comment,
            _chunk(b"IDAT", zlib.compress(row * height, 9)),
            _chunk(b"IEND", b""),
        ]
    )


def _segment(marker: int, data: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(data) + 2) + data


def jpeg(width: int = 120, height: int = 40) -> bytes:
    """A baseline JPEG's structure: start, JFIF header, quantisation table, frame header (the size),
    Huffman table, scan header, compressed data, end. What the check reads is all real; the data
    itself is filler."""
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + bytes(range(1, 65))),
            _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
            _segment(0xC4, b"\x00" + bytes(16) + b""),
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x12\x34\xff\x00\x56" * 20,  # entropy-coded data, a 0xFF in it stuffed with 0x00
            b"\xff\xd9",
        ]
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    b'<script>alert(document.cookie)</script><rect width="120" height="40" fill="#00707f"/></svg>'
)
TEXT_AS_PNG = b"Dit is een tekstbestand met de naam logo.png.\n"
