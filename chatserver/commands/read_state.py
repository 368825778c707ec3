"""What each side sends to say how far it has read a conversation (已读)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.chat import ConversationId
from chatserver.errors import invalid

SEQ_ERROR = "seq 必须是不小于 0 的整数"


def parse_read_seq(value: Any) -> int:
    """A message seq: a non-negative integer (a bool or a float is not one)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**62:
        raise invalid(SEQ_ERROR, field="seq")
    return value


ReadSeq = Annotated[int, PlainValidator(parse_read_seq, json_schema_input_type=int)]


class VisitorRead(Command):
    """`read` on /visitor: the shopper's own conversation (the socket's)."""

    seq: ReadSeq


class AgentRead(Command):
    """`read` on /agent: a chat the agent is serving."""

    conversation_id: ConversationId
    seq: ReadSeq
