"""One FAQ index and one standard-phrase index per shop, built from the database on first use.

Edits bump `shops.faq_revision` (services/catalog.py). Each process looks at the revision at
most once a second per shop and rebuilds when it moved, so an edit reaches the bot on every
process within a second, without a restart and without Redis.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy import select

from chatserver.actions.batches import Batches
from chatserver.db.engine import Database
from chatserver.db.models import FaqEntry as FaqRow
from chatserver.db.models import Phrase, Shop
from chatserver.domain.greeting import PHRASE_PLACEHOLDERS, render_template
from chatserver.domain.phrases import ShortcutEntry, shortcut_hits
from faq import FaqEntry, FaqIndex, Match, MatchResult, ScoringConfig

log = logging.getLogger(__name__)

_UNNAMED = dict.fromkeys(PHRASE_PLACEHOLDERS, "")
# Standard phrases are searched by their words as an agent types (/退款): the lexical stage
# alone, without the FAQ's sentence-embedding second stage.
_PHRASE_CONFIG = ScoringConfig(semantic=False)


def _words_of(phrase_text: str) -> str:
    """A phrase's own words: /er must not find every phrase with a {shopper} in it."""
    return render_template(phrase_text, _UNNAMED)


def _match_batch(batch: list[tuple[FaqIndex, str]]) -> list[MatchResult | Exception]:
    """Each index's questions in one `match_many`; a failure is its own askers' only."""
    by_index: dict[int, list[int]] = {}
    for number, (index, _) in enumerate(batch):
        by_index.setdefault(id(index), []).append(number)
    outcomes: dict[int, MatchResult | Exception] = {}
    for numbers in by_index.values():
        index = batch[numbers[0]][0]
        try:
            results = index.match_many([batch[number][1] for number in numbers], 3)
        except Exception as error:  # handed to the askers, whose callers log it
            for number in numbers:
                outcomes[number] = error
            continue
        outcomes.update(zip(numbers, results, strict=True))
    return [outcomes[number] for number in range(len(batch))]


async def _match_in_a_thread(
    batch: list[tuple[FaqIndex, str]],
) -> list[MatchResult | Exception]:
    # In a thread: an unsure question is embedded (milliseconds of numpy), and other chats'
    # messages are acknowledged meanwhile.
    return await asyncio.to_thread(_match_batch, batch)


def match_batches(max_batch: int = 64) -> Batches[tuple[FaqIndex, str], MatchResult]:
    """Questions asked while a batch is being matched wait for the next one and are matched
    together (`FaqIndex.match_many`, per shop): the unsure ones of a shop are embedded in one
    call, which costs less per question than one by one (bench/faq.py). A question asked while
    nothing runs starts at once. One batch at a time: the encoder takes one call at a time."""
    return Batches(_match_in_a_thread, max_batch)


