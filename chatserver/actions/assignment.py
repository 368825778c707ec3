"""queued → assigned (routing, or an agent's accept) and assigned → queued (the agent left).

Nothing else assigns a chat or takes one back. Assignment is a conditional UPDATE
(`… WHERE status = 'queued'`) with the agent's row locked while their load is counted, so two
processes can neither assign one chat twice nor push an agent past max_chats.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.checks import check_in_shop
from chatserver.actions.closing import SYSTEM_NAME
from chatserver.actions.handover_notes import add_handover
from chatserver.commands.chat import ConversationRef
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Agent, Conversation, Visitor, utcnow
from chatserver.db.records import (
    append_message,
    lock_conversation,
    lock_row,
    record_event,
    transition,
)
from chatserver.domain import handovers, routing, states
from chatserver.domain.events import AgentStatusChanged, ChatAssigned, ChatReturned
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.conversations import with_messages
from chatserver.views.queue import agent_loads, routing_view, waiting_in_order
from chatserver.views.wire import agent_brief, message_dict

RETURNED_NOTICE = "客服暂时离开了，正在为您重新安排客服，您的消息都已保留，请稍候。"


def assigned_notice(agent_name: str) -> str:
    return f"客服 {agent_name} 已为您接入，很高兴为您服务。"


async def assign(
    tx: Transaction, conversation_id: int, agent_id: int, now: datetime, *, accepted_by: int | None
) -> bool:
    """queued → assigned in the caller's transaction; False when someone else was faster.

    `accepted_by` is the agent accepting by hand (online or away), None for routing (online
    only). The status is re-read under the row lock: an agent going offline meanwhile gets
    nothing.
    """
    session = tx.session
    agent = await lock_row(session, Agent, agent_id)
    if agent is None:
        return False
    if agent.status not in (("online", "away") if accepted_by else ("online",)):
        return False
    if not await has_room(session, agent):
        return False
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == states.QUEUED)
        .values(status=states.ASSIGNED, agent_id=agent_id, assigned_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    conversation = await lock_conversation(session, conversation_id)
    record_event(
        session,
        conversation,
        type="assigned",
        now=now,
        actor_type="agent" if accepted_by else "system",
        actor_id=accepted_by,
        from_status=states.QUEUED,
        to_status=states.ASSIGNED,
        reason="accepted" if accepted_by else "routed",
        data={"agent_id": agent_id},
    )
    await announce_assignment(
        tx, conversation, agent, now, how="accepted" if accepted_by else "routed"
    )
    return True


async def has_room(session: AsyncSession, agent: Agent) -> bool:
    """Fewer open chats than max_chats; call with the agent's row locked."""
    open_chats = await session.scalar(
        select(func.count()).where(
            Conversation.agent_id == agent.id, Conversation.status == states.ASSIGNED
        )
    )
    return (open_chats or 0) < agent.max_chats


async def announce_assignment(
    tx: Transaction,
    conversation: Conversation,
    agent: Agent,
    now: datetime,
    *,
    how: Literal["routed", "accepted", "transferred"],
) -> None:
    """The chat is now `agent`'s: the shopper's 「客服 X 已为您接入」 and the agent's `assigned`."""
    session = tx.session
    visitor = await session.get_one(Visitor, conversation.visitor_id)
    visitor.last_agent_id = agent.id
    notice = await append_message(
        session,
        conversation,
        sender="system",
        sender_name=SYSTEM_NAME,
        text=assigned_notice(agent.name),
        kind="event",
        meta={"event": "assigned", "agent": agent_brief(agent)},
        now=now,
    )
    tx.record(
        ChatAssigned(
            conversation.id,
            conversation.shop_id,
            agent_id=agent.id,
            agent_name=agent.name,
            how=how,
            notice=message_dict(notice),
            chat=await with_messages(session, conversation),
        )
    )


