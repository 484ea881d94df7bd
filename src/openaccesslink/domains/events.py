"""Domain events: written in the same unit of work as the data they announce."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.db.tables import domain_events


async def record(
    conn: AsyncConnection,
    *,
    account_id: int,
    family: str,
    action: str,
    entity_id: int,
    day: date | None,
    now: datetime,
) -> None:
    await conn.execute(
        domain_events.insert().values(
            account_id=account_id,
            family=family,
            action=action,
            entity_id=entity_id,
            day=day,
            created_at=to_db(now),
        )
    )
