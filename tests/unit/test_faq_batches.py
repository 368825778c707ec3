"""Concurrent questions to the bot are matched in batches (services/faq_registry.py
match_batches): each asker gets exactly what matching alone would give, a quiet shop's question
starts at once, and one shop's failing index fails only its own askers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from chatserver.services.faq_registry import match_batches
from faq import FaqIndex, load_default_faq, load_entries
from faq.index import MatchResult
from faq.semantic import UseEncoder

SHOPS = Path(__file__).resolve().parents[1] / "data" / "shops"
CLOTHING = FaqIndex.build(load_default_faq())
PHONE = FaqIndex.build(load_entries(SHOPS / "phone" / "faq.json"))
QUESTIONS = [
    (CLOTHING, "亲，发什么快递呀"),
    (PHONE, "手机壳会不会发黄"),
    (CLOTHING, "衣服尺码偏大还是偏小"),
    (PHONE, "能用无线充电吗"),
    (CLOTHING, "退款多久到账"),
    (PHONE, "钢化膜贴歪了怎么办"),
    (CLOTHING, "我家猫喜欢吃什么"),
    (PHONE, "你好"),
]


def summary(result: MatchResult) -> tuple[Any, ...]:
    # A vector embedded in a batch differs from one embedded alone in the 7th decimal.
    return (
        result.query,
        result.confident,
        None if result.probability is None else round(result.probability, 4),
        [(m.id, m.score) for m in result.matches],
    )


@pytest.fixture
def batches_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every match_many call (the real one runs)."""
    sizes: list[int] = []
    real = FaqIndex.match_many

    def counting(self: FaqIndex, queries: list[str], k: int = 3) -> list[MatchResult]:
        sizes.append(len(queries))
        return real(self, queries, k)

    monkeypatch.setattr(FaqIndex, "match_many", counting)
    return sizes


async def test_concurrent_questions_get_what_matching_alone_gives(
    batches_seen: list[int],
) -> None:
    # Matched alone by indexes with an encoder of their own: its cache of query vectors is
    # not the shared one, so the batches below embed every question afresh.
    separate = UseEncoder()
    twins = {
        id(CLOTHING): FaqIndex.build(load_default_faq(), encoder=separate),
        id(PHONE): FaqIndex.build(load_entries(SHOPS / "phone" / "faq.json"), encoder=separate),
    }
    alone = [summary(twins[id(index)].match(text)) for index, text in QUESTIONS]
    batches_seen.clear()
    batches = match_batches()
    (index, text), *others = QUESTIONS
    first = asyncio.create_task(batches.submit((index, text)))
    await asyncio.sleep(0)  # its batch is under way
    rest = asyncio.gather(*(batches.submit((index, text)) for index, text in others))
    results = [await first, *await rest]
    assert [summary(result) for result in results] == alone
    # The first question starts at once, alone; the seven asked meanwhile are matched together
    # per shop: one call for the phone shop's four, one for the clothing FAQ's three.
    assert batches_seen == [1, 4, 3]


async def test_a_question_after_a_quiet_spell_is_matched_at_once(
    batches_seen: list[int],
) -> None:
    alone = summary(PHONE.match("贴膜送不送"))
    batches_seen.clear()
    batches = match_batches()
    first = await batches.submit((PHONE, "贴膜送不送"))
    second = await batches.submit((PHONE, "贴膜送不送"))
    assert summary(first) == summary(second) == alone
    assert batches_seen == [1, 1]


async def test_a_failing_index_fails_only_its_own_askers(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = FaqIndex.build(load_entries(SHOPS / "phone" / "faq.json"))

    def fail(queries: list[str], k: int = 3) -> list[MatchResult]:
        raise RuntimeError("index broken")

    monkeypatch.setattr(broken, "match_many", fail)
    batches = match_batches()
    asked = [(CLOTHING, "发什么快递"), (broken, "发什么快递"), (CLOTHING, "退款多久到账")]
    outcomes = await asyncio.gather(
        *(batches.submit((index, text)) for index, text in asked), return_exceptions=True
    )
    assert isinstance(outcomes[1], RuntimeError)
    assert summary(outcomes[0]) == summary(CLOTHING.match("发什么快递"))  # type: ignore[arg-type]
    assert summary(outcomes[2]) == summary(CLOTHING.match("退款多久到账"))  # type: ignore[arg-type]
    # And the batches go on for later questions.
    later = await batches.submit((CLOTHING, "发什么快递"))
    assert summary(later) == summary(CLOTHING.match("发什么快递"))
