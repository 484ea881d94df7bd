"""Every non-exercise family as one compressed document per synced item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.db.blob import pack, unpack
from openaccesslink.db.engine import inserted_id
from openaccesslink.db.tables import daily_records


async def upsert(
    conn: AsyncConnection,
    *,
    account_id: int,
    family: str,
    record_key: str,
    day: date,
    document: dict[str, Any],
    now: datetime,
) -> tuple[int, bool]:
    """(record id, created). A re-sync of the same key replaces the document."""
    existing = await conn.scalar(
        select(daily_records.c.id).where(
            daily_records.c.account_id == account_id,
            daily_records.c.family == family,
            daily_records.c.record_key == record_key,
        )
    )
    if existing is not None:
        await conn.execute(
            update(daily_records)
            .where(daily_records.c.id == existing)
            .values(document=pack(document), day=day, uploaded_at=to_db(now))
        )
        return int(existing), False
    result = await conn.execute(
        daily_records.insert().values(
            account_id=account_id,
            family=family,
            record_key=record_key,
            day=day,
            document=pack(document),
            uploaded_at=to_db(now),
        )
    )
    return inserted_id(result), True


async def for_days(
    conn: AsyncConnection, account_id: int, family: str, first: date, last: date
) -> list[RowMapping]:
    rows = await conn.execute(
        select(daily_records)
        .where(
            daily_records.c.account_id == account_id,
            daily_records.c.family == family,
            daily_records.c.day >= first,
            daily_records.c.day <= last,
        )
        .order_by(daily_records.c.day, daily_records.c.id)
    )
    return list(rows.mappings())


def document(row: RowMapping) -> dict[str, Any]:
    return unpack(row["document"])


async def get(conn: AsyncConnection, record_id: int, family: str) -> RowMapping | None:
    return (
        (
            await conn.execute(
                select(daily_records).where(daily_records.c.id == record_id, daily_records.c.family == family)
            )
        )
        .mappings()
        .first()
    )