async def return_to_queue(
    tx: Transaction,
    conversation: Conversation,
    *,
    agent_id: int,
    reason: str,
    text: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """assigned → queued on a locked conversation, with the line the shopper reads; the agent
    it leaves hears `unassigned`."""
    transition(
        tx.session,
        conversation,
        states.QUEUED,
        event="returned_to_queue",
        now=now,
        actor_type="system",
        actor_id=agent_id,
        reason=reason,
        data=data,
    )
    conversation.agent_id = None
    conversation.assigned_at = None
    # Keeps its original queued_at: it has waited longest and goes first.
    notice = await append_message(
        tx.session,
        conversation,
        sender="system",
        sender_name=SYSTEM_NAME,
        text=text,
        kind="event",
        meta={"event": "returned_to_queue", "reason": reason},
        now=now,
    )
    tx.record(
        ChatReturned(
            conversation.id,
            conversation.shop_id,
            agent_id=agent_id,
            reason=reason,
            notice=message_dict(notice),
        )
    )


async def routable_loads(
    session: AsyncSession, shop_id: int, is_connected: Callable[[int], Awaitable[bool]]
) -> list[routing.AgentLoad]:
    """The shop's agent loads, with `connected` read live for those who could take a chat: an
    agent in the disconnect grace period is still `online` but gets no new chat."""
    # Only an agent who could take a chat is asked about (a Redis round trip each).
    return [
        replace(load, connected=await is_connected(load.agent_id))
        if load.status == "online" and load.open_chats < load.max_chats
        else load
        for load in await agent_loads(session, shop_id)
    ]


class Assignment:
    def __init__(self, db: Database, is_connected: Callable[[int], Awaitable[bool]]) -> None:
        """`is_connected(agent_id)`: has a live panel connection on any process (presence)."""
        self.db = db
        self.is_connected = is_connected

    async def do_route_waiting(self, shop_id: int) -> int:
        """Give waiting chats to online agents with room, as long as there are both.
        Returns how many were assigned."""
        assigned = 0
        while await self._route_one(shop_id):
            assigned += 1
        return assigned

    async def _route_one(self, shop_id: int) -> bool:
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            waiting = await waiting_in_order(session, shop_id)
            if not waiting:
                return False
            loads = await routable_loads(session, shop_id, self.is_connected)
            # A chat whose group has nobody free waits; the next one may be another group's.
            for chat in await routing_view(session, waiting):
                agent_id = routing.choose_agent(chat, loads)
                if agent_id is None:
                    continue
                if await assign(tx, chat.conversation_id, agent_id, now, accepted_by=None):
                    return True
            return False

    async def do_accept(self, actor: AuthenticatedAgent, command: ConversationRef) -> None:
        """An agent takes a waiting chat by hand (online or away, within max_chats)."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = check_in_shop(
                await session.get(Conversation, command.conversation_id), actor
            )
            agent = await session.get_one(Agent, actor.agent.id)
            if agent.status == "offline":
                raise AppError("forbidden", "请先把状态设为在线或忙碌再接入会话")
            if conversation.status == states.ASSIGNED and conversation.agent_id == agent.id:
                return
            if conversation.status != states.QUEUED:
                raise AppError("conflict", "该会话已被其他客服接入或已结束")
            if not await assign(tx, conversation.id, agent.id, now, accepted_by=agent.id):
                current = await session.scalar(
                    select(Conversation.status)
                    .where(Conversation.id == conversation.id)
                    .execution_options(populate_existing=True)
                )
                if current != states.QUEUED:
                    raise AppError("conflict", "该会话已被其他客服接入")
                raise AppError("forbidden", f"您已达到同时接待上限（{agent.max_chats} 个）")

    async def do_release_agent(self, agent_id: int, reason: str) -> None:
        """The agent goes offline and their chats go back to the queue, in one transaction.

        Used when they choose offline or stayed disconnected past the grace period: chats are
        handed back, never dropped, and no crash can leave an offline agent owning chats. With
        no handover note written (the browser closed), each chat gets an automatic one.
        """
        async with self.db.transaction() as tx:
            await release_agent(tx, agent_id, reason, utcnow())


async def release_agent(
    tx: Transaction,
    agent_id: int,
    reason: str,
    now: datetime,
    *,
    notes: dict[int, str] | None = None,
    shift_id: int | None = None,
) -> list[int]:
    """Offline, and every open chat back to its group's queue with its handover note (`notes`
    by conversation id; the automatic note for the others). Returns the chats handed back."""
    session = tx.session
    agent = await lock_row(session, Agent, agent_id)
    if agent is None:
        return []
    if agent.status != "offline":
        agent.status = "offline"
        agent.status_changed_at = now
    ids = list(
        await session.scalars(
            select(Conversation.id).where(
                Conversation.agent_id == agent_id, Conversation.status == states.ASSIGNED
            )
        )
    )
    returned = []
    for conversation_id in ids:
        conversation = await lock_row(session, Conversation, conversation_id)
        if conversation is None or conversation.status != states.ASSIGNED:
            continue
        await return_to_queue(
            tx, conversation, agent_id=agent_id, reason=reason, text=RETURNED_NOTICE, now=now
        )
        written = (notes or {}).get(conversation_id)
        await add_handover(
            tx,
            conversation,
            kind="shift" if written else "auto",
            author_id=agent.id,
            author_name=agent.name,
            note=written or handovers.automatic_note(agent.name),
            note_text=handovers.shift_note_text(written)
            if written
            else handovers.automatic_note(agent.name),
            now=now,
            to_group_id=conversation.group_id,
            shift_id=shift_id,
        )
        returned.append(conversation_id)
    tx.record(AgentStatusChanged(agent_id, agent.shop_id, "offline"))
    return returned
