"""A shop's logged-in customer, as the shop vouches for them (identify() in the loader).

The shop's own server computes `signature = hex(HMAC-SHA256(identity_secret, customer_id))`
and puts it in the page; a shopper can read their own signature but cannot make one for
another id without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from chatserver.domain.text import clean_stored_text
from chatserver.errors import AppError, invalid

MAX_CUSTOMER_ID = 64
MAX_CUSTOMER_NAME = 64
_CUSTOMER_ID = re.compile(r"[\x21-\x7e]{1,64}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_PHONE = re.compile(r"\+?[0-9][0-9 -]{4,30}")


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(secret: str, customer_id: str) -> str:
    """What the shop's server computes; tests and the admin console's example use it too."""
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


def signature_matches(secret: str, customer_id: str, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, customer_id), signature.lower())


def refused(message: str) -> AppError:
    return AppError("identity_refused", message)


@dataclass(frozen=True)
class CustomerIdentity:
    customer_id: str
    name: str | None
    phone: str | None
    signature: str


def parse_identity(raw: Any) -> CustomerIdentity:
    """The identify() payload checked field by field: a bad shape is `invalid_payload`, a
    missing signature `identity_refused` (the shopper stays anonymous either way)."""
    if not isinstance(raw, dict):
        raise invalid("身份信息格式不正确")
    customer_id = raw.get("id")
    if isinstance(customer_id, int) and not isinstance(customer_id, bool):
        customer_id = str(customer_id)
    if not isinstance(customer_id, str) or not _CUSTOMER_ID.fullmatch(customer_id):
        raise invalid("id 必须是 1 到 64 个可见 ASCII 字符", field="id")
    signature = raw.get("signature")
    if signature is None or signature == "":
        raise refused("缺少身份签名，已按匿名访客接待")
    if not isinstance(signature, str) or not _SIGNATURE.fullmatch(signature):
        raise refused("身份签名不正确，已按匿名访客接待")
    return CustomerIdentity(
        customer_id, _name(raw.get("name")), _phone(raw.get("phone")), signature
    )


def _name(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid("name 必须是字符串", field="name")
    text = clean_stored_text(value)
    if text is None:
        raise invalid("name 包含无效字符", field="name")
    if len(text) > MAX_CUSTOMER_NAME:
        raise invalid(f"name 不能超过 {MAX_CUSTOMER_NAME} 个字符", field="name")
    return text or None


def _phone(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _PHONE.fullmatch(value.strip()):
        raise invalid("phone 格式不正确", field="phone")
    return value.strip()
