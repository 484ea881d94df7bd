"""Read-only looks into the live server's database, for asserting what was (not) stored."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.db.tables import daily_records, domain_events, exercises


async def _scalar(url: str, query: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(query)
    finally:
        await engine.dispose()


def run(url: str, query: Any) -> Any:
    return asyncio.run(_scalar(url, query))


def counts(url: str, account_id: int) -> tuple[int, int, int]:
    """(exercises, daily records, domain events) of one account."""
    return (
        run(url, select(func.count()).select_from(exercises).where(exercises.c.account_id == account_id)),
        run(
            url,
            select(func.count()).select_from(daily_records).where(daily_records.c.account_id == account_id),
        ),
        run(
            url,
            select(func.count()).select_from(domain_events).where(domain_events.c.account_id == account_id),
        ),
    )
