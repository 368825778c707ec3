"""What a shopper sees of the FAQ matcher: questions about the service hours are answered, and
"did you mean" choices are offered only when they are plausible."""

from __future__ import annotations

from chatserver.db.models import Conversation, FaqEntry
from tests.conftest import LiveServer


async def test_asking_when_someone_is_there_gets_the_service_hours_answer(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()

    await visitor.send("你们几点下班，晚上有人吗")
    answer = await visitor.wait_for("message", lambda m: m["sender"] == "bot")

    assert "faq_id" in answer["meta"], answer
    async with server.db.sessions() as session:
        entry = await session.get(FaqEntry, int(answer["meta"]["faq_id"]))
        conversation = await session.get(Conversation, visitor.session["conversation_id"])
    assert entry is not None and entry.key == "service-hours"
    assert answer["text"] == entry.answer
    # Answered by the bot, not put in the queue for a person.
    assert conversation is not None and conversation.status == "bot"


async def test_a_question_the_faq_knows_nothing_about_gets_no_unrelated_choices(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()

    await visitor.send("我家猫喜欢吃什么")
    reply = await visitor.wait_for("message", lambda m: m["sender"] == "bot")

    assert "faq_id" not in reply["meta"]
    choices = [c["question"] for c in reply["meta"].get("choices", [])]
    assert "支持七天无理由退货吗？" not in choices
    # Nothing in a clothing shop's FAQ is about cat food: the bot asks to rephrase instead.
    assert reply["kind"] == "text" and not choices
    assert "转人工" in reply["text"]
