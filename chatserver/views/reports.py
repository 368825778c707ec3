"""Reports for supervisors and admins: per period, per agent, per group (never written here).

What is counted (docs/protocol.md, "Reports"): the conversations that started in [from, to),
by the local period they started in and the agent or group of their latest service round;
the figures of each are what their row and its messages, ratings and `sla_breach` event rows
say. The SQL is in views/report_sql.py; the rules (periods, targets, shares) in
domain/reports.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import SQLColumnExpression, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Group
from chatserver.domain import reports as rules
from chatserver.errors import AppError
from chatserver.views import report_sql as sql
from chatserver.views.business_hours import calendar_for_shop
from chatserver.views.sla import policy_for
from chatserver.views.wire import iso

Wire = dict[str, Any]
Key = tuple[str, Any]


async def first_response_targets(session: AsyncSession, shop_id: int) -> rules.FirstResponseTargets:
    """The first-response target of the shop and each of its groups: their SLA policies
    (views/sla.py: the group's own, else the shop's, else the manuals' defaults)."""
    group_ids = await session.scalars(select(Group.id).where(Group.shop_id == shop_id))
    shop = await policy_for(session, shop_id, None)
    return rules.FirstResponseTargets(
        default=shop.first_response_s,
        by_group={
            group_id: (await policy_for(session, shop_id, group_id)).first_response_s
            for group_id in group_ids
        },
    )


async def report_zone(session: AsyncSession, shop_id: int) -> ZoneInfo:
    """The shop's own time zone (its business hours), in which days, weeks and months begin."""
    return (await calendar_for_shop(session, shop_id)).tz


def _key_column(dimension: rules.Dimension) -> SQLColumnExpression[Any]:
    if dimension == "agents":
        return Conversation.agent_id
    if dimension == "groups":
        return Conversation.group_id
    return literal(0)


async def _check_in_shop(
    session: AsyncSession, shop_id: int, agent_id: int | None, group_id: int | None
) -> None:
    if agent_id is not None:
        agent = await session.get(Agent, agent_id)
        if agent is None or agent.shop_id != shop_id:
            raise AppError("not_found", "客服不存在", field="agent")
    if group_id is not None:
        group = await session.get(Group, group_id)
        if group is None or group.shop_id != shop_id:
            raise AppError("not_found", "客服分组不存在", field="group")


class ReportViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def zone_of(self, shop_id: int) -> ZoneInfo:
        async with self.db.sessions() as session:
            return await report_zone(session, shop_id)

    async def report(
        self,
        shop_id: int,
        *,
        dimension: rules.Dimension,
        start: datetime,
        end: datetime,
        period: rules.Period,
        zone: ZoneInfo,
        agent_id: int | None = None,
        group_id: int | None = None,
    ) -> Wire:
        buckets = rules.buckets(start, end, period, zone)
        dialect = self.db.engine.dialect.name
        async with self.db.sessions() as session:
            await _check_in_shop(session, shop_id, agent_id, group_id)
            targets = await first_response_targets(session, shop_id)
            scoped = sql.scope(
                shop_id=shop_id,
                buckets=buckets,
                label=sql.period_label(period, buckets, zone, dialect),
                key=_key_column(dimension),
                agent_id=agent_id,
                group_id=group_id,
                targets=targets,
                dialect=dialect,
            )
            rows: dict[Key, Wire] = {}
            if dimension == "shop":
                for bucket in buckets:
                    rows[(bucket.label, 0)] = rules.empty_figures()
            if dialect == "postgresql":
                # Short reads over many rows: compiling them (JIT) costs more than it saves,
                # the groupings sort in memory rather than on disk, and each report is planned
                # for its own period (a generic plan made for days doubled the cost of weeks).
                await session.execute(text("SET LOCAL jit = off"))
                await session.execute(text("SET LOCAL work_mem = '32MB'"))
                await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            await self._collect(session, scoped, rows, dialect, period)
            names = await self._names(session, dimension, [key for _, key in rows])
        return {
            "dimension": dimension,
            "from": iso(buckets[0].start),
            "to": iso(buckets[-1].end),
            "period": period,
            "zone": zone.key,
            "targets": {
                "first_response_default_s": targets.default,
                "first_response_by_group_s": {str(g): s for g, s in targets.by_group.items()},
            },
            "rows": _ordered(rows, buckets, dimension, names),
        }

    async def _collect(
        self,
        session: AsyncSession,
        scoped: Any,
        rows: dict[Key, Wire],
        dialect: str,
        period: rules.Period,
    ) -> None:
        def row(bucket: str | datetime, key: Any) -> Wire:
            if isinstance(bucket, datetime):  # PostgreSQL's local start of the period
                bucket = rules.label(bucket.date(), period)
            return rows.setdefault((bucket, key), rules.empty_figures())

        for line in await session.execute(sql.counts(scoped, dialect)):
            figures = row(line.bucket, line.key)
            figures["messages"] = int(line.messages)
            figures["first_response_p90_s"] = rules.seconds(line.p90)
            for name in ("conversations", "bot_resolved", "handed_off", "answered", "within_sla"):
                figures[name] = getattr(line, name)
            figures["handled"] = line.handled
            figures["first_response_avg_s"] = rules.seconds(line.first_response_avg_s)
            figures["handling_avg_s"] = rules.seconds(line.handling_avg_s)
        for bucket, key, reason, count in await session.execute(sql.handoff_reasons(scoped)):
            row(bucket, key)["handoff_reasons"][reason] = count
        if dialect != "postgresql":
            for bucket, key, count, lower, upper in await session.execute(
                sql.p90_neighbours(scoped)
            ):
                p90 = rules.interpolate(lower, upper, rules.p90_position(count)[1])
                row(bucket, key)["first_response_p90_s"] = rules.seconds(p90)
        for bucket, key, count in await session.execute(sql.breaches(scoped)):
            row(bucket, key)["sla_breaches"] = count
        for bucket, key, rated, satisfied, average in await session.execute(sql.ratings(scoped)):
            figures = row(bucket, key)
            figures["rated"], figures["satisfied"] = rated, satisfied
            figures["rating_avg"] = None if average is None else round(float(average), 2)
        for figures in rows.values():
            rules.finish(figures)

    async def _names(
        self, session: AsyncSession, dimension: rules.Dimension, keys: Iterable[Any]
    ) -> dict[int, str]:
        wanted = [key for key in set(keys) if isinstance(key, int)]
        if dimension == "shop" or not wanted:
            return {}
        table = Agent if dimension == "agents" else Group
        found = await session.execute(select(table.id, table.name).where(table.id.in_(wanted)))
        return {key: name for key, name in found}


def _ordered(
    rows: dict[Key, Wire],
    buckets: list[rules.Bucket],
    dimension: rules.Dimension,
    names: dict[int, str],
) -> list[Wire]:
    by_label = {bucket.label: bucket for bucket in buckets}
    ordered: list[Wire] = []
    for (label, key), figures in rows.items():
        bucket = by_label[label]  # the scope only holds the range's conversations
        line: Wire = {"period": label, "start": iso(bucket.start), "end": iso(bucket.end)}
        if dimension == "agents":
            line["agent"] = None if key is None else {"id": key, "name": names.get(key, "")}
        elif dimension == "groups":
            line["group"] = None if key is None else {"id": key, "name": names.get(key, "")}
        ordered.append({**line, **figures})

    def sort_key(line: Wire) -> tuple[int, int, int]:
        holder = line.get("agent") or line.get("group")
        return (by_label[line["period"]].index, 0 if holder else 1, holder["id"] if holder else 0)

    ordered.sort(key=sort_key)
    return ordered
