"""A shopper meets the bot: greeting, FAQ answers, resends, resume, forged tokens, bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from chatserver.db.models import Conversation, FaqEntry, Message, utcnow
from tests.conftest import LiveServer


async def test_new_shopper_is_greeted_politely_with_the_shop_name(server: LiveServer) -> None:
    visitor = await server.visitor()

    session = visitor.session
    assert session["status"] == "bot"
    assert session["token"]
    greeting = session["messages"][0]
    assert greeting["sender"] == "bot" and greeting["seq"] == 1
    assert "鹿鸣衣橱" in greeting["text"]
    assert "您" in greeting["text"] and "你" not in greeting["text"].replace("您", "")


async def test_faq_question_gets_the_matching_answer(server: LiveServer) -> None:
    visitor = await server.visitor()

    ack = await visitor.send("亲，下单后多久能发货呀？")
    assert ack["ok"] and ack["message"]["sender"] == "visitor"
    answer = await visitor.wait_for("message", lambda m: m["sender"] == "bot")

    async with server.db.sessions() as session:
        entry = await session.get(FaqEntry, int(answer["meta"]["faq_id"]))
    assert entry is not None and entry.key == "shipping-time"
    assert answer["text"] == entry.answer
    assert answer["seq"] == ack["message"]["seq"] + 1


async def test_resending_with_the_same_client_id_stores_one_message(server: LiveServer) -> None:
    visitor = await server.visitor()

    first = await visitor.send("可以开发票吗", client_id="retry-1")
    second = await visitor.send("可以开发票吗", client_id="retry-1")
    await server.settle()

    assert first["ok"] and second["ok"]
    assert first["message"] == second["message"]
    async with server.db.sessions() as session:
        copies = await session.scalar(select(func.count()).where(Message.client_id == "retry-1"))
    assert copies == 1
    # The bot answered the question once, not once per retry.
    assert len(visitor.bot_messages()) == 1


async def test_a_bot_turn_run_again_after_a_database_drop_answers_once(
    server: LiveServer,
) -> None:
    # The dispatcher runs a listener again when the database dropped its connection, and the
    # first run's commit may have gone through: the second run must not answer twice.
    from chatserver.actions.bot import BotTurns

    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    ack = await visitor.send("可以开发票吗")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    await server.settle()

    async def bot_replies() -> int | None:
        async with server.db.sessions() as session:
            return await session.scalar(
                select(func.count()).where(
                    Message.conversation_id == conversation_id, Message.sender == "bot"
                )
            )

    answered = await bot_replies()
    async with server.db.sessions() as session:
        shop_id = (await session.get_one(Conversation, conversation_id)).shop_id
    message = ack["message"]
    await BotTurns(server.db, server.parts.faq).do_bot_turn(
        conversation_id, shop_id, message["text"], None, utcnow(), message_id=int(message["id"])
    )
    await server.settle()
    assert await bot_replies() == answered


async def test_returning_shopper_resumes_conversation_with_history(server: LiveServer) -> None:
    visitor = await server.visitor()
    await visitor.send("支持七天无理由退货吗")
    await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    token, conversation_id = visitor.session["token"], visitor.session["conversation_id"]
    await visitor.disconnect()

    again = await server.visitor(token=token)

    assert again.session["conversation_id"] == conversation_id
    assert again.session["token"] == token
    texts = [m["text"] for m in again.session["messages"]]
    assert len(texts) == 3 and texts[1] == "支持七天无理由退货吗"
    assert [m["seq"] for m in again.session["messages"]] == [1, 2, 3]


async def test_forged_or_foreign_token_never_opens_another_conversation(
    server: LiveServer,
) -> None:
    owner = await server.visitor()
    await owner.send("我的地址是北京市朝阳区某某路 8 号")
    stranger = await server.visitor(token=owner.session["token"] + "x")
    guessed = await server.visitor(token=str(owner.session["conversation_id"]))

    for other in (stranger, guessed):
        assert other.session["conversation_id"] != owner.session["conversation_id"]
        assert other.session["token"] != owner.session["token"]
        assert all("朝阳区" not in m["text"] for m in other.session["messages"])
    # The owner's live messages do not leak to the others either.
    await owner.send("电话 13800000000")
    await server.settle()
    for other in (stranger, guessed):
        assert all("13800000000" not in str(data) for _name, data in other.events)


async def test_unknown_shop_is_refused(server: LiveServer) -> None:
    import pytest
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        await server.visitor(shop="no-such-shop")


async def test_bad_payloads_get_error_codes_and_the_connection_stays_usable(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    cases = [
        (None, "invalid_payload"),
        ("just a string", "invalid_payload"),
        (12345, "invalid_payload"),
        ([1, 2], "invalid_payload"),
        ({"client_id": "a"}, "invalid_payload"),
        ({"client_id": "a", "text": 42}, "invalid_payload"),
        ({"client_id": 7, "text": "你好"}, "invalid_payload"),
        ({"client_id": "", "text": "你好"}, "invalid_payload"),
        ({"client_id": "x" * 65, "text": "你好"}, "invalid_payload"),
        ({"client_id": "a", "text": "   \n "}, "empty_text"),
        ({"client_id": "a", "text": "长" * 2001}, "text_too_long"),
        ({"client_id": "a", "text": "x" * 100_000}, "text_too_long"),
        ({"client_id": "a", "text": "发货", "faq_id": ["x"]}, "invalid_payload"),
        ({"client_id": "a\x00b", "text": "你好"}, "invalid_payload"),
        ({"client_id": "有中文", "text": "你好"}, "invalid_payload"),
        ({"client_id": "a", "text": "坏字符\ud800"}, "invalid_payload"),
        ({"client_id": "a", "text": "\x00\x07\x1b"}, "empty_text"),
    ]
    for payload, code in cases:
        ack = await visitor.call("message", payload)
        assert ack == {"ok": False, "error": {"code": code, "message": ack["error"]["message"]}}
        assert ack["error"]["message"]
    bad_handoff = await visitor.call("handoff", "now")
    assert bad_handoff["ok"] is False and bad_handoff["error"]["code"] == "invalid_payload"

    # Nothing half-written: only the greeting is stored.
    async with server.db.sessions() as session:
        stored = await session.scalar(
            select(func.count()).where(
                Message.conversation_id == visitor.session["conversation_id"]
            )
        )
    assert stored == 1
    # A message sent without an ack callback is still processed, silently.
    await visitor.sio.emit("message", {"client_id": "no-ack", "text": "在吗"}, namespace="/visitor")
    ok = await visitor.send("2000 字以内没问题", client_id="fine")
    assert ok["ok"] is True


async def test_control_characters_are_dropped_but_line_breaks_kept(server: LiveServer) -> None:
    visitor = await server.visitor()
    ack = await visitor.send("第一行\x07\n第二行\t完")
    assert ack["message"]["text"] == "第一行\n第二行\t完"


async def test_a_client_id_used_by_someone_else_is_a_conflict_not_a_false_ack(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    reply = await agent.send(conversation_id, "您好", client_id="shared-id")
    assert reply["ok"]

    clash = await visitor.send("我也用这个 id", client_id="shared-id")
    assert clash["ok"] is False and clash["error"]["code"] == "conflict"
    own = await visitor.send("好的", client_id="mine-1")
    clash_back = await agent.send(conversation_id, "再来", client_id="mine-1")
    assert own["ok"] and clash_back["error"]["code"] == "conflict"


async def test_exactly_2000_characters_is_accepted(server: LiveServer) -> None:
    visitor = await server.visitor()
    ack = await visitor.send("好" * 2000)
    assert ack["ok"] and len(ack["message"]["text"]) == 2000


async def test_flooding_shopper_is_rate_limited_and_can_retry(server: LiveServer) -> None:
    visitor = await server.visitor()
    acks = [await visitor.send(f"第{i}条", client_id=f"flood-{i}") for i in range(12)]
    codes = [a["error"]["code"] for a in acks if not a["ok"]]
    assert codes and set(codes) == {"rate_limited"}
    assert acks[0]["ok"]


async def test_unsure_bot_offers_choices_then_hands_off_after_two_misses(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    await visitor.send("你们家那个东西怎么弄")
    first = await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    # Not an answer: either "did you mean" choices or a request to rephrase.
    assert "faq_id" not in first["meta"]
    if first["kind"] == "suggestions":
        assert first["meta"]["choices"] and all(
            c["question"] and c["faq_id"] for c in first["meta"]["choices"]
        )
    else:
        assert first["kind"] == "text" and "转人工" in first["text"]
    await visitor.send("还是不明白那个咋整")
    notice = await visitor.wait_for(
        "message", lambda m: m["kind"] == "event" and m["meta"].get("event") == "queued"
    )
    assert notice["meta"]["reason"] == "bot_unsure"
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, visitor.session["conversation_id"])
    assert conversation is not None and conversation.status == "queued"


async def test_tapping_a_suggestion_answers_that_entry(server: LiveServer) -> None:
    visitor = await server.visitor()
    async with server.db.sessions() as session:
        entry = await session.scalar(select(FaqEntry).where(FaqEntry.key == "invoice"))
    assert entry is not None
    await visitor.send(entry.question, faq_id=str(entry.id))
    answer = await visitor.wait_for("message", lambda m: m["sender"] == "bot")
    assert answer["text"] == entry.answer


async def test_small_talk_gets_a_polite_reply_and_is_never_held_against_the_shopper(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    for text in ("在吗", "你好呀", "谢谢亲"):
        sent = (await visitor.send(text))["message"]
        await visitor.wait_for(
            "message", lambda m, seq=sent["seq"]: m["sender"] == "bot" and m["seq"] > seq
        )
    await server.settle()
    replies = visitor.bot_messages()
    assert len(replies) == 3
    assert [m["meta"].get("small_talk") for m in replies] == ["chat", "chat", "thanks"]
    assert all("您" in m["text"] and "faq_id" not in m["meta"] for m in replies)
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, visitor.session["conversation_id"])
    # Three messages that asked nothing: still with the bot, no unhelpful turn counted.
    assert conversation is not None
    assert conversation.status == "bot" and conversation.bot_misses == 0
