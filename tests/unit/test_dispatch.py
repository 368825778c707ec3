"""The dispatcher: commit order per lane, listeners apart from each other, failures contained."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import pytest

from chatserver.dispatch import Dispatcher
from chatserver.domain.events import ConversationFact


@dataclass(frozen=True, slots=True)
class Said(ConversationFact):
    word: str


def said(word: str, conversation_id: int = 1, shop_id: int = 1) -> Said:
    return Said(conversation_id, shop_id, word)


def recording(dispatcher: Dispatcher, **options: Any) -> list[str]:
    """Subscribe a listener that notes each word it hears; returns the notes."""
    heard: list[str] = []

    async def listen(event: Said) -> None:
        heard.append(event.word)

    dispatcher.subscribe(Said, listen, **options)
    return heard


async def test_a_lane_releases_events_in_the_order_places_were_reserved() -> None:
    dispatcher = Dispatcher()
    heard = recording(dispatcher)
    lane = said("").lane
    first, second = dispatcher.reserve(lane), dispatcher.reserve(lane)
    # The second transaction's commit finished first: it still waits for the first.
    dispatcher.settle(lane, second, [said("second")])
    await asyncio.sleep(0)
    assert heard == []
    dispatcher.settle(lane, first, [said("first")])
    await dispatcher.drain()
    assert heard == ["first", "second"]


async def test_a_rolled_back_transaction_tells_nobody_and_blocks_nobody() -> None:
    dispatcher = Dispatcher()
    heard = recording(dispatcher)
    lane = said("").lane
    failed, later = dispatcher.reserve(lane), dispatcher.reserve(lane)
    dispatcher.settle(lane, later, [said("later")])
    dispatcher.settle(lane, failed, None)
    await dispatcher.drain()
    assert heard == ["later"]


async def test_other_lanes_do_not_wait_for_a_pending_transaction() -> None:
    dispatcher = Dispatcher()
    heard = recording(dispatcher)
    dispatcher.reserve(said("", conversation_id=1).lane)  # never settled in this test
    dispatcher.publish(said("elsewhere", conversation_id=2))
    for _ in range(5):
        await asyncio.sleep(0)
    assert heard == ["elsewhere"]


async def test_a_slow_listener_delays_neither_other_listeners_nor_the_publisher() -> None:
    dispatcher = Dispatcher()
    gate = asyncio.Event()
    fast: list[str] = []
    slow: list[str] = []

    async def listen_fast(event: Said) -> None:
        fast.append(event.word)

    async def listen_slow(event: Said) -> None:
        await gate.wait()
        slow.append(event.word)

    dispatcher.subscribe(Said, listen_slow)
    dispatcher.subscribe(Said, listen_fast)
    dispatcher.publish(said("a"), said("b"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert fast == ["a", "b"] and slow == []
    gate.set()
    await dispatcher.drain()
    assert slow == ["a", "b"]


async def test_a_failing_listener_is_logged_and_the_rest_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = Dispatcher()
    heard: list[str] = []

    async def broken(event: Said) -> None:
        if event.word == "boom":
            raise RuntimeError("listener bug")
        heard.append(f"broken saw {event.word}")

    async def listen(event: Said) -> None:
        heard.append(event.word)

    dispatcher.subscribe(Said, broken)
    dispatcher.subscribe(Said, listen)
    with caplog.at_level(logging.ERROR, logger="chatserver.dispatch"):
        dispatcher.publish(said("boom"), said("after"))
        await dispatcher.drain()
    assert sorted(heard) == ["after", "boom", "broken saw after"]
    assert "listener" in caplog.text and "failed" in caplog.text


async def test_a_batch_listener_gets_what_arrived_while_it_was_busy_in_one_call() -> None:
    dispatcher = Dispatcher()
    gate = asyncio.Event()
    batches: list[list[str]] = []

    async def board(events: list[Said]) -> None:
        batches.append([event.word for event in events])
        await gate.wait()

    dispatcher.subscribe_batches(Said, board, key=lambda event: event.shop_id)
    dispatcher.publish(said("first", conversation_id=1))
    await asyncio.sleep(0)
    for index in range(2, 6):
        dispatcher.publish(said(f"c{index}", conversation_id=index))
    gate.set()
    await dispatcher.drain()
    assert batches == [["first"], ["c2", "c3", "c4", "c5"]]


async def test_when_filters_before_any_work_is_scheduled() -> None:
    dispatcher = Dispatcher()
    heard = recording(dispatcher, when=lambda event: event.word.startswith("y"))
    dispatcher.publish(said("yes"), said("no"), said("yay"))
    await dispatcher.drain()
    assert heard == ["yes", "yay"]


async def test_a_listener_cut_off_by_the_database_is_called_again_with_the_same_event() -> None:
    from sqlalchemy.exc import OperationalError

    from chatserver.db.engine import is_unreachable

    dispatcher = Dispatcher(retry_when=is_unreachable, retry_delays=(0.01, 0.01, 0.01))
    attempts: list[str] = []

    async def flaky(event: Said) -> None:
        attempts.append(event.word)
        if len(attempts) < 3:
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    dispatcher.subscribe(Said, flaky)
    lane = said("").lane
    slot = dispatcher.reserve(lane)
    dispatcher.settle(lane, slot, [said("你好")])
    await dispatcher.drain()
    assert attempts == ["你好", "你好", "你好"]


async def test_a_listener_with_a_bug_is_not_called_again(caplog: pytest.LogCaptureFixture) -> None:
    from chatserver.db.engine import is_unreachable

    dispatcher = Dispatcher(retry_when=is_unreachable, retry_delays=(0.01, 0.01))
    attempts: list[str] = []

    async def broken(event: Said) -> None:
        attempts.append(event.word)
        raise KeyError("a bug, not an outage")

    dispatcher.subscribe(Said, broken)
    lane = said("").lane
    slot = dispatcher.reserve(lane)
    with caplog.at_level(logging.ERROR):
        dispatcher.settle(lane, slot, [said("在吗")])
        await dispatcher.drain()
    assert attempts == ["在吗"]
    assert "listener" in caplog.text


async def test_an_outage_that_lasts_is_given_up_after_the_last_wait() -> None:
    from chatserver.db.engine import is_unreachable
    from chatserver.errors import AppError

    dispatcher = Dispatcher(retry_when=is_unreachable, retry_delays=(0.01, 0.01))
    attempts: list[str] = []

    async def down(event: Said) -> None:
        attempts.append(event.word)
        raise AppError("unavailable", "数据库暂时不可用，请稍后重试")

    dispatcher.subscribe(Said, down)
    lane = said("").lane
    slot = dispatcher.reserve(lane)
    dispatcher.settle(lane, slot, [said("还在吗")])
    await dispatcher.drain()
    assert attempts == ["还在吗"] * 3
