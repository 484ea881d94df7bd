"""Live sync: while the Clock moves, the demo people's watches keep syncing through the ingest path."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from openaccesslink.db.engine import Database
from openaccesslink.db.tables import accounts
from openaccesslink.ingest.live import LiveSync
from openaccesslink.seed import DEMO_EMAIL
from tests import dbcheck
from tests.conftest import Live
from tests.test_cli import cli


def test_items_come_due_as_time_passes(live: Live) -> None:
    assert cli(live, "seed", "--no-history").returncode == 0
    demo = dbcheck.run(live.database_url, select(accounts.c.id).where(accounts.c.email == DEMO_EMAIL))
    before = dbcheck.counts(live.database_url, demo)

    async def run() -> tuple[int, int, int]:
        db = Database(live.database_url)
        try:
            sync = LiveSync(db, live.clock, interval_seconds=60)
            first = await sync.tick()  # nothing has come due since the sync started
            live.clock.advance(timedelta(hours=20))
            second = await sync.tick()
            third = await sync.tick()  # the same moment again: nothing twice
            return first, second, third
        finally:
            await db.dispose()

    first, second, third = asyncio.run(run())
    assert first == 0 and second > 0 and third == 0
    after = dbcheck.counts(live.database_url, demo)
    assert after[2] > before[2]  # the demo user's events grew
