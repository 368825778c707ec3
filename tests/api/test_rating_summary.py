"""GET /api/ratings/summary: satisfaction (4–5 among the rated) per shop and per agent over a
time range, exact figures, for supervisors and admins only."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from chatserver.db.models import Agent, Conversation, ConversationEvent, Rating, Shop, Visitor
from tests.conftest import InProcessApp

T = datetime(2020, 3, 1, tzinfo=UTC)  # long past: nothing the api does now falls in range


def at(day: int, hour: int = 0) -> datetime:
    return T.replace(day=day, hour=hour)


async def _agent_id(api: InProcessApp, username: str) -> int:
    async with api.db.sessions() as session:
        agent_id = await session.scalar(select(Agent.id).where(Agent.username == username))
    assert agent_id is not None
    return agent_id


async def _rated(api: InProcessApp, username: str, score: int, when: datetime) -> None:
    """A closed round the agent served and the shopper rated at `when`, as the rows record it."""
    async with api.db.transaction() as tx:
        session = tx.session
        agent = await session.scalar(select(Agent).where(Agent.username == username))
        assert agent is not None
        shop = await session.get_one(Shop, agent.shop_id)
        visitor = Visitor(
            shop_id=shop.id, token_hash=f"t-{username}-{score}-{when.isoformat()}", name="访客"
        )
        session.add(visitor)
        await session.flush()
        conversation = Conversation(
            shop_id=shop.id, visitor_id=visitor.id, status="closed", agent_id=agent.id
        )
        session.add(conversation)
        await session.flush()
        closing = ConversationEvent(
            conversation_id=conversation.id,
            type="closed",
            from_status="assigned",
            to_status="closed",
            actor_type="agent",
            actor_id=agent.id,
            data={"agent_id": agent.id, "rating_requested": True},
            created_at=when,
        )
        session.add(closing)
        await session.flush()
        session.add(
            Rating(
                conversation_id=conversation.id,
                close_event_id=closing.id,
                shop_id=shop.id,
                agent_id=agent.id,
                score=score,
                created_at=when,
            )
        )


async def _ratings_in_march(api: InProcessApp) -> None:
    await api.add_agent("lily", "莉莉")
    await api.add_agent("boss", "王主管", role="supervisor")
    await api.add_agent("other", "别家客服", shop="other-shop")
    # 小美 in range: 5, 5, 4, 2 (the first exactly at `from`, which is included)
    for score, when in ((5, at(10)), (5, at(11)), (4, at(12, 9)), (2, at(19, 23))):
        await _rated(api, "agent", score, when)
    # 莉莉 in range: 3, 5
    await _rated(api, "lily", 3, at(15))
    await _rated(api, "lily", 5, at(16))
    # outside: before `from`, exactly at `to` (excluded), and another shop's
    await _rated(api, "agent", 1, at(9, 23))
    await _rated(api, "lily", 1, at(20))
    await _rated(api, "other", 1, at(12))


RANGE = "from=2020-03-10T00:00:00Z&to=2020-03-20T08:00:00%2B08:00"


async def test_summary_gives_exact_figures_per_shop_and_per_agent(api: InProcessApp) -> None:
    await _ratings_in_march(api)
    xiaomei, lily = await _agent_id(api, "agent"), await _agent_id(api, "lily")
    admin = (await api.login("admin", "admin123"))["token"]

    status, summary = await api.call("GET", f"/api/ratings/summary?{RANGE}", admin)
    assert status == 200, summary
    assert summary["from"] == "2020-03-10T00:00:00Z"
    assert summary["to"] == "2020-03-20T00:00:00Z"
    assert summary["agent_id"] is None
    assert summary["target"] == 0.95
    assert summary["total"] == {
        "rated": 6,
        "satisfied": 4,
        "satisfaction_rate": 0.6667,
        "scores": {"1": 0, "2": 1, "3": 1, "4": 1, "5": 3},
    }
    assert summary["agents"] == [
        {
            "agent": {"id": xiaomei, "name": "小美"},
            "rated": 4,
            "satisfied": 3,
            "satisfaction_rate": 0.75,
            "scores": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2},
        },
        {
            "agent": {"id": lily, "name": "莉莉"},
            "rated": 2,
            "satisfied": 1,
            "satisfaction_rate": 0.5,
            "scores": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1},
        },
    ]

    # One agent: the total is theirs.
    status, one = await api.call("GET", f"/api/ratings/summary?{RANGE}&agent_id={lily}", admin)
    assert status == 200
    assert one["agent_id"] == lily
    assert (one["total"]["rated"], one["total"]["satisfied"]) == (2, 1)
    assert [line["agent"]["id"] for line in one["agents"]] == [lily]

    # No range: every rating of the shop, never another shop's.
    status, everything = await api.call("GET", "/api/ratings/summary", admin)
    assert status == 200
    assert (everything["from"], everything["to"]) == (None, None)
    assert everything["total"]["rated"] == 8
    assert everything["total"]["scores"]["1"] == 2
    assert everything["total"]["satisfaction_rate"] == 0.5

    # A range with nothing rated has no rate at all (not 0 %, not 100 %).
    status, empty = await api.call(
        "GET", "/api/ratings/summary?from=2019-01-01T00:00:00Z&to=2019-02-01T00:00:00Z", admin
    )
    assert status == 200
    assert empty["total"]["rated"] == 0 and empty["total"]["satisfaction_rate"] is None
    assert empty["agents"] == []


async def test_summary_is_for_supervisors_and_admins_and_checks_its_input(
    api: InProcessApp,
) -> None:
    await _ratings_in_march(api)
    agent = (await api.login("agent", "agent123"))["token"]
    supervisor = (await api.login("boss"))["token"]
    admin = (await api.login("admin", "admin123"))["token"]
    outsider = await _agent_id(api, "other")

    assert (await api.call("GET", "/api/ratings/summary", None))[0] == 401
    status, refused = await api.call("GET", f"/api/ratings/summary?{RANGE}&agent_id=abc", agent)
    # the role first: an agent learns nothing, not even that the input was wrong
    assert status == 403 and refused["error"]["code"] == "forbidden"
    status, seen = await api.call("GET", f"/api/ratings/summary?{RANGE}", supervisor)
    assert status == 200 and seen["total"]["rated"] == 6

    bad = [
        ("from=yesterday", "from"),
        ("from=2020-03-10T00:00:00", "from"),  # no time zone: which midnight?
        ("to=2020-03-10", "to"),
        ("from=2020-03-10T00:00:00Z&to=2020-03-10T00:00:00Z", "from"),
        ("agent_id=abc", "agent_id"),
        ("agent_id=-1", "agent_id"),
    ]
    for query, field in bad:
        status, body = await api.call("GET", f"/api/ratings/summary?{query}", admin)
        assert status == 400, (query, body)
        assert body["error"]["code"] == "invalid_payload"
        assert body["error"]["field"] == field, (query, body)

    # Another shop's agent, or nobody: not found.
    for agent_id in (outsider, 999999):
        status, body = await api.call("GET", f"/api/ratings/summary?agent_id={agent_id}", admin)
        assert status == 404 and body["error"]["code"] == "not_found"
