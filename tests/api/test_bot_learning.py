"""The bot learns from its gaps: what shoppers asked that it could not answer is listed for
supervisors, grouped by meaning, and one click teaches it; agents' answers with an FAQ
suggestion propose the shopper's words as a similar question, approved by a supervisor."""

from __future__ import annotations

from typing import Any

from tests.api.test_catalog import _call
from tests.conftest import LiveServer, Visitor


async def _ask(server: LiveServer, text: str, visitor: Visitor | None = None) -> dict[str, Any]:
    """A shopper asks; the bot's reply to it."""
    visitor = visitor or await server.visitor()
    ack = await visitor.send(text)
    return await visitor.wait_for(
        "message", lambda m: m["sender"] == "bot" and m["seq"] > ack["message"]["seq"]
    )


async def test_questions_the_bot_missed_are_grouped_and_one_click_teaches_it(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    for text in ("你们有实体店吗", "你们有没有线下实体店", "实体店在哪里", "你们有实体店吗"):
        reply = await _ask(server, text)
        assert "faq_id" not in reply["meta"]  # the bot did not know
    await _ask(server, "可以定制刻字吗")
    await _ask(server, "衣服可以刻字吗")
    await _ask(server, "身高165穿什么码")  # answered: not a gap
    await server.settle()

    status, listed = await _call(server, "GET", "/api/unanswered", admin)
    assert status == 200, listed
    groups = listed["groups"]
    assert [(g["count"], len(g["question_ids"])) for g in groups] == [(4, 4), (2, 2)]
    shop_group = groups[0]
    assert shop_group["question"] == "你们有实体店吗"  # asked most often
    assert {e["text"] for e in shop_group["examples"]} == {
        "你们有实体店吗",
        "你们有没有线下实体店",
        "实体店在哪里",
    }
    assert all(e["created_at"].endswith("Z") for e in shop_group["examples"])
    assert {e["text"] for e in groups[1]["examples"]} == {"可以定制刻字吗", "衣服可以刻字吗"}

    # A new entry for the shop question, prefilled with it; the group leaves the list.
    status, created = await _call(
        server,
        "POST",
        "/api/unanswered/entry",
        admin,
        {
            "question_ids": shop_group["question_ids"],
            "question": shop_group["question"],
            "similar": ["实体店在哪里"],
            "answer": "我们目前只在网上销售，暂时没有实体店，感谢您的关注。",
        },
    )
    assert status == 201, created
    assert created["resolved"] == 4 and created["warnings"] == []
    answer = await _ask(server, "你们有没有线下实体店呀")
    assert answer["meta"]["faq_id"] == str(created["entry"]["id"])

    # The engraving question as a similar question of an existing entry.
    _, faq = await _call(server, "GET", "/api/faq", admin)
    gifts = next(e for e in faq["items"] if e["key"] == "gifts")
    engraving = (await _call(server, "GET", "/api/unanswered", admin))[1]["groups"]
    assert [g["count"] for g in engraving] == [2]
    status, added = await _call(
        server,
        "POST",
        "/api/unanswered/similar",
        admin,
        {
            "question_ids": engraving[0]["question_ids"],
            "faq_id": gifts["id"],
            "text": "可以定制刻字吗",
        },
    )
    assert status == 200, added
    assert added["resolved"] == 2 and added["entry"]["similar"][-1] == "可以定制刻字吗"
    assert (await _ask(server, "可以定制刻字吗"))["meta"]["faq_id"] == str(gifts["id"])
    await server.settle()
    assert (await _call(server, "GET", "/api/unanswered", admin))[1]["groups"] == []


async def test_an_answer_followed_by_a_request_for_a_person_is_listed_and_can_be_dismissed(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    visitor = await server.visitor()
    answered = await _ask(server, "身高165穿什么码", visitor)
    assert answered["meta"]["faq_id"]
    ack = await visitor.send("我要转人工")
    assert ack["status"] == "queued"
    await server.settle()

    _, listed = await _call(server, "GET", "/api/unanswered?order=recent", admin)
    assert [(g["question"], g["escalated"]) for g in listed["groups"]] == [("身高165穿什么码", 1)]
    assert listed["groups"][0]["candidate"]["id"] == int(answered["meta"]["faq_id"])
    # A period before the question shows nothing.
    _, earlier = await _call(server, "GET", "/api/unanswered?to=2020-01-01T00:00:00%2B08:00", admin)
    assert earlier["groups"] == []

    ids = listed["groups"][0]["question_ids"]
    # An id past 64 bits is no question of the shop: left alone, like any unknown id.
    status, dismissed = await _call(
        server, "POST", "/api/unanswered/dismiss", admin, {"question_ids": [2**70]}
    )
    assert (status, dismissed) == (200, {"resolved": 0})
    status, dismissed = await _call(
        server, "POST", "/api/unanswered/dismiss", admin, {"question_ids": ids}
    )
    assert (status, dismissed) == (200, {"resolved": 1})
    assert (await _call(server, "GET", "/api/unanswered", admin))[1]["groups"] == []


async def test_an_agents_answer_from_a_suggestion_proposes_the_wording_for_approval(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    await visitor.send("转人工")
    await agent.wait_for("assigned")
    await visitor.send("包裹被邻居拿走了")
    suggestions = await agent.wait_for(
        "suggestions", lambda s: any(i["kind"] == "faq" for i in s["items"])
    )
    entry = next(i for i in suggestions["items"] if i["kind"] == "faq")
    reply = await agent.call(
        "message",
        {
            "conversation_id": conversation_id,
            "client_id": "from-suggestion",
            "text": entry["text"],
            "faq_id": entry["id"],
        },
    )
    assert reply["ok"], reply
    await server.settle()

    status, pending = await _call(server, "GET", "/api/faq/proposals", admin)
    assert status == 200
    [proposal] = pending["items"]
    assert proposal["text"] == "包裹被邻居拿走了"
    assert proposal["faq"]["id"] == int(entry["id"])
    assert proposal["agent"]["name"] == "小美" and proposal["status"] == "pending"
    # Never added silently: the FAQ is as it was until a supervisor approves.
    _, faq = await _call(server, "GET", "/api/faq", admin)
    target = next(e for e in faq["items"] if e["id"] == int(entry["id"]))
    assert "包裹被邻居拿走了" not in target["similar"]

    status, approved = await _call(
        server, "POST", f"/api/faq/proposals/{proposal['id']}/approve", admin
    )
    assert status == 200, approved
    assert approved["proposal"]["status"] == "approved"
    assert approved["entry"]["similar"][-1] == "包裹被邻居拿走了"
    assert (await _call(server, "GET", "/api/faq/proposals", admin))[1]["items"] == []
    again = await _call(server, "POST", f"/api/faq/proposals/{proposal['id']}/reject", admin)
    assert again[0] == 409
    answer = await _ask(server, "包裹被邻居拿走了")
    assert answer["meta"]["faq_id"] == entry["id"]


async def test_only_supervisors_and_admins_of_the_shop_see_and_teach(server: LiveServer) -> None:
    await server.add_agent("boss2", "另一家主管", shop="other", role="supervisor")
    await _ask(server, "你们有实体店吗")
    await server.settle()
    agent = (await server.login("agent", "agent123"))["token"]
    other = (await server.login("boss2"))["token"]
    admin = (await server.login("admin", "admin123"))["token"]

    for method, path, body in (
        ("GET", "/api/unanswered", None),
        ("POST", "/api/unanswered/dismiss", {"question_ids": [1]}),
        ("POST", "/api/unanswered/similar", {}),
        ("GET", "/api/faq/proposals", None),
        ("POST", "/api/faq/proposals/1/approve", None),
        ("GET", "/api/faq/export?format=csv", None),
    ):
        status, body_ = await _call(server, method, path, agent, body)
        assert (status, body_["error"]["code"]) == (403, "forbidden"), path

    assert (await _call(server, "GET", "/api/unanswered", other))[1]["groups"] == []
    _, mine = await _call(server, "GET", "/api/unanswered", admin)
    ids = mine["groups"][0]["question_ids"]
    # Another shop cannot handle this shop's questions either.
    status, dismissed = await _call(
        server, "POST", "/api/unanswered/dismiss", other, {"question_ids": ids}
    )
    assert (status, dismissed) == (200, {"resolved": 0})
    assert len((await _call(server, "GET", "/api/unanswered", admin))[1]["groups"]) == 1
    bad = await _call(server, "GET", "/api/unanswered?from=yesterday", admin)
    assert (bad[0], bad[1]["error"]["field"]) == (400, "from")
    for faq_id in ("abc", [1]):
        status, refused = await _call(
            server,
            "POST",
            "/api/unanswered/similar",
            admin,
            {"question_ids": ids, "faq_id": faq_id, "text": "实体店"},
        )
        assert (status, refused["error"]["code"], refused["error"]["field"]) == (
            400,
            "invalid_payload",
            "faq_id",
        ), faq_id
