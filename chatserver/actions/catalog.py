"""What admins and supervisors edit: the shop's FAQ, standard phrases and greeting.

Every edit bumps `shops.faq_revision` in the same transaction, so each server process rebuilds
its matcher index on the next question (services/faq_registry.py), no restart needed; the
process that made the edit hears of it at once (CatalogChanged).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.commands.base import parse
from chatserver.commands.catalog import (
    FaqCreate,
    FaqUpdate,
    PhraseCreate,
    PhraseSearch,
    PhraseUpdate,
    ShopUpdate,
    TryQuestion,
)
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import FaqEntry, Phrase, Shop, utcnow
from chatserver.domain.events import CatalogChanged
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.faq_registry import FaqRegistry

EDITOR_ROLES = ("supervisor", "admin")
# The index is rebuilt in the event loop after an edit; these caps keep that under ~0.1 s.
MAX_FAQ_ENTRIES = 2000
MAX_PHRASES = 500


def require_editor(actor: AuthenticatedAgent) -> None:
    if actor.agent.role not in EDITOR_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以修改")


def require_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改店铺设置")


async def _bump(tx: Transaction, shop_id: int) -> None:
    await tx.session.execute(
        update(Shop).where(Shop.id == shop_id).values(faq_revision=Shop.faq_revision + 1)
    )
    tx.record(CatalogChanged(shop_id))


async def _check_room(
    session: AsyncSession, model: type[FaqEntry] | type[Phrase], shop_id: int, limit: int
) -> None:
    count = await session.scalar(select(func.count()).where(model.shop_id == shop_id))
    if (count or 0) >= limit:
        raise AppError("forbidden", f"每个店铺最多 {limit} 条，请先删除不用的条目")


def faq_dict(entry: FaqEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "key": entry.key,
        "question": entry.question,
        "similar": list(entry.similar or []),
        "answer": entry.answer,
        "category": entry.category,
        "enabled": entry.enabled,
        "updated_at": entry.updated_at.isoformat().replace("+00:00", "Z"),
    }


def phrase_dict(phrase: Phrase) -> dict[str, Any]:
    return {
        "id": phrase.id,
        "title": phrase.title,
        "text": phrase.text,
        "category": phrase.category,
        "shortcut": phrase.shortcut,
    }


def _shortcut_taken(shortcut: str, title: str | None = None) -> AppError:
    owner = f"常用语“{title}”" if title else "另一条常用语"
    return AppError("conflict", f"快捷词“{shortcut}”已被{owner}使用", field="shortcut")


async def _check_shortcut_free(
    session: AsyncSession, shop_id: int, shortcut: str | None, phrase_id: int | None = None
) -> None:
    """A friendly conflict naming the phrase that has it; the unique constraint backs it up."""
    if not shortcut:
        return
    query = select(Phrase).where(Phrase.shop_id == shop_id, Phrase.shortcut == shortcut)
    if phrase_id is not None:
        query = query.where(Phrase.id != phrase_id)
    holder = await session.scalar(query.limit(1))
    if holder is not None:
        raise _shortcut_taken(shortcut, holder.title)


class Catalog:
    def __init__(self, db: Database, faq: FaqRegistry) -> None:
        self.db = db
        self.faq = faq

    # ---- FAQ -----------------------------------------------------------------------------

    async def list_faq(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(FaqEntry).where(FaqEntry.shop_id == actor.shop.id).order_by(FaqEntry.id)
            )
            return [faq_dict(row) for row in rows]

    async def do_create_faq(self, actor: AuthenticatedAgent, command: FaqCreate) -> dict[str, Any]:
        require_editor(actor)
        async with self.db.transaction() as tx:
            entry = await self.create_faq_in(tx, actor, command)
            return faq_dict(entry)

    async def create_faq_in(
        self, tx: Transaction, actor: AuthenticatedAgent, command: FaqCreate, *, batch: bool = False
    ) -> FaqEntry:
        """A new entry, in the caller's transaction (the editor, an import). A `batch` caller
        checks the room and bumps the revision once for all its entries (`save_batch_in`)."""
        if not batch:
            await _check_room(tx.session, FaqEntry, actor.shop.id, MAX_FAQ_ENTRIES)
        entry = FaqEntry(
            shop_id=actor.shop.id,
            question=command.question,
            similar=command.similar or [],
            answer=command.answer,
            category=command.category or "",
            enabled=True if command.enabled is None else command.enabled,
        )
        tx.session.add(entry)
        if not batch:
            await _bump(tx, actor.shop.id)
            await tx.session.flush()
        return entry

    async def save_batch_in(
        self,
        tx: Transaction,
        actor: AuthenticatedAgent,
        creates: list[FaqCreate],
        updates: list[tuple[FaqEntry, FaqCreate]],
    ) -> None:
        """Many entries at once (an import): one room check, one revision, all or nothing."""
        count = await tx.session.scalar(
            select(func.count()).where(FaqEntry.shop_id == actor.shop.id)
        )
        if (count or 0) + len(creates) > MAX_FAQ_ENTRIES:
            raise AppError("forbidden", f"每个店铺最多 {MAX_FAQ_ENTRIES} 条问答，导入后将超过上限")
        for command in creates:
            await self.create_faq_in(tx, actor, command, batch=True)
        now = utcnow()
        for entry, values in updates:
            entry.question, entry.answer = values.question, values.answer
            entry.similar, entry.category = values.similar or [], values.category or ""
            entry.enabled = True if values.enabled is None else values.enabled
            entry.updated_at = now
        await _bump(tx, actor.shop.id)
        await tx.session.flush()

    async def own_faq(
        self, session: AsyncSession, actor: AuthenticatedAgent, faq_id: int
    ) -> FaqEntry:
        entry = await session.get(FaqEntry, faq_id)
        if entry is None or entry.shop_id != actor.shop.id:
            raise AppError("not_found", "问答不存在")
        return entry

    async def do_update_faq(
        self, actor: AuthenticatedAgent, faq_id: int, command: FaqUpdate
    ) -> dict[str, Any]:
        require_editor(actor)
        async with self.db.transaction() as tx:
            entry = await self.update_faq_in(tx, actor, faq_id, command)
            return faq_dict(entry)

    async def update_faq_in(
        self, tx: Transaction, actor: AuthenticatedAgent, faq_id: int, command: FaqUpdate
    ) -> FaqEntry:
        entry = await self.own_faq(tx.session, actor, faq_id)
        for name, value in command.model_dump(exclude_none=True).items():
            setattr(entry, name, value)
        entry.updated_at = utcnow()
        await _bump(tx, actor.shop.id)
        await tx.session.flush()
        return entry

    async def add_similar_in(
        self, tx: Transaction, actor: AuthenticatedAgent, faq_id: int, question: str
    ) -> FaqEntry:
        """`question` as one more similar question of the entry (a wording the bot missed, a
        shopper's words an agent answered with it), checked like the editor's list."""
        entry = await self.own_faq(tx.session, actor, faq_id)
        if question in (entry.question, *(entry.similar or [])):
            return entry
        similar = [*(entry.similar or []), question]
        return await self.update_faq_in(tx, actor, faq_id, parse(FaqUpdate, {"similar": similar}))

    async def do_delete_faq(self, actor: AuthenticatedAgent, faq_id: int) -> None:
        require_editor(actor)
        async with self.db.transaction() as tx:
            entry = await self.own_faq(tx.session, actor, faq_id)
            await tx.session.delete(entry)
            await _bump(tx, actor.shop.id)

    async def try_question(self, actor: AuthenticatedAgent, command: TryQuestion) -> dict[str, Any]:
        """What the bot would do with this question now: for editors testing their changes."""
        result = await self.faq.match(actor.shop.id, command.question)
        return {
            "query": command.question,
            "confident": result.confident,
            "matches": [
                {"id": m.id, "question": m.question, "score": round(m.score, 1)}
                for m in result.matches
            ],
        }

    # ---- standard phrases ----------------------------------------------------------------

    async def list_phrases(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(Phrase).where(Phrase.shop_id == actor.shop.id).order_by(Phrase.id)
            )
            return [phrase_dict(row) for row in rows]

    async def do_create_phrase(
        self, actor: AuthenticatedAgent, command: PhraseCreate
    ) -> dict[str, Any]:
        require_editor(actor)
        try:
            async with self.db.transaction() as tx:
                await _check_room(tx.session, Phrase, actor.shop.id, MAX_PHRASES)
                await _check_shortcut_free(tx.session, actor.shop.id, command.shortcut)
                phrase = Phrase(
                    shop_id=actor.shop.id,
                    title=command.title,
                    text=command.text,
                    category=command.category or "",
                    shortcut=command.shortcut or None,
                )
                tx.session.add(phrase)
                await _bump(tx, actor.shop.id)
                await tx.session.flush()
                return phrase_dict(phrase)
        except IntegrityError as exc:
            if not command.shortcut:
                raise
            # Two editors took the same shortcut at the same moment.
            raise _shortcut_taken(command.shortcut) from exc

    async def _own_phrase(
        self, session: AsyncSession, actor: AuthenticatedAgent, phrase_id: int
    ) -> Phrase:
        phrase = await session.get(Phrase, phrase_id)
        if phrase is None or phrase.shop_id != actor.shop.id:
            raise AppError("not_found", "常用语不存在")
        return phrase

    async def do_update_phrase(
        self, actor: AuthenticatedAgent, phrase_id: int, command: PhraseUpdate
    ) -> dict[str, Any]:
        require_editor(actor)
        try:
            async with self.db.transaction() as tx:
                phrase = await self._own_phrase(tx.session, actor, phrase_id)
                await _check_shortcut_free(tx.session, actor.shop.id, command.shortcut, phrase_id)
                for name, value in command.model_dump(exclude_none=True).items():
                    setattr(phrase, name, value)
                phrase.shortcut = phrase.shortcut or None  # "" clears it
                await _bump(tx, actor.shop.id)
                await tx.session.flush()
                return phrase_dict(phrase)
        except IntegrityError as exc:
            if not command.shortcut:
                raise
            # Two editors took the same shortcut at the same moment.
            raise _shortcut_taken(command.shortcut) from exc

    async def search_phrases(
        self, actor: AuthenticatedAgent, command: PhraseSearch
    ) -> list[dict[str, Any]]:
        """The shop's phrases for a typed `/query`: shortcuts first, then the matcher's pick."""
        return await self.faq.search_phrases(actor.shop.id, command.q, command.limit)

    async def do_delete_phrase(self, actor: AuthenticatedAgent, phrase_id: int) -> None:
        require_editor(actor)
        async with self.db.transaction() as tx:
            phrase = await self._own_phrase(tx.session, actor, phrase_id)
            await tx.session.delete(phrase)
            await _bump(tx, actor.shop.id)

    # ---- shop settings -------------------------------------------------------------------

    async def shop_settings(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        async with self.db.sessions() as session:
            shop = await session.get_one(Shop, actor.shop.id)
            return {
                "slug": shop.slug,
                "name": shop.name,
                "greeting_template": shop.greeting_template,
                "farewell_template": shop.farewell_template,
            }

    async def do_update_shop(
        self, actor: AuthenticatedAgent, command: ShopUpdate
    ) -> dict[str, Any]:
        require_admin(actor)
        async with self.db.transaction() as tx:
            shop = await tx.session.get_one(Shop, actor.shop.id)
            for name, value in command.model_dump(exclude_none=True).items():
                setattr(shop, name, value)
        return await self.shop_settings(actor)
