"""The group a handed-off chat goes to, and routing within groups (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chatserver.domain import routing
from chatserver.domain.groups import AFTERSALES, PRESALES, handoff_topic

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PRE, AFTER = 10, 20


@pytest.mark.parametrize(
    ("reason", "texts", "category", "topic"),
    [
        # The shopper's own words about an order gone wrong.
        ("requested", ["我要退货，怎么操作"], None, AFTERSALES),
        ("requested", ["退款什么时候到账？转人工"], None, AFTERSALES),
        ("requested", ["衣服能换货吗，尺码小了"], None, AFTERSALES),
        ("requested", ["衣服小了想换大一号，转人工"], None, AFTERSALES),
        ("requested", ["能换个尺码吗"], None, AFTERSALES),
        ("bot_unsure", ["快递到了盒子破损了"], None, AFTERSALES),
        ("requested", ["收到的杯子坏了"], None, AFTERSALES),
        ("requested", ["这个有质量问题，人工"], None, AFTERSALES),
        ("requested", ["手表坏了能维修吗", "在保修期内"], None, AFTERSALES),
        ("requested", ["少了一件，漏发了"], None, AFTERSALES),
        ("requested", ["颜色错发了，我买的是黑色"], None, AFTERSALES),
        ("requested", ["我要退貨"], None, AFTERSALES),  # traditional
        ("requested", ["收到的東西壞了"], None, AFTERSALES),
        # An earlier turn counts too: the last words may be just 「转人工」.
        ("requested", ["转人工", "裤子洗了一次就掉色"], None, AFTERSALES),
        # The bot's last answer was an after-sales entry.
        ("requested", ["转人工"], "售后", AFTERSALES),
        ("requested", ["人工"], "退换货", AFTERSALES),
        ("bot_unsure", ["还是不明白"], "质量问题", AFTERSALES),
        # Complaints and photos (damaged or wrong items) are after-sales matters.
        ("complaint", ["我要投诉你们"], None, AFTERSALES),
        ("photo", [], None, AFTERSALES),
        # Everything else is pre-sales.
        ("requested", ["这件衣服还有货吗"], None, PRESALES),
        ("requested", ["165 穿什么码，转人工"], "售前", PRESALES),
        ("requested", ["可以发顺丰吗"], "物流", PRESALES),
        ("bot_unsure", ["有优惠券吗"], "优惠", PRESALES),
        ("requested", [], None, PRESALES),
        # Look-alike words are not after-sales: 退出, 坏笑, a shirt that is 不坏.
        ("requested", ["怎么退出会员", "哈哈坏笑"], None, PRESALES),
    ],
)
def test_handoff_topic(reason: str, texts: list[str], category: str | None, topic: str) -> None:
    assert handoff_topic(reason=reason, shopper_texts=texts, last_faq_category=category) == topic


def _agent(
    agent_id: int,
    groups: tuple[int, ...] = (PRE, AFTER),
    *,
    status: str = "online",
    open_chats: int = 0,
    connected: bool = True,
) -> routing.AgentLoad:
    return routing.AgentLoad(
        agent_id, status, open_chats, 5, None, connected=connected, group_ids=frozenset(groups)
    )


def test_a_chat_goes_only_to_an_agent_of_its_group() -> None:
    chat = routing.WaitingChat(1, 0, T0, group_id=AFTER)
    agents = [_agent(1, (PRE,)), _agent(2, (AFTER,), open_chats=4)]
    assert routing.choose_agent(chat, agents) == 2
    # Nobody of 售后 free: the chat waits rather than go to a pre-sales agent.
    assert routing.choose_agent(chat, [_agent(1, (PRE,))]) is None
    # A chat without a group (its group was deleted) is anyone's.
    assert routing.choose_agent(routing.WaitingChat(2, 0, T0), [_agent(1, (PRE,))]) == 1


def test_previous_agent_only_within_the_chats_group() -> None:
    chat = routing.WaitingChat(1, 0, T0, previous_agent_id=7, group_id=AFTER)
    agents = [_agent(3, (AFTER,)), _agent(7, (PRE, AFTER), open_chats=3)]
    assert routing.choose_agent(chat, agents) == 7
    presales_only = [_agent(3, (AFTER,), open_chats=2), _agent(7, (PRE,))]
    assert routing.choose_agent(chat, presales_only) == 3


def test_never_an_agent_whose_connections_are_all_gone() -> None:
    chat = routing.WaitingChat(1, 0, T0, previous_agent_id=7, group_id=PRE)
    # Agent 7 closed the browser: still "online" (the grace period), but gets nothing new.
    agents = [_agent(7, connected=False), _agent(3, open_chats=4)]
    assert routing.choose_agent(chat, agents) == 3
    assert routing.choose_agent(chat, [_agent(7, connected=False)]) is None


def test_never_straight_back_to_the_agent_who_handed_it_over() -> None:
    chat = routing.WaitingChat(1, 0, T0, group_id=AFTER, handed_over_by=7)
    assert routing.choose_agent(chat, [_agent(7), _agent(3, open_chats=4)]) == 3
    assert routing.choose_agent(chat, [_agent(7)]) is None
