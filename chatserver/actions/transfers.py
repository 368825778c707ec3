"""Transfer (转接): an assigned chat handed to a named colleague or to a group's queue, with a
note the receiver reads first.

The agent serving the chat may transfer it; so may a supervisor or admin of the shop, whoever
serves it, and only they may transfer or assign a chat still waiting in the queue (to a named
agent: assigned at once; to a group: it keeps its place in line under that group). A
supervisor's transfer of someone else's chat is audited (actions/supervision.py). A colleague must be reachable (online or away, a panel open, room under max_chats):
a chat is never parked on someone who cannot see it. A chat sent to a group goes back to the
queue with its original place in line (it has waited longest), and routing never gives it
straight back to the agent who handed it over.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from chatserver.actions.assignment import announce_assignment, assign, has_room
from chatserver.actions.checks import SUPERVISING_ROLES, check_in_shop
from chatserver.actions.closing import SYSTEM_NAME
from chatserver.actions.handover_notes import add_handover
from chatserver.actions.supervision_audit import write_audit
from chatserver.commands.transfers import TransferChat
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Group, utcnow
from chatserver.db.records import append_message, lock_row, record_event, transition
from chatserver.domain import handovers, states
from chatserver.domain.events import ChatTransferred
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.wire import message_dict


class Transfers:
    def __init__(self, db: Database, is_connected: Callable[[int], Awaitable[bool]]) -> None:
        self.db = db
        self.is_connected = is_connected

    async def _reachable(self, agent: Agent) -> None:
        if agent.status == "offline" or not await self.is_connected(agent.id):
            raise AppError("forbidden", f"客服 {agent.name} 当前不在线，无法转接")

    async def do_transfer(
        self, actor: AuthenticatedAgent, command: TransferChat, *, audit_as: str = "reassign"
    ) -> dict[str, Any]:
        """Returns `{conversation_id, handover}` once stored. A supervisor acting on a chat that
        is not their own leaves an audit record named `audit_as` in the same transaction."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            # The agent's row before the conversation's, in routing's order (`assign`): the
            # other order deadlocks against it on PostgreSQL. Checked below, after the chat.
            locked_agent = (
                await lock_row(session, Agent, command.to_agent_id)
                if command.to_agent_id is not None
                else None
            )
            conversation = check_in_shop(
                await lock_row(session, Conversation, command.conversation_id), actor
            )
            supervising = actor.agent.role in SUPERVISING_ROLES
            if conversation.status == states.QUEUED and not supervising:
                raise AppError("forbidden", "排队中的会话只能由主管转接或指派")
            if conversation.status not in (states.ASSIGNED, states.QUEUED):
                raise AppError("forbidden", "只能转接正在接待或排队中的会话")
            was_queued = conversation.status == states.QUEUED
            owner_id = conversation.agent_id
            if owner_id != actor.agent.id and not supervising:
                raise AppError("forbidden", "这不是您正在接待的会话")
            target_agent: Agent | None = None
            target_group: Group | None = None
            if command.to_agent_id is not None:
                target_agent = locked_agent
                if (
                    target_agent is None
                    or target_agent.shop_id != actor.shop.id
                    or target_agent.disabled_at is not None
                ):
                    raise AppError("not_found", "客服不存在")
                if target_agent.id == owner_id:
                    raise AppError("conflict", "会话已经由这位客服接待")
                await self._reachable(target_agent)
                if not await has_room(session, target_agent):
                    raise AppError(
                        "forbidden", f"客服 {target_agent.name} 已达到同时接待上限，请选择其他客服"
                    )
            else:
                target_group = await session.get(Group, command.to_group_id)
                if target_group is None or target_group.shop_id != actor.shop.id:
                    raise AppError("not_found", "分组不存在")
            data = {
                "from_agent_id": owner_id,
                "by": actor.agent.id,
                "to_agent_id": command.to_agent_id,
                "to_group_id": command.to_group_id,
                "note": command.note,
            }
            if target_agent is not None and was_queued:
                # Assigned below, once the note is stored: the receiver's `assigned` carries it.
                line = handovers.transfer_line_to_agent(target_agent.name)
            elif target_agent is not None:
                record_event(
                    session,
                    conversation,
                    type="transferred",
                    now=now,
                    actor_type="agent",
                    actor_id=actor.agent.id,
                    from_status=states.ASSIGNED,
                    to_status=states.ASSIGNED,
                    reason="to_agent",
                    data=data,
                )
                conversation.agent_id = target_agent.id
                conversation.assigned_at = now
                line = handovers.transfer_line_to_agent(target_agent.name)
            else:
                assert target_group is not None
                if was_queued:
                    record_event(
                        session,
                        conversation,
                        type="transferred",
                        now=now,
                        actor_type="agent",
                        actor_id=actor.agent.id,
                        from_status=states.QUEUED,
                        to_status=states.QUEUED,
                        reason="to_group",
                        data=data,
                    )
                else:
                    transition(
                        session,
                        conversation,
                        states.QUEUED,
                        event="transferred",
                        now=now,
                        actor_type="agent",
                        actor_id=actor.agent.id,
                        reason="to_group",
                        data=data,
                    )
                # Keeps its queued_at: it has waited longest, so it goes to the front.
                conversation.agent_id = None
                conversation.assigned_at = None
                conversation.group_id = target_group.id
                line = handovers.transfer_line_to_group(target_group.name)
            handover = await add_handover(
                tx,
                conversation,
                kind="transfer",
                author_id=actor.agent.id,
                author_name=actor.agent.name,
                from_agent_id=owner_id,
                note=command.note,
                note_text=handovers.transfer_note_text(
                    command.note,
                    to_agent=target_agent.name if target_agent else None,
                    to_group=target_group.name if target_group else None,
                ),
                now=now,
                to_agent_id=command.to_agent_id,
                to_group_id=command.to_group_id,
            )
            notice = await append_message(
                session,
                conversation,
                sender="system",
                sender_name=SYSTEM_NAME,
                text=line,
                kind="event",
                meta={"event": "transferred"},
                now=now,
            )
            tx.record(
                ChatTransferred(
                    conversation.id,
                    conversation.shop_id,
                    from_agent_id=owner_id,
                    to_agent_id=command.to_agent_id,
                    to_group_id=command.to_group_id,
                    handover=handover,
                    notice=message_dict(notice),
                )
            )
            if target_agent is not None and was_queued:
                # The conditional UPDATE: routing may have been faster (the whole change rolls back).
                if not await assign(
                    tx, conversation.id, target_agent.id, now, accepted_by=actor.agent.id
                ):
                    raise AppError("conflict", "该会话已被其他客服接入")
            elif target_agent is not None:
                await announce_assignment(tx, conversation, target_agent, now, how="transferred")
            if supervising and owner_id != actor.agent.id:
                await write_audit(
                    tx,
                    actor,
                    audit_as,
                    conversation.id,
                    target_agent_id=command.to_agent_id,
                    detail={
                        "from_agent_id": owner_id,
                        "to_group_id": command.to_group_id,
                        "was_queued": was_queued,
                        "note": command.note,
                    },
                    now=now,
                )
        return {"conversation_id": command.conversation_id, "handover": handover}
