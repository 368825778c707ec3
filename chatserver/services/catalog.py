"""What admins and supervisors edit: the shop's FAQ, standard phrases and greeting.

Every edit bumps `shops.faq_revision` in the same transaction, so each server process rebuilds
its matcher index on the next question (services/faq_registry.py), no restart needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from chatserver.db.models import FaqEntry, Phrase, Shop, utcnow
from chatserver.domain.greeting import check_template
from chatserver.domain.text import clean_stored_text
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from chatserver.db.engine import Transaction
    from chatserver.services.hub import Hub

EDITOR_ROLES = ("supervisor", "admin")
MAX_QUESTION = 200
MAX_ANSWER = 2000
MAX_SIMILAR = 50
# The index is rebuilt in the event loop after an edit; these caps keep that under ~0.1 s.
MAX_FAQ_ENTRIES = 2000
MAX_PHRASES = 500


def require_editor(actor: AuthenticatedAgent) -> None:
    if actor.agent.role not in EDITOR_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以修改")


def require_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改店铺设置")


LABELS = {
    "question": "标准问题",
    "answer": "答案",
    "category": "分类",
    "title": "标题",
    "text": "内容",
    "name": "店铺名称",
    "greeting_template": "欢迎语",
    "similar": "相似问法",
    "enabled": "启用状态",
}


def _text(
    body: dict[str, Any], name: str, limit: int, *, required: bool, may_be_empty: bool = False
) -> str | None:
    """A trimmed text field; None when absent and optional. Errors name the field."""
    label = LABELS.get(name, name)
    value = body.get(name)
    if value is None:
        if required:
            raise invalid(f"{label}不能为空", field=name)
        return None
    if not isinstance(value, str):
        raise invalid(f"{label}必须是文字", field=name)
    cleaned = clean_stored_text(value)
    if cleaned is None:
        raise invalid(f"{label}包含无效字符", field=name)
    value = cleaned
    if not value and not may_be_empty:
        raise AppError("empty_text", f"{label}不能为空", field=name)
    if len(value) > limit:
        raise AppError("text_too_long", f"{label}不能超过 {limit} 个字符", field=name)
    return value


def _category(body: dict[str, Any]) -> str | None:
    """Optional; an empty string clears it."""
    return _text(body, "category", 32, required=False, may_be_empty=True)


def _enabled(body: dict[str, Any]) -> bool | None:
    value = body.get("enabled")
    if value is not None and not isinstance(value, bool):
        raise invalid("启用状态必须是 true 或 false", field="enabled")
    return value


def _similar(body: dict[str, Any]) -> list[str] | None:
    value = body.get("similar")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("相似问法必须是文字列表", field="similar")
    cleaned = [clean_stored_text(item) for item in value]
    if any(item is None for item in cleaned):
        raise invalid("相似问法包含无效字符", field="similar")
    items = [item for item in cleaned if item]
    if len(items) > MAX_SIMILAR:
        raise invalid(f"相似问法最多 {MAX_SIMILAR} 条", field="similar")
    if any(len(item) > MAX_QUESTION for item in items):
        raise AppError(
            "text_too_long", f"每条相似问法不能超过 {MAX_QUESTION} 个字符", field="similar"
        )
    return list(dict.fromkeys(items))


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
    }


class CatalogService:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def _bump(self, tx: Transaction, shop_id: int) -> None:
        await tx.session.execute(
            update(Shop).where(Shop.id == shop_id).values(faq_revision=Shop.faq_revision + 1)
        )

        # This process sees the edit as soon as it is committed; the others within a second.
        async def recheck() -> None:
            self.hub.faq.recheck_soon(shop_id)

        tx.on_commit(recheck)

    @staticmethod
    async def _check_room(
        session: AsyncSession, model: type[FaqEntry] | type[Phrase], shop_id: int, limit: int
    ) -> None:
        count = await session.scalar(select(func.count()).where(model.shop_id == shop_id))
        if (count or 0) >= limit:
            raise AppError("forbidden", f"每个店铺最多 {limit} 条，请先删除不用的条目")

    # ---- FAQ -----------------------------------------------------------------------------

    async def list_faq(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        async with self.hub.db.sessions() as session:
            rows = await session.scalars(
                select(FaqEntry).where(FaqEntry.shop_id == actor.shop.id).order_by(FaqEntry.id)
            )
            return [faq_dict(row) for row in rows]

    async def create_faq(self, actor: AuthenticatedAgent, body: dict[str, Any]) -> dict[str, Any]:
        require_editor(actor)
        question = _text(body, "question", MAX_QUESTION, required=True)
        answer = _text(body, "answer", MAX_ANSWER, required=True)
        category = _category(body) or ""
        enabled = _enabled(body)
        assert question is not None and answer is not None
        async with self.hub.db.transaction() as tx:
            await self._check_room(tx.session, FaqEntry, actor.shop.id, MAX_FAQ_ENTRIES)
            entry = FaqEntry(
                shop_id=actor.shop.id,
                question=question,
                similar=_similar(body) or [],
                answer=answer,
                category=category,
                enabled=True if enabled is None else enabled,
            )
            tx.session.add(entry)
            await self._bump(tx, actor.shop.id)
            await tx.session.flush()
            return faq_dict(entry)

    async def _own_faq(
        self, session: AsyncSession, actor: AuthenticatedAgent, faq_id: int
    ) -> FaqEntry:
        entry = await session.get(FaqEntry, faq_id)
        if entry is None or entry.shop_id != actor.shop.id:
            raise AppError("not_found", "问答不存在")
        return entry

    async def update_faq(
        self, actor: AuthenticatedAgent, faq_id: int, body: dict[str, Any]
    ) -> dict[str, Any]:
        require_editor(actor)
        question = _text(body, "question", MAX_QUESTION, required=False)
        answer = _text(body, "answer", MAX_ANSWER, required=False)
        category = _category(body)
        similar = _similar(body)
        enabled = _enabled(body)
        if all(v is None for v in (question, answer, category, similar, enabled)):
            raise invalid("没有要修改的内容")
        async with self.hub.db.transaction() as tx:
            entry = await self._own_faq(tx.session, actor, faq_id)
            if question is not None:
                entry.question = question
            if answer is not None:
                entry.answer = answer
            if category is not None:
                entry.category = category
            if similar is not None:
                entry.similar = similar
            if enabled is not None:
                entry.enabled = enabled
            entry.updated_at = utcnow()
            await self._bump(tx, actor.shop.id)
            await tx.session.flush()
            return faq_dict(entry)

    async def delete_faq(self, actor: AuthenticatedAgent, faq_id: int) -> None:
        require_editor(actor)
        async with self.hub.db.transaction() as tx:
            entry = await self._own_faq(tx.session, actor, faq_id)
            await tx.session.delete(entry)
            await self._bump(tx, actor.shop.id)

    async def try_question(self, actor: AuthenticatedAgent, question: str) -> dict[str, Any]:
        """What the bot would do with this question now: for editors testing their changes."""
        if not question.strip():
            raise AppError("empty_text", "请输入要测试的问题")
        if len(question) > MAX_ANSWER:
            raise AppError("text_too_long", f"问题不能超过 {MAX_ANSWER} 个字符")
        result = await self.hub.faq.match(actor.shop.id, question)
        return {
            "query": question,
            "confident": result.confident,
            "matches": [
                {"id": m.id, "question": m.question, "score": round(m.score, 1)}
                for m in result.matches
            ],
        }

    # ---- standard phrases ----------------------------------------------------------------

    async def list_phrases(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        async with self.hub.db.sessions() as session:
            rows = await session.scalars(
                select(Phrase).where(Phrase.shop_id == actor.shop.id).order_by(Phrase.id)
            )
            return [phrase_dict(row) for row in rows]

    async def create_phrase(
        self, actor: AuthenticatedAgent, body: dict[str, Any]
    ) -> dict[str, Any]:
        require_editor(actor)
        title = _text(body, "title", 64, required=True)
        text = _text(body, "text", MAX_ANSWER, required=True)
        category = _category(body) or ""
        assert title is not None and text is not None
        async with self.hub.db.transaction() as tx:
            await self._check_room(tx.session, Phrase, actor.shop.id, MAX_PHRASES)
            phrase = Phrase(shop_id=actor.shop.id, title=title, text=text, category=category)
            tx.session.add(phrase)
            await self._bump(tx, actor.shop.id)
            await tx.session.flush()
            return phrase_dict(phrase)

    async def _own_phrase(
        self, session: AsyncSession, actor: AuthenticatedAgent, phrase_id: int
    ) -> Phrase:
        phrase = await session.get(Phrase, phrase_id)
        if phrase is None or phrase.shop_id != actor.shop.id:
            raise AppError("not_found", "常用语不存在")
        return phrase

    async def update_phrase(
        self, actor: AuthenticatedAgent, phrase_id: int, body: dict[str, Any]
    ) -> dict[str, Any]:
        require_editor(actor)
        title = _text(body, "title", 64, required=False)
        text = _text(body, "text", MAX_ANSWER, required=False)
        category = _category(body)
        if all(v is None for v in (title, text, category)):
            raise invalid("没有要修改的内容")
        async with self.hub.db.transaction() as tx:
            phrase = await self._own_phrase(tx.session, actor, phrase_id)
            if title is not None:
                phrase.title = title
            if text is not None:
                phrase.text = text
            if category is not None:
                phrase.category = category
            await self._bump(tx, actor.shop.id)
            await tx.session.flush()
            return phrase_dict(phrase)

    async def delete_phrase(self, actor: AuthenticatedAgent, phrase_id: int) -> None:
        require_editor(actor)
        async with self.hub.db.transaction() as tx:
            phrase = await self._own_phrase(tx.session, actor, phrase_id)
            await tx.session.delete(phrase)
            await self._bump(tx, actor.shop.id)

    # ---- shop settings -------------------------------------------------------------------

    async def shop_settings(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        async with self.hub.db.sessions() as session:
            shop = await session.get_one(Shop, actor.shop.id)
            return {
                "slug": shop.slug,
                "name": shop.name,
                "greeting_template": shop.greeting_template,
            }

    async def update_shop(self, actor: AuthenticatedAgent, body: dict[str, Any]) -> dict[str, Any]:
        require_admin(actor)
        name = _text(body, "name", 100, required=False)
        greeting = _text(body, "greeting_template", MAX_ANSWER, required=False)
        if greeting is not None:
            problem = check_template(greeting)
            if problem is not None:
                raise invalid(problem, field="greeting_template")
        if name is None and greeting is None:
            raise invalid("没有要修改的内容")
        async with self.hub.db.transaction() as tx:
            shop = await tx.session.get_one(Shop, actor.shop.id)
            if name is not None:
                shop.name = name
            if greeting is not None:
                shop.greeting_template = greeting
        return await self.shop_settings(actor)
