"""The bot's gaps: each turn is recorded, an answer followed at once by a request for a person
is marked as not helped, and supervisors list what the bot could not answer, grouped by
meaning, and teach it (a similar question of an entry, a new entry) or dismiss it.

Teaching goes through the catalog's own edit (actions/catalog.py) in the same transaction as
marking the questions handled, so the FAQ and the list never disagree, and the matcher is
rebuilt as after any edit.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.catalog import Catalog, faq_dict, require_editor
from chatserver.commands.learning import (
    AddSimilar,
    DismissQuestions,
    EntryForQuestions,
    UnansweredQuery,
)
from chatserver.db.engine import Database, Transaction
from chatserver.db.learning import BotQuestion
from chatserver.db.models import Conversation, FaqEntry, utcnow
from chatserver.domain.bot_gaps import (
    UNANSWERED,
    AskedQuestion,
    Outcome,
    QuestionGroup,
    Resolution,
    escalates,
    ordered,
)
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.question_groups import group_by_meaning
from chatserver.views.wire import iso
from faq import FaqEntry as FaqItem

# The newest questions grouped per request, and the groups shown: a bound on the CPU one
# page costs (grouping is about 2 ms a distinct wording).
MAX_QUESTIONS = 1000
MAX_GROUPS = 100


def record_question(
    session: AsyncSession,
    conversation: Conversation,
    *,
    text: str,
    message_id: int | None,
    outcome: Outcome,
    faq_id: str | None,
    score: float | None,
    now: datetime,
) -> None:
    """One bot turn, in the bot's transaction: the shopper's words and what the bot did."""
    session.add(
        BotQuestion(
            shop_id=conversation.shop_id,
            conversation_id=conversation.id,
            message_id=message_id,
            text=text,
            outcome=outcome,
            faq_id=int(faq_id) if faq_id and faq_id.isdigit() and len(faq_id) < 19 else None,
            score=score,
            created_at=now,
        )
    )


def _group_dict(group: QuestionGroup, candidates: dict[int, str]) -> dict[str, Any]:
    members = sorted(group.members, key=lambda q: q.id)
    best = group.best_candidate
    return {
        "question": group.representative,
        "count": len(members),
        "escalated": sum(1 for q in members if q.escalated),
        "first_seen_at": iso(min(q.created_at for q in members)),
        "last_seen_at": iso(group.last_seen),
        "question_ids": [q.id for q in members],
        "examples": [
            {"id": q.id, "text": q.text, "outcome": q.outcome, "created_at": iso(q.created_at)}
            for q in group.examples()
        ],
        "candidate": ({"id": best, "question": candidates[best]} if best in candidates else None),
    }


class BotGaps:
    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog

    async def do_note_escalation(self, conversation_id: int, now: datetime) -> None:
        """The chat went to a person: if the bot had just answered, that answer did not help."""
        async with self.db.transaction() as tx:
            latest = await tx.session.scalar(
                select(BotQuestion)
                .where(BotQuestion.conversation_id == conversation_id)
                .order_by(BotQuestion.id.desc())
                .limit(1)
            )
            if (
                latest is not None
                and latest.escalated_at is None
                and escalates(latest.outcome, latest.created_at, now)
            ):
                latest.escalated_at = now

    async def unanswered(self, actor: AuthenticatedAgent, query: UnansweredQuery) -> dict[str, Any]:
        """The open gaps of the shop in the period, grouped by meaning."""
        require_editor(actor)
        conditions = [
            BotQuestion.shop_id == actor.shop.id,
            BotQuestion.resolution.is_(None),
            or_(BotQuestion.outcome.in_(UNANSWERED), BotQuestion.escalated_at.is_not(None)),
        ]
        if query.start is not None:
            conditions.append(BotQuestion.created_at >= query.start)
        if query.end is not None:
            conditions.append(BotQuestion.created_at < query.end)
        async with self.db.sessions() as session:
            rows = list(
                await session.scalars(
                    select(BotQuestion)
                    .where(*conditions)
                    .order_by(BotQuestion.id.desc())
                    .limit(MAX_QUESTIONS)
                )
            )
            questions = [
                AskedQuestion(
                    id=row.id,
                    text=row.text,
                    outcome=row.outcome,
                    created_at=row.created_at,
                    escalated=row.escalated_at is not None,
                    faq_id=row.faq_id,
                    score=row.score,
                )
                for row in rows
            ]
            shop_faq = [
                FaqItem(str(row.id), row.question, "-", tuple(row.similar or ()))
                for row in await session.scalars(
                    select(FaqEntry).where(FaqEntry.shop_id == actor.shop.id)
                )
            ]
        candidates = {int(e.id): e.question for e in shop_faq}
        groups = await asyncio.to_thread(group_by_meaning, questions, shop_faq)
        groups = ordered(groups, query.order)
        return {
            "from": iso(query.start),
            "to": iso(query.end),
            "order": query.order,
            "total": len(questions),
            "groups": [_group_dict(g, candidates) for g in groups[:MAX_GROUPS]],
        }

    async def _resolve(
        self,
        tx: Transaction,
        actor: AuthenticatedAgent,
        question_ids: list[int],
        resolution: Resolution,
        faq_id: int | None = None,
    ) -> int:
        """Mark the shop's open questions among these handled; how many were."""
        result = await tx.session.execute(
            update(BotQuestion)
            .where(
                BotQuestion.id.in_(question_ids),
                BotQuestion.shop_id == actor.shop.id,
                BotQuestion.resolution.is_(None),
            )
            .values(
                resolution=resolution,
                resolved_faq_id=faq_id,
                resolved_by=actor.agent.id,
                resolved_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def do_add_similar(self, actor: AuthenticatedAgent, command: AddSimilar) -> Any:
        """`{entry, resolved}`: the wording added to the entry, the group handled."""
        require_editor(actor)
        async with self.db.transaction() as tx:
            entry = await self.catalog.add_similar_in(tx, actor, command.faq_id, command.text)
            resolved = await self._resolve(tx, actor, command.question_ids, "similar", entry.id)
            return {"entry": faq_dict(entry), "resolved": resolved}

    async def do_create_entry(
        self, actor: AuthenticatedAgent, command: EntryForQuestions
    ) -> dict[str, Any]:
        """`{entry, resolved}`: a new entry written for the group, the group handled."""
        require_editor(actor)
        async with self.db.transaction() as tx:
            entry = await self.catalog.create_faq_in(tx, actor, command)
            resolved = await self._resolve(tx, actor, command.question_ids, "created", entry.id)
            return {"entry": faq_dict(entry), "resolved": resolved}

    async def do_dismiss(self, actor: AuthenticatedAgent, command: DismissQuestions) -> int:
        require_editor(actor)
        async with self.db.transaction() as tx:
            return await self._resolve(tx, actor, command.question_ids, "dismissed")
