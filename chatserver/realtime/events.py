"""Event and namespace names of docs/protocol.md: the one place the server spells them."""

from __future__ import annotations

from typing import Final

VISITOR_NAMESPACE: Final = "/visitor"
AGENT_NAMESPACE: Final = "/agent"
# The supervisors' live view (admin console): supervisors and admins only.
SUPERVISOR_NAMESPACE: Final = "/supervisor"

SESSION: Final = "session"
MESSAGE: Final = "message"
# A stored message that reads differently now (a product card's image arrived).
MESSAGE_UPDATED: Final = "message_updated"
HANDOFF: Final = "handoff"
QUEUE: Final = "queue"
ASSIGNED: Final = "assigned"
UNASSIGNED: Final = "unassigned"
CLOSED: Final = "closed"
TYPING: Final = "typing"
STATUS: Final = "status"
ACCEPT: Final = "accept"
CLOSE: Final = "close"
SUGGESTIONS: Final = "suggestions"
# Staff only: private notes and coloured flags (never on /visitor).
NOTE: Final = "note"
FLAG: Final = "flag"
VISITOR_CONTEXT: Final = "visitor_context"

# Shopper context (docs/protocol.md, "Shopper context"): the loader's identify(), page reports
# and the pre-chat form, on /visitor.
IDENTIFY: Final = "identify"
CONTEXT: Final = "context"
PRECHAT: Final = "prechat"

# Satisfaction ratings: the shopper's `rate`, and `rated` to the agent who served.
RATE: Final = "rate"
RATED: Final = "rated"

CHECK_DRAFT: Final = "check_draft"

# The chat an agent's panel has open: suggestions are found for it (and for chats of panels
# that never say), not for chats in the background.
FOCUS: Final = "focus"

# 留言: the shopper's message for the next shift when nobody can answer now.
LEAVE_MESSAGE: Final = "leave_message"

# Read state (已读): each side's `read`, and `read` to the other side.
READ: Final = "read"

# The block list (拒访客户清单): staff's `block`, then `blocked` / `unblocked` to the shop's staff.
BLOCK: Final = "block"
BLOCKED: Final = "blocked"
UNBLOCKED: Final = "unblocked"

# Complaints (投诉): staff open, fill in, escalate and settle them; `complaint` (the record) to
# the shop's staff on every change, `complaint_escalated` to its supervisors and admins.
COMPLAINT: Final = "complaint"
COMPLAINT_UPDATE: Final = "complaint_update"
COMPLAINT_ESCALATE: Final = "complaint_escalate"
COMPLAINT_RESOLVE: Final = "complaint_resolve"
COMPLAINT_ESCALATED: Final = "complaint_escalated"
# SLA alerts: to the owning agent (or the group's agents while queued), and to supervisors.
SLA_WARNING: Final = "sla_warning"
SLA_BREACH: Final = "sla_breach"


# Transfer (转接) and the end of a shift (交接): staff only.
TRANSFER: Final = "transfer"
END_SHIFT: Final = "end_shift"

# The live view (/supervisor): the board and each audit record to the shop's supervisors;
# their actions; a silently watched chat's `message`s.
LIVE: Final = "live"
AUDIT: Final = "audit"
REASSIGN: Final = "reassign"
TAKE_OVER: Final = "take_over"
WATCH: Final = "watch"
UNWATCH: Final = "unwatch"


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def agent_room(agent_id: int) -> str:
    return f"agent:{agent_id}"


def shop_agents_room(shop_id: int) -> str:
    return f"shop:{shop_id}"


def shop_supervisors_room(shop_id: int) -> str:
    """The shop's supervisors and admins (alerts that are theirs to act on)."""
    return f"shop:{shop_id}:supervisors"


def watch_room(conversation_id: int) -> str:
    """Supervisors silently watching a chat (on /supervisor: read only, never the shopper's)."""
    return f"watch:{conversation_id}"
