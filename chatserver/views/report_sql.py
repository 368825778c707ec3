"""The SQL a report is made of, the same figures from PostgreSQL and SQLite.

Where the two databases differ, each gets its own expression of the same rule:
- the local period of a moment: PostgreSQL truncates `created_at AT TIME ZONE zone`; SQLite,
  which knows no zones, compares with the period boundaries computed in Python (local midnights
  converted to UTC one by one, domain/reports.py), so both follow summer time alike;
- seconds between two moments: `date_part('epoch', …)` on PostgreSQL; on SQLite the stored UTC text
  read to the millisecond with strftime (julianday's doubles would blur exact targets);
- p90: `percentile_cont(0.9)` on PostgreSQL; on SQLite the two neighbours percentile_cont
  interpolates between are picked with window functions (row_number over the bucket) and
  interpolated the same way (domain/reports.interpolate).
Every query groups in the database; Python only receives one line per period and key. The
message count is read from the conversations (`last_seq` numbers every line), so no report
scans the messages table.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.sql.selectable import Subquery

from chatserver.db.models import Conversation, ConversationEvent, Rating
from chatserver.domain import reports as rules
from chatserver.domain.ratings import SATISFIED_FROM

Dialect = str


def seconds_between(earlier: Any, later: Any, dialect: Dialect) -> ColumnElement[Any]:
    if dialect == "postgresql":
        # date_part gives a double; extract() a numeric, several times slower to add up
        return func.date_part("epoch", later - earlier)
    return _sqlite_epoch(later) - _sqlite_epoch(earlier)


def _sqlite_epoch(moment: Any) -> ColumnElement[Any]:
    # whole seconds, plus the milliseconds strftime('%f') adds to the seconds of the minute
    return (
        cast(func.strftime("%s", moment), Integer)
        + func.strftime("%f", moment)
        - cast(func.strftime("%S", moment), Integer)
    )


def period_label(
    period: rules.Period, buckets: list[rules.Bucket], zone: ZoneInfo, dialect: Dialect
) -> ColumnElement[Any]:
    """The local period a conversation started in: its Bucket.label, or on PostgreSQL the local
    timestamp of its start (views/reports.py turns it into the label)."""
    if period == "all":
        return literal(buckets[0].label)
    if dialect == "postgresql":
        # grouped as a timestamp (labelled in Python): a text sort under a collation is slow
        return func.date_trunc(period, func.timezone(zone.key, Conversation.created_at))
    return case(
        *((Conversation.created_at < bucket.end, bucket.label) for bucket in buckets),
        else_=null(),
    )


def scope(
    *,
    shop_id: int,
    buckets: list[rules.Bucket],
    label: ColumnElement[Any],
    key: SQLColumnExpression[Any],
    agent_id: int | None,
    group_id: int | None,
    targets: rules.FirstResponseTargets,
    dialect: Dialect,
) -> Subquery:
    """The conversations of the report with their period, key and derived durations."""
    first_response = seconds_between(
        Conversation.queued_at, Conversation.first_response_at, dialect
    )
    handling = seconds_between(Conversation.assigned_at, Conversation.closed_at, dialect)
    target = (
        case(
            *(
                (Conversation.group_id == group, seconds)
                for group, seconds in targets.by_group.items()
            ),
            else_=targets.default,
        )
        if targets.by_group
        else literal(targets.default)
    )
    answered = and_(
        Conversation.queued_at.is_not(None), Conversation.first_response_at.is_not(None)
    )
    handled = and_(Conversation.assigned_at.is_not(None), Conversation.closed_at.is_not(None))
    query = select(
        Conversation.id.label("id"),
        label.label("bucket"),
        key.label("key"),
        Conversation.queued_at.label("queued_at"),
        Conversation.handoff_reason.label("handoff_reason"),
        # every line of the conversation (seq counts them all): no scan of the messages
        Conversation.last_seq.label("lines"),
        case((answered, first_response), else_=null()).label("first_response_s"),
        target.label("target_s"),
        case((handled, handling), else_=null()).label("handling_s"),
    ).where(
        Conversation.shop_id == shop_id,
        Conversation.created_at >= buckets[0].start,
        Conversation.created_at < buckets[-1].end,
    )
    if agent_id is not None:
        query = query.where(Conversation.agent_id == agent_id)
    if group_id is not None:
        query = query.where(Conversation.group_id == group_id)
    return query.subquery("scope")


def counts(scoped: Subquery, dialect: Dialect) -> Select[Any]:
    """The figures of the conversations themselves; on PostgreSQL the p90 in the same pass."""
    fr = scoped.c.first_response_s
    p90 = (
        func.percentile_cont(rules.P90_NUMERATOR / rules.P90_DENOMINATOR).within_group(fr)
        if dialect == "postgresql"
        else null()
    )
    return select(
        scoped.c.bucket,
        scoped.c.key,
        func.count().label("conversations"),
        func.count().filter(scoped.c.queued_at.is_(None)).label("bot_resolved"),
        func.count().filter(scoped.c.queued_at.is_not(None)).label("handed_off"),
        func.count(fr).label("answered"),
        func.avg(fr).label("first_response_avg_s"),
        func.count().filter(fr <= scoped.c.target_s).label("within_sla"),
        func.count(scoped.c.handling_s).label("handled"),
        func.avg(scoped.c.handling_s).label("handling_avg_s"),
        func.coalesce(func.sum(scoped.c.lines), 0).label("messages"),
        p90.label("p90"),
    ).group_by(scoped.c.bucket, scoped.c.key)


def handoff_reasons(scoped: Subquery) -> Select[Any]:
    return (
        select(scoped.c.bucket, scoped.c.key, scoped.c.handoff_reason, func.count())
        .where(scoped.c.handoff_reason.is_not(None))
        .group_by(scoped.c.bucket, scoped.c.key, scoped.c.handoff_reason)
    )


def p90_neighbours(scoped: Subquery) -> Select[Any]:
    """Per bucket and key: how many answered, and the two values around the 90th percentile."""
    fr = scoped.c.first_response_s
    partition = (scoped.c.bucket, scoped.c.key)
    ranked = (
        select(
            scoped.c.bucket,
            scoped.c.key,
            fr.label("value"),
            (func.row_number().over(partition_by=partition, order_by=fr) - 1).label("position"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(fr.is_not(None))
        .subquery("ranked")
    )
    lower = ((ranked.c.n - 1) * rules.P90_NUMERATOR) // rules.P90_DENOMINATOR
    return select(
        ranked.c.bucket,
        ranked.c.key,
        func.max(ranked.c.n),
        func.max(case((ranked.c.position == lower, ranked.c.value))),
        func.max(case((ranked.c.position == lower + 1, ranked.c.value))),
    ).group_by(ranked.c.bucket, ranked.c.key)


def breaches(scoped: Subquery) -> Select[Any]:
    """The `sla_breach` event rows (w-sla writes them) of the report's conversations."""
    return (
        select(scoped.c.bucket, scoped.c.key, func.count())
        .join(ConversationEvent, ConversationEvent.conversation_id == scoped.c.id)
        .where(ConversationEvent.type == "sla_breach")
        .group_by(scoped.c.bucket, scoped.c.key)
    )


def ratings(scoped: Subquery) -> Select[Any]:
    return (
        select(
            scoped.c.bucket,
            scoped.c.key,
            func.count(),
            func.count().filter(Rating.score >= SATISFIED_FROM),
            func.avg(Rating.score),
        )
        .join(Rating, Rating.conversation_id == scoped.c.id)
        .group_by(scoped.c.bucket, scoped.c.key)
    )
