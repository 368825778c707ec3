"""Response models of the important REST answers, for the OpenAPI document (api/openapi.py).

They describe what views/wire.py and the actions build (docs/protocol.md, "Objects"); the
contract only grows, so every object allows fields beyond those named here. The REST fuzzing
test checks real answers against them, so a change to a wire shape that breaks one fails there.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from chatserver.errors import ErrorCode


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(Wire):
    code: ErrorCode
    message: str
    field: str | None = Field(None, description="出错的请求字段（表单可以把提示显示在它旁边）")


class ErrorBody(Wire):
    """Every REST error: the contract's code, a message for people, and the field at fault."""

    error: ErrorDetail


class Ok(Wire):
    ok: Literal[True]


class Named(Wire):
    id: int
    name: str


class ShopBrief(Wire):
    id: int
    slug: str
    name: str


class Message(Wire):
    id: int
    conversation_id: int
    seq: int
    sender: Literal["visitor", "bot", "agent", "system"]
    sender_name: str | None
    text: str
    kind: str
    client_id: str | None
    created_at: str
    meta: dict[str, Any]


class Conversation(Wire):
    id: int
    shop: ShopBrief
    status: Literal["bot", "queued", "assigned", "closed"]
    priority: int
    visitor: Named
    agent: Named | None
    handoff_reason: str | None
    created_at: str
    queued_at: str | None
    assigned_at: str | None
    first_response_at: str | None
    closed_at: str | None
    last_message: Message | None
    flag: str | None
    flag_changed_at: str | None


class ConversationDetail(Wire):
    """A chat as the agent panel reads it."""

    conversation: Conversation
    messages: list[Message]
    notes: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    read: dict[str, int]
    complaints: list[dict[str, Any]]


class ConversationHistory(Wire):
    items: list[ConversationDetail]


class ConversationPage(Wire):
    items: list[Conversation]
    next_cursor: int | None


class Transcript(Wire):
    conversation: Conversation
    messages: list[Message]


class PostedMessage(Wire):
    message: Message


class Attachment(Wire):
    id: str
    content_type: str
    size: int
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    url: str
    thumb_url: str


class Uploaded(Wire):
    """`POST /api/uploads`: the stored photo, to send as a message's `attachment_id`."""

    attachment: Attachment


class FaqEntry(Wire):
    id: int
    key: str | None
    question: str
    similar: list[str]
    answer: str
    category: str | None
    enabled: bool
    updated_at: str


class FaqList(Wire):
    items: list[FaqEntry]


class FaqSaved(Wire):
    entry: FaqEntry
    warnings: list[dict[str, Any]]


class Phrase(Wire):
    id: int
    title: str
    text: str
    category: str | None
    shortcut: str | None


class PhraseList(Wire):
    items: list[Phrase]


class PhraseSaved(Wire):
    phrase: Phrase
    warnings: list[dict[str, Any]]


class Agent(Wire):
    id: int
    username: str
    name: str
    role: Literal["agent", "supervisor", "admin"]
    max_chats: int
    status: str


class SignedInAgent(Agent):
    shop: ShopBrief
    groups: list[dict[str, Any]]


class Me(Wire):
    agent: SignedInAgent


class LoggedIn(Me):
    token: str


class Items(Wire):
    """A list answer whose items are described in docs/protocol.md."""

    items: list[dict[str, Any]]


class FaqExport(RootModel[list[dict[str, Any]]]):
    """`GET /api/faq/export?format=json`: the entries as a list, in the editor's fields."""
