"""The rules of the bot's gaps: which turns count, when an answer did not help, and how the
supervisor's groups read (pure, with the grouping done by the FAQ matcher)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatserver.domain.bot_gaps import AskedQuestion, QuestionGroup, escalates, ordered, outcome_of
from chatserver.services.question_groups import group_by_meaning
from faq import load_default_faq

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _asked(i: int, text: str, minutes_ago: int = 0, **kw: object) -> AskedQuestion:
    return AskedQuestion(i, text, "fallback", NOW - timedelta(minutes=minutes_ago), **kw)  # type: ignore[arg-type]


def test_each_decision_has_an_outcome_and_only_misses_count_as_unanswered() -> None:
    assert outcome_of("answer", None, tapped_choice=False) == "answered"
    assert outcome_of("answer", None, tapped_choice=True) == "chosen"
    assert outcome_of("suggest", None, tapped_choice=False) == "suggested"
    assert outcome_of("fallback", None, tapped_choice=False) == "fallback"
    assert outcome_of("small_talk", None, tapped_choice=False) == "small_talk"
    assert outcome_of("handoff", "bot_unsure", tapped_choice=False) == "handoff"
    assert outcome_of("handoff", "complaint", tapped_choice=False) == "requested"


def test_a_request_for_a_person_soon_after_an_answer_means_it_did_not_help() -> None:
    assert escalates("answered", NOW - timedelta(minutes=2), NOW)
    assert not escalates("answered", NOW - timedelta(minutes=30), NOW)
    assert not escalates("chosen", NOW, NOW)  # a tapped choice: the FAQ's own wording
    assert not escalates("fallback", NOW, NOW)  # already a gap of its own


def test_a_group_shows_the_most_asked_wording_and_different_examples_newest_first() -> None:
    group = QuestionGroup(
        (
            _asked(1, "你们有实体店吗", 50, faq_id=7, score=30.0),
            _asked(2, "实体店在哪里", 40, faq_id=9, score=70.0),
            _asked(3, "你们有实体店吗", 30, faq_id=7, score=30.0),
            _asked(4, "有没有线下店", 20),
            _asked(5, "实体店在哪", 10),
        )
    )
    assert group.representative == "你们有实体店吗"
    assert [q.text for q in group.examples()] == ["实体店在哪", "有没有线下店", "你们有实体店吗"]
    assert group.best_candidate == 9  # one close match outweighs two distant ones
    small = QuestionGroup((_asked(6, "能刻字吗", 1),))
    assert ordered([small, group], "count") == [group, small]
    assert ordered([group, small], "recent") == [small, group]


def test_questions_are_grouped_by_meaning_not_by_shared_characters() -> None:
    texts = ["你们有实体店吗", "你们有没有线下实体店", "實體店在哪裡", "可以送货上门安装吗",
             "支持上门安装吗", "我家猫喜欢吃什么"]  # fmt: skip
    groups = group_by_meaning([_asked(i, t) for i, t in enumerate(texts)], load_default_faq())
    assert sorted(sorted(q.text for q in g.members) for g in groups) == sorted(
        [
            sorted(["你们有实体店吗", "你们有没有线下实体店", "實體店在哪裡"]),
            ["可以送货上门安装吗", "支持上门安装吗"],
            ["我家猫喜欢吃什么"],
        ]
    )
