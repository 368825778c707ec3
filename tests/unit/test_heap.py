"""The collector settings of a serving process: set by `run`, and only there (a frozen heap in
the test process would keep every app the suite builds)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from chatserver import heap
from chatserver.__main__ import main


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()


@pytest.mark.usefixtures("collector_restored")
def test_run_tunes_the_collector_and_freezes_the_heap_after_the_apps_own_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[web.Application] = []

    def run_app(app: web.Application, **options: Any) -> None:
        started.append(app)
        options["loop"].close()

    monkeypatch.setattr(web, "run_app", run_app)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}")
    monkeypatch.setenv("CHATSERVER_DATA_DIR", str(tmp_path / "data"))
    assert main(["run", "--port", "0"]) == 0
    assert gc.get_freeze_count() == 0  # not before the app has started
    assert gc.get_threshold() == (
        heap.YOUNG_OBJECTS,
        heap.YOUNG_BEFORE_MIDDLE,
        heap.MIDDLE_BEFORE_FULL,
    )
    (app,) = started
    # Last: the FAQ indexes warmed by the app's start-up are part of what is frozen.
    assert list(app.on_startup)[-1] is heap.freeze_startup_heap


@pytest.mark.usefixtures("collector_restored")
def test_freezing_moves_every_live_object_out_of_the_collectors_walk() -> None:
    kept = [[index] for index in range(1_000)]
    asyncio.run(heap.freeze_startup_heap())
    assert gc.get_freeze_count() >= len(kept)
    walked = {id(item) for item in gc.get_objects()}
    assert not any(id(item) in walked for item in kept)
    made_later = [0]
    assert id(made_later) in {id(item) for item in gc.get_objects()}
