"""What agents send to hand chats on: a transfer, and the end of a shift."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command, parse
from chatserver.commands.chat import ConversationId
from chatserver.domain.handovers import clean_handover_note, clean_shift_summary
from chatserver.errors import AppError, invalid

HandoverNote = Annotated[str, PlainValidator(clean_handover_note, json_schema_input_type=str)]
ShiftSummary = Annotated[str, PlainValidator(clean_shift_summary, json_schema_input_type=str)]


def parse_target_id(value: Any) -> int | None:
    """An agent or group id (ASCII digits within 64 bits), or None when not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid("转接对象的 id 必须是整数")
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise invalid("转接对象的 id 必须是整数")
        number = int(value)
    else:
        number = value
    if not 0 < number < 2**62:
        raise AppError("not_found", "转接对象不存在")
    return number


TargetId = Annotated[int | None, PlainValidator(parse_target_id, json_schema_input_type=int)]


class TransferChat(Command):
    """`transfer` on /agent: to one agent (`to_agent_id`) or to a group (`to_group_id`)."""

    shape_error: ClassVar[str] = "转接请求格式不正确"
    conversation_id: ConversationId
    to_agent_id: TargetId = None
    to_group_id: TargetId = None
    note: HandoverNote

    @model_validator(mode="after")
    def _one_target(self) -> TransferChat:
        if (self.to_agent_id is None) == (self.to_group_id is None):
            raise invalid("请指定转接给一位客服（to_agent_id）或一个分组（to_group_id），二选一")
        return self


class ChatHandoverNote(Command):
    conversation_id: ConversationId
    note: HandoverNote


def _notes(value: Any) -> list[ChatHandoverNote]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 100:
        raise invalid("notes 必须是列表（最多 100 项）", field="notes")
    return [parse(ChatHandoverNote, item) for item in value]


class EndShift(Command):
    """`end_shift` on /agent: a note per open chat and the shift summary, then offline."""

    shape_error: ClassVar[str] = "交接请求格式不正确"
    notes: Annotated[list[ChatHandoverNote], PlainValidator(_notes, json_schema_input_type=list)]
    summary: ShiftSummary
