"""SLA policies: how fast a shop promises to answer and to solve (the shop manuals' numbers).

First response within a minute, warned at 45 s (manual 004); after-sales answered within five
minutes and problems solved within 48 hours (manual 003). A shop sets its own policy and may
override it per group; a group without its own follows the shop's, except the after-sales
group, whose default is the after-sales numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from chatserver.domain.groups import AFTERSALES
from chatserver.errors import invalid

# Bounds a form can offer: a target of a few seconds alerts on every chat, one of a month means
# nothing; the resolution clock runs for days.
RESPONSE_LIMITS = (10, 24 * 3600)
RESOLUTION_LIMITS = (60, 30 * 24 * 3600)
WARN_PERCENT_LIMITS = (10, 99)
REASSIGN_LIMITS = (30, 3600)


@dataclass(frozen=True)
class SlaPolicy:
    first_response_s: int = 60
    next_response_s: int = 60
    resolution_s: int = 48 * 3600
    # The warning comes when this share of the target has passed (60 s → at 45 s).
    warn_percent: int = 75
    # Count only service hours (the shop's calendar) instead of wall-clock time.
    business_hours_only: bool = False

    def warn_after(self, target_s: int) -> int:
        return math.ceil(target_s * self.warn_percent / 100)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


SHOP_DEFAULT = SlaPolicy()
AFTERSALES_DEFAULT = SlaPolicy(first_response_s=300, next_response_s=300)


def default_for_group(topic: str | None, shop: SlaPolicy) -> SlaPolicy:
    """A group without a policy of its own: after-sales numbers for 售后, else the shop's."""
    if topic == AFTERSALES:
        return replace(
            shop,
            first_response_s=AFTERSALES_DEFAULT.first_response_s,
            next_response_s=AFTERSALES_DEFAULT.next_response_s,
        )
    return shop


def clean_seconds(
    value: Any, field: str, limits: tuple[int, int], *, optional: bool = False
) -> int | None:
    low, high = limits
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{field} 必须是 {low} 到 {high} 之间的整数（秒）", field=field)
    return value


def clean_percent(value: Any) -> int:
    low, high = WARN_PERCENT_LIMITS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"warn_percent 必须是 {low} 到 {high} 之间的整数", field="warn_percent")
    return value


def clean_flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(f"{field} 必须是 true 或 false", field=field)
    return value
