"""What a supervisor sends from the live view: reassign a chat to a named agent."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.chat import ConversationId
from chatserver.commands.transfers import parse_target_id
from chatserver.domain.handovers import clean_handover_note
from chatserver.errors import invalid


def _optional_note(value: Any) -> str | None:
    return None if value is None or value == "" else clean_handover_note(value)


def _required_target(value: Any) -> int:
    target = parse_target_id(value)
    if target is None:
        raise invalid("请指定要改派给的客服（to_agent_id）", field="to_agent_id")
    return target


class Reassign(Command):
    """`reassign` on /supervisor: to one named agent, with an optional handover note."""

    shape_error: ClassVar[str] = "改派请求格式不正确"
    conversation_id: ConversationId
    to_agent_id: Annotated[int, PlainValidator(_required_target, json_schema_input_type=int)]
    note: Annotated[
        str | None, PlainValidator(_optional_note, json_schema_input_type=str | None)
    ] = None
