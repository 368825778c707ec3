"""The shape of `PUT /api/shop/widget-settings` for the OpenAPI document. The body is checked by
domain/widget_settings.parse_settings (one place for the rules and their messages), so this
model only describes it and never parses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chatserver.domain.widget_settings import (
    MAX_INVITE_SECONDS,
    MAX_INVITE_TEXT,
    MIN_INVITE_SECONDS,
)

Requirement = Literal["off", "optional", "required"]


class PrechatFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Requirement = "off"
    phone: Requirement = "off"
    order_no: Requirement = "off"


class Invitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    delay_seconds: int = Field(ge=MIN_INVITE_SECONDS, le=MAX_INVITE_SECONDS)
    text: str | None = Field(None, max_length=MAX_INVITE_TEXT, description="空：默认邀请语")


class WidgetSettingsChange(BaseModel):
    """The whole settings object: pre-chat fields (不询问、选填、必填) and the invitation."""

    model_config = ConfigDict(extra="forbid")

    prechat: PrechatFields
    invite: Invitation
