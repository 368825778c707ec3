"""What the actions-and-listeners shape promises users: acks that tell the state after the
message, acks that never wait for listeners, and events of one chat in the order they happened."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from chatserver.db.models import Message
from chatserver.db.records import lock_conversation
from chatserver.domain.events import ConversationFact, MessagePosted
from tests.conftest import LiveServer


async def test_asking_for_a_person_is_acknowledged_as_queued(server: LiveServer) -> None:
    visitor = await server.visitor()
    ack = await visitor.send("我要转人工")
    assert ack["ok"] and ack["status"] == "queued"
    assert (await visitor.wait_for("queue"))["position"] == 1

    angry = await server.visitor()
    complaint = await angry.send("东西坏了还不给退，我要投诉你们")
    assert complaint["ok"] and complaint["status"] == "queued"

    asking = await server.visitor()
    question = await asking.send("多久发货？")
    assert question["ok"] and question["status"] == "bot"
    await server.settle()


async def test_the_ack_does_not_wait_for_listeners(server: LiveServer) -> None:
    gate = asyncio.Event()
    seen: list[str] = []

    async def slow_integration(event: MessagePosted) -> None:
        await gate.wait()
        seen.append(event.text)

    server.parts.dispatcher.subscribe(
        MessagePosted, slow_integration, when=lambda event: event.sender == "visitor"
    )
    visitor = await server.visitor()
    ack = await asyncio.wait_for(visitor.send("请问包邮吗？"), 5)
    assert ack["ok"]
    # Stored before the ack, and the bot (another listener) answered meanwhile.
    async with server.db.sessions() as session:
        stored = await session.get(Message, ack["message"]["id"])
    assert stored is not None and stored.text == "请问包邮吗？"
    await visitor.wait_for("message", lambda m: m["sender"] == "bot" and m["seq"] > 2)
    assert seen == []
    gate.set()
    await server.settle()
    assert seen == ["请问包邮吗？"]


@dataclass(frozen=True, slots=True)
class Marked(ConversationFact):
    word: str


async def test_a_chat_s_events_wait_for_its_earlier_transaction_to_settle(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    heard: list[str] = []

    async def listen(event: Marked) -> None:
        heard.append(event.word)

    server.parts.dispatcher.subscribe(Marked, listen)

    def mark(word: str) -> Marked:
        return Marked(conversation_id, 1, word)

    async with server.db.transaction() as tx:
        await lock_conversation(tx.session, conversation_id)
        tx.record(mark("committed first"))
        # Published while that transaction is still open: it must wait for it.
        server.parts.dispatcher.publish(mark("published meanwhile"))
        await asyncio.sleep(0.05)
        assert heard == []
    await server.settle()
    assert heard == ["committed first", "published meanwhile"]

    with pytest.raises(RuntimeError):
        async with server.db.transaction() as tx:
            await lock_conversation(tx.session, conversation_id)
            tx.record(mark("rolled back"))
            server.parts.dispatcher.publish(mark("after the rollback"))
            raise RuntimeError("the action failed")
    await server.settle()
    assert heard == ["committed first", "published meanwhile", "after the rollback"]


async def test_an_agent_sees_a_chat_s_messages_in_the_order_they_were_stored(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    # Within the burst a shopper may send at once (8, one of them the 转人工 above).
    texts = [f"第{index}条" for index in range(1, 8)]
    acks = await asyncio.gather(*(visitor.send(text) for text in texts))
    assert all(ack["ok"] for ack in acks)
    await server.settle()
    relayed = [
        m
        for m in agent.received("message")
        if m["conversation_id"] == conversation_id and m["sender"] == "visitor"
    ]
    seqs = [m["seq"] for m in relayed]
    assert seqs == sorted(seqs) and len(seqs) == len(texts)


async def test_an_agent_hears_of_a_chat_before_anything_said_in_it(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    await visitor.send("转人工")
    await visitor.send("我买的外套袖子开线了，能换吗？")
    await agent.wait_for("suggestions", lambda s: s["conversation_id"] == conversation_id)
    await server.settle()
    about_this_chat = [
        name
        for name, data in agent.events
        if isinstance(data, dict)
        and conversation_id in (data.get("conversation_id"), data.get("conversation", {}).get("id"))
    ]
    # Whether the question came before the assignment (in its history) or after (as a
    # `message`), the panel knows the chat before it hears anything about it.
    assert about_this_chat[0] == "assigned" and "suggestions" in about_this_chat
