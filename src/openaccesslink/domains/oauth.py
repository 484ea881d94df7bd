"""The OAuth2 authorization-code flow (doc: Authentication; RFC 6749, RFC 7636)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.errors import AuthorizeError, OAuthError
from openaccesslink.core.security import (
    constant_time_equals,
    new_code,
    new_token,
    pkce_s256,
    token_hash,
)
from openaccesslink.core.settings import CodeReplayRevocation
from openaccesslink.db.tables import access_tokens, api_clients, auth_codes, registrations
from openaccesslink.domains import partners

SCOPE = "accesslink.read_all"


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated request to the authorization endpoint."""

    client: partners.Client
    redirect_uri: str  # where the answer goes
    redirect_uri_sent: str | None  # what the client sent (the token endpoint checks it)
    scope: str
    state: str | None
    code_challenge: str | None


def validate_authorization(
    client: partners.Client | None,
    *,
    response_type: str | None,
    redirect_uri: str | None,
    scope: str | None,
    state: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> AuthorizationRequest:
    """Errors that cannot be redirected safely carry redirect_uri=None (shown to the user)."""
    if client is None:
        raise AuthorizeError("invalid_request", "Unknown or missing client_id.")
    if redirect_uri is not None:
        if redirect_uri not in client.redirect_urls:  # exact string comparison
            raise AuthorizeError("invalid_request", "The redirect_uri is not registered for this client.")
        target = redirect_uri
    else:
        target_or_none = client.default_url or (
            client.redirect_urls[0] if len(client.redirect_urls) == 1 else None
        )
        if target_or_none is None:
            raise AuthorizeError("invalid_request", "The client has no default redirect URL.")
        target = target_or_none

    def fail(code: str, description: str) -> AuthorizeError:
        return AuthorizeError(code, description, redirect_uri=target, state=state)

    if not client.active:
        raise fail("unauthorized_client", "The client is suspended.")
    if not response_type:
        raise fail("invalid_request", "response_type is required.")
    if response_type != "code":
        raise fail("unsupported_response_type", "Only response_type=code is supported.")
    requested = set((scope or SCOPE).split())
    if requested != {SCOPE}:
        raise fail("invalid_scope", f"The only scope is {SCOPE}.")
    if code_challenge is not None or code_challenge_method is not None:
        if (code_challenge_method or "plain") != "S256":
            raise fail("invalid_request", "code_challenge_method must be S256.")
        if not code_challenge or not 43 <= len(code_challenge) <= 128:
            raise fail("invalid_request", "code_challenge must be 43-128 characters.")
    return AuthorizationRequest(client, target, redirect_uri, SCOPE, state, code_challenge)


async def issue_code(
    conn: AsyncConnection, request: AuthorizationRequest, account_id: int, now: datetime, ttl_seconds: int
) -> str:
    code = new_code()
    await conn.execute(
        insert(auth_codes).values(
            code_hash=token_hash(code),
            client_pk=request.client.pk,
            account_id=account_id,
            redirect_uri=request.redirect_uri_sent,
            scope=request.scope,
            code_challenge=request.code_challenge,
            created_at=to_db(now),
            expires_at=to_db(now + timedelta(seconds=ttl_seconds)),
        )
    )
    return code


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    account_id: int


async def exchange_code(
    conn: AsyncConnection,
    *,
    client_pk: int,
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
    now: datetime,
    replay_revokes: CodeReplayRevocation,
) -> IssuedToken:
    """Redeem a code inside a write unit. Single use is enforced by a conditional UPDATE.

    A replayed code revokes what the code issued; the caller must commit even on
    OAuthError so that the revocation sticks (see api/oauth.py).
    """
    hashed = token_hash(code)
    # The conditional UPDATE comes first: it takes the write lock, so two
    # concurrent redemptions serialise here and exactly one sees rowcount 1.
    claimed = await conn.execute(
        update(auth_codes)
        .where(and_(auth_codes.c.code_hash == hashed, auth_codes.c.used_at.is_(None)))
        .values(used_at=to_db(now))
    )
    row = (await conn.execute(select(auth_codes).where(auth_codes.c.code_hash == hashed))).first()
    if row is None or not constant_time_equals(row.code_hash, hashed):
        raise OAuthError("invalid_grant")
    if claimed.rowcount != 1:
        await _revoke_for_replay(conn, row, now, replay_revokes)
        raise OAuthError("invalid_grant")
    if row.client_pk != client_pk:
        raise OAuthError("invalid_grant")
    if to_db(now) >= row.expires_at:
        raise OAuthError("invalid_grant")
    if row.redirect_uri is not None and redirect_uri != row.redirect_uri:
        raise OAuthError("invalid_grant")
    if row.redirect_uri is None and redirect_uri is not None:
        client = await _client_urls(conn, client_pk)
        if redirect_uri not in client:
            raise OAuthError("invalid_grant")
    if row.code_challenge is not None and not (
        code_verifier and constant_time_equals(pkce_s256(code_verifier), row.code_challenge)
    ):
        raise OAuthError("invalid_grant")
    token = new_token()
    await conn.execute(
        insert(access_tokens).values(
            token_hash=token_hash(token),
            client_pk=client_pk,
            account_id=row.account_id,
            code_id=row.id,
            created_at=to_db(now),
        )
    )
    return IssuedToken(token, int(row.account_id))


async def _client_urls(conn: AsyncConnection, client_pk: int) -> list[str]:
    from openaccesslink.db.tables import redirect_urls

    return list(
        (
            await conn.execute(select(redirect_urls.c.url).where(redirect_urls.c.client_pk == client_pk))
        ).scalars()
    )


async def _revoke_for_replay(
    conn: AsyncConnection, code_row: Row[Any], now: datetime, mode: CodeReplayRevocation
) -> None:
    if mode is CodeReplayRevocation.USER_CLIENT:
        await revoke(conn, account_id=code_row.account_id, client_pk=code_row.client_pk, now=now)
        return
    await conn.execute(
        update(access_tokens)
        .where(access_tokens.c.code_id == code_row.id, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=to_db(now))
    )


async def revoke(conn: AsyncConnection, *, account_id: int, client_pk: int, now: datetime) -> int:
    result = await conn.execute(
        update(access_tokens)
        .where(
            access_tokens.c.account_id == account_id,
            access_tokens.c.client_pk == client_pk,
            access_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=to_db(now))
    )
    return int(result.rowcount)


@dataclass(frozen=True)
class TokenPrincipal:
    token_id: int
    account_id: int
    client_pk: int


async def authenticate_bearer(conn: AsyncConnection, token: str) -> TokenPrincipal | None:
    hashed = token_hash(token)
    row = (
        await conn.execute(
            select(
                access_tokens.c.id,
                access_tokens.c.account_id,
                access_tokens.c.client_pk,
                access_tokens.c.token_hash,
            )
            .join(api_clients, api_clients.c.id == access_tokens.c.client_pk)
            .where(
                access_tokens.c.token_hash == hashed,
                access_tokens.c.revoked_at.is_(None),
                api_clients.c.active.is_(True),
            )
        )
    ).first()
    if row is None or not constant_time_equals(row.token_hash, hashed):
        return None
    return TokenPrincipal(int(row.id), int(row.account_id), int(row.client_pk))


@dataclass(frozen=True)
class LinkedPartner:
    client_pk: int
    name: str
    registered: bool
    since: datetime


async def linked_partners(conn: AsyncConnection, account_id: int) -> list[LinkedPartner]:
    """Partners holding a live token for the account."""
    rows = (
        await conn.execute(
            select(
                api_clients.c.id,
                api_clients.c.name,
                access_tokens.c.created_at,
                registrations.c.id.label("reg"),
            )
            .join(access_tokens, access_tokens.c.client_pk == api_clients.c.id)
            .outerjoin(
                registrations,
                and_(registrations.c.client_pk == api_clients.c.id, registrations.c.account_id == account_id),
            )
            .where(access_tokens.c.account_id == account_id, access_tokens.c.revoked_at.is_(None))
            .order_by(access_tokens.c.created_at)
        )
    ).all()
    seen: dict[int, LinkedPartner] = {}
    for r in rows:
        seen.setdefault(r.id, LinkedPartner(int(r.id), r.name, r.reg is not None, r.created_at))
    return list(seen.values())
