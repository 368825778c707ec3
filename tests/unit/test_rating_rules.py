"""The pure rating rules: who is asked, when a rating is open, the figures reports read."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.domain import ratings
from chatserver.domain.ratings import ServiceRound
from chatserver.errors import AppError

ASKED = ServiceRound(close_event_id=7, agent_id=2, rating_requested=True)
NOT_ASKED = ServiceRound(close_event_id=7, agent_id=None, rating_requested=False)


def test_only_a_chat_a_person_was_serving_is_rated() -> None:
    assert ratings.asks_for_rating("assigned", 2)
    assert not ratings.asks_for_rating("bot", None)
    assert not ratings.asks_for_rating("queued", None)
    assert not ratings.asks_for_rating("assigned", None)


@pytest.mark.parametrize(
    ("status", "last_round", "rated", "state"),
    [
        ("bot", None, False, "none"),  # never closed
        ("assigned", None, False, "none"),
        ("closed", NOT_ASKED, False, "none"),  # the bot's chat, closed
        ("closed", ASKED, False, "open"),
        ("closed", ASKED, True, "rated"),
        ("bot", ASKED, False, "open"),  # wrote 谢谢 after the farewell
        ("bot", ASKED, True, "rated"),
        ("queued", ASKED, False, "none"),  # a new round has begun
        ("assigned", ASKED, True, "none"),
    ],
)
def test_a_rating_is_open_from_the_close_until_a_person_is_asked_for_again(
    status: str, last_round: ServiceRound | None, rated: bool, state: str
) -> None:
    assert ratings.rating_state(status, last_round, rated) == state


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_scores_one_to_five_are_accepted(score: int) -> None:
    assert ratings.clean_score(score) == score


@pytest.mark.parametrize("value", [0, 6, -1, 4.5, 5.0, "5", True, None, [5]])
def test_anything_else_is_not_a_score(value: Any) -> None:
    with pytest.raises(AppError) as caught:
        ratings.clean_score(value)
    assert (caught.value.code, caught.value.field) == ("invalid_payload", "score")


def test_comments_are_optional_text_of_at_most_500_characters() -> None:
    assert ratings.clean_comment(None) is None
    assert ratings.clean_comment("   \n") is None
    assert ratings.clean_comment(" 很好\x00 ") == "很好"
    assert ratings.clean_comment("好" * 500) == "好" * 500
    with pytest.raises(AppError) as too_long:
        ratings.clean_comment("好" * 501)
    assert (too_long.value.code, too_long.value.field) == ("text_too_long", "comment")
    for wrong in (5, ["好"], {"text": "好"}, "\ud800"):
        with pytest.raises(AppError) as caught:
            ratings.clean_comment(wrong)
        assert caught.value.code == "invalid_payload"


def test_satisfaction_counts_four_and_five_among_the_rated() -> None:
    assert ratings.tally({5: 2, 4: 1, 2: 1}) == {
        "rated": 4,
        "satisfied": 3,
        "satisfaction_rate": 0.75,
        "scores": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2},
    }
    assert ratings.tally({3: 1, 4: 1, 5: 1})["satisfaction_rate"] == 0.6667
    assert ratings.tally({})["satisfaction_rate"] is None
    assert ratings.satisfaction_rate(19, 20) == 0.95
