"""What the live board costs: built only while a live view of the shop is open, and its
shoppers read in one query (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from chatserver.domain.events import LiveBoardChanged
from tests.conftest import LiveServer
from tests.realtime.supervision_helpers import chat_on_board, supervisor_view
from tests.rest import call
from tests.statements import statements


def boards_published(server: LiveServer) -> list[LiveBoardChanged]:
    published: list[LiveBoardChanged] = []

    async def collect(board: LiveBoardChanged) -> None:
        published.append(board)

    server.parts.dispatcher.subscribe(LiveBoardChanged, collect)
    return published


async def test_the_board_is_built_only_while_a_live_view_is_open(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    published = boards_published(server)
    shopper = await server.visitor()
    assert (await shopper.send("我要转人工"))["status"] == "queued"
    assert (await shopper.send("有人吗"))["ok"]
    await server.settle()
    assert published == []

    view, _token = await supervisor_view(server, "boss")
    later = await server.visitor()
    assert (await later.send("转人工"))["status"] == "queued"
    conversation_id = later.session["conversation_id"]
    assert await view.wait_for("live", lambda b: chat_on_board(b, conversation_id) is not None)
    await server.settle()
    assert published and all(board.shop_id == published[0].shop_id for board in published)

    # Closed again (once the server has seen it close): nothing more is built.
    shop_id = published[0].shop_id
    await view.disconnect()
    for _attempt in range(200):
        if not await server.parts.presence.shop_has_live_view(shop_id):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the closed live view still counts as open")
    await server.settle()
    built = len(published)
    assert (await later.send("还在排队吗"))["ok"]
    await server.settle()
    assert len(published) == built


async def test_the_board_reads_its_shoppers_in_one_query(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    token = (await server.login("boss"))["token"]
    for _ in range(3):
        shopper = await server.visitor()
        assert (await shopper.send("我要转人工"))["status"] == "queued"
    await server.settle()

    with statements(server) as seen:
        status, board = await call(server, "GET", "/api/live", token)
    assert status == 200 and len(board["chats"]) == 3
    assert all(chat["visitor"]["name"] for chat in board["chats"])
    reads_of_shoppers = [
        s for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM visitors" in s
    ]
    assert len(reads_of_shoppers) == 1, reads_of_shoppers
