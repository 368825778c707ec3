"""What admins send to manage the shop's agents and groups (the admin console)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.domain import staff
from chatserver.errors import invalid


def _optional(rule: Any) -> Any:
    return lambda value: None if value is None else rule(value)


def _ids(field: str) -> Any:
    return lambda value: None if value is None else staff.clean_id_list(value, field=field)


Username = Annotated[str, PlainValidator(staff.clean_username, json_schema_input_type=str)]
Password = Annotated[str, PlainValidator(staff.clean_password, json_schema_input_type=str)]
MaxChats = Annotated[
    int | None, PlainValidator(_optional(staff.clean_max_chats), json_schema_input_type=int)
]
GroupIds = Annotated[
    list[int] | None, PlainValidator(_ids("group_ids"), json_schema_input_type=list)
]


class CreateAgent(Command):
    shape_error: ClassVar[str] = "请求格式不正确"
    username: Username
    password: Password
    name: Annotated[str, PlainValidator(staff.clean_display_name, json_schema_input_type=str)]
    role: Annotated[str, PlainValidator(staff.clean_role, json_schema_input_type=str)]
    max_chats: MaxChats = None
    group_ids: GroupIds = None


class UpdateAgent(Command):
    name: Annotated[
        str | None, PlainValidator(_optional(staff.clean_display_name), json_schema_input_type=str)
    ] = None
    role: Annotated[
        str | None, PlainValidator(_optional(staff.clean_role), json_schema_input_type=str)
    ] = None
    max_chats: MaxChats = None
    group_ids: GroupIds = None

    @model_validator(mode="after")
    def _something(self) -> UpdateAgent:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise invalid("没有要修改的内容")
        return self


class ResetPassword(Command):
    password: Password


class SaveGroup(Command):
    """POST (name required) and PATCH (name or members) of a group."""

    name: Annotated[
        str | None, PlainValidator(_optional(staff.clean_group_name), json_schema_input_type=str)
    ] = None
    member_ids: Annotated[
        list[int] | None, PlainValidator(_ids("member_ids"), json_schema_input_type=list)
    ] = None
