"""Admins and supervisors edit the FAQ, phrases and greeting; the bot uses edits at once."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.conftest import LiveServer


async def _call(
    server: LiveServer, method: str, path: str, token: str, body: Any = None
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, server.url + path, json=body, headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        return response.status, await response.json()


async def test_new_faq_entry_is_answered_by_the_bot_without_a_restart(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    visitor = await server.visitor()
    await visitor.send("你们支持花呗分期吗")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")

    status, created = await _call(
        server,
        "POST",
        "/api/faq",
        admin,
        {
            "question": "实体店在哪里",
            "similar": ["线下门店地址", "可以去店里试穿吗"],
            "answer": "我们的实体店在杭州市西湖区文三路 100 号，欢迎您到店试穿。",
            "category": "售前",
        },
    )
    assert status == 201 and created["entry"]["similar"] == ["线下门店地址", "可以去店里试穿吗"]
    await visitor.send("请问你们线下门店地址在哪")
    answer = await visitor.wait_for(
        "message", lambda m: m["sender"] == "bot" and "文三路" in m["text"]
    )
    assert answer["meta"]["faq_id"] == str(created["entry"]["id"])

    status, _ = await _call(
        server, "PUT", f"/api/faq/{created['entry']['id']}", admin, {"enabled": False}
    )
    assert status == 200
    tried = await _call(server, "POST", "/api/faq/try", admin, {"question": "线下门店地址"})
    assert tried[0] == 200
    assert all(m["id"] != str(created["entry"]["id"]) for m in tried[1]["matches"])
    status, _ = await _call(server, "DELETE", f"/api/faq/{created['entry']['id']}", admin)
    assert status == 200
    listed = await _call(server, "GET", "/api/faq", admin)
    assert all(item["id"] != created["entry"]["id"] for item in listed[1]["items"])
    assert len(listed[1]["items"]) >= 40


async def test_an_edit_made_on_another_process_reaches_the_bot_within_a_second(
    server: LiveServer,
) -> None:
    """Another process edits the FAQ (simulated by writing the rows and the revision directly)."""
    from sqlalchemy import update

    from chatserver.db.models import FaqEntry, Shop

    visitor = await server.visitor()
    await visitor.send("发票怎么开")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    async with server.db.transaction() as tx:
        await tx.session.execute(
            update(FaqEntry)
            .where(FaqEntry.key == "invoice")
            .values(answer="新的发票说明：请在订单页申请。")
        )
        await tx.session.execute(update(Shop).values(faq_revision=Shop.faq_revision + 1))
    await asyncio.sleep(server.parts.faq.REVISION_CHECK_SECONDS + 0.1)
    await visitor.send("可以开发票吗")
    await visitor.wait_for("message", lambda m: m["text"] == "新的发票说明：请在订单页申请。")


async def test_agents_may_read_but_not_edit(server: LiveServer) -> None:
    agent = (await server.login("agent", "agent123"))["token"]
    assert (await _call(server, "GET", "/api/faq", agent))[0] == 200
    for method, path, body in (
        ("POST", "/api/faq", {"question": "q", "answer": "a"}),
        ("PUT", "/api/faq/1", {"answer": "改掉"}),
        ("DELETE", "/api/faq/1", None),
        ("POST", "/api/phrases", {"title": "t", "text": "x"}),
        ("PUT", "/api/shop", {"name": "黑店"}),
    ):
        status, body_out = await _call(server, method, path, agent, body)
        assert status == 403 and body_out["error"]["code"] == "forbidden", (method, path)


async def test_faq_input_is_validated_and_nothing_half_written(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    before = len((await _call(server, "GET", "/api/faq", admin))[1]["items"])
    cases = [
        ({"question": "", "answer": "a"}, "empty_text"),
        ({"answer": "a"}, "invalid_payload"),
        ({"question": "q", "answer": "a" * 2001}, "text_too_long"),
        ({"question": "q", "answer": "a", "similar": "not a list"}, "invalid_payload"),
        ({"question": "q", "answer": "a", "similar": [1, 2]}, "invalid_payload"),
        ({"question": "q", "answer": "a", "enabled": "yes"}, "invalid_payload"),
    ]
    for body, code in cases:
        status, out = await _call(server, "POST", "/api/faq", admin, body)
        assert status == 400 and out["error"]["code"] == code, body
        assert out["error"]["field"] in body or out["error"]["field"] == "question"
    assert len((await _call(server, "GET", "/api/faq", admin))[1]["items"]) == before
    assert (await _call(server, "PUT", "/api/faq/999999", admin, {"answer": "x"}))[0] == 404
    # Text that could never be indexed or stored is refused, never saved to break the bot.
    for body, field in (
        ({"question": "问\ud800", "answer": "a"}, "question"),
        ({"question": "q", "answer": "a", "similar": ["好\ud800"]}, "similar"),
    ):
        status, out = await _call(server, "POST", "/api/faq", admin, body)
        assert status == 400 and out["error"]["field"] == field
    first = (await _call(server, "GET", "/api/faq", admin))[1]["items"][0]
    status, out = await _call(server, "PUT", f"/api/faq/{first['id']}", admin, {})
    assert status == 400 and out["error"]["code"] == "invalid_payload"
    status, out = await _call(
        server, "POST", "/api/faq", admin, {"question": "控制\x00字符", "answer": "好的\x07"}
    )
    assert status == 201 and out["entry"]["question"] == "控制字符"
    visitor = await server.visitor()  # the bot still works after all of the above
    await visitor.send("可以开发票吗")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")


async def test_a_supervisor_edits_the_faq_but_not_the_shop(server: LiveServer) -> None:
    await server.add_agent("lead", "组长", role="supervisor")
    lead = (await server.login("lead"))["token"]
    status, _ = await _call(server, "POST", "/api/faq", lead, {"question": "q1", "answer": "a1"})
    assert status == 201
    status, out = await _call(server, "PUT", "/api/shop", lead, {"name": "改名"})
    assert status == 403 and out["error"]["code"] == "forbidden"


async def test_greeting_templates_only_take_plain_placeholders(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    for template in ("欢迎{shop:>3000000}", "欢迎{boss}", "欢迎{shop!r}", "欢迎{"):
        status, out = await _call(
            server, "PUT", "/api/shop", admin, {"greeting_template": template}
        )
        assert status == 400 and out["error"]["field"] == "greeting_template", template
    status, _ = await _call(
        server, "PUT", "/api/shop", admin, {"greeting_template": "欢迎光临{shop}，{{限时}}优惠中"}
    )
    assert status == 200
    visitor = await server.visitor()
    assert visitor.session["messages"][0]["text"] == "欢迎光临鹿鸣衣橱，{限时}优惠中"


async def test_other_shops_entries_are_invisible(server: LiveServer) -> None:
    await server.add_agent("boss2", "二店店长", shop="second", role="admin")
    other = (await server.login("boss2"))["token"]
    admin = (await server.login("admin", "admin123"))["token"]
    mine = (await _call(server, "GET", "/api/faq", admin))[1]["items"][0]
    assert (await _call(server, "PUT", f"/api/faq/{mine['id']}", other, {"answer": "x"}))[0] == 404
    assert (await _call(server, "DELETE", f"/api/faq/{mine['id']}", other))[0] == 404


async def test_phrases_and_greeting_can_be_edited(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    status, created = await _call(
        server,
        "POST",
        "/api/phrases",
        admin,
        {"title": "节日", "text": "双十一期间发货稍慢，请您谅解。"},
    )
    assert status == 201
    phrases = (await _call(server, "GET", "/api/phrases", admin))[1]["items"]
    assert phrases[-1] == created["phrase"]
    status, cleared = await _call(
        server, "PUT", f"/api/phrases/{created['phrase']['id']}", admin, {"category": ""}
    )
    assert status == 200 and cleared["phrase"]["category"] == ""

    status, shop = await _call(
        server,
        "PUT",
        "/api/shop",
        admin,
        {"greeting_template": "您好，这里是{shop}，{agent}在线为您服务！"},
    )
    assert status == 200 and shop["shop"]["greeting_template"].startswith("您好，这里是")
    visitor = await server.visitor()
    assert visitor.session["messages"][0]["text"] == "您好，这里是鹿鸣衣橱，智能助手在线为您服务！"
