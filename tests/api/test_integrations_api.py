"""REST for the shop's own systems over a real HTTP client: API keys and their scopes, the
conversation list with filters and pages, transcripts, and messages posted into a chat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from chatserver.db.models import Agent, ApiKey, Conversation, Message, Shop, Visitor
from tests.conftest import LiveServer
from tests.rest import call


async def new_key(server: LiveServer, admin: str, *scopes: str) -> tuple[int, str]:
    status, body = await call(
        server, "POST", "/api/api-keys", admin, {"name": "订单系统", "scopes": list(scopes)}
    )
    assert status == 200, body
    return body["key"]["id"], body["secret"]


def routes(conversation_id: int) -> dict[str, tuple[str, str, Any]]:
    message = {"client_id": f"c-{conversation_id}", "text": "您的订单已发货"}
    return {
        "list": ("GET", "/api/integrations/conversations", None),
        "transcript": (
            "GET",
            f"/api/integrations/conversations/{conversation_id}/transcript",
            None,
        ),
        "post": ("POST", f"/api/integrations/conversations/{conversation_id}/messages", message),
    }


async def statuses(server: LiveServer, token: str | None, conversation_id: int) -> dict[str, int]:
    found = {}
    for name, (method, path, body) in routes(conversation_id).items():
        found[name] = (await call(server, method, path, token, body))[0]
    return found


async def test_each_route_needs_its_scope_and_a_live_key_of_the_shop(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    read_id, reader = await new_key(server, admin, "conversations:read")
    _, writer = await new_key(server, admin, "messages:write")
    _, faq_only = await new_key(server, admin, "faq:manage")
    mine = (await server.visitor()).session["conversation_id"]
    await server.add_agent("boss2", "隔壁店长", shop="other", role="admin")
    theirs = (await server.visitor(shop="other")).session["conversation_id"]

    assert await statuses(server, reader, mine) == {"list": 200, "transcript": 200, "post": 403}
    assert await statuses(server, writer, mine) == {"list": 403, "transcript": 403, "post": 200}
    assert await statuses(server, faq_only, mine) == {"list": 403, "transcript": 403, "post": 403}
    # Another shop's conversation does not exist for this shop's keys.
    assert (await statuses(server, reader, theirs))["transcript"] == 404
    assert (await statuses(server, writer, theirs))["post"] == 404
    listed = (await call(server, "GET", "/api/integrations/conversations", reader))[1]
    assert [item["id"] for item in listed["items"]] == [mine]
    # Staff: supervisors and admins hold every scope in their own shop, agents none.
    assert set((await statuses(server, admin, mine)).values()) == {200}
    agent = str((await server.login("agent", "agent123"))["token"])
    assert set((await statuses(server, agent, mine)).values()) == {403}
    for token in (None, "csk_not-a-key-we-ever-issued", "garbage"):
        assert set((await statuses(server, token, mine)).values()) == {401}

    status, body = await call(server, "GET", "/api/api-keys", admin)
    assert status == 200
    shown = {item["id"]: item for item in body["items"]}[read_id]
    assert shown["prefix"] == reader[:12] and shown["last_used_at"] is not None
    assert reader not in str(body)
    async with server.db.sessions() as session:
        stored = await session.get_one(ApiKey, read_id)
        assert reader not in (stored.key_hash, stored.prefix)

    status, body = await call(server, "DELETE", f"/api/api-keys/{read_id}", admin)
    assert status == 200 and body["key"]["revoked_at"] is not None
    assert set((await statuses(server, reader, mine)).values()) == {401}
    # The console shows revoked keys as revoked; another shop's admin cannot touch them.
    boss2 = str((await server.login("boss2"))["token"])
    assert (await call(server, "DELETE", f"/api/api-keys/{read_id}", boss2))[0] == 404


async def test_key_requests_are_validated(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    for body, field in (
        ({"name": "x", "scopes": ["everything"]}, "scopes"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "  ", "scopes": ["faq:manage"]}, None),
        ({"scopes": ["faq:manage"]}, "name"),
    ):
        status, answer = await call(server, "POST", "/api/api-keys", admin, body)
        assert status == 400, answer
        assert answer["error"].get("field") == field or field is None


async def _conversations(server: LiveServer) -> dict[str, int]:
    """Conversations of the demo shop as the rows record them, at fixed past times."""
    made: dict[str, int] = {}
    async with server.db.transaction() as tx:
        session = tx.session
        shop = await session.scalar(select(Shop).where(Shop.slug == "demo"))
        agent = await session.scalar(select(Agent).where(Agent.username == "agent"))
        assert shop is not None and agent is not None
        for index, (name, status, flag, day) in enumerate(
            (
                ("bot_a", "bot", None, 1),
                ("queued_red", "queued", "red", 2),
                ("assigned_b", "assigned", "blue", 3),
                ("closed_a", "closed", None, 4),
                ("closed_red", "closed", "red", 5),
            )
        ):
            visitor = Visitor(shop_id=shop.id, token_hash=f"t-{index}", name=f"访客{index}")
            session.add(visitor)
            await session.flush()
            conversation = Conversation(
                shop_id=shop.id,
                visitor_id=visitor.id,
                status=status,
                flag=flag,
                agent_id=agent.id if status in ("assigned", "closed") else None,
                created_at=datetime(2020, 3, day, tzinfo=UTC),
            )
            session.add(conversation)
            await session.flush()
            made[name] = conversation.id
        made["agent"] = agent.id
    return made


async def test_conversations_filter_and_page(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    _, reader = await new_key(server, admin, "conversations:read")
    made = await _conversations(server)

    async def ids(query: str) -> list[int]:
        status, body = await call(server, "GET", f"/api/integrations/conversations?{query}", reader)
        assert status == 200, body
        return [item["id"] for item in body["items"]]

    assert await ids("status=closed") == [made["closed_red"], made["closed_a"]]
    assert await ids(f"agent_id={made['agent']}&status=assigned") == [made["assigned_b"]]
    assert await ids("flag=red") == [made["closed_red"], made["queued_red"]]
    assert await ids("flag=none") == [made["closed_a"], made["bot_a"]]
    window = "from=2020-03-02T00:00:00Z&to=2020-03-04T00:00:00%2B00:00"
    assert await ids(window) == [made["assigned_b"], made["queued_red"]]

    # Pages: newest first, each page's next_cursor leads to the next, nothing twice.
    seen: list[int] = []
    cursor = ""
    while True:
        path = f"/api/integrations/conversations?limit=2{cursor}"
        body = (await call(server, "GET", path, reader))[1]
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == sorted(made[n] for n in made if n != "agent")[::-1]

    for query, field in (
        ("status=open", "status"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("from=yesterday", "from"),
        ("flag=pink", "flag"),
        ("agent_id=-1", "agent_id"),
    ):
        status, body = await call(server, "GET", f"/api/integrations/conversations?{query}", reader)
        assert status == 400 and body["error"]["field"] == field, (query, body)


async def test_transcript_as_json_and_as_plain_text(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    _, reader = await new_key(server, admin, "conversations:read")
    visitor = await server.visitor()
    await visitor.send("<b>尺码</b>偏大吗？")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    await server.settle()
    path = f"/api/integrations/conversations/{visitor.session['conversation_id']}/transcript"

    status, body = await call(server, "GET", path, reader)
    assert status == 200
    texts = [m["text"] for m in body["messages"]]
    assert "<b>尺码</b>偏大吗？" in texts and body["conversation"]["status"] == "bot"
    status, text = await call(server, "GET", f"{path}?format=text", reader)
    assert status == 200 and isinstance(text, str)
    line = next(row for row in text.splitlines() if "偏大吗" in row)
    assert line.endswith("（顾客）：<b>尺码</b>偏大吗？") and line.startswith("[20")
    assert len(text.splitlines()) == 5 + len(body["messages"])


async def test_a_posted_message_reaches_the_shopper_live_once(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    _, writer = await new_key(server, admin, "messages:write")
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    path = f"/api/integrations/conversations/{conversation_id}/messages"
    notice = {"client_id": "order-8812-shipped", "text": "您的订单已发货，顺丰单号 SF1234"}

    status, body = await call(server, "POST", path, writer, notice)
    assert status == 200, body
    posted = body["message"]
    assert posted["sender"] == "system" and posted["sender_name"] == "系统通知"
    live = await visitor.wait_for("message", lambda m: m["sender"] == "system")
    assert live["id"] == posted["id"] and live["text"] == notice["text"]
    # A retry with the same client_id is answered with the stored message, not a second one.
    again = await call(server, "POST", path, writer, {**notice, "text": "别的内容"})
    assert again == (200, {"message": posted})
    async with server.db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.client_id == notice["client_id"])
        )
    assert count == 1

    # In the agent's name only while an agent serves the chat.
    reply = {"client_id": "crm-1", "text": "您好，已为您备注", "sender": "agent"}
    status, body = await call(server, "POST", path, writer, reply)
    assert status == 409 and body["error"]["code"] == "conflict"
    agent = await server.agent(status="online")
    await visitor.call("handoff")
    await agent.wait_for("assigned")
    status, body = await call(server, "POST", path, writer, reply)
    assert status == 200, body
    assert body["message"]["sender"] == "agent" and body["message"]["sender_name"] == "小美"
    await visitor.wait_for("message", lambda m: m["text"] == reply["text"])

    for bad, code in (
        ({"client_id": "x", "text": "  "}, "empty_text"),
        ({"client_id": "x", "text": "好", "sender": "visitor"}, "invalid_payload"),
        ({"text": "好"}, "invalid_payload"),
    ):
        status, body = await call(server, "POST", path, writer, bad)
        assert status == 400 and body["error"]["code"] == code, (bad, body)


async def test_a_faq_key_edits_the_shops_faq_and_nothing_else(server: LiveServer) -> None:
    admin = str((await server.login("admin", "admin123"))["token"])
    faq_id, faq_key = await new_key(server, admin, "faq:manage")
    _, reader = await new_key(server, admin, "conversations:read")
    entry = {"question": "可以开发票吗？", "answer": "可以的，下单时填写抬头即可。"}

    status, body = await call(server, "POST", "/api/faq", faq_key, entry)
    assert status == 201, body
    created = body["entry"]["id"]
    status, body = await call(server, "GET", "/api/faq", faq_key)
    assert status == 200 and created in [item["id"] for item in body["items"]]
    status, _ = await call(
        server, "PUT", f"/api/faq/{created}", faq_key, {"answer": "可以开具电子发票。"}
    )
    assert status == 200
    # The editor's own session sees the key's edit.
    listed = (await call(server, "GET", "/api/faq", admin))[1]["items"]
    assert {item["id"]: item["answer"] for item in listed}[created] == "可以开具电子发票。"

    assert (await call(server, "POST", "/api/faq", reader, entry))[0] == 403
    assert (await call(server, "GET", "/api/faq", reader))[0] == 403
    # What the key does not cover stays closed: the shop settings, the block list.
    assert (await call(server, "GET", "/api/blocks", faq_key))[0] == 401
    await call(server, "DELETE", f"/api/api-keys/{faq_id}", admin)
    assert (await call(server, "DELETE", f"/api/faq/{created}", faq_key))[0] == 401
