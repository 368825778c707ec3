"""New shoppers connecting at once are stored together (actions/new_shoppers.py): each still
gets a conversation of their own, greeted at seq 1 and stored before `session`; an unknown
shop in the same batch is refused without failing the others; a database error refuses the
whole batch and the next one works."""

from __future__ import annotations

import asyncio

import pytest
import socketio
from sqlalchemy import event, func, select

from chatserver.actions.new_shoppers import NewShoppers
from chatserver.db.engine import Database
from chatserver.db.models import Conversation, ConversationEvent, Message, Visitor
from chatserver.errors import AppError
from chatserver.seed import ensure_shop
from tests.conftest import LiveServer


async def test_shoppers_connecting_at_once_each_get_their_own_greeted_chat(
    server: LiveServer,
) -> None:
    shoppers = await asyncio.gather(*(server.visitor() for _ in range(12)))
    with pytest.raises(socketio.exceptions.ConnectionError):
        await server.visitor(shop="no-such-shop")

    chats = {s.session["conversation_id"] for s in shoppers}
    assert len(chats) == 12
    assert len({s.session["token"] for s in shoppers}) == 12
    for shopper in shoppers:
        session = shopper.session
        [greeting] = session["messages"]
        assert (greeting["seq"], greeting["sender"], greeting["kind"]) == (1, "bot", "text")
        assert greeting["conversation_id"] == session["conversation_id"]
        assert greeting["meta"] == {"greeting": True}
        assert session["status"] == "bot"
        assert session["rating"] == {"requested": False}

    async with server.db.sessions() as db:
        stored = list(await db.scalars(select(Conversation).where(Conversation.id.in_(chats))))
        assert {c.last_seq for c in stored} == {1}
        assert len({c.visitor_id for c in stored}) == 12
        counted = select(func.count()).where(ConversationEvent.type == "created")
        created = counted.select_from(ConversationEvent).where(
            ConversationEvent.conversation_id.in_(chats)
        )
        assert await db.scalar(created) == 12

    # Stored, not just sent: the next message is seq 2, and the token resumes the same chat.
    first = shoppers[0]
    assert (await first.send("在吗"))["message"]["seq"] == 2
    await first.disconnect()
    back = await server.visitor(token=first.session["token"])
    assert back.session["conversation_id"] == first.session["conversation_id"]
    assert [m["seq"] for m in back.session["messages"]][:2] == [1, 2]


async def test_a_batch_is_one_transaction_and_an_unknown_shop_fails_alone(
    database_url: str,
) -> None:
    db = Database(database_url)
    commits: list[object] = []
    event.listen(db.engine.sync_engine, "commit", commits.append)
    names = iter(range(1000))
    batch = NewShoppers(db, lambda token: f"hash-{token}", lambda: f"访客 {next(names)}")
    try:
        async with db.transaction() as tx:
            await ensure_shop(tx.session, "demo", "鹿鸣衣橱")
        commits.clear()
        slugs = ["demo"] * 20 + ["missing"] + ["demo"] * 5
        made = await asyncio.gather(*(batch.open(s) for s in slugs), return_exceptions=True)
        assert len(commits) == 1
        refused = [m for m in made if isinstance(m, AppError)]
        assert [r.code for r in refused] == ["not_found"]
        opened = [m for m in made if not isinstance(m, BaseException)]
        assert len({m.conversation.id for m in opened}) == 25
        async with db.sessions() as session:
            visitors = await session.scalar(select(func.count()).select_from(Visitor))
            greetings = await session.scalar(
                select(func.count()).select_from(Message).where(Message.seq == 1)
            )
        assert (visitors, greetings) == (25, 25)

        # A batch that cannot be stored (here a NULL token hash) refuses every shopper in it
        # and stores none of them; the next batch goes through.
        broken = NewShoppers(db, lambda token: None, lambda: "访客")  # type: ignore[arg-type,return-value]
        failed = await asyncio.gather(
            *(broken.open("demo") for _ in range(3)), return_exceptions=True
        )
        assert all(isinstance(f, Exception) for f in failed)
        async with db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Visitor)) == 25
        again = await batch.open("demo")
        assert again.greeting.seq == 1
    finally:
        await db.dispose()
