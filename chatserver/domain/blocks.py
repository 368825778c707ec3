"""The block list (拒访客户清单): rules for shoppers a shop will not serve online.

A blocked shopper's messages are still stored, but never reach a person: the bot answers with
one fixed, polite sentence, at most once a minute, and nothing is ever queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chatserver.domain.text import clean_text
from chatserver.errors import AppError

MAX_REASON_LENGTH = 200
BLOCKED_REPLY = "抱歉，暂时无法为您提供在线服务，如有需要，请通过其他渠道联系本店。感谢您的理解。"
# The bot's fixed reply is not repeated more often than this, however often the shopper writes.
REPLY_INTERVAL = timedelta(minutes=1)


def clean_block_reason(value: Any) -> str:
    """Why the shopper is blocked: required, typed text like a message, at most 200 characters."""
    if not isinstance(value, str):
        raise AppError("invalid_payload", "reason 必须是字符串：请填写拉黑原因")
    return clean_text(value, limit=MAX_REASON_LENGTH, noun="拉黑原因")


def may_reply(last_reply_at: datetime | None, now: datetime) -> bool:
    """Whether the bot may send the fixed reply again now."""
    return last_reply_at is None or now - last_reply_at >= REPLY_INTERVAL
