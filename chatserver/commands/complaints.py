"""What staff send about complaints (投诉): open one, fill it in, escalate it, settle it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.commands.chat import ConversationId, parse_id
from chatserver.domain import complaints as rules
from chatserver.errors import AppError, invalid

T = TypeVar("T")


def parse_complaint_id(value: Any) -> int:
    return parse_id(value, "complaint_id", "投诉记录不存在", field="complaint_id")


def _unless_absent(clean: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """In an edit, an absent (or null) field is left as it is."""
    return lambda value: None if value is None else clean(value)


def _blank_if_absent(clean: Callable[[Any], str]) -> Callable[[Any], str]:
    """An optional text: absent (or null) is the same as blank."""
    return lambda value: "" if value is None else clean(value)


ComplaintId = Annotated[int, PlainValidator(parse_complaint_id, json_schema_input_type=int)]
Matter = Annotated[str, PlainValidator(rules.clean_matter, json_schema_input_type=str)]
DemandKind = Annotated[
    str | None, PlainValidator(rules.clean_demand_kind, json_schema_input_type=str | None)
]
OptionalText = Annotated[
    str, PlainValidator(_blank_if_absent(rules.clean_demand_text), json_schema_input_type=str)
]
Level = Annotated[int, PlainValidator(rules.clean_level, json_schema_input_type=int)]
Reason = Annotated[
    str, PlainValidator(_blank_if_absent(rules.clean_reason), json_schema_input_type=str)
]
Ending = Annotated[str, PlainValidator(rules.clean_ending, json_schema_input_type=str)]
Result = Annotated[str, PlainValidator(rules.clean_result, json_schema_input_type=str)]


class OpenComplaint(Command):
    """`complaint` on /agent: register a complaint from a chat (「登记投诉」)."""

    shape_error: ClassVar[str] = "投诉格式不正确"
    conversation_id: ConversationId
    matter: Matter
    demand_kind: DemandKind = None
    demand_text: OptionalText = ""


class UpdateComplaint(Command):
    """`complaint_update` on /agent: any of matter, demand, handling, result (absent: unchanged)."""

    shape_error: ClassVar[str] = "投诉格式不正确"
    complaint_id: ComplaintId
    matter: Annotated[
        str | None, PlainValidator(_unless_absent(rules.clean_matter), json_schema_input_type=str)
    ] = None
    demand_kind: DemandKind = None
    demand_text: Annotated[
        str | None,
        PlainValidator(_unless_absent(rules.clean_demand_text), json_schema_input_type=str),
    ] = None
    handling: Annotated[
        str | None,
        PlainValidator(_unless_absent(rules.clean_handling), json_schema_input_type=str),
    ] = None
    result: Annotated[
        str | None,
        PlainValidator(_unless_absent(rules.clean_result), json_schema_input_type=str),
    ] = None

    def changes(self) -> dict[str, str]:
        fields = ("matter", "demand_kind", "demand_text", "handling", "result")
        return {name: value for name in fields if (value := getattr(self, name)) is not None}

    @model_validator(mode="after")
    def _something(self) -> UpdateComplaint:
        if not self.changes():
            raise invalid("没有要修改的内容")
        return self


class EscalateComplaint(Command):
    """`complaint_escalate` on /agent: up to `level`, with an optional word on why."""

    shape_error: ClassVar[str] = "升级请求格式不正确"
    complaint_id: ComplaintId
    level: Level
    reason: Reason = ""


class EndComplaint(Command):
    """`complaint_resolve` on /agent: resolved (solved) or closed (withdrawn, unfounded), with
    the result in words."""

    shape_error: ClassVar[str] = "结案请求格式不正确"
    complaint_id: ComplaintId
    status: Ending
    result: Result

    @model_validator(mode="after")
    def _result_given(self) -> EndComplaint:
        if not self.result:
            raise AppError("empty_text", "请填写处理结果", field="result")
        return self


def _status_filter(value: Any) -> str | None:
    if value is None or value == "all":
        return None
    if not isinstance(value, str) or value not in rules.STATUS_NAMES:
        raise invalid("status 必须是 open、resolved、closed 或 all", field="status")
    return str(value)


def _level_filter(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in ("0", "1", "2", "3"):
        raise invalid("level 必须是 0 到 3 的整数", field="level")
    return int(value)


class ComplaintListQuery(Command):
    """`GET /api/complaints?status=&level=`: open ones unless asked otherwise."""

    status: Annotated[
        str | None, PlainValidator(_status_filter, json_schema_input_type=str | None)
    ] = None
    level: Annotated[int | None, PlainValidator(_level_filter, json_schema_input_type=str)] = None
