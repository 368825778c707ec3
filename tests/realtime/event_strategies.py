"""What the event fuzzing sends and what it accepts back, both read off the contract.

The accepted answers come from docs/protocol.md itself: the error codes from its table, each
event's success shape from its `event {…}` → `{ok, …}` line in its namespace's section, so the
test and the document cannot drift apart. The payloads are hypothesis strategies: a valid
payload with fields swapped for hostile values (so the fuzzing gets past the shape checks into
the actions), hostile values alone, and arbitrary JSON.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
_NAMESPACE = re.compile(r"`(/visitor|/agent|/supervisor)`")
_ACK_LINE = re.compile(r"^- `(?P<event>[a-z_]+)(?: \{[^`]*\})?`\s*→\s*`(?P<ack>\{[^`]*\})`", re.M)
_ERROR_ROW = re.compile(r"^\| `(?P<code>[a-z_]+)` \|", re.M)
# Engine.IO closes the connection on a frame over 256 KiB (documented); stay well below it.
FRAME_BUDGET = 200_000


def _top_level(body: str) -> list[str]:
    """`ok, queue: {position, eta_s} | null, status` → its three top-level parts."""
    parts, depth, current = [], 0, ""
    for char in body:
        depth += (char in "{[(") - (char in "}])")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def documented_acks() -> dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]]:
    """(namespace, event) → (required keys, optional keys) of its success answer. A section
    belongs to the first namespace it names (the heading, or its opening sentence)."""
    shapes: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = {}
    for section in re.split(r"^## ", PROTOCOL, flags=re.M)[1:]:
        namespace = _NAMESPACE.search(section)
        if namespace is None:
            continue
        for line in _ACK_LINE.finditer(section):
            keys = [re.match(r"[a-z_]+\??", part) for part in _top_level(line["ack"][1:-1])]
            names = [key.group(0) for key in keys if key is not None]
            required = frozenset(name for name in names if not name.endswith("?"))
            optional = frozenset(name[:-1] for name in names if name.endswith("?"))
            shapes.setdefault((namespace[1], line["event"]), (required, optional))
    return shapes


def documented_error_codes() -> frozenset[str]:
    """The codes of the acknowledgement table (the section "Acknowledgements and errors")."""
    section = PROTOCOL.split("## Acknowledgements and errors", 1)[1].split("\n## ", 1)[0]
    return frozenset(row["code"] for row in _ERROR_ROW.finditer(section))


# A valid payload per event ("$chat": the stage's assigned chat, "$complaint" its complaint,
# "$agent" the serving agent, "$group" a group of the shop, "$uuid" a fresh client id).
VALID: dict[tuple[str, str], dict[str, Any]] = {
    ("/visitor", "message"): {"client_id": "$uuid", "text": "您好，请问还有货吗"},
    ("/visitor", "handoff"): {},
    ("/visitor", "typing"): {"typing": True},
    ("/visitor", "rate"): {"score": 5, "comment": "很好"},
    ("/visitor", "read"): {"seq": 1},
    ("/visitor", "leave_message"): {
        "client_id": "$uuid", "text": "麻烦明天联系我", "phone": "13800138000", "order_no": "E2026",
    },
    ("/visitor", "identify"): {
        "id": "cust-1", "name": "陈女士", "phone": "13800001111", "signature": "ab" * 32,
    },
    ("/visitor", "context"): {
        "page": {"url": "https://shop.example/p/1", "title": "羊毛大衣", "referrer": ""},
        "product": {"id": "SKU-1", "title": "羊毛大衣", "price": 599.0, "image": None},
    },
    ("/visitor", "prechat"): {"name": "陈女士", "phone": "13800001111", "order_no": "E20261130"},
    ("/agent", "status"): {"status": "online"},
    ("/agent", "accept"): {"conversation_id": "$chat"},
    ("/agent", "message"): {"conversation_id": "$chat", "client_id": "$uuid", "text": "您好"},
    ("/agent", "close"): {"conversation_id": "$chat"},
    ("/agent", "typing"): {"conversation_id": "$chat", "typing": True},
    ("/agent", "note"): {"conversation_id": "$chat", "text": "老顾客，尺码偏大"},
    ("/agent", "flag"): {"conversation_id": "$chat", "flag": "red"},
    ("/agent", "check_draft"): {"conversation_id": "$chat", "text": "你好，这个没货了"},
    ("/agent", "focus"): {"conversation_id": "$chat"},
    ("/agent", "read"): {"conversation_id": "$chat", "seq": 1},
    ("/agent", "block"): {"conversation_id": "$chat", "reason": "辱骂客服"},
    ("/agent", "complaint"): {
        "conversation_id": "$chat", "matter": "衣服破了个洞", "demand_kind": "refund",
    },
    ("/agent", "complaint_update"): {"complaint_id": "$complaint", "handling": "已联系仓库核实"},
    ("/agent", "complaint_escalate"): {"complaint_id": "$complaint", "level": 1, "reason": "主管"},
    ("/agent", "complaint_resolve"): {
        "complaint_id": "$complaint", "status": "resolved", "result": "已退款",
    },
    ("/agent", "transfer"): {"conversation_id": "$chat", "to_group_id": "$group", "note": "请跟进"},
    ("/agent", "end_shift"): {
        "notes": [{"conversation_id": "$chat", "note": "跟进"}], "summary": "今天没有紧急事项",
    },
    ("/supervisor", "reassign"): {"conversation_id": "$chat", "to_agent_id": "$agent"},
    ("/supervisor", "take_over"): {"conversation_id": "$chat"},
    ("/supervisor", "watch"): {"conversation_id": "$chat"},
    ("/supervisor", "unwatch"): {"conversation_id": "$chat"},
}  # fmt: skip
# Field names the contract uses anywhere: a payload mixing them reaches past the shape checks.
FIELDS = sorted(
    {name for payload in VALID.values() for name in payload}
    | {
        "kind",
        "card",
        "faq_id",
        "attachment_id",
        "upto_seq",
        "to_agent_id",
        "demand_text",
        "result",
    }
)


def fill(value: Any, ids: dict[str, int]) -> Any:
    if value == "$uuid":
        return uuid.uuid4().hex
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, dict):
        return {name: fill(item, ids) for name, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def nested(depth: int) -> Any:
    value: Any = "底"
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


def _with_surrogate(parts: tuple[str, int, str]) -> str:
    return parts[0] + chr(parts[1]) + parts[2]


def ids_like(real_ids: list[int]) -> st.SearchStrategy[Any]:
    """Anything an id field might be sent as: real ones, huge, negative, Unicode digits."""
    return st.one_of(
        st.sampled_from(real_ids),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**400]),
        st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
        st.from_regex(r"\A[0-9]{1,40}\Z"),
        st.floats(),
        st.builds(str, st.sampled_from(real_ids)),
    )


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(["", " ", "\u3000", "\x00", "😀👍🏽", "<img src=x onerror=alert(1)>"]),
        st.tuples(st.text(max_size=5), st.integers(0xD800, 0xDFFF), st.text(max_size=5)).map(
            _with_surrogate
        ),
        st.integers(min_value=1_995, max_value=2_005).map(lambda n: "好" * n),
        st.sampled_from(["x" * 20_000, "😀" * 3_000, "1" * 500]),
    )


def json_values(real_ids: list[int]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), ids_like(real_ids), texts())
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=4
            ),
        ),
        max_leaves=8,
    )


def hostile(real_ids: list[int]) -> st.SearchStrategy[Any]:
    return st.one_of(
        ids_like(real_ids),
        texts(),
        json_values(real_ids),
        st.integers(min_value=50, max_value=700).map(nested),
    )


def payloads(namespace: str, event: str, ids: dict[str, int]) -> st.SearchStrategy[Any]:
    """Mostly well-formed-ish (the valid payload, each field kept or swapped for a hostile
    value, some dropped, strange ones added), else a hostile value or any JSON at all."""
    real_ids = sorted(set(ids.values()))
    valid = VALID[(namespace, event)]
    bad = hostile(real_ids)
    kept = st.fixed_dictionaries(
        {
            name: st.one_of(st.builds(fill, st.just(value), st.just(ids)), bad)
            for name, value in valid.items()
        }
    )
    well_formed = st.builds(
        _shaped,
        kept,
        st.lists(st.sampled_from(sorted(valid) or ["x"]), max_size=2),
        st.dictionaries(st.sampled_from(FIELDS), bad, max_size=2),
    )
    return st.one_of(well_formed, well_formed, well_formed, bad, json_values(real_ids))


def _shaped(kept: dict[str, Any], dropped: list[str], extra: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in (extra | kept).items() if name not in dropped}


def frame_size(payload: Any) -> int:
    return len(json.dumps(payload, separators=(",", ":")))
