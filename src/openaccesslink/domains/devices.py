"""Device tokens: a person's credential for syncing data through the ingestion API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.security import constant_time_equals, new_token, token_hash
from openaccesslink.db.tables import device_tokens


@dataclass(frozen=True)
class DeviceToken:
    id: int
    name: str
    created_at: datetime


async def create(conn: AsyncConnection, account_id: int, name: str, now: datetime) -> str:
    token = "dev_" + new_token()
    await conn.execute(
        device_tokens.insert().values(
            account_id=account_id,
            name=(name.strip() or "device")[:100],
            token_hash=token_hash(token),
            created_at=to_db(now),
        )
    )
    return token


async def authenticate(conn: AsyncConnection, token: str) -> int | None:
    hashed = token_hash(token)
    row = (
        await conn.execute(
            select(device_tokens.c.account_id, device_tokens.c.token_hash).where(
                device_tokens.c.token_hash == hashed, device_tokens.c.revoked_at.is_(None)
            )
        )
    ).first()
    if row is None or not constant_time_equals(row.token_hash, hashed):
        return None
    return int(row.account_id)


async def list_for(conn: AsyncConnection, account_id: int) -> list[DeviceToken]:
    rows = await conn.execute(
        select(device_tokens.c.id, device_tokens.c.name, device_tokens.c.created_at)
        .where(device_tokens.c.account_id == account_id, device_tokens.c.revoked_at.is_(None))
        .order_by(device_tokens.c.id)
    )
    return [DeviceToken(r.id, r.name, r.created_at) for r in rows]


async def revoke(conn: AsyncConnection, account_id: int, token_id: int, now: datetime) -> None:
    await conn.execute(
        update(device_tokens)
        .where(device_tokens.c.id == token_id, device_tokens.c.account_id == account_id)
        .values(revoked_at=to_db(now))
    )
