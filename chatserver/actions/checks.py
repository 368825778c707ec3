"""Who may touch a conversation: written once, used by every agent action."""

from __future__ import annotations

from typing import TypeVar

from chatserver.db.models import Conversation
from chatserver.db.records import Chat
from chatserver.domain import states
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent

SUPERVISING_ROLES = ("supervisor", "admin")
# The ORM object or the locked row (db/records.Chat): a check returns what it was given.
C = TypeVar("C", bound=Chat)


def check_in_shop(conversation: C | None, actor: AuthenticatedAgent) -> C:
    """Another shop's conversation does not exist, as far as this agent can tell."""
    if conversation is None or conversation.shop_id != actor.shop.id:
        raise AppError("not_found", "会话不存在")
    return conversation


def check_owns_chat(conversation: C | None, actor: AuthenticatedAgent) -> C:
    """An open chat this agent is serving (sending, typing)."""
    conversation = check_in_shop(conversation, actor)
    if conversation.status != states.ASSIGNED or conversation.agent_id != actor.agent.id:
        raise AppError("forbidden", "这不是您正在接待的会话")
    return conversation


def check_may_close(conversation: Conversation, actor: AuthenticatedAgent) -> None:
    """The agent serving it, or a supervisor or admin of the shop (a chat stuck in the queue)."""
    if conversation.agent_id != actor.agent.id and actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "这不是您正在接待的会话")


def check_supervising(actor: AuthenticatedAgent) -> None:
    """Supervisors and admins only (the live view and its actions)."""
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以使用实时监控")
