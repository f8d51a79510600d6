"""Small images made in the test, so no binary fixtures live in the repository."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A valid PNG of one colour that browsers decode."""
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(row * height))
            + _chunk(b"IEND", b""))


def jpeg_signature(size: int = 2048) -> bytes:
    """Bytes that start like a JPEG (SOI and an APP0 marker); the server checks only the signature."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * (size - 11)


def jpeg_dimensions(content: bytes) -> tuple[int, int]:
    """Return (width, height) from a JPEG's start-of-frame segment."""
    position = 2
    while position < len(content):
        marker, length = content[position + 1], int.from_bytes(content[position + 2:position + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(content[position + 5:position + 7], "big")
            width = int.from_bytes(content[position + 7:position + 9], "big")
            return width, height
        position += 2 + length
    raise ValueError("no start-of-frame segment in the JPEG")
