"""The live view with two server instances (PostgreSQL + Redis): the board, a silent watch and
a logout reach a supervisor whose socket is on the other process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import socketio

from tests.conftest import EventClient
from tests.realtime.supervision_helpers import chat_on_board, supervisor_view
from tests.rest import call
from tests.scale.test_two_processes import two_processes


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_live_view_on_one_process_follows_chats_on_the_other(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        await first.add_agent("boss", "王主管", role="supervisor")
        view, token = await supervisor_view(second, "boss")
        agent = await first.agent(status="online")
        shopper = await first.visitor()
        conversation_id = shopper.session["conversation_id"]
        await shopper.send("转人工")
        await agent.wait_for("assigned")

        # The change happened on the first process; the board comes to the second's socket.
        await view.wait_for(
            "live",
            lambda b: (
                (c := chat_on_board(b, conversation_id)) is not None and c["status"] == "assigned"
            ),
        )
        assert (await view.call("watch", {"conversation_id": conversation_id}))["ok"]
        await shopper.send("请问几天能到")
        got = await view.wait_for("message", lambda m: m["text"] == "请问几天能到")
        assert got["conversation_id"] == conversation_id

        # A logout on the first process closes the live view held by the second.
        closed = asyncio.Event()
        view.sio.on("disconnect", closed.set, namespace="/supervisor")
        status, _body = await call(first, "POST", "/api/auth/logout", token)
        assert status == 200
        await asyncio.wait_for(closed.wait(), 10)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await EventClient(namespace="/supervisor").connect(second.url, {"token": token})