class FaqRegistry:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._batches = match_batches()
        self._faq: dict[int, FaqIndex] = {}
        self._phrases: dict[int, FaqIndex] = {}
        # Per shop: every phrase as the API shows it, by id (as the index names it), in id order.
        self._phrase_rows: dict[int, dict[str, dict[str, Any]]] = {}
        self._revisions: dict[int, int] = {}
        self._checked_at: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    REVISION_CHECK_SECONDS = 1.0

    def recheck_soon(self, shop_id: int) -> None:
        """Look at the shop's revision on the next question instead of within a second."""
        self._checked_at.pop(shop_id, None)

    async def _ensure(self, shop_id: int) -> None:
        now = time.monotonic()
        if (
            shop_id in self._faq
            and now - self._checked_at.get(shop_id, 0) < self.REVISION_CHECK_SECONDS
        ):
            return
        lock = self._locks.setdefault(shop_id, asyncio.Lock())
        async with lock:
            if (
                shop_id in self._faq
                and now - self._checked_at.get(shop_id, 0) < self.REVISION_CHECK_SECONDS
            ):
                return
            async with self.db.sessions() as session:
                revision = await session.scalar(select(Shop.faq_revision).where(Shop.id == shop_id))
            if shop_id in self._faq and revision == self._revisions.get(shop_id):
                self._checked_at[shop_id] = time.monotonic()
                return
            try:
                await self._rebuild(shop_id, revision or 0)
            except Exception:
                if shop_id not in self._faq:
                    raise
                # Keep answering with the last good index rather than not at all.
                log.exception("rebuilding the FAQ index of shop %s failed", shop_id)
            self._checked_at[shop_id] = time.monotonic()

    async def _rebuild(self, shop_id: int, revision: int) -> None:
        async with self.db.sessions() as session:
            faq_rows = list(await session.scalars(select(FaqRow).where(FaqRow.shop_id == shop_id)))
            phrase_rows = list(
                await session.scalars(select(Phrase).where(Phrase.shop_id == shop_id))
            )
        entries = [
            FaqEntry(
                id=str(row.id),
                question=row.question,
                answer=row.answer,
                similar=tuple(row.similar or ()),
                category=row.category,
                enabled=row.enabled,
            )
            for row in faq_rows
        ]
        # Off the event loop: embedding new questions (and loading the sentence encoder on the
        # first build) takes from milliseconds to seconds, and other chats go on meanwhile.
        faq_index = await asyncio.to_thread(FaqIndex.build, entries)
        phrase_index = FaqIndex.build(
            (
                FaqEntry(
                    id=str(row.id),
                    question=f"{row.title} {_words_of(row.text)}",
                    answer=row.text,
                )
                for row in phrase_rows
            ),
            config=_PHRASE_CONFIG,
        )
        # Swapped in together, only once both are built.
        self._faq[shop_id], self._phrases[shop_id] = faq_index, phrase_index
        self._phrase_rows[shop_id] = {
            str(row.id): {
                "id": row.id,
                "title": row.title,
                "text": row.text,
                "category": row.category,
                "shortcut": row.shortcut,
            }
            for row in sorted(phrase_rows, key=lambda row: row.id)
        }
        self._revisions[shop_id] = revision

    async def match(self, shop_id: int, text: str) -> MatchResult:
        await self._ensure(shop_id)
        return await self._batches.submit((self._faq[shop_id], text))

    async def small_talk(self, shop_id: int, text: str) -> str | None:
        await self._ensure(shop_id)
        return self._faq[shop_id].small_talk(text)

    async def match_with_choices(self, shop_id: int, text: str) -> tuple[MatchResult, list[Match]]:
        """The bot's ranking and, when it is unsure, its "did you mean" choices: one ranking."""
        await self._ensure(shop_id)
        index = self._faq[shop_id]
        result = await self._batches.submit((index, text))
        return result, [] if result.confident else index.choices(text, result)

    async def answer_of(self, shop_id: int, faq_id: str) -> tuple[str, str] | None:
        """(question, answer) of an enabled entry, for a tapped suggestion choice."""
        if not faq_id.isdigit():
            return None
        async with self.db.sessions() as session:
            row = await session.get(FaqRow, int(faq_id))
        if row is None or row.shop_id != shop_id or not row.enabled:
            return None
        return row.question, row.answer

    async def agent_suggestions(self, shop_id: int, text: str) -> list[dict[str, Any]]:
        """Ready answers for an agent: the best FAQ answers, then fitting standard phrases."""
        await self._ensure(shop_id)
        rows = self._phrase_rows.get(shop_id, {})
        index = self._faq[shop_id]
        faq_matches = index.plausible_from(text, await self._batches.submit((index, text)))
        items: list[dict[str, Any]] = [
            {
                "kind": "faq",
                "id": match.id,
                "title": match.question,
                "text": match.answer,
                "score": round(match.score, 1),
            }
            for match in faq_matches
        ]
        items.extend(
            {
                "kind": "phrase",
                "id": match.id,
                "title": rows[match.id]["title"] if match.id in rows else "",
                "text": match.answer,
                "score": round(match.score, 1),
            }
            for match in self._phrases[shop_id].plausible(text, 2)
        )
        return items

    async def search_phrases(self, shop_id: int, query: str, limit: int) -> list[dict[str, Any]]:
        """The shop's phrases for what an agent typed after `/`, best first: shortcuts that start
        with the query, then the matcher's ranking of titles and texts. An empty query lists
        the phrases with a shortcut first, then the others."""
        await self._ensure(shop_id)
        rows = self._phrase_rows.get(shop_id, {})
        shortcuts = [
            ShortcutEntry(row["id"], row["shortcut"]) for row in rows.values() if row["shortcut"]
        ]
        if not query:
            ids = shortcut_hits("", shortcuts)
            ids += [row["id"] for row in rows.values() if not row["shortcut"]]
            return [rows[str(phrase_id)] for phrase_id in ids[:limit]]
        found = [str(phrase_id) for phrase_id in shortcut_hits(query, shortcuts)]
        found += [match.id for match in self._phrases[shop_id].rank(query, k=limit)]
        # Then the literal hits the matcher does not rank (a single character, /尺 on the way
        # to /尺码): titles first, then texts.
        needle = query.lower()
        found += [key for key, row in rows.items() if needle in row["title"].lower()]
        found += [key for key, row in rows.items() if needle in _words_of(row["text"]).lower()]
        ranked = [key for key in dict.fromkeys(found) if key in rows]
        return [rows[key] for key in ranked[:limit]]
