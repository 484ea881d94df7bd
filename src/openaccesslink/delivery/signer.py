"""Polar-Webhook-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret.

The key is the secret string's UTF-8 bytes (the doc's Java example: `key.getBytes()`). The
published test vector in docs/webhooks.md is checked by tests/test_webhooks_unit.py.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import orjson

CONTENT_TYPE = "application/json"
EVENT_HEADER = "Polar-Webhook-Event"
SIGNATURE_HEADER = "Polar-Webhook-Signature"
USER_AGENT = "OpenAccessLink-Webhooks/1"


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), signature.strip().lower())


def encode(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


def headers(event: str, body: bytes, secret: str) -> dict[str, str]:
    return {
        "Content-Type": CONTENT_TYPE,
        EVENT_HEADER: event,
        SIGNATURE_HEADER: sign(body, secret),
        "User-Agent": USER_AGENT,
    }
