"""The groups every shop starts with, and which bot handoff topic each one serves."""

from __future__ import annotations

from collections.abc import Sequence

PRESALES = "presales"
AFTERSALES = "aftersales"
TOPICS = (PRESALES, AFTERSALES)

# (name, topic): a new shop's groups; every agent of a new shop joins both until an admin
# says otherwise, so routing behaves as before groups existed.
DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (("售前", PRESALES), ("售后", AFTERSALES))

# FAQ categories whose answers are after-sales matters (a shop's own categories included when
# they name one of these): the bot's last answer tells what the shopper was asking about.
AFTERSALES_CATEGORY_WORDS = ("售后", "退换", "退货", "退款", "换货", "质量", "维修", "保修")

# What shoppers write about an order that went wrong. Short, specific stems: "退" alone would
# catch 退出, "坏" alone 坏笑.
AFTERSALES_WORDS = (
    "退货",
    "退款",
    "退钱",
    "换货",
    "退换",
    # Exchanging a size after the parcel came (换大一号, 换个尺码).
    "换大",
    "换小",
    "换尺码",
    "换个尺码",
    "换码",
    "换一下尺码",
    "调换",
    "破损",
    "破了",
    "坏了",
    "坏的",
    "质量问题",
    "质量太差",
    "质量差",
    "有瑕疵",
    "瑕疵",
    "掉色",
    "褪色",
    "开线",
    "起球",
    "维修",
    "返修",
    "保修",
    "漏发",
    "少发",
    "错发",
    "发错",
    "发错了",
    "少了一件",
    "售后",
    "三包",
    "仅退款",
)

# Traditional forms folded first, so 「退貨」「壞了」 count too.
_TRADITIONAL = str.maketrans(
    {
        "貨": "货",
        "換": "换",
        "壞": "坏",
        "質": "质",
        "題": "题",
        "維": "维",
        "脩": "修",
        "錯": "错",
        "發": "发",
        "漏": "漏",
        "損": "损",
        "錢": "钱",
        "後": "后",
        "賣": "卖",
        "調": "调",
        "線": "线",
        "瑕": "瑕",
    }
)


def _fold(text: str) -> str:
    return text.translate(_TRADITIONAL).replace(" ", "")


def is_aftersales_category(category: str | None) -> bool:
    return bool(category) and any(word in str(category) for word in AFTERSALES_CATEGORY_WORDS)


def mentions_aftersales(text: str) -> bool:
    folded = _fold(text)
    return any(word in folded for word in AFTERSALES_WORDS)


def handoff_topic(
    *, reason: str, shopper_texts: Sequence[str], last_faq_category: str | None
) -> str:
    """The group topic a chat handed to people goes to: after-sales for a complaint, a photo
    (the manuals ask for photos of damaged or wrong items), an after-sales FAQ answer the bot
    gave last, or the shopper's own words about a return, refund, damage or wrong item;
    pre-sales for everything else."""
    if reason in ("complaint", "photo"):
        return AFTERSALES
    if is_aftersales_category(last_faq_category):
        return AFTERSALES
    if any(mentions_aftersales(text) for text in shopper_texts):
        return AFTERSALES
    return PRESALES
