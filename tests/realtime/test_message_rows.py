"""Messages are written and read in Core (db/records.py); what clients get must be what the ORM
would have given them, column by column, and an ORM copy of the chat must not fall behind."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import select, update

from chatserver.db.models import Conversation, Message, Visitor, utcnow
from chatserver.db.records import (
    StoredMessage,
    append_message,
    conversation_object,
    find_by_client_id,
    lock_chat,
)
from chatserver.domain.last_seen import LAST_SEEN_PRECISION
from chatserver.views.wire import message_dict
from tests.conftest import LiveServer


def test_a_stored_message_has_every_column_of_the_model_in_table_order() -> None:
    assert [f.name for f in dataclasses.fields(StoredMessage)] == [
        column.key for column in Message.__table__.columns
    ]


async def test_acks_and_resends_carry_the_message_as_the_orm_reads_it(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    # A card: a message whose meta is not empty.
    card = {"order_no": "E20261201001", "status": "已付款", "items": [], "amount": 88}
    asked = await visitor.call("message", {"client_id": "ask-1", "kind": "order", "card": card})
    answered = await agent.send(conversation_id, "今天下午发出", "answer-1")
    assert asked["ok"] and answered["ok"], (asked, answered)
    resent = await agent.send(conversation_id, "今天下午发出", "answer-1")
    assert resent["message"] == answered["message"]

    async with server.db.sessions() as session:
        for client_id, ack in (("ask-1", asked["message"]), ("answer-1", answered["message"])):
            orm = await session.scalar(
                select(Message).where(
                    Message.conversation_id == conversation_id, Message.client_id == client_id
                )
            )
            assert orm is not None
            row = await find_by_client_id(session, conversation_id, client_id)
            assert row is not None
            for field in dataclasses.fields(StoredMessage):
                assert getattr(row, field.name) == getattr(orm, field.name), field.name
            wire = message_dict(orm)
            assert list(ack) == list(wire)
            for key, value in wire.items():
                assert ack[key] == value, key
            assert message_dict(row) == wire
        chat = await session.get(Conversation, conversation_id)
        assert chat is not None
        assert chat.last_seq == answered["message"]["seq"]
        # The agent's answer stopped the response clock and was the first response.
        assert chat.awaiting_since is None
        assert chat.first_response_at is not None
        assert chat.updated_at == datetime.fromisoformat(answered["message"]["created_at"])


async def test_a_loaded_orm_chat_follows_the_messages_written_in_core(server: LiveServer) -> None:
    visitor = await server.visitor()
    conversation_id = (await visitor.send("你好"))["message"]["conversation_id"]
    async with server.db.transaction() as tx:
        locked = await lock_chat(tx.session, conversation_id)
        assert locked is not None
        conversation = await conversation_object(tx.session, locked)
        before = conversation.last_seq
        at = datetime.fromisoformat("2026-12-01T08:00:00+00:00")
        first = await append_message(
            tx.session, locked, sender="system", sender_name="系统", text="一", now=at
        )
        # A later ORM change and message (a notice after a handoff) must build on the first.
        conversation.handoff_reason = "explicit"
        second = await append_message(
            tx.session, conversation, sender="system", sender_name="系统", text="二", now=at
        )
        assert (first.seq, second.seq) == (before + 1, before + 2)
        assert conversation.last_seq == before + 2
        assert conversation.updated_at == at
    async with server.db.sessions() as session:
        stored = await session.get(Conversation, conversation_id)
        assert stored is not None and stored.handoff_reason == "explicit"
        seqs = await session.scalars(
            select(Message.seq).where(Message.id.in_([first.id, second.id])).order_by(Message.id)
        )
        assert list(seqs) == [before + 1, before + 2]


async def test_a_message_records_when_the_shopper_was_seen_to_the_minute(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    visitor_id = visitor.session["visitor"]["id"]

    async def last_seen() -> datetime:
        async with server.db.sessions() as session:
            seen = await session.scalar(
                select(Visitor.last_seen_at).where(Visitor.id == visitor_id)
            )
        assert seen is not None
        return seen

    # Seen at connect a moment ago: a message now spares the write.
    connected = await last_seen()
    assert (await visitor.send("在吗"))["ok"]
    assert await last_seen() == connected
    # Seen longer ago than the precision: the next message records it.
    long_ago = utcnow() - LAST_SEEN_PRECISION - timedelta(seconds=5)
    async with server.db.transaction() as tx:
        await tx.session.execute(
            update(Visitor).where(Visitor.id == visitor_id).values(last_seen_at=long_ago)
        )
    before = utcnow()
    assert (await visitor.send("请问有货吗"))["ok"]
    assert await last_seen() >= before
