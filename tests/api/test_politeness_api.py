"""The shop's politeness word lists over HTTP, and the warnings editors get when they save FAQ
answers and standard phrases that break the rules."""

from __future__ import annotations

from typing import Any

from tests.conftest import InProcessApp


async def test_every_agent_reads_the_lists_only_an_admin_changes_them(api: InProcessApp) -> None:
    await api.add_agent("lead", "组长", role="supervisor")
    agent = (await api.login("agent", "agent123"))["token"]
    lead = (await api.login("lead"))["token"]
    admin = (await api.login("admin", "admin123"))["token"]

    status, shown = await api.call("GET", "/api/politeness", agent)
    assert status == 200
    assert shown["custom"] == [] and shown["words"] == shown["defaults"]
    assert "姐姐" in shown["words"]["address"]
    assert {"word": "呗", "replacement": "吧"} in shown["words"]["slang"]

    change = {"address": ["老板", " 老板 ", ""], "keep": ["你好色彩"]}
    for token in (agent, lead):
        status, refused = await api.call("PUT", "/api/politeness", token, change)
        assert status == 403 and refused["error"]["code"] == "forbidden"
    status, refused = await api.call("PUT", "/api/politeness", agent, {"address": 5})
    assert status == 403  # the role first: an agent learns nothing from validation

    status, saved = await api.call("PUT", "/api/politeness", admin, change)
    assert status == 200
    assert saved["custom"] == ["address", "keep"]
    assert saved["words"]["address"] == ["老板"]
    assert saved["words"]["keep"] == ["你好色彩"]
    assert saved["words"]["slang"] == saved["defaults"]["slang"]
    status, shown = await api.call("GET", "/api/politeness", agent)
    assert shown["words"] == saved["words"]

    # Back to the defaults: every category absent (or null) follows them again.
    status, reset = await api.call("PUT", "/api/politeness", admin, {"address": None})
    assert status == 200 and reset["custom"] == [] and reset["words"] == reset["defaults"]


async def test_bad_lists_are_refused_with_the_field_named(api: InProcessApp) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    cases: list[tuple[Any, str, str]] = [
        ({"address": "姐姐"}, "invalid_payload", "address"),
        ({"address": ["姐姐", 3]}, "invalid_payload", "address"),
        ({"address": ["长" * 21]}, "text_too_long", "address"),
        ({"keep": [f"品牌{i}" for i in range(101)]}, "invalid_payload", "keep"),
        ({"slang": ["啥"]}, "invalid_payload", "slang"),
        ({"slang": [{"word": "啥", "replacement": 1}]}, "invalid_payload", "slang"),
        ({"arguing": [{"word": "爱买不买", "replacement": "长" * 31}]}, "text_too_long", "arguing"),
        ({"refusal": [{"word": "不知道=", "replacement": "好"}]}, "invalid_payload", "refusal"),
        ({"address": ["a\nb"]}, "invalid_payload", "address"),
    ]
    for body, code, field in cases:
        status, answer = await api.call("PUT", "/api/politeness", admin, body)
        assert (status, answer["error"]["code"], answer["error"].get("field")) == (
            400,
            code,
            field,
        ), body
    status, answer = await api.call("PUT", "/api/politeness", admin, ["姐姐"])
    assert status == 400 and answer["error"]["code"] == "invalid_payload"
    # nothing was stored by any of them
    status, shown = await api.call("GET", "/api/politeness", admin)
    assert shown["custom"] == []


async def test_saving_impolite_faq_answers_and_phrases_warns_but_saves(
    api: InProcessApp,
) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    status, created = await api.call(
        "POST",
        "/api/faq",
        admin,
        {"question": "你们有实体店吗", "answer": "亲，木有实体店哈，你在网上拍就行"},
    )
    assert status == 201 and created["entry"]["answer"] == "亲，木有实体店哈，你在网上拍就行"
    assert [(w["field"], w["kind"], w["text"]) for w in created["warnings"]] == [
        ("answer", "address", "亲"),
        ("answer", "slang", "木有"),
        ("answer", "slang", "哈"),
        ("answer", "pronoun", "你"),
    ]
    entry_id = created["entry"]["id"]
    status, fixed = await api.call(
        "PUT",
        f"/api/faq/{entry_id}",
        admin,
        {"answer": "暂时没有实体店，您在网上下单即可。"},
    )
    assert status == 200 and fixed["warnings"] == []

    status, phrase = await api.call(
        "POST", "/api/phrases", admin, {"title": "催单", "text": "我说过了，明天发"}
    )
    assert status == 201 and [w["kind"] for w in phrase["warnings"]] == ["arguing"]
    assert phrase["warnings"][0]["suggestion"] == "我再为您说明一下"
    status, phrase = await api.call(
        "PUT", f"/api/phrases/{phrase['phrase']['id']}", admin, {"text": "明天为您发出"}
    )
    assert status == 200 and phrase["warnings"] == []

    # The shop's own lists apply to what its editors save.
    await api.call("PUT", "/api/politeness", admin, {"address": ["老板"]})
    status, created = await api.call(
        "POST", "/api/phrases", admin, {"title": "问候", "text": "老板好，亲"}
    )
    assert [(w["kind"], w["text"]) for w in created["warnings"]] == [("address", "老板")]


async def test_the_default_faq_and_phrases_pass_the_check(api: InProcessApp) -> None:
    """What every new shop starts with must be what the check asks for."""
    admin = (await api.login("admin", "admin123"))["token"]
    from chatserver.domain.politeness import check

    _, faq = await api.call("GET", "/api/faq", admin)
    _, phrases = await api.call("GET", "/api/phrases", admin)
    flagged = [e["answer"] for e in faq["items"] if check(e["answer"])]
    flagged += [p["text"] for p in phrases["items"] if check(p["text"])]
    assert flagged == []
