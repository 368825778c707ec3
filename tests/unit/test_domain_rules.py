"""The pure rules: handoff intent, routing, the response clock, greeting, text, rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chatserver.domain import handoff, routing, sla, states
from chatserver.domain.greeting import DEFAULT_GREETING, render_greeting
from chatserver.domain.ratelimit import TokenBucket
from chatserver.domain.text import clean_client_id, clean_text
from chatserver.errors import AppError

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "轉人工",
        "我要人工客服",
        "找客服",
        "有人在吗",
        "能不能换个真人",
        "不要机器人",
        "机器人听不懂",
        "叫你们老板来",
        "转 人 工",
        "HUMAN please",
    ],
)
def test_requests_for_a_person_are_recognised(text: str) -> None:
    assert handoff.asks_for_human(text)
    assert handoff.decide(text, confident=True, has_suggestions=False, misses_so_far=0) == (
        handoff.BotDecision("handoff", "requested")
    )


@pytest.mark.parametrize(
    "text",
    [
        "你们几点下班，晚上有人吗",
        "周末有人在吗",
        "人工客服几点上班",
        "客服在线时间是几点",
        "人工客服什么时候在",
    ],
)
def test_a_question_about_service_hours_is_not_a_request_for_a_person(text: str) -> None:
    assert not handoff.asks_for_human(text)
    assert handoff.decide(text, confident=True, has_suggestions=False, misses_so_far=0) == (
        handoff.BotDecision("answer")
    )


@pytest.mark.parametrize(
    "text",
    [
        "几点下班啊 转人工",
        "晚上有人吗 我要找客服",
        "不要机器人 几点上班",
        "什么时候发货？我要人工客服",
        "退款什么时候到账 人工",
        "几点下班 转接人工",
    ],
)
def test_an_explicit_request_beside_a_question_about_hours_still_hands_off(text: str) -> None:
    assert handoff.asks_for_human(text)


@pytest.mark.parametrize(
    "text", ["我要投诉", "再这样我给差评", "打12315", "我要去消协举报", "投訴"]
)
def test_complaints_hand_off_at_high_priority(text: str) -> None:
    decision = handoff.decide(text, confident=True, has_suggestions=True, misses_so_far=0)
    assert decision == handoff.BotDecision("handoff", "complaint", priority=1)


@pytest.mark.parametrize("text", ["多久发货", "这件有M码吗", "人字拖有货吗", "衣服是纯棉的吗"])
def test_ordinary_questions_are_not_handoffs(text: str) -> None:
    assert not handoff.asks_for_human(text)
    assert not handoff.is_complaint(text)


def test_bot_answers_when_confident_offers_choices_then_gives_up_after_two_misses() -> None:
    assert handoff.decide("多久发货", confident=True, has_suggestions=False, misses_so_far=1) == (
        handoff.BotDecision("answer")
    )
    assert handoff.decide("嗯嗯", confident=False, has_suggestions=True, misses_so_far=0) == (
        handoff.BotDecision("suggest")
    )
    assert handoff.decide("嗯嗯", confident=False, has_suggestions=False, misses_so_far=0) == (
        handoff.BotDecision("fallback")
    )
    assert handoff.decide("嗯嗯", confident=False, has_suggestions=True, misses_so_far=1) == (
        handoff.BotDecision("handoff", "bot_unsure")
    )


def test_small_talk_gets_a_reply_but_a_request_for_a_person_still_hands_off() -> None:
    assert handoff.decide(
        "在吗", confident=False, has_suggestions=False, misses_so_far=1, small_talk=True
    ) == handoff.BotDecision("small_talk")
    assert handoff.decide(
        "转人工", confident=False, has_suggestions=False, misses_so_far=0, small_talk=True
    ) == handoff.BotDecision("handoff", "requested")


def test_state_machine_allows_only_the_designed_moves() -> None:
    assert states.can_move("bot", "queued")
    assert states.can_move("queued", "assigned")
    assert states.can_move("assigned", "queued")
    assert states.can_move("closed", "bot")
    assert not states.can_move("bot", "assigned")
    assert not states.can_move("closed", "assigned")


def _agent(
    agent_id: int,
    status: str = "online",
    open_chats: int = 0,
    max_chats: int = 5,
    since: datetime | None = None,
) -> routing.AgentLoad:
    return routing.AgentLoad(agent_id, status, open_chats, max_chats, since)


def test_queue_serves_complaints_first_then_longest_wait() -> None:
    chats = [
        routing.WaitingChat(1, 0, T0),
        routing.WaitingChat(2, 1, T0 + timedelta(minutes=5)),
        routing.WaitingChat(3, 0, T0 - timedelta(minutes=1)),
    ]
    assert [c.conversation_id for c in routing.queue_order(chats)] == [2, 3, 1]


def test_previous_agent_gets_the_returning_shopper_when_free() -> None:
    chat = routing.WaitingChat(1, 0, T0, previous_agent_id=7)
    agents = [_agent(3, open_chats=0), _agent(7, open_chats=4)]
    assert routing.choose_agent(chat, agents) == 7
    busy = [_agent(3, open_chats=0), _agent(7, open_chats=5)]
    assert routing.choose_agent(chat, busy) == 3
    away = [_agent(3, open_chats=2), _agent(7, status="away")]
    assert routing.choose_agent(chat, away) == 3


def test_least_loaded_online_agent_wins_and_nobody_exceeds_max_chats() -> None:
    chat = routing.WaitingChat(1, 0, T0)
    agents = [_agent(1, open_chats=3), _agent(2, open_chats=1), _agent(3, "away", 0)]
    assert routing.choose_agent(chat, agents) == 2
    full = [_agent(1, open_chats=5), _agent(2, open_chats=2, max_chats=2)]
    assert routing.choose_agent(chat, full) is None
    # Equal load: the agent who has been free the longest goes first.
    tie = [_agent(1, since=T0), _agent(2, since=T0 - timedelta(hours=1))]
    assert routing.choose_agent(chat, tie) == 2


def test_wait_estimate_grows_with_position_and_shrinks_with_seats() -> None:
    one_seat = [_agent(1, open_chats=1, max_chats=1)]
    two_seats = [_agent(1, open_chats=1, max_chats=1), _agent(2, open_chats=1, max_chats=1)]
    assert routing.estimate_wait_seconds(1, [_agent(1)], 120) == 0
    assert routing.estimate_wait_seconds(1, one_seat, 120) == 120
    assert routing.estimate_wait_seconds(2, one_seat, 120) == 240
    assert routing.estimate_wait_seconds(2, two_seats, 120) == 120
    # Nobody online: no figure at all rather than a promise.
    assert routing.estimate_wait_seconds(1, [], 120) is None
    assert routing.estimate_wait_seconds(1, [_agent(1, "away", 0)], 120) is None


def test_handling_time_is_the_median_of_recent_chats_with_a_floor() -> None:
    assert routing.handle_seconds([]) == routing.DEFAULT_HANDLE_SECONDS
    # One chat left open all night does not move the median.
    assert routing.handle_seconds([200, 240, 300, 36000]) == 270
    assert routing.handle_seconds([5, 8, 12]) == routing.MIN_HANDLE_SECONDS


def test_response_clock_starts_at_first_unanswered_message_after_handoff() -> None:
    # Before handoff the bot answers: no clock.
    assert sla.on_visitor_message(None, human_involved=False, now=T0) is None
    started = sla.on_handoff(None, T0)
    assert started == T0
    # A second shopper message does not restart the clock.
    assert (
        sla.on_visitor_message(started, human_involved=True, now=T0 + timedelta(seconds=20)) == T0
    )
    response_ms, reset = sla.on_agent_message(started, T0 + timedelta(seconds=42))
    assert (response_ms, reset) == (42_000, None)
    assert sla.on_agent_message(None, T0) == (None, None)
    # A shopper who wrote before pressing 转人工 has waited since the message.
    assert sla.on_handoff(T0 - timedelta(seconds=5), T0) == T0 - timedelta(seconds=5)


def test_greeting_fills_shop_and_agent_and_survives_a_broken_template() -> None:
    text = render_greeting(DEFAULT_GREETING, shop="鹿鸣衣橱")
    assert "鹿鸣衣橱" in text and "您" in text
    assert (
        render_greeting("欢迎来到{shop}，我是{agent}", shop="A店", agent="小美")
        == "欢迎来到A店，我是小美"
    )
    assert render_greeting("欢迎{shop} {oops} {", shop="A店") == "欢迎A店 {oops} {"


def test_text_rules() -> None:
    assert clean_text("  您好 \n") == "您好"
    assert clean_text("a\x00b") == "ab"
    with pytest.raises(AppError) as empty:
        clean_text(" \t")
    assert empty.value.code == "empty_text"
    with pytest.raises(AppError) as long:
        clean_text("x" * 2001)
    assert long.value.code == "text_too_long"
    with pytest.raises(AppError) as wrong_type:
        clean_text(["x"])
    assert wrong_type.value.code == "invalid_payload"
    assert clean_client_id("abc") == "abc"
    with pytest.raises(AppError):
        clean_client_id("")


def test_token_bucket_allows_bursts_and_refills() -> None:
    bucket = TokenBucket(capacity=3, refill_per_second=1)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5) is False
    assert bucket.take(1.0) is True
