"""Registration of an account with a partner (doc: Users)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.errors import Conflict
from openaccesslink.db.tables import accounts, registrations
from openaccesslink.domains import oauth

_USER_COLUMNS = (
    accounts.c.id,
    accounts.c.first_name,
    accounts.c.last_name,
    accounts.c.birthdate,
    accounts.c.sex,
    accounts.c.weight,
    accounts.c.height,
    registrations.c.member_id,
    registrations.c.registered_at,
)


async def register(
    conn: AsyncConnection, *, client_pk: int, account_id: int, member_id: str, now: datetime
) -> RowMapping:
    """409 when the account is registered already or member-id is taken within the partner."""
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(registrations).values(
                    client_pk=client_pk, account_id=account_id, member_id=member_id, registered_at=to_db(now)
                )
            )
    except IntegrityError as exc:
        raise Conflict("User already registered to partner or duplicated member-id.") from exc
    user = await get(conn, client_pk=client_pk, account_id=account_id)
    assert user is not None
    return user


async def get(conn: AsyncConnection, *, client_pk: int, account_id: int) -> RowMapping | None:
    return (
        (
            await conn.execute(
                select(*_USER_COLUMNS)
                .join(registrations, registrations.c.account_id == accounts.c.id)
                .where(accounts.c.id == account_id, registrations.c.client_pk == client_pk)
            )
        )
        .mappings()
        .first()
    )


async def deregister(conn: AsyncConnection, *, client_pk: int, account_id: int, now: datetime) -> None:
    """De-registration also revokes the partner's tokens for the account."""
    await conn.execute(
        delete(registrations).where(
            registrations.c.client_pk == client_pk, registrations.c.account_id == account_id
        )
    )
    await oauth.revoke(conn, account_id=account_id, client_pk=client_pk, now=now)


async def count(conn: AsyncConnection, client_pk: int) -> int:
    return int(
        await conn.scalar(
            select(func.count()).select_from(registrations).where(registrations.c.client_pk == client_pk)
        )
        or 0
    )
