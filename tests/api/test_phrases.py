"""Standard phrases with shortcuts, the `/` search, and the shop's farewell template."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.conftest import InProcessApp, LiveServer, ServedApp


async def _call(
    server: ServedApp, method: str, path: str, token: str | None, body: Any = None
) -> tuple[int, Any]:
    return await server.call(method, path, token, body)


async def _search(server: ServedApp, token: str, query: str, **params: str) -> list[dict]:
    extra = "".join(f"&{name}={value}" for name, value in params.items())
    status, out = await _call(server, "GET", f"/api/phrases/search?q={quote(query)}{extra}", token)
    assert status == 200, out
    return out["items"]


async def test_a_shortcut_is_unique_per_shop_whatever_its_case(api: InProcessApp) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    status, out = await _call(
        api,
        "POST",
        "/api/phrases",
        admin,
        {"title": "感谢", "text": "感谢您的支持！", "shortcut": " Thanks "},
    )
    assert status == 201 and out["phrase"]["shortcut"] == "thanks"
    thanks_id = out["phrase"]["id"]

    status, out = await _call(
        api,
        "POST",
        "/api/phrases",
        admin,
        {"title": "谢谢", "text": "谢谢！", "shortcut": "THANKS"},
    )
    assert status == 409
    assert out["error"]["code"] == "conflict" and out["error"]["field"] == "shortcut"
    assert "感谢" in out["error"]["message"]

    # Taking a seeded phrase's shortcut (欢迎 has hy) by an edit is refused the same way.
    status, out = await _call(api, "PUT", f"/api/phrases/{thanks_id}", admin, {"shortcut": "HY"})
    assert status == 409 and out["error"]["field"] == "shortcut"

    # Another shop may use the same shortcut.
    await api.add_agent("boss2", "二店店长", shop="second", role="admin")
    other = (await api.login("boss2"))["token"]
    status, out = await _call(
        api,
        "POST",
        "/api/phrases",
        other,
        {"title": "感谢", "text": "谢谢！", "shortcut": "thanks"},
    )
    assert status == 201

    # Cleared with "", the shortcut is free again.
    status, out = await _call(api, "PUT", f"/api/phrases/{thanks_id}", admin, {"shortcut": ""})
    assert status == 200 and out["phrase"]["shortcut"] is None
    status, out = await _call(
        api,
        "POST",
        "/api/phrases",
        admin,
        {"title": "谢谢", "text": "谢谢！", "shortcut": "thanks"},
    )
    assert status == 201
    # A title-only edit keeps the shortcut.
    status, out = await _call(
        api, "PUT", f"/api/phrases/{out['phrase']['id']}", admin, {"title": "谢谢您"}
    )
    assert status == 200 and out["phrase"]["shortcut"] == "thanks"


async def test_bad_shortcuts_and_templates_are_refused_and_nothing_is_written(
    api: InProcessApp,
) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    before = (await _call(api, "GET", "/api/phrases", admin))[1]["items"]
    for shortcut in ("有货", "a b", "x" * 17, "dh!", 12, ["dh"]):
        status, out = await _call(
            api, "POST", "/api/phrases", admin, {"title": "t", "text": "t", "shortcut": shortcut}
        )
        assert status == 400, shortcut
        assert out["error"]["code"] == "invalid_payload" and out["error"]["field"] == "shortcut"
    for text in ("您好{boss}", "{shop:>9999}", "{agent!r}", "少一个{", "多一个}"):
        status, out = await _call(
            api, "POST", "/api/phrases", admin, {"title": "t", "text": text, "shortcut": "ok"}
        )
        assert status == 400 and out["error"]["field"] == "text", text
    first = before[0]["id"]
    status, out = await _call(api, "PUT", f"/api/phrases/{first}", admin, {"text": "{visitor}"})
    assert status == 400 and out["error"]["field"] == "text"
    assert (await _call(api, "GET", "/api/phrases", admin))[1]["items"] == before

    # Every placeholder of a phrase, and escaped braces, are fine.
    status, out = await _call(
        api,
        "POST",
        "/api/phrases",
        admin,
        {
            "title": "称呼",
            "text": "{shopper}您好，{agent}在{shop}为您服务 {{订单号}}",
            "shortcut": "",
        },
    )
    assert status == 201 and out["phrase"]["shortcut"] is None


async def test_search_puts_shortcuts_first_then_the_matcher_s_ranking(api: InProcessApp) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    agent = (await api.login("agent", "agent123"))["token"]
    for title, shortcut, text in (
        ("尺码表", "cmb", "我们的尺码表在商品详情页最下面，您可以对照一下。"),
        ("长款尺码", "cm-long", "长款偏大一码，建议您选小一码。"),
        ("尺码问题", None, "尺码不合适可以免费换一次。"),
    ):
        body = {"title": title, "text": text, "shortcut": shortcut}
        assert (await _call(api, "POST", "/api/phrases", admin, body))[0] == 201
    await api.settle()

    # Exact shortcut, then the shorter, then the longer; upper case is the same.
    items = await _search(api, agent, "CM")
    assert [i["shortcut"] for i in items[:3]] == ["cm", "cmb", "cm-long"]
    assert items[0]["title"] == "尺码建议" and items[0]["text"].startswith("方便告诉我")
    # Then phrases the matcher finds, with no shortcut of their own as well.
    assert items[1]["title"] == "尺码表"
    assert (await _search(api, agent, "cmb"))[0]["title"] == "尺码表"

    # Chinese text goes to the matcher: every phrase about sizes, the one titled so first.
    titles = [i["title"] for i in await _search(api, agent, "尺码")]
    assert {"尺码建议", "尺码表", "长款尺码", "尺码问题"} <= set(titles)
    assert titles.index("尺码问题") < len(titles)
    assert "欢迎" not in titles and "顺丰" not in titles
    assert (await _search(api, agent, "改发顺丰"))[0]["title"] == "顺丰"
    # one character, on the way to a word the matcher knows: the literal hits
    assert "尺码建议" in [i["title"] for i in await _search(api, agent, "尺")]
    # placeholder names are not words of a phrase
    body = {"title": "称呼", "text": "{shopper}您好，我是{agent}"}
    assert (await _call(api, "POST", "/api/phrases", admin, body))[0] == 201
    await api.settle()
    for query in ("er", "agent", "shopper"):
        assert "称呼" not in [i["title"] for i in await _search(api, agent, query)], query
    assert (await _search(api, agent, "您好，我是"))[0]["title"] == "称呼"

    # `/` alone: the phrases with a shortcut alphabetically, then the others.
    everything = await _search(api, agent, "", limit="50")
    shortcuts = [i["shortcut"] for i in everything if i["shortcut"]]
    assert shortcuts == sorted(shortcuts) and everything[-1]["shortcut"] is None
    assert len(await _search(api, agent, "", limit="3")) == 3
    assert await _search(api, agent, "zzzz") == []


async def test_another_shop_s_phrases_are_never_found(api: InProcessApp) -> None:
    await api.add_agent("boss2", "二店店长", shop="second", role="admin")
    other = (await api.login("boss2"))["token"]
    body = {"title": "二店尺码", "text": "二店的尺码偏小。", "shortcut": "cm2"}
    status, out = await _call(api, "POST", "/api/phrases", other, body)
    assert status == 201
    foreign = out["phrase"]["id"]
    await api.settle()
    agent = (await api.login("agent", "agent123"))["token"]
    for query in ("cm", "cm2", "二店尺码", "尺码偏小", ""):
        found = await _search(api, agent, query, limit="50")
        assert foreign not in [i["id"] for i in found], query
    assert (await _search(api, other, "cm2"))[0]["id"] == foreign


async def test_agents_search_but_cannot_edit_phrases_or_the_farewell(api: InProcessApp) -> None:
    agent = (await api.login("agent", "agent123"))["token"]
    body = {"title": "t", "text": "t", "shortcut": "t"}
    assert (await _call(api, "POST", "/api/phrases", agent, body))[0] == 403
    status, out = await _call(api, "PUT", "/api/shop", agent, {"farewell_template": "再见"})
    assert status == 403 and out["error"]["code"] == "forbidden"
    await api.add_agent("lead", "组长", role="supervisor")
    lead = (await api.login("lead"))["token"]
    status, out = await _call(api, "PUT", "/api/shop", lead, {"farewell_template": "再见"})
    assert status == 403
    assert (await _search(api, agent, "hy"))[0]["title"] == "欢迎"
    assert (await _call(api, "GET", "/api/phrases/search?q=hy", None))[0] == 401


async def test_bad_searches_and_farewells_get_clear_errors(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    status, out = await _call(server, "GET", "/api/phrases/search?q=" + "长" * 65, admin)
    assert status == 400 and out["error"]["code"] == "text_too_long"
    for limit in ("0", "51", "x", "-1"):
        status, out = await _call(server, "GET", f"/api/phrases/search?q=a&limit={limit}", admin)
        assert status == 400 and out["error"]["field"] == "limit", limit
    before = (await _call(server, "GET", "/api/shop", admin))[1]["shop"]
    for template, code in (
        ("再见{shopper}", "invalid_payload"),  # the farewell knows only {shop} and {agent}
        ("再见{agent:>999}", "invalid_payload"),
        ("再见{", "invalid_payload"),
        ("   ", "empty_text"),
        ("好" * 2001, "text_too_long"),
        (7, "invalid_payload"),
    ):
        status, out = await _call(
            server, "PUT", "/api/shop", admin, {"farewell_template": template}
        )
        assert status == 400 and out["error"]["code"] == code, template
        assert out["error"]["field"] == "farewell_template"
    assert (await _call(server, "GET", "/api/shop", admin))[1]["shop"] == before


async def _close_a_chat(server: LiveServer) -> dict[str, Any]:
    """A shopper reaches 小美, who closes the chat; the farewell the shopper receives."""
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("请帮我转人工")
    assigned = await agent.wait_for("assigned")
    ack = await agent.call("close", {"conversation_id": assigned["conversation"]["id"]})
    assert ack == {"ok": True}
    await visitor.wait_for("closed")
    return await visitor.wait_for("message", lambda m: m["meta"].get("event") == "closed")


async def test_the_default_farewell_thanks_and_invites_back_without_promising_a_message(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    shop = (await _call(server, "GET", "/api/shop", admin))[1]["shop"]
    assert "{agent}" in shop["farewell_template"]
    farewell = await _close_a_chat(server)
    assert farewell["text"].startswith("感谢您光临鹿鸣衣橱")
    assert "小美" in farewell["text"] and "欢迎随时回来" in farewell["text"]
    assert "留言" not in farewell["text"] and "你" not in farewell["text"].replace("您", "")


async def test_the_farewell_is_the_shop_s_template_signed_by_the_closing_agent(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    template = "{agent}代表{shop}感谢您，{{期待}}再会！"
    status, out = await _call(server, "PUT", "/api/shop", admin, {"farewell_template": template})
    assert status == 200 and out["shop"]["farewell_template"] == template
    assert (await _call(server, "GET", "/api/shop", admin))[1]["shop"][
        "farewell_template"
    ] == template
    farewell = await _close_a_chat(server)
    assert farewell["text"] == "小美代表鹿鸣衣橱感谢您，{期待}再会！"
    assert farewell["sender"] == "system" and farewell["kind"] == "event"
