"""Similar questions learned from agents' answers, approved by a supervisor, never silently.

When an agent replies with an FAQ suggestion (the panel sends the entry's id with the reply),
the shopper's words before it are proposed as a similar question of that entry, unless the
bot already answers those words with that entry. A supervisor approves (the wording is added
through the catalog's edit, the matcher rebuilt) or rejects it; either way it is not proposed
again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatserver.actions.catalog import Catalog, faq_dict, require_editor
from chatserver.db.engine import Database
from chatserver.db.learning import FaqProposal
from chatserver.db.models import Agent, FaqEntry, Message, utcnow
from chatserver.domain.events import MessagePosted
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.faq_registry import FaqRegistry
from chatserver.views.wire import iso

# How far back the shopper's words are looked for: their messages since the last reply.
LOOKBACK_MESSAGES = 6
STATUSES = ("pending", "approved", "rejected")


def proposal_dict(proposal: FaqProposal, entry_question: str) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "faq": {"id": proposal.faq_id, "question": entry_question},
        "text": proposal.text,
        "times": proposal.times,
        "agent": {"id": proposal.agent_id, "name": proposal.agent_name},
        "conversation_id": proposal.conversation_id,
        "status": proposal.status,
        "created_at": iso(proposal.created_at),
        "last_seen_at": iso(proposal.last_seen_at),
    }


class Proposals:
    def __init__(self, db: Database, faq: FaqRegistry, catalog: Catalog) -> None:
        self.db = db
        self.faq = faq
        self.catalog = catalog

    async def _shopper_words(self, event: MessagePosted) -> list[str]:
        """The shopper's texts since the reply before this one, newest first."""
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(Message.sender, Message.kind, Message.text)
                .where(
                    Message.conversation_id == event.conversation_id,
                    Message.seq < int(event.message["seq"]),
                    Message.sender.in_(("visitor", "agent")),
                )
                .order_by(Message.seq.desc())
                .limit(LOOKBACK_MESSAGES)
            )
        words: list[str] = []
        for sender, kind, text in rows:
            if sender == "agent":
                break
            if kind == "text":
                words.append(text)
        return words

    async def _wording_to_learn(self, shop_id: int, faq_id: str, words: list[str]) -> str | None:
        """Of the shopper's texts, the one closest to the entry that the bot does not already
        answer with it; small talk (在吗, 谢谢) is never a question."""
        best: tuple[float, str] | None = None
        for text in words:
            if await self.faq.small_talk(shop_id, text):
                continue
            result = await self.faq.match(shop_id, text)
            if result.confident and result.best is not None and result.best.id == faq_id:
                return None  # the bot already answers this: nothing to learn
            score = next((m.score for m in result.matches if m.id == faq_id), 0.0)
            if best is None or score > best[0]:
                best = (score, text)
        return best[1] if best else None

    async def do_propose(self, event: MessagePosted) -> None:
        assert event.faq_id is not None and event.agent_id is not None
        words = await self._shopper_words(event)
        text = await self._wording_to_learn(event.shop_id, event.faq_id, words)
        if text is None or len(text) > 200:
            return
        now = utcnow()
        try:
            async with self.db.transaction() as tx:
                session = tx.session
                entry = await session.get(FaqEntry, int(event.faq_id))
                agent = await session.get(Agent, event.agent_id)
                if entry is None or entry.shop_id != event.shop_id or agent is None:
                    return
                if text in (entry.question, *(entry.similar or [])):
                    return
                proposal = await session.scalar(
                    select(FaqProposal).where(
                        FaqProposal.faq_id == entry.id, FaqProposal.text == text
                    )
                )
                if proposal is None:
                    session.add(
                        FaqProposal(
                            shop_id=event.shop_id,
                            faq_id=entry.id,
                            text=text,
                            conversation_id=event.conversation_id,
                            agent_id=agent.id,
                            agent_name=agent.name,
                            created_at=now,
                            last_seen_at=now,
                        )
                    )
                elif proposal.status == "pending":
                    proposal.times += 1
                    proposal.last_seen_at = now
                    proposal.conversation_id = event.conversation_id
                    proposal.agent_id, proposal.agent_name = agent.id, agent.name
        except IntegrityError:
            return  # the same wording proposed by two replies at once: one row is enough

    async def list_for_shop(self, actor: AuthenticatedAgent, status: str) -> list[dict[str, Any]]:
        require_editor(actor)
        if status not in STATUSES:
            raise AppError(
                "invalid_payload", "status 只能是 pending、approved 或 rejected", field="status"
            )
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(FaqProposal, FaqEntry.question)
                .join(FaqEntry, FaqEntry.id == FaqProposal.faq_id)
                .where(FaqProposal.shop_id == actor.shop.id, FaqProposal.status == status)
                .order_by(FaqProposal.last_seen_at.desc(), FaqProposal.id.desc())
                .limit(500)
            )
            return [proposal_dict(p, question) for p, question in rows.all()]

    async def do_decide(
        self, actor: AuthenticatedAgent, proposal_id: int, *, approve: bool
    ) -> dict[str, Any]:
        """`{proposal, entry}`: approving adds the wording to the entry through the catalog."""
        require_editor(actor)
        async with self.db.transaction() as tx:
            proposal = await tx.session.get(FaqProposal, proposal_id, with_for_update=True)
            if proposal is None or proposal.shop_id != actor.shop.id:
                raise AppError("not_found", "建议不存在")
            if proposal.status != "pending":
                raise AppError("conflict", "这条建议已经处理过了")
            entry = (
                await self.catalog.add_similar_in(tx, actor, proposal.faq_id, proposal.text)
                if approve
                else await self.catalog.own_faq(tx.session, actor, proposal.faq_id)
            )
            proposal.status = "approved" if approve else "rejected"
            proposal.decided_by, proposal.decided_at = actor.agent.id, utcnow()
            return {"proposal": proposal_dict(proposal, entry.question), "entry": faq_dict(entry)}
