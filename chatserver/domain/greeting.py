"""The shop's texts with placeholders: the greeting, the farewell and the standard phrases.

One set of rules for all three (and for the front end's copy in widget/src/shared/template.ts):
a placeholder is a plain `{name}` from the template's own list, `{{` and `}}` are literal braces,
nothing else in braces. The rules are checked when a template is saved, so rendering a stored
one never fails.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

DEFAULT_GREETING = (
    "您好，欢迎光临{shop}！我是店铺智能助手，很高兴为您服务。"
    "发货、退换货、尺码、优惠等问题都可以直接问我；需要人工客服时，点击“转人工”即可。"
)
# Thanks the shopper and invites them back; it promises nothing the shop does not offer.
DEFAULT_FAREWELL = (
    "感谢您光临{shop}，本次服务已结束。之后如果还有任何问题，欢迎随时回来咨询，"
    "{agent}期待再次为您服务，祝您购物愉快！"
)

GREETING_PLACEHOLDERS = ("shop", "agent")
FAREWELL_PLACEHOLDERS = ("shop", "agent")
PHRASE_PLACEHOLDERS = ("shop", "agent", "shopper")

_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z]+)\}")


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders in one pass (a value is never read as a template itself).

    A placeholder without a value, or a stray brace in a row written before the rules, is left
    as it is: a broken template must never keep a shopper from being greeted.
    """

    def fill(token: re.Match[str]) -> str:
        whole, name = token.group(0), token.group(1)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        return values.get(name, whole)

    return _TOKEN.sub(fill, template)


def render_greeting(template: str, *, shop: str, agent: str = "智能助手") -> str:
    return render_template(template, {"shop": shop, "agent": agent})


def render_farewell(template: str, *, shop: str, agent: str) -> str:
    return render_template(template, {"shop": shop, "agent": agent})


def _listed(placeholders: tuple[str, ...]) -> str:
    return "、".join(f"{{{name}}}" for name in placeholders)


def check_template(
    template: str, placeholders: tuple[str, ...] = GREETING_PLACEHOLDERS, label: str = "欢迎语"
) -> str | None:
    """Why the template cannot be used (a message for the editor), or None when it can.

    Only plain fields from `placeholders` are allowed: format specs such as {shop:>999999}
    would let one edit inflate every message.
    """
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return f"{label}里的大括号不成对；如需显示大括号，请写成 {{{{ 或 }}}}"
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in placeholders:
            return f"{label}只能使用 {_listed(placeholders)}，不认识 {{{field}}}"
        if spec or conversion:
            return f"{label}中的 {_listed(placeholders)} 不能带格式说明"
    return None
