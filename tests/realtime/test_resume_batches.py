"""Shoppers reconnecting with their tokens at once are read together
(actions/resuming_shoppers.py): each gets their own conversation with the same `session` a
read of its own gives, in every state a chat can be in; anything but a plain anonymous token
takes the one-transaction path; one batch is one transaction, and last_seen_at is written
only when it is stale."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from chatserver.actions.new_shoppers import NewShoppers
from chatserver.actions.resuming_shoppers import ResumingShoppers
from chatserver.db.engine import Database
from chatserver.db.models import Visitor, utcnow
from chatserver.domain.last_seen import LAST_SEEN_PRECISION
from chatserver.domain.upload_tickets import UploadTickets
from chatserver.errors import AppError
from chatserver.seed import ensure_shop
from chatserver.views.queue import QueueViews
from chatserver.views.session import ShopperSessionView
from tests.conftest import LiveServer


def _without_ticket(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload but its upload ticket, which carries the second it was issued."""
    return {key: value for key, value in payload.items() if key != "upload_token"}


async def test_shoppers_resuming_at_once_get_the_session_a_read_of_their_own_gives(
    server: LiveServer,
) -> None:
    await server.add_agent("solo", "阿杰", max_chats=1)
    agent = await server.agent("solo", "secret123", status="online")

    chatting = await server.visitor()
    assert (await chatting.send("你好"))["ok"]
    # Served, then closed: the rating round stays open across a reload.
    rated = await server.visitor()
    assert (await rated.call("handoff", {}))["ok"]
    assigned = await agent.wait_for("assigned")
    rated_chat = assigned["conversation"]["id"]
    assert (await agent.send(rated_chat, "您好，请问有什么可以帮您"))["ok"]
    assert await agent.call("close", {"conversation_id": rated_chat}) == {"ok": True}
    await rated.wait_for("closed")
    served = await server.visitor()
    assert (await served.call("handoff", {}))["ok"]
    await served.wait_for("assigned")
    # The agent's one seat is taken: these two wait, first and second.
    waiting = [await server.visitor() for _ in range(2)]
    for shopper in waiting:
        assert (await shopper.call("handoff", {}))["ok"]
    await server.settle()

    shoppers = [chatting, rated, served, *waiting]
    tokens = [s.session["token"] for s in shoppers]
    back = await asyncio.gather(
        *(server.visitor(token=token) for token in tokens),
        server.visitor(token="forged-token-" + "x" * 20),
    )
    *resumed, stranger = back
    tickets = UploadTickets(server.settings.secret_key)
    reader = ShopperSessionView(server.db, QueueViews(server.db), tickets)
    for shopper, again in zip(shoppers, resumed, strict=True):
        session = again.session
        assert session["conversation_id"] == shopper.session["conversation_id"]
        assert session["token"] == shopper.session["token"]
        expected = await reader.snapshot(session["conversation_id"], session["token"])
        assert _without_ticket(session) == _without_ticket(expected)
        assert tickets.visitor_of(session["upload_token"]) == session["visitor"]["id"]

    states = [s.session["status"] for s in resumed]
    assert states == ["bot", "closed", "assigned", "queued", "queued"]
    assert [m["text"] for m in resumed[0].session["messages"]][1] == "你好"
    assert resumed[1].session["rating"]["requested"] is True
    assert resumed[1].session["rating"]["agent"]["name"] == "阿杰"
    assert resumed[2].session["agent"]["name"] == "阿杰"
    assert [s.session["queue"]["position"] for s in resumed[3:]] == [1, 2]
    assert stranger.session["conversation_id"] not in {
        s.session["conversation_id"] for s in shoppers
    }

    # Resumed sockets are in their chat's room: the agent's next reply reaches the new one.
    assert (await agent.send(served.session["conversation_id"], "还在吗？"))["ok"]
    await resumed[2].wait_for("message", lambda m: m["text"] == "还在吗？")


async def test_a_batch_of_resumes_is_one_transaction_and_touches_only_stale_visitors(
    database_url: str,
) -> None:
    db = Database(database_url)
    commits: list[object] = []
    event.listen(db.engine.sync_engine, "commit", commits.append)
    names = iter(range(1000))
    digest = lambda token: f"hash-{token}"  # noqa: E731
    made = NewShoppers(db, digest, lambda: f"访客 {next(names)}")
    resuming = ResumingShoppers(db, digest, QueueViews(db))
    try:
        async with db.transaction() as tx:
            await ensure_shop(tx.session, "demo", "鹿鸣衣橱")
            await ensure_shop(tx.session, "other", "别家")
        shoppers = await asyncio.gather(*(made.open("demo") for _ in range(20)))
        stale_id = shoppers[0].visitor.id
        long_ago = utcnow() - LAST_SEEN_PRECISION - timedelta(seconds=5)
        async with db.transaction() as tx:
            await tx.session.execute(
                update(Visitor).where(Visitor.id == stale_id).values(last_seen_at=long_ago)
            )
        async with db.sessions() as session:
            rows = await session.execute(select(Visitor.id, Visitor.last_seen_at))
            seen_before = {visitor_id: seen for visitor_id, seen in rows}
        joined: list[tuple[int, int]] = []

        def join_as(index: int) -> Any:
            async def join(conversation_id: int) -> None:
                joined.append((index, conversation_id))

            return join

        requests = [("demo", s.token) for s in shoppers]
        requests += [("demo", "unknown"), ("other", shoppers[1].token), ("missing", "x")]
        commits.clear()
        results = await asyncio.gather(
            *(resuming.resume(slug, tok, join_as(i)) for i, (slug, tok) in enumerate(requests)),
            return_exceptions=True,
        )
        assert len(commits) == 1
        *opened, unknown, other_shop, missing = results
        assert (unknown, other_shop) == (None, None)
        assert isinstance(missing, AppError) and missing.code == "not_found"
        for index, (shopper, result) in enumerate(zip(shoppers, opened, strict=True)):
            assert not isinstance(result, BaseException) and result is not None
            assert result.conversation.id == shopper.conversation.id
            assert [m.seq for m in result.history.messages] == [1]
            assert (index, shopper.conversation.id) in joined
        assert len(joined) == 20

        async with db.sessions() as session:
            rows = await session.execute(select(Visitor.id, Visitor.last_seen_at))
            seen_after = {visitor_id: seen for visitor_id, seen in rows}
        assert seen_after[stale_id] > seen_before[stale_id] + LAST_SEEN_PRECISION
        assert {k: v for k, v in seen_after.items() if k != stale_id} == {
            k: v for k, v in seen_before.items() if k != stale_id
        }
    finally:
        await db.dispose()
