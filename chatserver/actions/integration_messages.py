"""A message posted by the shop's own systems (an order system's 「您的订单已发货」): a system
notice, or a reply in the name of the agent serving the chat. Stored under the conversation's
lock like every message, idempotent by client_id, and told to the shopper live by the usual
MessagePosted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.actions.api_keys import Caller
from chatserver.actions.messages import ChatMessages
from chatserver.commands.base import parse
from chatserver.commands.chat import AgentMessage
from chatserver.commands.integrations import PostIntegrationMessage
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, utcnow
from chatserver.db.records import append_message, find_by_client_id, lock_conversation
from chatserver.domain import states
from chatserver.domain.events import MessagePosted
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.wire import message_dict

SYSTEM_SENDER_NAME = "系统通知"


class IntegrationMessages:
    def __init__(self, db: Database, messages: ChatMessages) -> None:
        self.db = db
        self.messages = messages

    async def do_post(
        self, caller: Caller, conversation_id: int, command: PostIntegrationMessage
    ) -> dict[str, Any]:
        if command.sender == "agent":
            actor = caller.staff or await self._serving_agent(caller, conversation_id)
            agent_command = parse(
                AgentMessage,
                {
                    "conversation_id": conversation_id,
                    "client_id": command.client_id,
                    "text": command.text,
                },
            )
            return await self.messages.do_post_agent_message(actor, agent_command)
        return await self._post_system(caller, conversation_id, command)

    async def _serving_agent(self, caller: Caller, conversation_id: int) -> AuthenticatedAgent:
        """A key speaks for the agent serving the chat (the action re-checks under the lock)."""
        async with self.db.sessions() as session:
            row = (
                await session.execute(
                    select(Conversation, Agent)
                    .outerjoin(Agent, Agent.id == Conversation.agent_id)
                    .where(Conversation.id == conversation_id)
                )
            ).first()
        if row is None or row[0].shop_id != caller.shop.id:
            raise AppError("not_found", "会话不存在")
        conversation, agent = row
        if conversation.status != states.ASSIGNED or agent is None:
            raise AppError("conflict", "会话当前没有客服接待，只能发送系统消息")
        # No staff session stands behind a key: session id 0 is never a stored one.
        return AuthenticatedAgent(agent, caller.shop, session_id=0)

    async def _post_system(
        self, caller: Caller, conversation_id: int, command: PostIntegrationMessage
    ) -> dict[str, Any]:
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = await lock_conversation(tx.session, conversation_id)
            if conversation.shop_id != caller.shop.id:
                raise AppError("not_found", "会话不存在")
            existing = await find_by_client_id(tx.session, conversation.id, command.client_id)
            if existing is not None:
                if existing.sender != "system":
                    raise AppError("conflict", "client_id 已被使用，请换一个")
                return message_dict(existing)
            message = await append_message(
                tx.session,
                conversation,
                sender="system",
                sender_name=command.sender_name or SYSTEM_SENDER_NAME,
                text=command.text,
                client_id=command.client_id,
                now=now,
            )
            wire = message_dict(message)
            tx.record(
                MessagePosted(
                    conversation.id,
                    conversation.shop_id,
                    message=wire,
                    status=conversation.status,
                    agent_id=conversation.agent_id,
                    posted_at=now,
                )
            )
        return wire
