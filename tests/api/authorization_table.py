"""Who may call what: every REST route and every Socket.IO event, declared once.

tests/api/test_authorization_matrix.py walks the live router and namespaces against this table
and fails on anything undeclared, so a new route or event must say here who may call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Who = Literal["public", "agent", "supervisor", "admin"]
STAFF_ORDER: tuple[Who, ...] = ("agent", "supervisor", "admin")


@dataclass(frozen=True)
class Rule:
    """`who`: the lowest staff role allowed (or public). `key_scope`: an API key with this
    scope may call it too. `shopper`: a shopper's visitor token may call it. `query`: added to
    the URL, with `$conversation` for the demo chat. `body`: a valid body, so that another
    shop's caller gets past validation and meets the ownership check."""

    who: Who
    key_scope: str | None = None
    shopper: bool = False
    query: str = ""
    body: dict[str, Any] | None = None


FAQ_BODY = {"question": "可以开发票吗", "answer": "可以的，下单时填写抬头即可。"}
PHRASE_BODY = {"title": "问候", "text": "您好，很高兴为您服务", "category": "问候"}
POLICY_BODY = {
    "first_response_s": 60,
    "next_response_s": 60,
    "resolution_s": 172800,
    "warn_percent": 75,
    "business_hours_only": False,
}

