"""Satisfaction ratings over real Socket.IO and HTTP clients: asked after a person served the
shopper, once per service round, told to the agent who served, readable in the agent panel."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import func, select

from chatserver.db.models import ConversationEvent, Rating
from tests.conftest import AgentClient, LiveServer, Visitor


async def _get(server: LiveServer, path: str, token: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.url + path, headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        return response.status, await response.json()


async def _served(server: LiveServer, agent: AgentClient, visitor: Visitor) -> int:
    """The shopper asks for a person and the agent answers: a round a person served."""
    conversation_id = int(visitor.session["conversation_id"])
    seen = len(agent.received("assigned"))
    await visitor.send("请帮我转人工")
    await agent.wait_for("assigned", lambda p: len(agent.received("assigned")) > seen)
    reply = await agent.send(conversation_id, "您好，我是小美，很高兴为您服务")
    assert reply["ok"], reply
    return conversation_id


async def _close(closer: AgentClient, visitor: Visitor, conversation_id: int) -> dict[str, Any]:
    """Close the chat; the shopper's `closed` event."""
    seen = len(visitor.received("closed"))
    assert await closer.call("close", {"conversation_id": conversation_id}) == {"ok": True}
    return await visitor.wait_for("closed", lambda p: len(visitor.received("closed")) > seen)


async def _stored(server: LiveServer, conversation_id: int) -> tuple[list[Rating], list[str]]:
    async with server.db.sessions() as session:
        ratings = list(
            await session.scalars(
                select(Rating).where(Rating.conversation_id == conversation_id).order_by(Rating.id)
            )
        )
        events = list(
            await session.scalars(
                select(ConversationEvent.type)
                .where(ConversationEvent.conversation_id == conversation_id)
                .order_by(ConversationEvent.id)
            )
        )
    return ratings, events


