"""`leave_message` on /visitor: the 留言 form (docs/protocol.md, "Business hours and 留言")."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator

from chatserver.commands.base import Command
from chatserver.commands.chat import ClientId
from chatserver.domain.leave_message import LeaveMessageForm, parse_form


class LeaveMessage(Command):
    shape_error: ClassVar[str] = "留言格式不正确"
    client_id: ClientId
    text: Any = None
    phone: Any = None
    order_no: Any = None

    @model_validator(mode="after")
    def _check(self) -> LeaveMessage:
        self.form()  # every field checked before anything is stored
        return self

    def form(self) -> LeaveMessageForm:
        return parse_form(self.text, self.phone, self.order_no)
