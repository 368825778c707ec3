"""What a supervisor does from the live view, each checked (supervisor or admin of the chat's
shop) and audited: reassign a chat to a named agent, take it over, join it silently.

Reassign and take-over are transfers (actions/transfers.py), which write the audit record in
their own transaction. A silent join changes no chat: it is an audit record, and the
/supervisor namespace puts the socket in the chat's watch room, which only ever receives the
chat's messages. Watching gives no right to write: sending needs the chat to be yours
(checks.check_owns_chat), which only a take-over makes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from chatserver.actions.checks import check_in_shop, check_supervising
from chatserver.actions.supervision_audit import Auditor, write_audit
from chatserver.actions.transfers import Transfers
from chatserver.commands.chat import ConversationRef
from chatserver.commands.supervision import Reassign
from chatserver.commands.transfers import TransferChat
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, utcnow
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent


def reassign_note(actor: AuthenticatedAgent) -> str:
    return f"主管 {actor.agent.name} 从实时监控改派了这个会话"


def take_over_note(actor: AuthenticatedAgent) -> str:
    return f"主管 {actor.agent.name} 接管了这个会话"


class Supervision:
    def __init__(
        self,
        db: Database,
        transfers: Transfers,
        is_connected: Callable[[int], Awaitable[bool]],
    ) -> None:
        self.db = db
        self.transfers = transfers
        self.is_connected = is_connected

    async def do_reassign(self, actor: AuthenticatedAgent, command: Reassign) -> dict[str, Any]:
        check_supervising(actor)
        transfer = TransferChat(
            conversation_id=command.conversation_id,
            to_agent_id=command.to_agent_id,
            note=command.note or reassign_note(actor),
        )
        return await self.transfers.do_transfer(actor, transfer, audit_as="reassign")

    async def do_take_over(
        self, actor: AuthenticatedAgent, command: ConversationRef
    ) -> dict[str, Any]:
        """The supervisor becomes the chat's agent; the shopper reads the transfer line."""
        check_supervising(actor)
        async with self.db.sessions() as session:
            # Another shop's chat is not_found before anything about the supervisor is said.
            check_in_shop(await session.get(Conversation, command.conversation_id), actor)
            status = (await session.get_one(Agent, actor.agent.id)).status
        # Checked first with words for this case: the transfer's own check says "transfer".
        if status == "offline" or not await self.is_connected(actor.agent.id):
            raise AppError("forbidden", "请先打开客服工作台并上线，再接管会话")
        transfer = TransferChat(
            conversation_id=command.conversation_id,
            to_agent_id=actor.agent.id,
            note=take_over_note(actor),
        )
        return await self.transfers.do_transfer(actor, transfer, audit_as="take_over")

    async def do_watch(
        self,
        actor: AuthenticatedAgent,
        command: ConversationRef,
        *,
        joining: bool,
    ) -> dict[str, Any]:
        """Audit a silent join (`joining`) or leave; the namespace moves the socket."""
        check_supervising(actor)
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = check_in_shop(
                await tx.session.get(Conversation, command.conversation_id), actor
            )
            return await write_audit(
                tx,
                actor,
                "watch" if joining else "unwatch",
                conversation.id,
                now=now,
            )

    async def check_watchable(self, actor: AuthenticatedAgent, command: ConversationRef) -> None:
        """What an `unwatch` that writes nothing still says: another shop's chat is not_found."""
        check_supervising(actor)
        async with self.db.sessions() as session:
            check_in_shop(await session.get(Conversation, command.conversation_id), actor)

    async def end_watch(self, auditor: Auditor, conversation_id: int, reason: str) -> None:
        """The `unwatch` record of a watch its socket closed, named after who opened it. No
        role check: the login may be gone or demoted (`reason` says which), and the trail must
        still say the watch ended."""
        async with self.db.transaction() as tx:
            conversation = await tx.session.get(Conversation, conversation_id)
            if conversation is None or conversation.shop_id != auditor.shop_id:
                raise AppError("not_found", "会话不存在")
            await write_audit(
                tx, auditor, "unwatch", conversation_id, now=utcnow(), detail={"reason": reason}
            )
