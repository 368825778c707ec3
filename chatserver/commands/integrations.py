"""What admins and the shop's own systems send to the integration routes (docs/protocol.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.chat import ChatText, ClientId
from chatserver.domain.api_keys import clean_key_name, clean_scopes
from chatserver.domain.notes import FLAG_MEANINGS
from chatserver.domain.states import ALLOWED as STATUSES
from chatserver.domain.text import clean_text
from chatserver.domain.webhooks import clean_endpoint_url, clean_event_types
from chatserver.errors import invalid

Scopes = Annotated[list[str], PlainValidator(clean_scopes, json_schema_input_type=list[str])]
KeyName = Annotated[str, PlainValidator(clean_key_name, json_schema_input_type=str)]
EndpointUrl = Annotated[str, PlainValidator(clean_endpoint_url, json_schema_input_type=str)]
EventTypes = Annotated[
    list[str], PlainValidator(clean_event_types, json_schema_input_type=list[str])
]
Sender = Literal["system", "agent"]


def _description(value: Any) -> str:
    if value is None or value == "":
        return ""
    return clean_text(value, limit=200, noun="备注")


def _sender(value: Any) -> Sender:
    if value is None:
        return "system"
    if value not in ("system", "agent"):
        raise invalid("sender 只能是 system 或 agent", field="sender")
    return value  # type: ignore[no-any-return]


def _sender_name(value: Any) -> str | None:
    if value is None:
        return None
    return clean_text(value, limit=32, noun="发送者名称")


def _enabled(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise invalid("enabled 必须是 true 或 false", field="enabled")


Description = Annotated[str, PlainValidator(_description, json_schema_input_type=str | None)]


class CreateApiKey(Command):
    shape_error: ClassVar[str] = "密钥请求格式不正确"
    name: KeyName
    scopes: Scopes


class CreateEndpoint(Command):
    shape_error: ClassVar[str] = "接收地址请求格式不正确"
    url: EndpointUrl
    events: EventTypes
    description: Description = ""


class UpdateEndpoint(Command):
    """Only what is given changes."""

    shape_error: ClassVar[str] = "接收地址请求格式不正确"
    url: Annotated[
        str | None,
        PlainValidator(
            lambda v: None if v is None else clean_endpoint_url(v),
            json_schema_input_type=str | None,
        ),
    ] = None
    events: Annotated[
        list[str] | None,
        PlainValidator(
            lambda v: None if v is None else clean_event_types(v),
            json_schema_input_type=list[str] | None,
        ),
    ] = None
    description: Annotated[
        str | None,
        PlainValidator(
            lambda v: None if v is None else _description(v), json_schema_input_type=str | None
        ),
    ] = None
    enabled: Annotated[bool | None, PlainValidator(_enabled, json_schema_input_type=bool)] = None


class PostIntegrationMessage(Command):
    """A notice from the shop's own systems (an order shipped) or a reply in the serving
    agent's name; `client_id` makes a retry safe."""

    shape_error: ClassVar[str] = "消息格式不正确"
    client_id: ClientId
    text: ChatText
    sender: Annotated[Sender, PlainValidator(_sender, json_schema_input_type=str | None)] = "system"
    sender_name: Annotated[
        str | None, PlainValidator(_sender_name, json_schema_input_type=str | None)
    ] = None


def _status_filter(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in STATUSES:
        raise invalid("status 必须是 bot、queued、assigned 或 closed", field="status")
    return str(value)


def _positive_id(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or int(text) == 0:
        raise invalid(f"{name} 必须是正整数", field=name)
    return int(text)


def _flag_filter(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or (value != "none" and value not in FLAG_MEANINGS):
        raise invalid("flag 必须是 red、yellow、green、blue、purple 或 none", field="flag")
    return str(value)


def _moment(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"{name} 必须是 ISO 8601 时间", field=name) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _limit(value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_PAGE
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        raise invalid(f"limit 必须在 1 到 {MAX_PAGE} 之间", field="limit")
    return int(text)


DEFAULT_PAGE = 50
MAX_PAGE = 100
OptionalMoment = datetime | None


class ConversationQuery(Command):
    """GET /api/integrations/conversations: every filter optional; newest first; `cursor` is
    the `next_cursor` of the page before."""

    status: Annotated[str | None, PlainValidator(_status_filter, json_schema_input_type=str)] = None
    agent_id: Annotated[
        int | None,
        PlainValidator(lambda v: _positive_id(v, "agent_id"), json_schema_input_type=int),
    ] = None
    flag: Annotated[str | None, PlainValidator(_flag_filter, json_schema_input_type=str)] = None
    # The conversation's start (created_at), from inclusive, to exclusive.
    created_from: Annotated[
        OptionalMoment, PlainValidator(lambda v: _moment(v, "from"), json_schema_input_type=str)
    ] = None
    created_to: Annotated[
        OptionalMoment, PlainValidator(lambda v: _moment(v, "to"), json_schema_input_type=str)
    ] = None
    cursor: Annotated[
        int | None, PlainValidator(lambda v: _positive_id(v, "cursor"), json_schema_input_type=int)
    ] = None
    limit: Annotated[int, PlainValidator(_limit, json_schema_input_type=int)] = DEFAULT_PAGE
