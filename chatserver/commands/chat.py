"""What shoppers and agents send over Socket.IO (docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import PlainValidator, ValidationInfo, model_validator

from chatserver.commands.base import Command
from chatserver.domain.cards import CARD_KINDS, card_text, parse_card
from chatserver.domain.media import ATTACHMENT_ID
from chatserver.domain.text import clean_client_id, clean_text
from chatserver.errors import AppError, invalid


def parse_id(value: Any, name: str, missing: str, *, field: str | None = None) -> int:
    """An id as clients send it (an integer, or ASCII digits) within 64 bits; out of range is
    `not_found` with `missing`, anything else `invalid_payload`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid(f"{name} 必须是整数", field=field)
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise invalid(f"{name} 必须是整数", field=field)
        number = int(value)
    else:
        number = value
    if not 0 < number < 2**62:
        raise AppError("not_found", missing)
    return number


def parse_conversation_id(value: Any) -> int:
    return parse_id(value, "conversation_id", "会话不存在")


def _faq_choice(value: Any) -> str | None:
    """An FAQ entry id as the suggestion choice carried it: ASCII digits within 64 bits."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid("faq_id 必须是字符串")
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise invalid("faq_id 不正确")
    return text


def _typing_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid("typing 必须是 true 或 false")
    return value


STATUSES = ("online", "away", "offline")
AgentStatus = Literal["online", "away", "offline"]


def _status(value: Any) -> AgentStatus:
    if value not in STATUSES:
        raise invalid("status 必须是 online、away 或 offline")
    return value  # type: ignore[no-any-return]


MessageKind = Literal["text", "image"]
# What an image message stores as its text: a placeholder for lists and older clients.
IMAGE_TEXT = "[图片]"


def _message_kind(value: Any) -> MessageKind:
    if value is None:
        return "text"
    if value not in ("text", "image"):
        raise invalid("kind 只能是 text 或 image")
    return value  # type: ignore[no-any-return]


def _attachment_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ATTACHMENT_ID.fullmatch(value):
        raise invalid("attachment_id 格式不正确")
    return value


def _text_or_photo(value: Any, info: ValidationInfo) -> str:
    """A photo's or a card's text is ours (IMAGE_TEXT, card_text); anything else is the
    contract's chat text."""
    kind = info.data.get("kind")
    if kind == "image":
        return IMAGE_TEXT
    if kind in CARD_KINDS:
        card = info.data.get("card")
        return card_text(kind, card) if card else IMAGE_TEXT
    return clean_text(value)


ShopperKind = Literal["text", "image", "product", "order"]


def _shopper_kind(value: Any) -> ShopperKind:
    if value is None:
        return "text"
    if value not in ("text", "image", *CARD_KINDS):
        raise invalid("kind 只能是 text、image、product 或 order")
    return value  # type: ignore[no-any-return]


def _card(value: Any, info: ValidationInfo) -> dict[str, Any] | None:
    """商品卡片 / 订单卡片 (domain/cards.py): required with those kinds, ignored otherwise."""
    kind = info.data.get("kind")
    if kind not in CARD_KINDS:
        return None
    if value is None:
        raise invalid("发送卡片需要 card", field="card")
    return parse_card(kind, value)


def _photo_needs_attachment(kind: str, attachment_id: str | None) -> None:
    if kind == "image" and attachment_id is None:
        raise invalid("发送图片需要 attachment_id（先上传图片）")


ConversationId = Annotated[int, PlainValidator(parse_conversation_id, json_schema_input_type=int)]
ClientId = Annotated[str, PlainValidator(clean_client_id, json_schema_input_type=str)]
ChatText = Annotated[str, PlainValidator(clean_text, json_schema_input_type=str)]
FaqChoice = Annotated[str | None, PlainValidator(_faq_choice, json_schema_input_type=str | None)]
Kind = Annotated[MessageKind, PlainValidator(_message_kind, json_schema_input_type=str | None)]
AttachmentId = Annotated[
    str | None, PlainValidator(_attachment_id, json_schema_input_type=str | None)
]
VisitorKind = Annotated[
    ShopperKind, PlainValidator(_shopper_kind, json_schema_input_type=str | None)
]
Card = Annotated[
    dict[str, Any] | None, PlainValidator(_card, json_schema_input_type=dict[str, Any] | None)
]
# Declared after `kind` (and `card`) in each command: a photo or card message needs no text.
MessageText = Annotated[str, PlainValidator(_text_or_photo, json_schema_input_type=str)]
TypingFlag = Annotated[bool, PlainValidator(_typing_flag, json_schema_input_type=bool)]
Status = Annotated[AgentStatus, PlainValidator(_status, json_schema_input_type=AgentStatus)]


class VisitorMessage(Command):
    """`message` on /visitor: a text, a photo uploaded before (`kind: "image"`), or a product
    or order card (`kind: "product"|"order"` with `card`)."""

    shape_error: ClassVar[str] = "消息格式不正确"
    client_id: ClientId
    kind: VisitorKind = "text"
    attachment_id: AttachmentId = None
    card: Card = None
    text: MessageText
    faq_id: FaqChoice = None

    @model_validator(mode="after")
    def _photo(self) -> VisitorMessage:
        _photo_needs_attachment(self.kind, self.attachment_id)
        return self


class AgentMessage(Command):
    """`message` on /agent."""

    shape_error: ClassVar[str] = "消息格式不正确"
    conversation_id: ConversationId
    client_id: ClientId
    kind: Kind = "text"
    attachment_id: AttachmentId = None
    text: MessageText
    # The FAQ suggestion the reply was written from: the shopper's words before it are
    # proposed as a similar question of that entry (actions/proposals.py).
    faq_id: FaqChoice = None

    @model_validator(mode="after")
    def _photo(self) -> AgentMessage:
        _photo_needs_attachment(self.kind, self.attachment_id)
        return self


def parse_focus(value: Any) -> int | None:
    """The chat a panel has open: a conversation id, or null for none."""
    return None if value is None else parse_conversation_id(value)


class FocusChat(Command):
    """`focus` on /agent: the chat the panel has open (null or absent: none)."""

    conversation_id: Annotated[
        int | None, PlainValidator(parse_focus, json_schema_input_type=int | None)
    ] = None


class ConversationRef(Command):
    """`accept` and `close` on /agent."""

    conversation_id: ConversationId


class HandoffRequest(Command):
    """`handoff` on /visitor: nothing to say but "a person, please"."""

    allow_missing: ClassVar[bool] = True


class VisitorTyping(Command):
    shape_error: ClassVar[str] = "typing 必须是 true 或 false"
    typing: TypingFlag


class AgentTyping(Command):
    shape_error: ClassVar[str] = "typing 必须是 true 或 false"
    typing: TypingFlag
    conversation_id: ConversationId


class SetStatus(Command):
    shape_error: ClassVar[str] = "status 必须是 online、away 或 offline"
    status: Status
