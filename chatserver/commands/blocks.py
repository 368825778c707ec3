"""What staff send to block a shopper."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.chat import ConversationId
from chatserver.domain.blocks import clean_block_reason

BlockReason = Annotated[str, PlainValidator(clean_block_reason, json_schema_input_type=str)]


class BlockShopper(Command):
    """`block` on /agent: the shopper behind this conversation, and why."""

    shape_error: ClassVar[str] = "拉黑请求格式不正确"
    conversation_id: ConversationId
    reason: BlockReason