async def test_shopper_rates_after_the_close_and_the_agent_who_served_sees_it(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    assert visitor.session["rating"] == {"requested": False}
    conversation_id = await _served(server, agent, visitor)

    closed = await _close(agent, visitor, conversation_id)
    assert closed["reason"] == "agent"
    prompt = closed["rating"]
    assert prompt["requested"] is True
    assert prompt["agent"] == {"id": agent.agent["id"], "name": "小美"}

    ack = await visitor.call("rate", {"score": 5, "comment": "  小美很耐心，谢谢！\n"})
    assert ack["ok"], ack
    rating = ack["rating"]
    assert rating["score"] == 5
    assert rating["comment"] == "小美很耐心，谢谢！"
    assert rating["round"] == prompt["round"]
    assert rating["agent"] == {"id": agent.agent["id"], "name": "小美"}
    assert rating["conversation_id"] == conversation_id

    told = await agent.wait_for("rated")
    assert told["conversation_id"] == conversation_id
    assert (told["score"], told["comment"]) == (5, "小美很耐心，谢谢！")
    assert told["rating"] == rating

    ratings, events = await _stored(server, conversation_id)
    assert [(r.score, r.agent_id, r.close_event_id) for r in ratings] == [
        (5, agent.agent["id"], prompt["round"])
    ]
    assert events[-2:] == ["closed", "rated"]

    # Once per round: a second rating is refused and stores nothing.
    again = await visitor.call("rate", {"score": 1})
    assert again["error"]["code"] == "conflict"
    assert len((await _stored(server, conversation_id))[0]) == 1

    # A reload no longer asks.
    reloaded = await server.visitor(token=visitor.session["token"])
    assert reloaded.session["conversation_id"] == conversation_id
    assert reloaded.session["rating"] == {"requested": False}

    # The agent panel reads the rating with the chat and in the shopper's history.
    status, detail = await _get(server, f"/api/conversations/{conversation_id}", agent.token)
    assert status == 200 and detail["ratings"] == [rating]
    visitor_id = visitor.session["visitor"]["id"]
    status, history = await _get(server, f"/api/visitors/{visitor_id}/conversations", agent.token)
    assert status == 200 and history["items"][0]["ratings"] == [rating]

    # And the report counts it.
    admin = (await server.login("admin", "admin123"))["token"]
    status, summary = await _get(server, "/api/ratings/summary", admin)
    assert status == 200
    assert summary["total"]["rated"] == 1
    assert summary["total"]["satisfaction_rate"] == 1.0
    assert summary["agents"][0]["agent"] == {"id": agent.agent["id"], "name": "小美"}


async def test_no_rating_before_a_close_nor_for_a_chat_no_person_served(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    admin = await server.agent("admin", "admin123", status="away")

    # With the bot, then while served: nothing to rate yet.
    visitor = await server.visitor()
    assert (await visitor.call("rate", {"score": 5}))["error"]["code"] == "forbidden"
    conversation_id = await _served(server, agent, visitor)
    refused = await visitor.call("rate", {"score": 5})
    assert refused["error"]["code"] == "forbidden"
    assert "结束" in refused["error"]["message"]

    # A chat only the bot answered, closed by a supervisor: not asked, not ratable.
    bot_only = await server.visitor()
    await bot_only.send("多久发货")
    closed = await _close(admin, bot_only, int(bot_only.session["conversation_id"]))
    assert closed["rating"] == {"requested": False}
    assert (await bot_only.call("rate", {"score": 4}))["error"]["code"] == "forbidden"

    # Waiting in the queue when a supervisor closed it: nobody served, nothing to rate.
    assert (await agent.call("status", {"status": "away"}))["ok"]
    waiting = await server.visitor()
    handoff = await waiting.call("handoff", {})
    assert handoff["status"] == "queued"
    closed = await _close(admin, waiting, int(waiting.session["conversation_id"]))
    assert closed["rating"] == {"requested": False}
    assert (await waiting.call("rate", {"score": 4}))["error"]["code"] == "forbidden"

    assert (await _stored(server, conversation_id))[0] == []
    await server.settle()
    assert agent.received("rated") == [] and admin.received("rated") == []


async def test_another_shopper_cannot_rate_and_bad_input_stores_nothing(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = await _served(server, agent, visitor)
    await _close(agent, visitor, conversation_id)

    # Another shopper, naming this conversation, or with a forged token: only their own chat.
    other = await server.visitor()
    forged = await server.visitor(token="forged-token-" + "x" * 20)
    for stranger in (other, forged):
        assert stranger.session["conversation_id"] != conversation_id
        answer = await stranger.call("rate", {"score": 1, "conversation_id": conversation_id})
        assert answer["error"]["code"] == "forbidden"

    bad: list[tuple[Any, str, str | None]] = [
        ("5", "invalid_payload", None),
        ([5], "invalid_payload", None),
        ({}, "invalid_payload", "score"),
        ({"score": 0}, "invalid_payload", "score"),
        ({"score": 6}, "invalid_payload", "score"),
        ({"score": "5"}, "invalid_payload", "score"),
        ({"score": 4.5}, "invalid_payload", "score"),
        ({"score": True}, "invalid_payload", "score"),
        ({"score": None}, "invalid_payload", "score"),
        ({"score": 5, "comment": 123}, "invalid_payload", "comment"),
        ({"score": 5, "comment": ["好"]}, "invalid_payload", "comment"),
        ({"score": 5, "comment": "好" * 501}, "text_too_long", "comment"),
    ]
    for payload, code, field in bad:
        answer = await visitor.call("rate", payload)
        assert answer["ok"] is False, payload
        assert answer["error"]["code"] == code, (payload, answer)
        assert answer["error"]["message"]
        assert answer["error"].get("field") == field, (payload, answer)

    ratings, events = await _stored(server, conversation_id)
    assert ratings == [] and "rated" not in events
    await server.settle()
    assert agent.received("rated") == []

    # The shopper's own valid rating still goes through: blank comment is none, 500 is fine.
    blank = await visitor.call("rate", {"score": 3, "comment": "  \n "})
    assert blank["ok"] and blank["rating"]["comment"] is None
    async with server.db.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(Rating))
    assert total == 1
    assert (await agent.wait_for("rated"))["comment"] is None


async def test_longest_comment_is_stored_whole(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = await _served(server, agent, visitor)
    await _close(agent, visitor, conversation_id)
    comment = "谢" * 499 + "<"
    ack = await visitor.call("rate", {"score": 4, "comment": comment})
    assert ack["ok"] and ack["rating"]["comment"] == comment
    assert (await _stored(server, conversation_id))[0][0].comment == comment


async def test_a_reopened_chat_closed_again_is_rated_again_for_the_new_round(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    admin = await server.agent("admin", "admin123", status="away")
    visitor = await server.visitor()
    conversation_id = await _served(server, agent, visitor)
    first_round = (await _close(agent, visitor, conversation_id))["rating"]["round"]
    assert (await visitor.call("rate", {"score": 2, "comment": "等太久了"}))["ok"]

    # The shopper writes again: the same conversation is back with the bot; round 1 is done.
    reopened = await visitor.send("我还有个问题")
    assert reopened["status"] == "bot"
    assert (await visitor.call("rate", {"score": 5}))["error"]["code"] == "conflict"

    # Served again (while being served nothing can be rated), closed by a supervisor this time:
    # the new round is the agent's who served it.
    await _served(server, agent, visitor)
    assert (await visitor.call("rate", {"score": 5}))["error"]["code"] == "forbidden"
    second = await _close(admin, visitor, conversation_id)
    assert second["rating"]["requested"] is True
    assert second["rating"]["round"] != first_round
    assert second["rating"]["agent"]["name"] == "小美"
    ack = await visitor.call("rate", {"score": 5})
    assert ack["ok"] and ack["rating"]["round"] == second["rating"]["round"]
    assert (await visitor.call("rate", {"score": 4}))["error"]["code"] == "conflict"

    ratings, _events = await _stored(server, conversation_id)
    assert [(r.score, r.agent_id) for r in ratings] == [
        (2, agent.agent["id"]),
        (5, agent.agent["id"]),
    ]
    await agent.wait_for("rated", lambda p: p["score"] == 5)
    assert [p["score"] for p in agent.received("rated")] == [2, 5]
    assert admin.received("rated") == []
    status, detail = await _get(server, f"/api/conversations/{conversation_id}", agent.token)
    assert status == 200
    assert [(r["score"], r["comment"]) for r in detail["ratings"]] == [(2, "等太久了"), (5, None)]


async def test_an_unrated_round_stays_open_after_writing_again_and_survives_a_reload(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = await _served(server, agent, visitor)
    prompt = (await _close(agent, visitor, conversation_id))["rating"]

    reloaded = await server.visitor(token=visitor.session["token"])
    assert reloaded.session["status"] == "closed"
    assert reloaded.session["rating"] == prompt

    # A 谢谢 after the farewell reopens the chat with the bot; the rating is still asked for.
    assert (await reloaded.send("谢谢"))["status"] == "bot"
    again = await server.visitor(token=visitor.session["token"])
    assert again.session["rating"] == prompt

    # Rated in one tab: the shopper's other tabs hear of it, the rating card can go.
    ack = await again.call("rate", {"score": 4})
    assert ack["ok"]
    for tab in (visitor, reloaded):
        assert (await tab.wait_for("rated"))["rating"] == ack["rating"]
    await server.settle()
    assert again.received("rated") == []


async def test_asking_for_a_person_again_ends_an_unrated_round(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    await agent.call("status", {"status": "away"})
    visitor = await server.visitor()
    assert (await visitor.call("handoff", {}))["status"] == "queued"
    accepted = await agent.call("accept", {"conversation_id": visitor.session["conversation_id"]})
    assert accepted["ok"], accepted
    conversation_id = int(visitor.session["conversation_id"])
    await _close(agent, visitor, conversation_id)

    assert (await visitor.call("handoff", {}))["status"] == "queued"
    assert (await visitor.call("rate", {"score": 5}))["error"]["code"] == "forbidden"
    reloaded = await server.visitor(token=visitor.session["token"])
    assert reloaded.session["rating"] == {"requested": False}
