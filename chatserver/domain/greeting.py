"""The shop's standard greeting, rendered from its editable template."""

from __future__ import annotations

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
