"""The politeness check at work: an agent's draft while typing, what was sent anyway, the FAQ
and phrases editors save, and the shop's own word lists.

The rules are domain/politeness.py, run here with the shop's lists; there is no second copy in
the front end. What a shopper receives never carries any of it: a message sent anyway is noted
in a `conversation_events` row (`impolite_sent`), not in the message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.actions.catalog import require_admin
from chatserver.actions.checks import check_in_shop
from chatserver.commands.politeness import DraftCheck, PolitenessUpdate
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, Shop
from chatserver.db.records import Chat, record_event
from chatserver.domain.events import ImpoliteMessageSent, Wire
from chatserver.domain.politeness import check, review
from chatserver.domain.politeness_words import (
    DEFAULT_WORDS,
    PolitenessWords,
    customised,
    with_overrides,
    words_to_wire,
)
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.politeness import findings_wire


def shop_words(shop: Shop) -> PolitenessWords:
    return with_overrides(shop.politeness_words)


def lint(shop: Shop, field: str, text: str) -> list[dict[str, Any]]:
    """Warnings about a text shoppers will read (an FAQ answer, a standard phrase), for the
    editor: saving is never refused for them."""
    return [{"field": field, **w} for w in findings_wire(text, check(text, shop_words(shop)))]


def note_impolite(
    tx: Transaction,
    conversation: Chat,
    actor: AuthenticatedAgent,
    message: Wire,
    now: datetime,
) -> None:
    """Called in the transaction that stores an agent's message: the server checks it again
    (the panel's warning may have been skipped, or never shown) and notes what it finds."""
    findings = check(str(message["text"]), shop_words(actor.shop))
    if not findings:
        return
    kinds = tuple(sorted({f.kind for f in findings}))
    record_event(
        tx.session,
        conversation,
        type="impolite_sent",
        now=now,
        actor_type="agent",
        actor_id=actor.agent.id,
        data={"message_id": message["id"], "kinds": list(kinds)},
    )
    tx.record(
        ImpoliteMessageSent(
            conversation.id,
            conversation.shop_id,
            agent_id=actor.agent.id,
            message_id=int(message["id"]),
            kinds=kinds,
        )
    )


class Politeness:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def check_draft(self, actor: AuthenticatedAgent, command: DraftCheck) -> dict[str, Any]:
        """`{findings, rewrite}` for a draft, with the agent's shop's lists."""
        if command.conversation_id is not None:
            async with self.db.sessions() as session:
                check_in_shop(await session.get(Conversation, command.conversation_id), actor)
        result = review(command.text, shop_words(actor.shop))
        return {
            "findings": findings_wire(command.text, result.findings),
            "rewrite": result.rewrite,
        }

    async def settings(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        async with self.db.sessions() as session:
            shop = await session.get_one(Shop, actor.shop.id)
            return self._settings(shop)

    @staticmethod
    def _settings(shop: Shop) -> dict[str, Any]:
        return {
            "words": words_to_wire(shop_words(shop)),
            "custom": customised(shop.politeness_words),
            "defaults": words_to_wire(DEFAULT_WORDS),
        }

    async def do_update_words(
        self, actor: AuthenticatedAgent, command: PolitenessUpdate
    ) -> dict[str, Any]:
        require_admin(actor)
        async with self.db.transaction() as tx:
            shop = await tx.session.get_one(Shop, actor.shop.id)
            shop.politeness_words = command.stored()
            await tx.session.flush()
            return self._settings(shop)
