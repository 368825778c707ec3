"""Fixtures of the realtime tests that fetch product images from a local image host."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, running_server
from tests.realtime.test_card_images import ImageHost


@pytest.fixture
async def host() -> AsyncIterator[ImageHost]:
    image_host = ImageHost()
    await image_host.start()
    yield image_host
    await image_host.stop()


@pytest.fixture
async def trusting_server(database_url: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    """A server that may fetch from 127.0.0.1, where the test's image host runs."""
    async with running_server(
        database_url, tmp_path, CHATSERVER_CARD_IMAGES_ALLOW_PRIVATE="1"
    ) as live:
        yield live
