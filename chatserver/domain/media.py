"""Photos in the chat: which files we accept, their limits and where they are kept.

The type of a file is decided from its first bytes, never from its name or the Content-Type
the client declared: a renamed program is still a program. Storage keys are made here from
numbers and random ids only, so no part of a path ever comes from a user.
"""

from __future__ import annotations

import re
from typing import Literal

from chatserver.errors import AppError

ImageType = Literal["jpeg", "png", "webp", "heic"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Checked from the header, before any pixel is decoded (a 50 KB PNG can claim 100,000² pixels).
MAX_PIXELS = 40_000_000
# The stored photo's longest side: plenty to see a torn seam, and a phone photo stays ~1 MB.
MAX_STORED_EDGE = 2560
THUMB_EDGE = 480

# How each accepted type is stored after re-encoding (HEIC becomes JPEG: every browser shows it).
STORED_AS: dict[ImageType, tuple[str, str]] = {
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "webp": ("webp", "image/webp"),
    "heic": ("jpg", "image/jpeg"),
}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

# HEIF brands of still images encoded with HEVC (AVIF shares the container but not the codec).
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

UNSUPPORTED = "只能发送 JPG、PNG、WebP 或 HEIC 格式的图片"
TOO_LARGE = f"图片不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
TOO_MANY_PIXELS = "图片尺寸过大，请缩小后再发送"
BROKEN = "图片文件已损坏或不完整，请重新选择"
EMPTY = "没有收到图片内容"


def sniff(head: bytes) -> ImageType | None:
    """The image type by its signature (the first 32 bytes are enough), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), 32), 4)}
        if head[8:12] != b"avif" and brands & _HEIC_BRANDS:
            return "heic"
    return None


def check_upload(data: bytes) -> ImageType:
    """The accepted type of an uploaded file, or the contract's error."""
    if not data:
        raise AppError("invalid_payload", EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise AppError("too_large", TOO_LARGE)
    kind = sniff(data[:32])
    if kind is None:
        raise AppError("unsupported_media", UNSUPPORTED)
    return kind


def check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise AppError("invalid_payload", BROKEN)
    if width * height > MAX_PIXELS:
        raise AppError("too_large", TOO_MANY_PIXELS)


def fit_within(width: int, height: int, edge: int) -> tuple[int, int]:
    """The size scaled down (never up) so that neither side exceeds `edge`."""
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


# ---- storage keys --------------------------------------------------------------------------

ATTACHMENT_ID = re.compile(r"[A-Za-z0-9_-]{16,40}")
# shop/visitor/attachment[.thumb].ext for photos, shop/cards/id[.thumb].ext for the product
# images of cards (kept per shop, shared by every card naming the same image): the only shapes
# a stored file ever has.
KEY = re.compile(r"[0-9]{1,18}/([0-9]{1,18}|cards)/[A-Za-z0-9_-]{16,40}(\.thumb)?\.(jpg|png|webp)")


def media_key(shop_id: int, visitor_id: int, attachment_id: str, ext: str, *, thumb: bool) -> str:
    """Photos are archived per shopper (the manuals: under the shopper's ID), in the shop."""
    key = f"{shop_id}/{visitor_id}/{attachment_id}{'.thumb' if thumb else ''}.{ext}"
    if not KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r}")
    return key


def card_image_key(shop_id: int, image_id: str, ext: str, *, thumb: bool) -> str:
    key = f"{shop_id}/cards/{image_id}{'.thumb' if thumb else ''}.{ext}"
    if not KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r}")
    return key


def is_media_key(key: str) -> bool:
    return KEY.fullmatch(key) is not None


def content_type_of(key: str) -> str:
    return CONTENT_TYPES[key.rsplit(".", 1)[1]]
