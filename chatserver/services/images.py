"""Re-encoding an uploaded photo with Pillow: what a browser may safely show, and nothing more.

Every upload is decoded and written anew, so what we store and serve is pixels we produced:
metadata (EXIF with GPS, XMP, comments) is dropped, the EXIF orientation is applied to the
pixels, and the size is capped. Decoding is CPU work: `ImageWorkers` runs it in threads, a few
at a time, so the event loop keeps serving chats while a 10 MB photo is decoded.
"""

from __future__ import annotations

import asyncio
import io
import warnings
from dataclasses import dataclass

from pi_heif import register_heif_opener
from PIL import Image, ImageOps

from chatserver.domain.media import (
    BROKEN,
    MAX_STORED_EDGE,
    STORED_AS,
    THUMB_EDGE,
    TOO_MANY_PIXELS,
    ImageType,
    check_pixels,
    check_upload,
    fit_within,
)
from chatserver.errors import AppError

register_heif_opener()
# Our own pixel cap (domain/media.py) refuses such files before decoding; Pillow's warning
# about them would only be noise.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

# Pillow is told which decoder to use: the one of the sniffed type, never a guess of its own.
_DECODER: dict[ImageType, str] = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
_ENCODER = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "jpg": {"quality": 85, "optimize": True, "progressive": True},
    "png": {"compress_level": 6},
    "webp": {"quality": 85, "method": 4},
}


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    ext: str
    content_type: str


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info


def _encode(img: Image.Image, ext: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options = dict(_SAVE_OPTIONS[ext])
    if icc:
        # The colour profile is kept (a phone's Display P3 photo looks right); it holds no
        # personal data, unlike EXIF.
        options["icc_profile"] = icc
    img.save(out, _ENCODER[ext], **options)
    return out.getvalue()


def prepare_image(data: bytes) -> PreparedImage:
    """The stored photo and its thumbnail, or the contract's error. Blocking: call it in a
    thread (ImageWorkers)."""
    kind = check_upload(data)
    ext, content_type = STORED_AS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[_DECODER[kind]]) as source:
            # The header is read, no pixel yet: refuse a decompression bomb before decoding.
            check_pixels(*source.size)
            if kind == "jpeg":
                # JPEG can decode at 1/2, 1/4, 1/8 scale directly: less memory and time.
                source.draft("RGB", fit_within(*source.size, MAX_STORED_EDGE))
            source.load()
            icc = source.info.get("icc_profile")
            img = ImageOps.exif_transpose(source)
            wanted = "RGBA" if ext != "jpg" and _has_alpha(img) else "RGB"
            img = img.convert(wanted)
    except AppError:
        raise
    except Image.DecompressionBombError:
        # Pillow's own cap, met when the header claims far more pixels than ours allows.
        raise AppError("too_large", TOO_MANY_PIXELS) from None
    except Exception:
        # Truncated, corrupt or lying about its type: Pillow's errors vary (OSError,
        # SyntaxError, ValueError, DecompressionBombError…), the answer does not.
        raise AppError("invalid_payload", BROKEN) from None
    # A fresh image keeps only pixels: no EXIF, GPS, XMP or comments survive into the output.
    img.info = {}
    img.thumbnail((MAX_STORED_EDGE, MAX_STORED_EDGE), Image.Resampling.LANCZOS)
    thumb = img.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return PreparedImage(
        data=_encode(img, ext, icc),
        thumb=_encode(thumb, ext, icc),
        width=img.width,
        height=img.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        ext=ext,
        content_type=content_type,
    )


class ImageWorkers:
    """At most `concurrency` photos decoded at once (the machine's cores are shared with the
    chats); a few more may wait, and beyond that an upload is asked to retry later."""

    def __init__(self, concurrency: int = 2, max_waiting: int = 8) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._capacity = concurrency + max_waiting
        self._pending = 0

    async def prepare(self, data: bytes) -> PreparedImage:
        if self._pending >= self._capacity:
            raise AppError("rate_limited", "当前上传的图片较多，请稍后重试")
        self._pending += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(prepare_image, data)
        finally:
            self._pending -= 1