REST: dict[tuple[str, str], Rule] = {
    ("GET", "/socket.io/"): Rule("public"),
    ("POST", "/socket.io/"): Rule("public"),
    ("OPTIONS", "/socket.io/"): Rule("public"),
    ("GET", "/healthz"): Rule("public"),
    ("POST", "/api/auth/login"): Rule("public"),
    ("POST", "/api/auth/logout"): Rule("agent"),
    ("GET", "/api/me"): Rule("agent"),
    ("GET", "/api/conversations/{conversation_id}"): Rule("agent"),
    ("GET", "/api/visitors/{visitor_id}/conversations"): Rule("agent"),
    ("GET", "/api/unanswered"): Rule("supervisor"),
    ("POST", "/api/unanswered/similar"): Rule("supervisor"),
    ("POST", "/api/unanswered/entry"): Rule("supervisor"),
    ("POST", "/api/unanswered/dismiss"): Rule("supervisor"),
    ("GET", "/api/faq/proposals"): Rule("supervisor"),
    ("POST", "/api/faq/proposals/{proposal_id}/approve"): Rule("supervisor"),
    ("POST", "/api/faq/proposals/{proposal_id}/reject"): Rule("supervisor"),
    ("GET", "/api/faq/export"): Rule("supervisor"),
    ("POST", "/api/faq/import"): Rule("supervisor"),
    ("GET", "/api/faq"): Rule("agent", key_scope="faq:manage"),
    ("POST", "/api/faq"): Rule("supervisor", key_scope="faq:manage"),
    ("POST", "/api/faq/try"): Rule("agent"),
    ("PUT", "/api/faq/{faq_id}"): Rule("supervisor", key_scope="faq:manage", body=FAQ_BODY),
    ("DELETE", "/api/faq/{faq_id}"): Rule("supervisor", key_scope="faq:manage"),
    ("GET", "/api/phrases"): Rule("agent"),
    ("POST", "/api/phrases"): Rule("supervisor"),
    ("GET", "/api/phrases/search"): Rule("agent"),
    ("PUT", "/api/phrases/{phrase_id}"): Rule("supervisor", body=PHRASE_BODY),
    ("DELETE", "/api/phrases/{phrase_id}"): Rule("supervisor"),
    ("GET", "/api/shop"): Rule("agent"),
    ("PUT", "/api/shop"): Rule("admin"),
    ("GET", "/api/ratings/summary"): Rule("supervisor"),
    ("GET", "/api/reports/{dimension}"): Rule("supervisor"),
    ("GET", "/api/politeness"): Rule("agent"),
    ("PUT", "/api/politeness"): Rule("admin"),
    ("POST", "/api/uploads"): Rule("agent", shopper=True, query="?conversation_id=$conversation"),
    ("GET", "/media/{key}"): Rule("public"),  # a signed, expiring URL is the credential
    ("GET", "/api/blocks"): Rule("supervisor"),
    ("DELETE", "/api/blocks/{block_id}"): Rule("supervisor"),
    ("GET", "/api/complaints"): Rule("supervisor"),
    ("POST", "/api/complaints/{complaint_id}/escalate"): Rule(
        "supervisor", body={"level": 2, "reason": "顾客要求店长处理"}
    ),
    ("POST", "/api/complaints/{complaint_id}/resolve"): Rule(
        "supervisor", body={"status": "resolved", "result": "已退款"}
    ),
    ("GET", "/api/integrations/conversations"): Rule("supervisor", key_scope="conversations:read"),
    ("GET", "/api/integrations/conversations/{conversation_id}/transcript"): Rule(
        "supervisor", key_scope="conversations:read"
    ),
    ("POST", "/api/integrations/conversations/{conversation_id}/messages"): Rule(
        "supervisor",
        key_scope="messages:write",
        body={"client_id": "matrix-1", "text": "您的订单已发货"},
    ),
    ("GET", "/api/api-keys"): Rule("admin"),
    ("POST", "/api/api-keys"): Rule("admin"),
    ("DELETE", "/api/api-keys/{key_id}"): Rule("admin"),
    ("GET", "/api/webhooks"): Rule("admin"),
    ("POST", "/api/webhooks"): Rule("admin"),
    ("GET", "/api/webhooks/deliveries"): Rule("admin"),
    ("PUT", "/api/webhooks/{endpoint_id}"): Rule("admin", body={"enabled": False}),
    ("DELETE", "/api/webhooks/{endpoint_id}"): Rule("admin"),
    ("POST", "/api/webhooks/{endpoint_id}/test"): Rule("admin"),
    ("GET", "/api/sla/policies"): Rule("supervisor"),
    ("PUT", "/api/sla/policies/shop"): Rule("admin"),
    ("PUT", "/api/sla/policies/groups/{group_id}"): Rule("admin", body=POLICY_BODY),
    ("DELETE", "/api/sla/policies/groups/{group_id}"): Rule("admin"),
    ("GET", "/api/business-hours"): Rule("supervisor"),
    ("PUT", "/api/business-hours"): Rule("admin"),
    ("GET", "/api/shift-handovers/unread"): Rule("agent"),
    ("GET", "/api/shift-handovers"): Rule("supervisor"),
    ("POST", "/api/shift-handovers/{summary_id}/dismiss"): Rule("agent"),
    ("GET", "/api/team"): Rule("agent"),
    ("GET", "/api/agents"): Rule("supervisor"),
    ("POST", "/api/agents"): Rule("admin"),
    ("PATCH", "/api/agents/{agent_id}"): Rule("admin", body={"max_chats": 6}),
    ("POST", "/api/agents/{agent_id}/password"): Rule("admin", body={"password": "newpass123"}),
    ("POST", "/api/agents/{agent_id}/disable"): Rule("admin"),
    ("POST", "/api/agents/{agent_id}/enable"): Rule("admin"),
    ("POST", "/api/groups"): Rule("admin"),
    ("PATCH", "/api/groups/{group_id}"): Rule("admin", body={"name": "售前一组"}),
    ("DELETE", "/api/groups/{group_id}"): Rule("admin"),
    ("GET", "/api/staff-changes"): Rule("supervisor"),
    ("GET", "/api/live"): Rule("supervisor"),
    ("GET", "/api/live/audit"): Rule("supervisor"),
    ("GET", "/api/shop/identity-secret"): Rule("admin"),
    ("POST", "/api/shop/identity-secret/rotate"): Rule("admin"),
    ("GET", "/api/shop/widget-settings"): Rule("agent"),
    ("PUT", "/api/shop/widget-settings"): Rule(
        "admin",
        body={
            "prechat": {"name": "off", "phone": "off", "order_no": "off"},
            "invite": {"enabled": False, "delay_seconds": 30},
        },
    ),
    ("GET", "/api/widget/config"): Rule("public"),
    # The API's own description and its viewer.
    ("GET", "/api/openapi.json"): Rule("public"),
    ("GET", "/api/docs"): Rule("public"),
    ("GET", "/api/docs/{file}"): Rule("public"),
    # The pages and their assets (the console's own routes check the token they send).
    ("GET", "/{section}"): Rule("public"),
    ("GET", "/{section}/{tail}"): Rule("public"),
    ("GET", "/favicon.svg"): Rule("public"),
    ("GET", "/favicon.png"): Rule("public"),
    ("GET", "/favicon.ico"): Rule("public"),
    ("GET", "/"): Rule("public"),
}


