"""SLA policies and clocks as they are read: for a conversation payload, for the admin page,
and for the watch that fires the alerts (listeners/sla_watch.py).

The clocks themselves are pure (domain/sla.py); this module finds each chat's policy (its
group's, else the shop's, else the manuals' defaults) and its shop's service calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import Agent, Conversation, ConversationEvent, Group, GroupMember
from chatserver.db.sla import SlaPolicyRow
from chatserver.domain import sla
from chatserver.domain.business_hours import ServiceCalendar
from chatserver.domain.complaints import SUPERVISING
from chatserver.domain.leave_message import LEAVE_MESSAGE_REASON
from chatserver.domain.sla_policy import SHOP_DEFAULT, SlaPolicy, default_for_group
from chatserver.views.business_hours import calendar_for_shop
from chatserver.views.wire import iso

SLA_EVENT_TYPES = ("sla_warning", "sla_breach")


class ClockedChat(Protocol):
    """What a chat's clocks are computed from: a Conversation row, or the few columns of it
    that the SLA watch reads for every open chat each second."""

    @property
    def id(self) -> int: ...
    @property
    def shop_id(self) -> int: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def handoff_reason(self) -> str | None: ...
    @property
    def queued_at(self) -> datetime | None: ...
    @property
    def assigned_at(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def awaiting_since(self) -> datetime | None: ...


def policy_of(row: SlaPolicyRow) -> SlaPolicy:
    return SlaPolicy(
        first_response_s=row.first_response_s,
        next_response_s=row.next_response_s,
        resolution_s=row.resolution_s,
        warn_percent=row.warn_percent,
        business_hours_only=row.business_hours_only,
    )


async def shop_policy_row(session: AsyncSession, shop_id: int) -> SlaPolicyRow | None:
    return await session.scalar(
        select(SlaPolicyRow).where(SlaPolicyRow.shop_id == shop_id, SlaPolicyRow.group_id.is_(None))
    )


async def policy_for(session: AsyncSession, shop_id: int, group_id: int | None) -> SlaPolicy:
    """The policy a chat of this shop and group is held to."""
    rows = list(await session.scalars(select(SlaPolicyRow).where(SlaPolicyRow.shop_id == shop_id)))
    shop_row = next((r for r in rows if r.group_id is None), None)
    shop = policy_of(shop_row) if shop_row is not None else SHOP_DEFAULT
    if group_id is None:
        return shop
    own = next((r for r in rows if r.group_id == group_id), None)
    if own is not None:
        return policy_of(own)
    group = await session.get(Group, group_id)
    return default_for_group(group.topic if group else None, shop)


async def calendar_for(
    session: AsyncSession, shop_id: int, policy: SlaPolicy, *, left_message: bool = False
) -> ServiceCalendar:
    """The hours a chat's clocks count over. A 留言 (left for the next shift) counts service
    hours whatever the policy: nobody is expected to answer it before the shop opens."""
    if not policy.business_hours_only and not left_message:
        return ServiceCalendar.always_open()
    return await calendar_for_shop(session, shop_id)


def times_of(conversation: ClockedChat) -> sla.ChatTimes:
    return sla.ChatTimes(
        status=conversation.status,
        queued_at=conversation.queued_at,
        first_response_at=conversation.first_response_at,
        awaiting_since=conversation.awaiting_since,
    )


Rules = tuple[SlaPolicy, ServiceCalendar]
RulesKey = tuple[int, int | None, bool]


def rules_key(conversation: ClockedChat) -> RulesKey:
    """What a chat's rules depend on: its shop, its group, and whether it is a 留言."""
    left_message = conversation.handoff_reason == LEAVE_MESSAGE_REASON
    return (conversation.shop_id, conversation.group_id, left_message)


_RULES = "sla_policies"


def share_rules(session: AsyncSession, rules: dict[RulesKey, Rules]) -> None:
    """`rules_of` in this session reads from and adds to `rules`: a cache several short
    transactions share (the SLA watch's tick: one per chat)."""
    session.info[_RULES] = rules


async def rules_of(session: AsyncSession, conversation: ClockedChat) -> Rules:
    """The policy a chat is held to and the calendar its clocks count over. Cached for the
    session: a queue of a hundred chats reads its policies once."""
    cache: dict[RulesKey, Rules] = session.info.setdefault(_RULES, {})
    key = rules_key(conversation)
    if key not in cache:
        shop_id, group_id, left_message = key
        policy = await policy_for(session, shop_id, group_id)
        calendar = await calendar_for(session, shop_id, policy, left_message=left_message)
        cache[key] = (policy, calendar)
    return cache[key]


async def clocks_of(
    session: AsyncSession, conversation: ClockedChat, now: datetime
) -> tuple[SlaPolicy, list[sla.Clock]]:
    policy, calendar = await rules_of(session, conversation)
    return policy, sla.running_clocks(times_of(conversation), policy, calendar, now)


