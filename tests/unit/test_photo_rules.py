"""Photos: content sniffing, re-encoding without metadata, bombs, keys and signed URLs."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image

from chatserver.domain import media_links
from chatserver.domain.media import MAX_PIXELS, is_media_key, media_key, sniff
from chatserver.errors import AppError
from chatserver.services.images import ImageWorkers, prepare_image
from chatserver.services.media_store import LocalMediaStore
from chatserver.views.media_links import MediaLinks
from tests.images import (
    GPS_IFD,
    HEIC_PHOTO,
    MAKE,
    exif_of,
    photo_with_gps,
    png,
    png_bomb,
    renamed_executable,
)


def webp(mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (40, 30), (10, 20, 30, 128) if mode == "RGBA" else (10, 20, 30)).save(
        out, "WEBP"
    )
    return out.getvalue()


# ---- sniffing -------------------------------------------------------------------------------


def test_the_type_comes_from_the_content_never_the_name() -> None:
    assert sniff(photo_with_gps()[:32]) == "jpeg"
    assert sniff(png()[:32]) == "png"
    assert sniff(webp()[:32]) == "webp"
    assert sniff(HEIC_PHOTO.read_bytes()[:32]) == "heic"
    assert sniff(renamed_executable()[:32]) is None
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows program
    assert sniff(b"GIF89a\x01\x00") is None
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'>") is None
    assert sniff(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1") is None
    assert sniff(b"") is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (renamed_executable(), "unsupported_media"),
        (b"<html><script>alert(1)</script></html>", "unsupported_media"),
        (b"", "invalid_payload"),
        (photo_with_gps()[:2000], "invalid_payload"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "invalid_payload"),
        (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "too_large"),
    ],
    ids=["executable", "html", "empty", "truncated-jpeg", "corrupt-png", "oversize"],
)
def test_refused_files_say_why(data: bytes, code: str) -> None:
    with pytest.raises(AppError) as refused:
        prepare_image(data)
    assert refused.value.code == code
    assert refused.value.message


# ---- re-encoding ----------------------------------------------------------------------------


def test_exif_and_gps_are_stripped_and_the_orientation_applied() -> None:
    original = photo_with_gps(1200, 900, orientation=6)
    assert GPS_IFD in exif_of(original) and MAKE in exif_of(original)

    prepared = prepare_image(original)

    assert exif_of(prepared.data) == {} and exif_of(prepared.thumb) == {}
    for data in (prepared.data, prepared.thumb):
        with Image.open(io.BytesIO(data)) as img:
            assert "exif" not in img.info and "comment" not in img.info
            assert b"home address" not in data and b"PhoneMaker" not in data
    # Rotated into the pixels: portrait now, with no orientation tag left to apply twice.
    assert (prepared.width, prepared.height) == (900, 1200)
    assert (prepared.thumb_width, prepared.thumb_height) == (360, 480)
    with Image.open(io.BytesIO(prepared.data)) as img:
        assert img.size == (900, 1200)
        # The blue corner (top left of the stored pixels) is top right once turned upright.
        assert img.getpixel((880, 20))[2] > 150


def test_big_photos_are_scaled_down_and_keep_their_format() -> None:
    prepared = prepare_image(png(3000, 1000))
    assert (prepared.width, prepared.height) == (2560, 853)
    assert (prepared.ext, prepared.content_type) == ("png", "image/png")
    assert max(prepared.thumb_width, prepared.thumb_height) == 480
    transparent = prepare_image(webp("RGBA"))
    with Image.open(io.BytesIO(transparent.data)) as img:
        assert img.format == "WEBP" and img.mode == "RGBA"


def test_heic_is_decoded_and_stored_as_jpeg() -> None:
    prepared = prepare_image(HEIC_PHOTO.read_bytes())
    assert (prepared.ext, prepared.content_type) == ("jpg", "image/jpeg")
    with Image.open(io.BytesIO(prepared.data)) as img:
        assert img.format == "JPEG" and img.size == (64, 48)


@pytest.mark.parametrize("side", [7_000, 30_000], ids=["over-our-cap", "over-pillows-cap"])
def test_decompression_bombs_are_refused_before_decoding(side: int) -> None:
    assert side * side > MAX_PIXELS
    bomb = png_bomb(side)
    assert len(bomb) < 200_000
    with pytest.raises(AppError) as refused:
        prepare_image(bomb)
    assert refused.value.code == "too_large"


async def test_workers_refuse_when_too_many_photos_wait() -> None:
    workers = ImageWorkers(concurrency=1, max_waiting=1)
    photo = photo_with_gps(2400, 1800)
    results = await asyncio.gather(
        *(workers.prepare(photo) for _ in range(4)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, AppError)]
    assert len(refused) == 2 and all(r.code == "rate_limited" for r in refused)
    assert (await workers.prepare(png())).ext == "png"


# ---- keys and storage -------------------------------------------------------------------------


def test_keys_are_made_of_numbers_and_random_ids_only() -> None:
    key = media_key(1, 42, "AbCdEfGhIjKlMnOp_-12", "jpg", thumb=True)
    assert key == "1/42/AbCdEfGhIjKlMnOp_-12.thumb.jpg" and is_media_key(key)
    for bad in (
        "../1/2/AbCdEfGhIjKlMnOp.jpg",
        "1/2/AbCdEfGhIjKlMnOp.exe",
        "/etc/passwd",
        "1/2/x.jpg",
    ):
        assert not is_media_key(bad)
    with pytest.raises(ValueError):
        media_key(1, 2, "../../etc", "jpg", thumb=False)


async def test_the_local_store_keeps_files_under_its_root(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    key = media_key(3, 7, "AbCdEfGhIjKlMnOpQrSt", "png", thumb=False)
    await store.put(key, b"pixels", "image/png")
    assert (tmp_path / "media" / "3" / "7" / "AbCdEfGhIjKlMnOpQrSt.png").read_bytes() == b"pixels"
    assert await store.get(key) == b"pixels"
    await store.delete(key)
    assert await store.get(key) is None
    with pytest.raises(ValueError):
        await store.get("../secret_key")


# ---- signed URLs ------------------------------------------------------------------------------


def test_signed_urls_expire_and_cannot_be_forged() -> None:
    key = media_links.signing_key("a-secret-key-long-enough")
    other = media_links.signing_key("another-secret-key-entirely")
    now = 1_800_000_000.0
    exp = media_links.expiry(now)
    assert now + 3600 < exp <= now + 3600 + 1800
    sig = media_links.signature(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", exp)

    assert media_links.verify(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp), sig, now)
    assert media_links.verify(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp), sig, exp - 1)
    assert not media_links.verify(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp), sig, exp)
    assert not media_links.verify(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp + 1), sig, now)
    assert not media_links.verify(key, "1/3/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp), sig, now)
    assert not media_links.verify(other, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", str(exp), sig, now)
    for bad_exp, bad_sig in ((None, sig), (str(exp), None), ("-1", sig), ("1e9", sig)):
        assert not media_links.verify(key, "1/2/AbCdEfGhIjKlMnOpQrSt.jpg", bad_exp, bad_sig, now)


def test_urls_minted_in_the_same_step_are_the_same_so_browsers_cache_them() -> None:
    clock = [1_800_000_000.0]
    links = MediaLinks("a-secret-key-long-enough", clock=lambda: clock[0])
    first = links.url("1/2/AbCdEfGhIjKlMnOpQrSt.jpg")
    clock[0] += 60
    assert links.url("1/2/AbCdEfGhIjKlMnOpQrSt.jpg") == first
    clock[0] += 1800
    later = links.url("1/2/AbCdEfGhIjKlMnOpQrSt.jpg")
    assert later != first
    exp, sig = (part.split("=")[1] for part in later.split("?")[1].split("&"))
    assert links.allows("1/2/AbCdEfGhIjKlMnOpQrSt.jpg", exp, sig)
    clock[0] += 2 * 3600
    assert not links.allows("1/2/AbCdEfGhIjKlMnOpQrSt.jpg", exp, sig)


def test_the_access_log_never_holds_a_photo_signature() -> None:
    import logging

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from chatserver.api.uploads import AccessLogWithoutMediaSignatures

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("test.access")
    logger.addHandler(Keep())
    logger.setLevel(logging.INFO)
    access = AccessLogWithoutMediaSignatures(logger, '"%r" %s')
    for path in ("/media/1/2/AbCdEfGhIjKlMnOpQrSt.jpg?exp=1800003600&sig=SECRET", "/api/me?x=1"):
        access.log(make_mocked_request("GET", path), web.Response(), 0.01)
    assert lines[0] == '"GET /media/1/2/AbCdEfGhIjKlMnOpQrSt.jpg HTTP/1.1" 200'
    assert "SECRET" not in lines[0] and lines[1] == '"GET /api/me?x=1 HTTP/1.1" 200'
