"""ONE transaction engine for exercises, daily activity and physical information.

Rules (doc: Transaction model; behaviour-notes):
- an entity is available to a partner when it was uploaded after the user registered with
  that partner, within the last 30 days, and the partner has not committed it;
- a create takes at most 50 available entities not reserved by another open transaction of
  the same partner, user and family (so a second create while one is open hands out the
  next entities, or 204; never the same entity twice);
- a transaction not committed within 10 minutes is disbanded: its URLs answer 404 and its
  entities become available again. Disbanding is a matter of time, decided at each read from
  the Clock, so a commit racing the deadline has exactly one outcome;
- creates for one user and partner serialise on the registration row (FOR UPDATE on
  PostgreSQL; SQLite write units take the database lock with BEGIN IMMEDIATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.db.engine import inserted_id
from openaccesslink.db.tables import (
    daily_records,
    deliveries,
    exercises,
    registrations,
    transaction_items,
    transactions,
)

MAX_ENTITIES = 50
TRANSACTION_TTL = timedelta(minutes=10)
AVAILABILITY_WINDOW = timedelta(days=30)

EXERCISE = "exercise"
ACTIVITY = "activity"
PHYSICAL_INFORMATION = "physical_information"
FAMILIES = (EXERCISE, ACTIVITY, PHYSICAL_INFORMATION)


def _source(family: str) -> tuple[Any, list[Any]]:
    """(table, extra conditions) holding the family's entities."""
    if family == EXERCISE:
        return exercises, []
    return daily_records, [daily_records.c.family == family]


def _available(
    family: str,
    client_pk: int,
    account_id: int,
    registered_at: datetime,
    now: datetime,
    *,
    include_reserved: bool,
) -> Select[Any]:
    table, extra = _source(family)
    now_db = to_db(now)
    delivered = exists().where(
        deliveries.c.client_pk == client_pk,
        deliveries.c.family == family,
        deliveries.c.entity_id == table.c.id,
    )
    conditions = [
        table.c.account_id == account_id,
        table.c.uploaded_at >= registered_at,
        table.c.uploaded_at >= now_db - AVAILABILITY_WINDOW,
        table.c.uploaded_at <= now_db,
        ~delivered,
        *extra,
    ]
    if not include_reserved:
        reserved = exists().where(
            transaction_items.c.entity_id == table.c.id,
            transactions.c.id == transaction_items.c.transaction_id,
            transactions.c.client_pk == client_pk,
            transactions.c.account_id == account_id,
            transactions.c.family == family,
            transactions.c.committed_at.is_(None),
            transactions.c.expires_at > now_db,
        )
        conditions.append(~reserved)
    return select(table.c.id).where(*conditions).order_by(table.c.uploaded_at, table.c.id)


async def _registered_at(
    conn: AsyncConnection, client_pk: int, account_id: int, lock: bool
) -> datetime | None:
    query = select(registrations.c.registered_at).where(
        registrations.c.client_pk == client_pk, registrations.c.account_id == account_id
    )
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return await conn.scalar(query)


async def create(
    conn: AsyncConnection, *, family: str, client_pk: int, account_id: int, now: datetime
) -> int | None:
    """A new transaction id, or None when nothing new is available (204)."""
    registered_at = await _registered_at(conn, client_pk, account_id, lock=True)
    if registered_at is None:
        return None
    ids = list(
        (
            await conn.execute(
                _available(family, client_pk, account_id, registered_at, now, include_reserved=False).limit(
                    MAX_ENTITIES
                )
            )
        ).scalars()
    )
    if not ids:
        return None
    result = await conn.execute(
        insert(transactions).values(
            client_pk=client_pk,
            account_id=account_id,
            family=family,
            created_at=to_db(now),
            expires_at=to_db(now + TRANSACTION_TTL),
        )
    )
    transaction_id = inserted_id(result)
    await conn.execute(
        insert(transaction_items), [{"transaction_id": transaction_id, "entity_id": i} for i in ids]
    )
    return transaction_id


@dataclass(frozen=True)
class Open:
    id: int
    entity_ids: list[int]


