"""Live sync: the sandbox keeps syncing simulated data while the server runs.

`make run` seeds 30 days of history for the demo people; with LIVE_SYNC on, every
LIVE_SYNC_SECONDS the server stores whatever their (deterministic) watches would have synced
since the last tick, through the same ingestion path, so partners see new notifications,
transactions and webhooks during a session. The day's simulation is computed once per
local date (in a thread) and cached; each tick only stores the items that came due.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from openaccesslink.core.clock import Clock
from openaccesslink.db.engine import Database
from openaccesslink.domains import accounts
from openaccesslink.ingest.batch import Item, ingest_items
from openaccesslink.ingest.simulated import sim_email
from openaccesslink.seed import DEMO_EMAIL, DEMO_SEED, DEMO_SIM_USERS
from openaccesslink.sim import simulate

log = logging.getLogger("openaccesslink.live")
WINDOW_DAYS = 2  # enough to cover syncs of last night's data


def _due_items(end: date) -> dict[int, list[Item]]:
    """Every item of the demo people over the last days, by simulated user index, in sync order."""
    return {
        user.profile.index: [Item(i.family, i.synced_at, i.payload) for i in user.items]
        for user in simulate(seed=DEMO_SEED, users=DEMO_SIM_USERS, days=WINDOW_DAYS, end_date=end)
    }


class LiveSync:
    def __init__(self, db: Database, clock: Clock, interval_seconds: float) -> None:
        self.db = db
        self.clock = clock
        self.interval = interval_seconds
        self.last = clock.now()
        self._cache: tuple[date, dict[int, list[Item]]] | None = None

    async def _accounts(self) -> dict[int, int]:
        found: dict[int, int] = {}
        async with self.db.read() as conn:
            demo = await accounts.find_by_email(conn, DEMO_EMAIL)
            if demo is not None:
                found[0] = demo
            for index in range(1, DEMO_SIM_USERS):
                account = await accounts.find_by_email(conn, sim_email(DEMO_SEED, index))
                if account is not None:
                    found[index] = account
        return found

    async def tick(self) -> int:
        """Store what came due since the last tick; returns how many items."""
        now = self.clock.now()
        since, self.last = self.last, now
        if self._cache is None or self._cache[0] != now.date():
            self._cache = (now.date(), await asyncio.to_thread(_due_items, now.date()))
        stored = 0
        for index, account in (await self._accounts()).items():
            due = [i for i in self._cache[1].get(index, []) if since < i.uploaded_at <= now]
            if due:
                totals = await ingest_items(self.db, account, due)
                stored += sum(totals.values())
        return stored

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                stored = await self.tick()
                if stored:
                    log.info("live sync stored %d items", stored)
            except Exception:  # a bad tick must not end the loop
                log.exception("live sync failed")
