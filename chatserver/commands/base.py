"""The base of every command and the one place a payload becomes one."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from chatserver.errors import invalid

C = TypeVar("C", bound="Command")


class Command(BaseModel):
    """Fields validate with the contract's own rules (chatserver/domain/text.py and friends),
    which raise the contract's AppError with its exact code and message."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # The message when the payload is not an object at all.
    shape_error: ClassVar[str] = "请求格式不正确"
    # A missing payload (an event sent with no argument) counts as an empty object.
    allow_missing: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _absent_is_none(cls, data: Any) -> Any:
        # The contract's messages are the same for an absent field and a wrong one, so every
        # field validator sees absent as None and says it in its own words.
        if isinstance(data, dict):
            return {name: data.get(name) for name in cls.model_fields}
        return data


def parse(command: type[C], payload: Any) -> C:
    if payload is None and command.allow_missing:
        payload = {}
    if not isinstance(payload, dict):
        raise invalid(command.shape_error)
    try:
        return command.model_validate(payload)
    except ValidationError as error:
        # Only reached for a field declared without a contract validator: name it.
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise invalid(
            f"{field} 格式不正确" if field else command.shape_error, field=field
        ) from None
