"""When the bot hands a chat to a person, and what it says otherwise.

The rule (domain.md): a request for a person or a complaint goes to a human at once; a
complaint goes first in the queue. A confident FAQ match is answered; an unsure one offers
choices; after two unhelpful turns in a row the bot stops trying and hands off.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_BOT_MISSES = 2

# Words shoppers use to ask for a person. Kept short and specific: "人" alone is too common.
HUMAN_REQUEST_PATTERNS = (
    r"转\s*人\s*工",
    r"人\s*工",
    r"真\s*人",
    r"活\s*人",
    r"找\s*客\s*服",
    r"叫\s*客\s*服",
    r"要\s*客\s*服",
    r"接\s*客\s*服",
    r"联\s*系\s*客\s*服",
    r"客\s*服\s*(在|呢|人呢|出来)",
    r"有\s*人\s*(在|吗|么|嘛)",
    r"(转|找|叫|让)\s*.{0,4}(店\s*主|掌\s*柜|老\s*板|经\s*理|负\s*责\s*人)",
    r"不\s*要\s*(机\s*器\s*人|机\s*器)",
    r"机\s*器\s*人.{0,4}(听\s*不\s*懂|没\s*用|不\s*行)",
    r"\bhuman\b",
    r"\bagent\b",
)

COMPLAINT_PATTERNS = (
    r"投\s*诉",
    r"差\s*评",
    r"12315",
    r"消\s*协",
    r"消\s*费\s*者\s*协\s*会",
    r"工\s*商\s*局",
    r"市\s*场\s*监\s*管",
    r"举\s*报",
    r"骗\s*子",
    r"欺\s*诈",
    r"维\s*权",
)

# Words that only say a person exists or is there (有人吗, 人工客服, 客服在吗): next to a
# question about hours (你们几点下班，晚上有人吗) they ask *when* someone is there, which the
# FAQ's service-hours answer tells; only an explicit "transfer me" then hands off. 人工 right
# after 转/要/找/叫/接 (我要人工, 转接人工) is such an explicit request, so it is kept.
PRESENCE_PATTERNS = (
    r"有\s*人\s*(在|吗|么|嘛)",
    r"(?<![转要找叫接])(?<![转要找叫接]\s)人\s*工\s*(客\s*服)?",
    r"真\s*人",
    r"客\s*服\s*(在|呢)",
)
SERVICE_HOURS_PATTERNS = (
    r"几\s*点",
    r"上\s*班",
    r"下\s*班",
    r"晚\s*上",
    r"半\s*夜",
    r"夜\s*里",
    r"凌\s*晨",
    r"周\s*末",
    r"节\s*假\s*日",
    r"放\s*假",
    r"营\s*业",
    r"在\s*线\s*时\s*间",
    r"工\s*作\s*时\s*间",
    # 什么时候/几时 alone also ask when a refund or a parcel comes (退款什么时候到账 人工): only
    # asking when someone is there makes them a question about hours.
    r"(什\s*么\s*时\s*候|几\s*时)\s*(有\s*人|在)",
)

_HUMAN_RE = re.compile("|".join(HUMAN_REQUEST_PATTERNS), re.IGNORECASE)
_PRESENCE_RE = re.compile("|".join(PRESENCE_PATTERNS))
_SERVICE_HOURS_RE = re.compile("|".join(SERVICE_HOURS_PATTERNS))
_COMPLAINT_RE = re.compile("|".join(COMPLAINT_PATTERNS), re.IGNORECASE)

# Traditional forms shoppers type, folded before matching the patterns above.
_TRADITIONAL = str.maketrans(
    {"轉": "转", "訴": "诉", "評": "评", "機": "机", "聯": "联", "係": "系", "調": "调", "闆": "板"}
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).lower()


def is_complaint(text: str) -> bool:
    return bool(_COMPLAINT_RE.search(_fold(text)))


def asks_for_human(text: str) -> bool:
    folded = _fold(text)
    if not _HUMAN_RE.search(folded):
        return False
    if _SERVICE_HOURS_RE.search(folded):
        # A question about hours: only what is left after the presence words can ask for a
        # person (几点下班 转人工 still does).
        return bool(_HUMAN_RE.search(_PRESENCE_RE.sub(" ", folded)))
    return True


HandoffReason = Literal["requested", "complaint", "bot_unsure", "photo", "leave_message"]


@dataclass(frozen=True)
class BotDecision:
    action: Literal["handoff", "answer", "suggest", "fallback", "small_talk"]
    reason: HandoffReason | None = None
    priority: int = 0


def explicit_request(text: str) -> BotDecision | None:
    """A complaint or a request for a person: handed off at once, whatever the FAQ says."""
    if is_complaint(text):
        return BotDecision("handoff", "complaint", priority=1)
    if asks_for_human(text):
        return BotDecision("handoff", "requested")
    return None


def left_message(text: str) -> BotDecision:
    """A 留言 (domain/leave_message.py) waits in the queue for the next shift; a complaint
    still goes first."""
    return BotDecision("handoff", "leave_message", priority=1 if is_complaint(text) else 0)


def photo_sent() -> BotDecision:
    """A shopper's photo (a damaged parcel, a wrong item) is for a person: the bot cannot look."""
    return BotDecision("handoff", "photo")


def decide(
    text: str,
    *,
    confident: bool,
    has_suggestions: bool,
    misses_so_far: int,
    small_talk: bool = False,
) -> BotDecision:
    """What the bot does with one shopper message while it owns the chat.

    Small talk ("在吗", "谢谢") gets a polite reply and is not a miss: it asked nothing.
    """
    explicit = explicit_request(text)
    if explicit is not None:
        return explicit
    if small_talk:
        return BotDecision("small_talk")
    if confident:
        return BotDecision("answer")
    if misses_so_far + 1 >= MAX_BOT_MISSES:
        return BotDecision("handoff", "bot_unsure")
    return BotDecision("suggest" if has_suggestions else "fallback")
