"""Consents: one per data family, all mandatory by default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.db.tables import consents

# (family key, label shown on the account pages)
FAMILIES: tuple[tuple[str, str], ...] = (
    ("profile", "Profile and physical information"),
    ("training", "Training sessions (exercises, routes, samples)"),
    ("activity", "Daily activity and steps"),
    ("sleep", "Sleep and Nightly Recharge"),
    ("heart_rate", "Continuous heart rate"),
    ("sleepwise", "SleepWise alertness and bedtime"),
    ("biosensing", "Elixir biosensing (skin temperature, ECG, SpO2)"),
    ("cardio_load", "Cardio load"),
)
FAMILY_KEYS = frozenset(key for key, _ in FAMILIES)
MANDATORY = FAMILY_KEYS


async def given(conn: AsyncConnection, account_id: int) -> set[str]:
    rows = await conn.execute(select(consents.c.family).where(consents.c.account_id == account_id))
    return {r[0] for r in rows}


async def all_mandatory_given(conn: AsyncConnection, account_id: int) -> bool:
    count = await conn.scalar(
        select(func.count())
        .select_from(consents)
        .where(consents.c.account_id == account_id, consents.c.family.in_(MANDATORY))
    )
    return count == len(MANDATORY)


async def give(conn: AsyncConnection, account_id: int, families: set[str], now: datetime) -> None:
    unknown = families - FAMILY_KEYS
    if unknown:
        raise ValueError(f"unknown consent families: {sorted(unknown)}")
    missing = families - await given(conn, account_id)
    if missing:
        await conn.execute(
            insert(consents),
            [{"account_id": account_id, "family": f, "given_at": to_db(now)} for f in sorted(missing)],
        )


async def withdraw(conn: AsyncConnection, account_id: int, family: str) -> None:
    await conn.execute(
        delete(consents).where(consents.c.account_id == account_id, consents.c.family == family)
    )


async def set_exactly(conn: AsyncConnection, account_id: int, families: set[str], now: datetime) -> None:
    """Make the given families exactly the accepted set."""
    for family in await given(conn, account_id) - families:
        await withdraw(conn, account_id, family)
    await give(conn, account_id, families, now)
