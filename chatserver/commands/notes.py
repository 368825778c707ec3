"""What agents send to annotate a conversation: a private note, a coloured flag."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.commands.chat import ConversationId
from chatserver.domain.notes import FLAG_ERROR, clean_flag, clean_note_text
from chatserver.errors import invalid

NoteText = Annotated[str, PlainValidator(clean_note_text, json_schema_input_type=str)]
Flag = Annotated[str | None, PlainValidator(clean_flag, json_schema_input_type=str | None)]


class AddNote(Command):
    """`note` on /agent."""

    shape_error: ClassVar[str] = "备注格式不正确"
    conversation_id: ConversationId
    text: NoteText


class SetFlag(Command):
    """`flag` on /agent: a colour, or null to clear it."""

    shape_error: ClassVar[str] = FLAG_ERROR
    conversation_id: ConversationId
    flag: Flag

    @model_validator(mode="before")
    @classmethod
    def _absent_is_none(cls, data: Any) -> Any:
        # null clears the flag, so a payload that forgot `flag` must not clear a colleague's.
        if isinstance(data, dict):
            if "flag" not in data:
                raise invalid(FLAG_ERROR)
            return {name: data.get(name) for name in cls.model_fields}
        return data
