"""The shop's standard greeting, rendered from its editable template."""

from __future__ import annotations

import string

DEFAULT_GREETING = (
    "您好，欢迎光临{shop}！我是店铺智能助手，很高兴为您服务。"
    "发货、退换货、尺码、优惠等问题都可以直接问我；需要人工客服时，点击“转人工”即可。"
)


def render_greeting(template: str, *, shop: str, agent: str = "智能助手") -> str:
    """Fill {shop} and {agent}; a broken template must never keep a shopper from being greeted."""
    try:
        return template.format(shop=shop, agent=agent)
    except (KeyError, IndexError, ValueError):
        return template.replace("{shop}", shop).replace("{agent}", agent)


PLACEHOLDERS = ("shop", "agent")


def check_template(template: str) -> str | None:
    """Why the template cannot be used (a message for the editor), or None when it can.

    Only the plain {shop} and {agent} fields are allowed: format specs such as {shop:>999999}
    would let one edit inflate every greeting.
    """
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return "欢迎语里的大括号不成对；如需显示大括号，请写成 {{ 或 }}"
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            return f"欢迎语只能使用 {{shop}} 和 {{agent}}，不认识 {{{field}}}"
        if spec or conversion:
            return "欢迎语中的 {shop} 和 {agent} 不能带格式说明"
    return None
