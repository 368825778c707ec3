"""Image files made for the tests with Pillow: a phone photo with GPS, a screenshot, a bomb."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

HEIC_PHOTO = Path(__file__).parent / "data" / "photo.heic"
GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def photo_with_gps(width: int = 1200, height: int = 900, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, GPS position and an orientation
    (6: the pixels are stored landscape, the photo was taken portrait), and a comment."""
    img = Image.new("RGB", (width, height), (200, 60, 40))
    ImageDraw.Draw(img).rectangle((0, 0, width // 4, height // 4), fill=(20, 120, 220))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 5.0)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 8.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"home address")
    return out.getvalue()


def png(width: int = 320, height: int = 200, colour: tuple[int, int, int] = (40, 160, 90)) -> bytes:
    img = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(img).ellipse((10, 10, width - 10, height - 10), fill=(250, 250, 250))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: its size grows with its pixels (slow uploads)."""
    import os

    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=1)
    return out.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    """A valid PNG of side² one-bit pixels, a few KB on the wire: decoding it would need
    side² bytes of memory (900 MB for 30,000²)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def renamed_executable() -> bytes:
    """What a program looks like when someone names it photo.jpg."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"#!/bin/sh\necho owned\n" * 20


def exif_of(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as img:
        return dict(img.getexif())
