"""What supervisors send to teach the bot: which questions, which entry, which wording."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.commands.catalog import FaqCreate, Question
from chatserver.commands.chat import parse_id
from chatserver.commands.ratings import instant_field
from chatserver.errors import invalid

MAX_QUESTION_IDS = 2000


def _question_ids(value: Any) -> list[int]:
    if not isinstance(value, list) or not value:
        raise invalid("question_ids 必须是非空的编号列表", field="question_ids")
    if len(value) > MAX_QUESTION_IDS:
        raise invalid(f"一次最多处理 {MAX_QUESTION_IDS} 个问题", field="question_ids")
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise invalid("question_ids 必须是整数列表", field="question_ids")
    # An id past 64 bits names no question (the database could not even compare it): it is
    # left alone like any other id that is not one of the shop's open questions.
    return [item for item in dict.fromkeys(value) if 0 < item < 2**62]


def _faq_id(value: Any) -> int:
    return parse_id(value, "faq_id", "问答不存在", field="faq_id")


def _order(value: Any) -> str:
    if value in (None, ""):
        return "count"
    if value not in ("count", "recent"):
        raise invalid("order 只能是 count 或 recent", field="order")
    return str(value)


QuestionIds = Annotated[list[int], PlainValidator(_question_ids, json_schema_input_type=list[int])]
FaqId = Annotated[int, PlainValidator(_faq_id, json_schema_input_type=int)]


class UnansweredQuery(Command):
    """`GET /api/unanswered?from=&to=&order=`: `start` is `from`, `end` is `to`."""

    start: Annotated[datetime | None, instant_field("from")] = None
    end: Annotated[datetime | None, instant_field("to")] = None
    order: Annotated[
        Literal["count", "recent"], PlainValidator(_order, json_schema_input_type=str)
    ] = "count"

    @model_validator(mode="after")
    def _range(self) -> UnansweredQuery:
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise invalid("from 必须早于 to", field="from")
        return self


class DismissQuestions(Command):
    question_ids: QuestionIds


class AddSimilar(Command):
    """One of the shoppers' wordings as a similar question of an entry; the group is handled."""

    question_ids: QuestionIds
    faq_id: FaqId
    text: Question


class EntryForQuestions(FaqCreate):
    """A new entry written for a group of questions (the editor's form, prefilled)."""

    question_ids: QuestionIds