def clock_dict(clock: sla.Clock, now: datetime) -> dict[str, Any]:
    return {
        "kind": clock.kind,
        "started_at": iso(clock.started_at),
        "target_s": clock.target_s,
        "warn_s": clock.warn_s,
        "elapsed_s": round(clock.elapsed_s, 3),
        "running": clock.running,
        "state": clock.state,
        "as_of": iso(now),
    }


async def sla_dict(
    session: AsyncSession, conversation: Conversation, now: datetime
) -> dict[str, Any]:
    """The `sla` field of the Conversation object: the policy and the running clocks."""
    policy, clocks = await clocks_of(session, conversation, now)
    return {
        "policy": policy.as_dict(),
        "state": sla.worst_state(clocks),
        "clocks": [clock_dict(clock, now) for clock in clocks],
    }


# Built once: an `in_()` built per call leaves reference cycles in SQLAlchemy's bind parameters
# for the collector, and the watch fires alerts in bursts (docs/benchmarks.md, session 11).
_FIRED_ALERTS = select(
    ConversationEvent.conversation_id, ConversationEvent.type, ConversationEvent.data
).where(
    ConversationEvent.conversation_id.in_(bindparam("ids", expanding=True)),
    ConversationEvent.type.in_(SLA_EVENT_TYPES),
)
_SUPERVISORS = select(Agent.id).where(
    Agent.shop_id == bindparam("shop_id"), Agent.role.in_(SUPERVISING)
)


async def fired_alerts(
    session: AsyncSession, conversation_ids: Iterable[int]
) -> dict[int, set[tuple[str, str, str]]]:
    """The SLA alerts already stored, per conversation, as domain/sla.py's alert keys. Read on
    the session's connection: an alert added to the session and not flushed is not seen."""
    ids = list(conversation_ids)
    fired: dict[int, set[tuple[str, str, str]]] = {cid: set() for cid in ids}
    if not ids:
        return fired
    connection = await session.connection()
    rows = await connection.execute(_FIRED_ALERTS, {"ids": ids})
    for conversation_id, type_, data in rows:
        started = data.get("started_at") if isinstance(data, dict) else None
        if started:
            started_at = datetime.fromisoformat(started.replace("Z", "+00:00"))
            fired[conversation_id].add(sla.alert_key(type_, data.get("kind", ""), started_at))
    return fired


_SHOP_STAFF = select(Agent.id).where(Agent.shop_id == bindparam("shop_id"))
_GROUP_STAFF = (
    select(Agent.id)
    .join(GroupMember, GroupMember.agent_id == Agent.id)
    .where(Agent.shop_id == bindparam("shop_id"), GroupMember.group_id == bindparam("group_id"))
)


async def warning_recipients(session: AsyncSession, conversation: Conversation) -> list[int]:
    """The owning agent; while queued, the agents of the chat's group (all the shop's staff
    when it has none)."""
    if conversation.status == "assigned" and conversation.agent_id is not None:
        return [conversation.agent_id]
    connection = await session.connection()
    if conversation.group_id is None:
        found = await connection.scalars(_SHOP_STAFF, {"shop_id": conversation.shop_id})
    else:
        parameters = {"shop_id": conversation.shop_id, "group_id": conversation.group_id}
        found = await connection.scalars(_GROUP_STAFF, parameters)
    return sorted(found)


async def supervisors(session: AsyncSession, shop_id: int) -> list[int]:
    connection = await session.connection()
    return sorted(await connection.scalars(_SUPERVISORS, {"shop_id": shop_id}))


async def reassign_limit(session: AsyncSession, shop_id: int) -> int | None:
    """Seconds an assigned chat may go unanswered before it is handed on (None: never)."""
    row = await shop_policy_row(session, shop_id)
    return row.reassign_after_s if row is not None else None


def unanswered_for(conversation: ClockedChat, now: datetime) -> float | None:
    """How long the serving agent has owed the shopper an answer (None: they owe none). Counted
    from the assignment at the earliest, so a chat just handed on starts afresh."""
    if conversation.awaiting_since is None or conversation.assigned_at is None:
        return None
    since = max(conversation.awaiting_since, conversation.assigned_at)
    return (now - since).total_seconds()


async def policy_page(session: AsyncSession, shop_id: int) -> dict[str, Any]:
    """The shop's policy and each group's, as the admin console shows them."""
    rows = list(await session.scalars(select(SlaPolicyRow).where(SlaPolicyRow.shop_id == shop_id)))
    own = {row.group_id: row for row in rows}
    shop_row = own.get(None)
    groups = list(
        await session.scalars(select(Group).where(Group.shop_id == shop_id).order_by(Group.id))
    )
    return {
        "shop": {
            **(await policy_for(session, shop_id, None)).as_dict(),
            "reassign_after_s": shop_row.reassign_after_s if shop_row else None,
            "custom": shop_row is not None,
        },
        "groups": [
            {
                "group": {"id": g.id, "name": g.name, "topic": g.topic},
                "custom": g.id in own,
                "policy": (await policy_for(session, shop_id, g.id)).as_dict(),
            }
            for g in groups
        ],
        "defaults": SHOP_DEFAULT.as_dict(),
    }
