"""The waiting line: applies domain/routing.py's decisions in the database and notifies.

Nothing else assigns a chat or takes one back. Assignment is a conditional UPDATE
(`… WHERE status = 'queued'`) with the agent's row locked while their load is counted, so two
processes can neither assign one chat twice nor push an agent past max_chats.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from chatserver.db.models import Agent, Conversation, Message, Visitor, utcnow
from chatserver.domain import routing, states
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.conversations import SYSTEM_NAME, parse_conversation_id
from chatserver.services.records import (
    append_message,
    lock_conversation,
    lock_row,
    messages_of,
    record_event,
    transition,
)
from chatserver.services.serialize import agent_brief, message_dict

if TYPE_CHECKING:
    from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

RETURNED_NOTICE = "客服暂时离开了，正在为您重新安排客服，您的消息都已保留，请稍候。"


def assigned_notice(agent_name: str) -> str:
    return f"客服 {agent_name} 已为您接入，很高兴为您服务。"


class QueueService:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._dispatch_locks: dict[int, asyncio.Lock] = {}

    # ---- reading -------------------------------------------------------------------------

    async def _waiting(self, session: Any, shop_id: int) -> list[Conversation]:
        rows = list(
            await session.scalars(
                select(Conversation).where(
                    Conversation.shop_id == shop_id, Conversation.status == states.QUEUED
                )
            )
        )
        by_id = {row.id: row for row in rows}
        previous = await self._previous_agents(session, [row.visitor_id for row in rows])
        order = routing.queue_order(
            [
                routing.WaitingChat(
                    row.id,
                    row.priority,
                    row.queued_at or row.created_at,
                    previous.get(row.visitor_id),
                )
                for row in rows
            ]
        )
        return [by_id[chat.conversation_id] for chat in order]

    async def _previous_agents(self, session: Any, visitor_ids: list[int]) -> dict[int, int]:
        if not visitor_ids:
            return {}
        rows = await session.execute(
            select(Visitor.id, Visitor.last_agent_id).where(Visitor.id.in_(visitor_ids))
        )
        return {vid: aid for vid, aid in rows if aid is not None}

    async def _loads(self, session: Any, shop_id: int) -> list[routing.AgentLoad]:
        open_counts = dict(
            (
                await session.execute(
                    select(Conversation.agent_id, func.count())
                    .where(
                        Conversation.shop_id == shop_id,
                        Conversation.status == states.ASSIGNED,
                    )
                    .group_by(Conversation.agent_id)
                )
            ).all()
        )
        agents = await session.scalars(select(Agent).where(Agent.shop_id == shop_id))
        return [
            routing.AgentLoad(
                agent.id,
                agent.status,
                open_counts.get(agent.id, 0),
                agent.max_chats,
                agent.status_changed_at,
            )
            for agent in agents
        ]

    async def _average_handle_seconds(self, session: Any, shop_id: int) -> float | None:
        rows = (
            await session.execute(
                select(Conversation.assigned_at, Conversation.closed_at)
                .where(
                    Conversation.shop_id == shop_id,
                    Conversation.closed_at.is_not(None),
                    Conversation.assigned_at.is_not(None),
                )
                .order_by(Conversation.closed_at.desc())
                .limit(50)
            )
        ).all()
        durations = [
            (closed - assigned).total_seconds()
            for assigned, closed in rows
            if closed is not None and assigned is not None and closed >= assigned
        ]
        return sum(durations) / len(durations) if durations else None

    async def snapshot(
        self, shop_id: int
    ) -> tuple[list[dict[str, Any]], dict[int, dict[str, int]]]:
        """The waiting list for agents and each waiting shopper's position and estimate."""
        async with self.hub.db.sessions() as session:
            waiting = await self._waiting(session, shop_id)
            loads = await self._loads(session, shop_id)
            handle = await self._average_handle_seconds(session, shop_id)
            items = [await self.hub.conversations.view(session, c) for c in waiting]
        positions = {
            conversation.id: {
                "position": index,
                "eta_s": routing.estimate_wait_seconds(index, loads, handle),
            }
            for index, conversation in enumerate(waiting, start=1)
        }
        return items, positions

    async def position_of(self, shop_id: int, conversation_id: int) -> dict[str, int] | None:
        _items, positions = await self.snapshot(shop_id)
        return positions.get(conversation_id)

    async def broadcast(self, shop_id: int) -> None:
        items, positions = await self.snapshot(shop_id)
        await self.hub.notifier.to_shop_agents(shop_id, "queue", {"items": items})
        for conversation_id, position in positions.items():
            await self.hub.notifier.to_conversation(conversation_id, "queue", position)

    # ---- assigning -----------------------------------------------------------------------

    async def dispatch(self, shop_id: int) -> None:
        """Give waiting chats to agents with room, as long as there are both; then tell all."""
        lock = self._dispatch_locks.setdefault(shop_id, asyncio.Lock())
        async with lock:
            while await self._assign_one(shop_id):
                pass
        await self.broadcast(shop_id)

    async def _assign_one(self, shop_id: int) -> bool:
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            waiting = await self._waiting(session, shop_id)
            if not waiting:
                return False
            loads = await self._loads(session, shop_id)
            previous = await self._previous_agents(session, [c.visitor_id for c in waiting])
            for conversation in waiting:
                chat = routing.WaitingChat(
                    conversation.id,
                    conversation.priority,
                    conversation.queued_at or conversation.created_at,
                    previous.get(conversation.visitor_id),
                )
                agent_id = routing.choose_agent(chat, loads)
                if agent_id is None:
                    return False
                assigned = await self._assign(tx, conversation.id, agent_id, now, actor=None)
                if assigned:
                    return True
            return False

    async def _assign(
        self, tx: Any, conversation_id: int, agent_id: int, now: datetime, *, actor: int | None
    ) -> bool:
        """queued → assigned in the caller's transaction; False when someone else was faster.

        `actor` is the agent accepting by hand (online or away), None for routing (online only).
        The status is re-read under the row lock: an agent going offline meanwhile gets nothing.
        """
        session = tx.session
        agent = await lock_row(session, Agent, agent_id)
        if agent is None:
            return False
        if agent.status not in (("online", "away") if actor else ("online",)):
            return False
        open_chats = await session.scalar(
            select(func.count()).where(
                Conversation.agent_id == agent_id, Conversation.status == states.ASSIGNED
            )
        )
        if (open_chats or 0) >= agent.max_chats:
            return False
        result = await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id, Conversation.status == states.QUEUED)
            .values(status=states.ASSIGNED, agent_id=agent_id, assigned_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        conversation = await lock_conversation(session, conversation_id)
        record_event(
            session,
            conversation,
            type="assigned",
            now=now,
            actor_type="agent" if actor else "system",
            actor_id=actor,
            from_status=states.QUEUED,
            to_status=states.ASSIGNED,
            reason="accepted" if actor else "routed",
            data={"agent_id": agent_id},
        )
        visitor = await session.get_one(Visitor, conversation.visitor_id)
        visitor.last_agent_id = agent_id
        await append_message(
            session,
            conversation,
            sender="system",
            sender_name=SYSTEM_NAME,
            text=assigned_notice(agent.name),
            kind="event",
            meta={"event": "assigned", "agent": agent_brief(agent)},
            now=now,
        )
        view = await self.hub.conversations.view(session, conversation)
        messages = [message_dict(m) for m in await messages_of(session, conversation.id)]
        shop_id, brief = conversation.shop_id, agent_brief(agent)

        async def tell() -> None:
            await self.hub.notifier.to_agent(
                agent_id, "assigned", {"conversation": view, "messages": messages}
            )
            await self.hub.notifier.to_conversation(conversation_id, "message", messages[-1])
            await self.hub.notifier.to_conversation(conversation_id, "assigned", {"agent": brief})
            last_visitor = next((m for m in reversed(messages) if m["sender"] == "visitor"), None)
            if last_visitor is not None:
                await self.send_suggestions(
                    shop_id, agent_id, conversation_id, last_visitor["text"]
                )

        tx.on_commit(tell)
        return True

    async def accept(self, actor: AuthenticatedAgent, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise invalid("请求格式不正确")
        conversation_id = parse_conversation_id(payload.get("conversation_id"))
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.shop_id != actor.shop.id:
                raise AppError("not_found", "会话不存在")
            agent = await session.get_one(Agent, actor.agent.id)
            if agent.status == "offline":
                raise AppError("forbidden", "请先把状态设为在线或忙碌再接入会话")
            if conversation.status == states.ASSIGNED and conversation.agent_id == agent.id:
                pass
            elif conversation.status != states.QUEUED:
                raise AppError("conflict", "该会话已被其他客服接入或已结束")
            elif not await self._assign(tx, conversation_id, agent.id, now, actor=agent.id):
                current = await session.scalar(
                    select(Conversation.status)
                    .where(Conversation.id == conversation_id)
                    .execution_options(populate_existing=True)
                )
                if current != states.QUEUED:
                    raise AppError("conflict", "该会话已被其他客服接入")
                raise AppError("forbidden", f"您已达到同时接待上限（{agent.max_chats} 个）")
        await self.broadcast(actor.shop.id)
        return await self.hub.conversations.detail_for_agent(actor, conversation_id)

    async def release_agent(self, agent_id: int, reason: str) -> None:
        """The agent goes offline and their chats go back to the queue, in one transaction.

        Used when they choose offline or stayed disconnected past the grace period: chats are
        handed back, never dropped, and no crash can leave an offline agent owning chats.
        """
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            agent = await lock_row(session, Agent, agent_id)
            if agent is None:
                return
            shop_id = agent.shop_id
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
            notices: list[dict[str, Any]] = []
            for conversation_id in ids:
                conversation = await lock_row(session, Conversation, conversation_id)
                if conversation is None or conversation.status != states.ASSIGNED:
                    continue
                transition(
                    session,
                    conversation,
                    states.QUEUED,
                    event="returned_to_queue",
                    now=now,
                    actor_type="system",
                    actor_id=agent_id,
                    reason=reason,
                )
                conversation.agent_id = None
                conversation.assigned_at = None
                # Keeps its original queued_at: it has waited longest and goes first.
                notice = await append_message(
                    session,
                    conversation,
                    sender="system",
                    sender_name=SYSTEM_NAME,
                    text=RETURNED_NOTICE,
                    kind="event",
                    meta={"event": "returned_to_queue", "reason": reason},
                    now=now,
                )
                notices.append(message_dict(notice))

            async def tell() -> None:
                for notice in notices:
                    cid = notice["conversation_id"]
                    await self.hub.notifier.to_conversation(cid, "message", notice)
                    await self.hub.notifier.to_agent(
                        agent_id, "unassigned", {"conversation_id": cid, "reason": reason}
                    )

            tx.on_commit(tell)
        await self.dispatch(shop_id)

    # ---- helping the agent ---------------------------------------------------------------

    async def send_suggestions(
        self, shop_id: int, agent_id: int, conversation_id: int, text: str
    ) -> None:
        try:
            items = await self.hub.faq.agent_suggestions(shop_id, text)
        except Exception:
            log.exception("suggestions failed")
            return
        await self.hub.notifier.to_agent(
            agent_id, "suggestions", {"conversation_id": conversation_id, "items": items}
        )

    async def open_chats(self, agent_id: int) -> list[dict[str, Any]]:
        """Every open chat of an agent with its full history: the catch-up after a reconnect."""
        async with self.hub.db.sessions() as session:
            conversations = await session.scalars(
                select(Conversation)
                .where(Conversation.agent_id == agent_id, Conversation.status == states.ASSIGNED)
                .order_by(Conversation.assigned_at)
            )
            chats = []
            for conversation in conversations:
                messages: list[Message] = await messages_of(session, conversation.id)
                chats.append(
                    {
                        "conversation": await self.hub.conversations.view(session, conversation),
                        "messages": [message_dict(m) for m in messages],
                    }
                )
            return chats
