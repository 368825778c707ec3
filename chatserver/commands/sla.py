"""A change to an SLA policy (`PUT /api/sla/policies/…`): any of the policy's fields.

Parsed by hand rather than as a Command: `reassign_after_s: null` (switch it off) must differ
from leaving the field out (keep it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from chatserver.domain.sla_policy import (
    REASSIGN_LIMITS,
    RESOLUTION_LIMITS,
    RESPONSE_LIMITS,
    WARN_PERCENT_LIMITS,
    clean_flag,
    clean_percent,
    clean_seconds,
)
from chatserver.errors import invalid


def _seconds(limits: tuple[int, int]) -> Any:
    return (int | None, Field(None, ge=limits[0], le=limits[1]))


# The bodies' shapes: the fields parse_policy_change allows, and the OpenAPI document's schema.
_POLICY_SHAPE: dict[str, Any] = {
    "first_response_s": _seconds(RESPONSE_LIMITS),
    "next_response_s": _seconds(RESPONSE_LIMITS),
    "resolution_s": _seconds(RESOLUTION_LIMITS),
    "warn_percent": _seconds(WARN_PERCENT_LIMITS),
    "business_hours_only": (bool | None, None),
}
GroupPolicyChange: type[BaseModel] = create_model(
    "GroupPolicyChange", __config__=ConfigDict(extra="forbid"), **_POLICY_SHAPE
)
ShopPolicyChange: type[BaseModel] = create_model(
    "ShopPolicyChange",
    __config__=ConfigDict(extra="forbid"),
    **_POLICY_SHAPE,
    reassign_after_s=_seconds(REASSIGN_LIMITS),
)
POLICY_FIELDS = tuple(GroupPolicyChange.model_fields)
SHOP_FIELDS = tuple(ShopPolicyChange.model_fields)


def _clean(name: str, value: Any) -> Any:
    if name in ("first_response_s", "next_response_s"):
        return clean_seconds(value, name, RESPONSE_LIMITS)
    if name == "resolution_s":
        return clean_seconds(value, name, RESOLUTION_LIMITS)
    if name == "warn_percent":
        return clean_percent(value)
    if name == "business_hours_only":
        return clean_flag(value, name)
    return clean_seconds(value, name, REASSIGN_LIMITS, optional=True)


def parse_policy_change(body: dict[str, Any], *, for_shop: bool) -> dict[str, Any]:
    """The fields to change, each checked; `invalid_payload` with `field` otherwise."""
    allowed = SHOP_FIELDS if for_shop else POLICY_FIELDS
    for name in body:
        if name not in allowed:
            raise invalid(f"不能设置 {name}", field=name)
    change = {name: _clean(name, body[name]) for name in allowed if name in body}
    if not change:
        raise invalid("没有要修改的内容")
    return change
