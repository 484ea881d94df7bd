"""Named dependencies so handlers read like a sentence."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from openaccesslink.api.negotiation import Rep, choose
from openaccesslink.core.clock import Clock
from openaccesslink.core.errors import TooManyRequests, Unauthorized
from openaccesslink.core.settings import Settings
from openaccesslink.db.engine import Database
from openaccesslink.domains import hotpath, oauth, partners, users
from openaccesslink.domains.ratelimit import RateLimiter


async def _db(request: Request) -> Database:
    return request.app.state.db


async def _clock(request: Request) -> Clock:
    return request.app.state.clock


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _rep(request: Request) -> Rep:
    return choose(request.headers.get("accept"))


Db = Annotated[Database, Depends(_db)]
Now = Annotated[Clock, Depends(_clock)]
Config = Annotated[Settings, Depends(_settings)]
Accept = Annotated[Rep, Depends(_rep)]


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


async def _count_partner_limit(request: Request, client_pk: int) -> None:
    db: Database = request.app.state.db
    limiter: RateLimiter = request.app.state.limiter

    async def count_users() -> int:
        async with db.read() as conn:
            return await users.count(conn, client_pk)

    verdict = await limiter.hit(client_pk, count_users)
    request.state.ratelimit = verdict
    if not verdict.allowed:
        raise TooManyRequests("Rate limit exceeded", headers={"Retry-After": str(min(verdict.reset))})


async def _partner(request: Request) -> int:
    creds = basic_credentials(request.headers.get("authorization"))
    if creds is None:
        raise Unauthorized(
            "Client credentials (HTTP Basic) are required",
            headers={"WWW-Authenticate": 'Basic realm="AccessLink"'},
        )
    async with request.app.state.db.read() as conn:
        found = await partners.authenticate(conn, *creds)
    if found is None or not found[1]:
        raise Unauthorized(
            "Invalid client credentials", headers={"WWW-Authenticate": 'Basic realm="AccessLink"'}
        )
    await _count_partner_limit(request, found[0])
    return found[0]


async def _user_token(request: Request) -> oauth.TokenPrincipal:
    header = request.headers.get("authorization") or ""
    if header[:7].lower() != "bearer " or not header[7:].strip():
        raise Unauthorized("A Bearer access token is required", headers={"WWW-Authenticate": "Bearer"})
    bearer = await hotpath.authenticate_bearer(request.app.state.fast, header[7:].strip())
    if bearer is None:
        raise Unauthorized(
            "Invalid or revoked access token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    request.state.bearer = bearer  # the user's record came along: GET /v3/users/{id} needs no more
    await _count_partner_limit(request, bearer.principal.client_pk)
    return bearer.principal


Partner = Annotated[int, Depends(_partner)]
UserToken = Annotated[oauth.TokenPrincipal, Depends(_user_token)]
