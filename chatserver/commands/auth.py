"""What the login form sends."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.errors import AppError, invalid

MAX_USERNAME = 64
MAX_PASSWORD = 256


def _credential(limit: int) -> Any:
    def validate(value: Any) -> str:
        if not isinstance(value, str):
            raise invalid("请填写用户名和密码")
        if len(value) > limit:
            # No account has such a name or password: the same answer as a wrong one.
            raise AppError("unauthorized", "用户名或密码错误")
        return value

    return Annotated[str, PlainValidator(validate, json_schema_input_type=str)]


class Login(Command):
    username: _credential(MAX_USERNAME)  # type: ignore[valid-type]
    password: _credential(MAX_PASSWORD)  # type: ignore[valid-type]
