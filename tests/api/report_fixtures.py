"""Conversations with known times for the report tests: every figure below is worked out by hand.

The shop's zone is Asia/Shanghai (UTC+8): local 2020-03-10 is 2020-03-09T16:00Z to
2020-03-10T16:00Z. Each chat is handed off 10 s after it starts and assigned 5 s later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import (
    Agent,
    Conversation,
    ConversationEvent,
    Group,
    Message,
    Rating,
    Shop,
    Visitor,
)
from chatserver.seed import ensure_shop
from chatserver.services.auth import create_agent

DAY1_START = datetime(2020, 3, 9, 16, tzinfo=UTC)  # local 2020-03-10 00:00
DAY2_END = datetime(2020, 3, 11, 16, tzinfo=UTC)  # local 2020-03-12 00:00


@dataclass
class Chat:
    created: datetime
    reason: str | None = None  # None: the bot alone served it
    topic: str | None = None
    agent: str | None = None
    first_response_s: int | None = None
    handling_s: int | None = None
    visitor_lines: int = 0
    agent_lines: int = 0
    bot_lines: int = 0
    score: int | None = None
    breaches: int = 0
    shop: str = "demo"


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


CHATS = [
    # outside the range: one second before local 03-10 began, and another shop's chat
    Chat(z("2020-03-09T15:59:59Z"), visitor_lines=1),
    Chat(
        z("2020-03-10T03:00:00Z"),
        "requested",
        "presales",
        "rival",
        5,
        visitor_lines=3,
        shop="rival",
    ),
    # local 2020-03-10
    Chat(DAY1_START, visitor_lines=1, bot_lines=1),  # local midnight exactly: the 10th
    Chat(z("2020-03-10T01:00:00Z"), "requested", "presales", "agent", 30, 600, 2, 3, 1, score=5),
    Chat(
        z("2020-03-10T02:00:00Z"),
        "complaint",
        "aftersales",
        "agent",
        200,
        1200,
        1,
        1,
        score=3,
        breaches=1,
    ),
    Chat(z("2020-03-10T15:59:59Z"), "bot_unsure", "presales", "lily", 90, None, 1, 1, breaches=2),
    # local 2020-03-11: a bot-only chat at its midnight, then ten answered after 10 … 100 s
    Chat(z("2020-03-10T16:00:00Z"), visitor_lines=1),
    *(
        Chat(
            z("2020-03-11T01:00:00Z") + timedelta(minutes=i),
            "requested",
            "presales",
            "lily",
            10 * i,
        )
        for i in range(1, 11)
    ),
]


async def _agent(session: AsyncSession, shop: Shop, username: str, name: str) -> Agent:
    found = await session.scalar(select(Agent).where(Agent.username == username))
    if found is not None:
        return found
    return await create_agent(
        session,
        shop=shop,
        username=username,
        password="secret123",
        name=name,
        role="agent",
        max_chats=5,
    )


async def insert_chats(db: Database) -> dict[str, int]:
    """The chats above; returns the ids tests refer to (agents and groups by name)."""
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        session = tx.session
        shops = {slug: (await ensure_shop(session, slug, slug))[0] for slug in ("demo", "rival")}
        await _agent(session, shops["demo"], "lily", "莉莉")
        await _agent(session, shops["rival"], "rival", "别家客服")
        for username in ("agent", "lily", "rival"):
            agent = await session.scalar(select(Agent).where(Agent.username == username))
            assert agent is not None
            ids[username] = agent.id
        for group in await session.scalars(select(Group).where(Group.shop_id == shops["demo"].id)):
            ids[group.topic or group.name] = group.id
        rival_groups = await session.scalars(
            select(Group).where(Group.shop_id == shops["rival"].id)
        )
        rival_group = {g.topic or g.name: g.id for g in rival_groups}
        for number, chat in enumerate(CHATS):
            shop = shops[chat.shop]
            groups = ids if chat.shop == "demo" else rival_group
            visitor = Visitor(shop_id=shop.id, token_hash=f"report-{number}", name="访客")
            session.add(visitor)
            await session.flush()
            await _conversation(session, chat, shop.id, visitor.id, ids, groups)
    return ids


async def _conversation(
    session: AsyncSession,
    chat: Chat,
    shop_id: int,
    visitor_id: int,
    ids: dict[str, int],
    groups: dict[str, int],
) -> None:
    queued = chat.created + timedelta(seconds=10) if chat.reason else None
    assigned = queued + timedelta(seconds=5) if queued and chat.agent else None
    answered = (
        queued + timedelta(seconds=chat.first_response_s)
        if queued and chat.first_response_s
        else None
    )
    closed = assigned + timedelta(seconds=chat.handling_s) if assigned and chat.handling_s else None
    status = "closed" if closed else "assigned" if assigned else "queued" if queued else "bot"
    conversation = Conversation(
        shop_id=shop_id,
        visitor_id=visitor_id,
        status=status,
        agent_id=ids[chat.agent] if chat.agent else None,
        group_id=groups[chat.topic] if chat.topic else None,
        handoff_reason=chat.reason,
        created_at=chat.created,
        updated_at=chat.created,
        queued_at=queued,
        assigned_at=assigned,
        first_response_at=answered,
        closed_at=closed,
    )
    session.add(conversation)
    await session.flush()
    seq = 0
    for sender, lines in (
        ("visitor", chat.visitor_lines),
        ("bot", chat.bot_lines),
        ("agent", chat.agent_lines),
    ):
        for _ in range(lines):
            seq += 1
            session.add(
                Message(
                    conversation_id=conversation.id,
                    seq=seq,
                    sender=sender,
                    sender_name=sender,
                    text="你好",
                    created_at=chat.created,
                )
            )
    conversation.last_seq = seq
    for _ in range(chat.breaches):
        session.add(
            ConversationEvent(
                conversation_id=conversation.id,
                type="sla_breach",
                actor_type="system",
                data={
                    "kind": "first_response",
                    "target_seconds": 60,
                    "group_id": conversation.group_id,
                },
                created_at=chat.created,
            )
        )
    if chat.score is not None and closed is not None:
        closing = ConversationEvent(
            conversation_id=conversation.id,
            type="closed",
            from_status="assigned",
            to_status="closed",
            actor_type="agent",
            actor_id=conversation.agent_id,
            data={"agent_id": conversation.agent_id, "rating_requested": True},
            created_at=closed,
        )
        session.add(closing)
        await session.flush()
        session.add(
            Rating(
                conversation_id=conversation.id,
                close_event_id=closing.id,
                shop_id=shop_id,
                agent_id=conversation.agent_id,
                score=chat.score,
                created_at=closed,
            )
        )
