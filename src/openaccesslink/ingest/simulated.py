"""Simulated wearable data into the store, through the same path as a real upload.

Items keep the time the watch would have synced them as their upload time, so history
looks like history; items that would sync after "now" (by the Clock) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from openaccesslink.core.clock import Clock
from openaccesslink.db.engine import Database
from openaccesslink.domains import accounts, consents
from openaccesslink.ingest.batch import Item, ingest_items
from openaccesslink.sim import SimUser, simulate

SIM_PASSWORD = "simulated-user"


@dataclass(frozen=True)
class Loaded:
    account_id: int
    email: str
    items: int


def sim_email(seed: int, index: int) -> str:
    return f"sim-{seed}-{index}@openaccesslink.local"


def _items(user: SimUser, now: datetime) -> Iterator[Item]:
    for item in user.items:
        if item.synced_at <= now:
            yield Item(item.family, item.synced_at, item.payload)


async def _account_for(db: Database, user: SimUser, email: str, now: datetime) -> int:
    p = user.profile
    async with db.write() as conn:
        existing = await accounts.find_by_email(conn, email)
        if existing is not None:
            return existing
        account = await accounts.create(
            conn,
            email,
            SIM_PASSWORD,
            accounts.Profile(
                p.first_name, p.last_name, p.birthdate, p.sex, round(p.weight_kg, 1), round(p.height_cm, 1)
            ),
            now,
        )
        await consents.give(conn, account, set(consents.FAMILY_KEYS), now)
        return account


async def load(
    db: Database,
    clock: Clock,
    *,
    seed: int,
    users: int,
    days: int,
    accounts_for: dict[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Loaded]:
    """Simulate `users` people over `days` days ending today and store what has synced by now.

    accounts_for maps a simulated user's index to an existing account (e.g. the demo user);
    the others get accounts of their own (sim-<seed>-<i>@openaccesslink.local).
    """
    now = clock.now()
    loaded = []
    for user in simulate(seed=seed, users=users, days=days, end_date=now.date()):
        index = user.profile.index
        email = sim_email(seed, index)
        account = (accounts_for or {}).get(index) or await _account_for(db, user, email, now)
        totals = await ingest_items(db, account, _items(user, now), progress=progress)
        loaded.append(Loaded(account, email, sum(totals.values())))
    return loaded
