"""Secrets, hashing and constant-time comparison."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid


def new_token(nbytes: int = 32) -> str:
    """An opaque URL-safe bearer token (43 characters for 32 bytes)."""
    return secrets.token_urlsafe(nbytes)


def new_code() -> str:
    """Authorization codes are 32 hex characters."""
    return secrets.token_hex(16)


def new_client_id() -> str:
    return str(uuid.uuid4())


def new_client_secret() -> str:
    return str(uuid.uuid4())


def token_hash(value: str) -> str:
    """High-entropy secrets (tokens, codes, client secrets) are stored as SHA-256."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def verify_token_hash(value: str, stored_hash: str) -> bool:
    return constant_time_equals(token_hash(value), stored_hash)


_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt_b64), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
