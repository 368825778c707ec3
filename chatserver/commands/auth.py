"""What the login form sends."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.domain.text import is_encodable
from chatserver.errors import AppError, invalid

MAX_USERNAME = 64
MAX_PASSWORD = 256


def _credential(value: Any) -> str:
    if not isinstance(value, str):
        raise invalid("请填写用户名和密码")
    if not is_encodable(value):
        raise invalid("用户名或密码包含无效字符")
    return value


Credential = Annotated[str, PlainValidator(_credential, json_schema_input_type=str)]


class Login(Command):
    username: Credential
    password: Credential

    @model_validator(mode="after")
    def _plausible(self) -> Login:
        # Checked once both are text: no account has such a name or password, so the same
        # answer as a wrong one.
        if len(self.username) > MAX_USERNAME or len(self.password) > MAX_PASSWORD:
            raise AppError("unauthorized", "用户名或密码错误")
        return self