async def get_open(
    conn: AsyncConnection, *, transaction_id: int, family: str, client_pk: int, account_id: int, now: datetime
) -> Open | None:
    """The transaction while it is live (not committed, not disbanded); None means 404."""
    found = await conn.scalar(
        select(transactions.c.id).where(
            transactions.c.id == transaction_id,
            transactions.c.family == family,
            transactions.c.client_pk == client_pk,
            transactions.c.account_id == account_id,
            transactions.c.committed_at.is_(None),
            transactions.c.expires_at > to_db(now),
        )
    )
    if found is None:
        return None
    ids = (
        await conn.execute(
            select(transaction_items.c.entity_id)
            .where(transaction_items.c.transaction_id == transaction_id)
            .order_by(transaction_items.c.entity_id)
        )
    ).scalars()
    return Open(transaction_id, list(ids))


async def contains(
    conn: AsyncConnection,
    *,
    transaction_id: int,
    family: str,
    client_pk: int,
    account_id: int,
    entity_id: int,
    now: datetime,
) -> bool:
    """Whether the live transaction holds the entity: one indexed lookup."""
    found = await conn.scalar(
        select(transaction_items.c.entity_id)
        .join(transactions, transactions.c.id == transaction_items.c.transaction_id)
        .where(
            transaction_items.c.transaction_id == transaction_id,
            transaction_items.c.entity_id == entity_id,
            transactions.c.family == family,
            transactions.c.client_pk == client_pk,
            transactions.c.account_id == account_id,
            transactions.c.committed_at.is_(None),
            transactions.c.expires_at > to_db(now),
        )
    )
    return found is not None


async def commit(
    conn: AsyncConnection, *, transaction_id: int, family: str, client_pk: int, account_id: int, now: datetime
) -> bool:
    """True when committed now; False when unknown, committed before or disbanded (404)."""
    now_db = to_db(now)
    claimed = await conn.execute(
        update(transactions)
        .where(
            transactions.c.id == transaction_id,
            transactions.c.family == family,
            transactions.c.client_pk == client_pk,
            transactions.c.account_id == account_id,
            transactions.c.committed_at.is_(None),
            transactions.c.expires_at > now_db,
        )
        .values(committed_at=now_db)
    )
    if claimed.rowcount != 1:
        return False
    ids = (
        await conn.execute(
            select(transaction_items.c.entity_id).where(transaction_items.c.transaction_id == transaction_id)
        )
    ).scalars()
    already = set(
        (
            await conn.execute(
                select(deliveries.c.entity_id)
                .where(deliveries.c.client_pk == client_pk, deliveries.c.family == family)
                .where(
                    deliveries.c.entity_id.in_(
                        select(transaction_items.c.entity_id).where(
                            transaction_items.c.transaction_id == transaction_id
                        )
                    )
                )
            )
        ).scalars()
    )
    rows = [
        {"client_pk": client_pk, "family": family, "entity_id": i, "committed_at": now_db}
        for i in ids
        if i not in already
    ]
    if rows:
        await conn.execute(insert(deliveries), rows)
    return True


async def waiting(conn: AsyncConnection, *, client_pk: int, now: datetime) -> list[tuple[int, str]]:
    """(account id, family) pairs with data the partner has not committed: pull notifications.

    One grouped query per family, whatever the number of registered users.
    """
    now_db = to_db(now)
    found: list[tuple[int, str]] = []
    for family in FAMILIES:
        table, extra = _source(family)
        delivered = exists().where(
            deliveries.c.client_pk == client_pk,
            deliveries.c.family == family,
            deliveries.c.entity_id == table.c.id,
        )
        query = (
            select(table.c.account_id)
            .join(registrations, registrations.c.account_id == table.c.account_id)
            .where(
                registrations.c.client_pk == client_pk,
                table.c.uploaded_at >= registrations.c.registered_at,
                table.c.uploaded_at >= now_db - AVAILABILITY_WINDOW,
                table.c.uploaded_at <= now_db,
                ~delivered,
                *extra,
            )
            .distinct()
        )
        found += [(int(account), family) for account in (await conn.execute(query)).scalars()]
    order = {family: i for i, family in enumerate(FAMILIES)}
    return sorted(found, key=lambda pair: (pair[0], order[pair[1]]))
