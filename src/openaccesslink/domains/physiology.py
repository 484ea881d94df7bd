"""Facts about a person derived from their profile and physical information."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.db.blob import unpack
from openaccesslink.db.tables import accounts, daily_records

DEFAULT_MAX_HR = 190


async def max_heart_rate(conn: AsyncConnection, account_id: int, today: date) -> int:
    """The latest synced maximum-heart-rate, else 220 - age, else 190."""
    latest = await conn.scalar(
        select(daily_records.c.document)
        .where(daily_records.c.account_id == account_id, daily_records.c.family == "physical_information")
        .order_by(daily_records.c.uploaded_at.desc(), daily_records.c.id.desc())
        .limit(1)
    )
    if latest is not None:
        value = unpack(latest).get("maximum-heart-rate")
        if isinstance(value, int) and 100 <= value <= 240:
            return value
    birthdate = await conn.scalar(select(accounts.c.birthdate).where(accounts.c.id == account_id))
    if birthdate is not None:
        age = today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))
        return max(120, 220 - age)
    return DEFAULT_MAX_HR