@dataclass(frozen=True)
class EventRule:
    """`who`: the lowest role (`shopper` on /visitor). `payload`: valid but for whose ids it
    names (`$chat`: the demo chat, `$complaint`: its complaint), so another shop's caller
    meets the ownership check; None for an event that names nothing of anyone's."""

    who: Literal["shopper", "agent", "supervisor"]
    payload: dict[str, Any] | None = None


EVENTS: dict[str, dict[str, EventRule]] = {
    "/visitor": {
        # A shopper's events name no ids: they act on the socket's own conversation.
        "message": EventRule("shopper"),
        "handoff": EventRule("shopper"),
        "typing": EventRule("shopper"),
        "rate": EventRule("shopper"),
        "read": EventRule("shopper"),
        "leave_message": EventRule("shopper"),
        # The shop's page tells who the shopper is (signed) and what they are looking at.
        "identify": EventRule("shopper"),
        "context": EventRule("shopper"),
        "prechat": EventRule("shopper"),
    },
    "/agent": {
        "status": EventRule("agent"),
        "accept": EventRule("agent", {"conversation_id": "$chat"}),
        "message": EventRule(
            "agent", {"conversation_id": "$chat", "client_id": "m1", "text": "您好"}
        ),
        "close": EventRule("agent", {"conversation_id": "$chat"}),
        "typing": EventRule("agent", {"conversation_id": "$chat", "typing": True}),
        "note": EventRule("agent", {"conversation_id": "$chat", "text": "老顾客"}),
        "flag": EventRule("agent", {"conversation_id": "$chat", "flag": "red"}),
        "check_draft": EventRule("agent", {"conversation_id": "$chat", "text": "您好"}),
        "focus": EventRule("agent", {"conversation_id": "$chat"}),
        "read": EventRule("agent", {"conversation_id": "$chat", "seq": 1}),
        "block": EventRule("agent", {"conversation_id": "$chat", "reason": "辱骂客服"}),
        "complaint": EventRule(
            "agent", {"conversation_id": "$chat", "matter": "衣服破洞", "demand_kind": "refund"}
        ),
        "complaint_update": EventRule(
            "agent", {"complaint_id": "$complaint", "handling": "已联系仓库"}
        ),
        "complaint_escalate": EventRule(
            "agent", {"complaint_id": "$complaint", "level": 1, "reason": "要求主管处理"}
        ),
        "complaint_resolve": EventRule(
            "agent", {"complaint_id": "$complaint", "status": "resolved", "result": "已退款"}
        ),
        "transfer": EventRule(
            "agent", {"conversation_id": "$chat", "to_group_id": "$group", "note": "请跟进"}
        ),
        "end_shift": EventRule(
            "agent", {"notes": [{"conversation_id": "$chat", "note": "跟进"}], "summary": "无"}
        ),
    },
    "/supervisor": {
        "reassign": EventRule("supervisor", {"conversation_id": "$chat", "to_agent_id": "$agent"}),
        "take_over": EventRule("supervisor", {"conversation_id": "$chat"}),
        "watch": EventRule("supervisor", {"conversation_id": "$chat"}),
        "unwatch": EventRule("supervisor", {"conversation_id": "$chat"}),
    },
}
