"""Full transaction cycles per second with 1,000 users holding 30 days of data.

    .venv/bin/python bench/transactions.py [--users 1000] [--concurrency 16] [--cycles 200]
                                           [--database-url postgresql+asyncpg://...]

A cycle is what a partner does per user and family: create (201), list, GET every entity,
commit (PUT). Each user holds 30 days of data uploaded after registration: one exercise and
one daily activity per day, plus a physical-information entry. Data is written in bulk with
SQLAlchemy Core (setup is not what is measured); the server is `uvicorn` in its own process,
loaded by an httpx client with N users in flight. Prints cycles/s, requests/s and latency
percentiles per request kind; the notifications call over all 1,000 users is timed too.
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from openaccesslink.core.clock import to_db
from openaccesslink.core.security import new_token, token_hash
from openaccesslink.db import migrate
from openaccesslink.db.blob import pack
from openaccesslink.db.engine import Database
from openaccesslink.db.tables import (
    access_tokens,
    accounts,
    api_clients,
    consents,
    daily_records,
    exercises,
    registrations,
)
from openaccesslink.domains.consents import FAMILY_KEYS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from users_get import Server  # noqa: E402  (bench/ is not a package)

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"


async def seed(url: str, users: int, now: datetime) -> dict[int, str]:
    """Accounts, one partner, registrations 31 days ago, tokens and 30 days of data per user."""
    db = Database(url)
    tokens: dict[int, str] = {}
    registered = to_db(now - timedelta(days=31))
    async with db.write() as conn:
        await conn.execute(
            insert(api_clients).values(
                id=1,
                client_id=CLIENT_ID,
                secret_hash=token_hash(CLIENT_SECRET),
                name="bench",
                active=True,
                created_at=registered,
            )
        )
        await conn.execute(
            insert(accounts),
            [
                {"id": i, "email": f"u{i}@bench", "password_hash": "x", "created_at": registered}
                for i in range(1, users + 1)
            ],
        )
        await conn.execute(
            insert(consents),
            [
                {"account_id": i, "family": f, "given_at": registered}
                for i in range(1, users + 1)
                for f in FAMILY_KEYS
            ],
        )
        await conn.execute(
            insert(registrations),
            [
                {"client_pk": 1, "account_id": i, "member_id": f"m{i}", "registered_at": registered}
                for i in range(1, users + 1)
            ],
        )
        for i in range(1, users + 1):
            tokens[i] = new_token()
        await conn.execute(
            insert(access_tokens),
            [
                {"token_hash": token_hash(t), "client_pk": 1, "account_id": i, "created_at": registered}
                for i, t in tokens.items()
            ],
        )
        summary = pack({"laps": [], "pauses": []})
        samples = pack({"series": {"0": [1, [120] * 60]}, "route": []})
        ex_rows, act_rows = [], []
        for i in range(1, users + 1):
            for d in range(30):
                uploaded = to_db(now - timedelta(days=d, hours=1))
                start = uploaded - timedelta(hours=2)
                ex_rows.append(
                    {
                        "hashed_id": f"{i:05d}{d:03d}",
                        "account_id": i,
                        "start_time": start,
                        "utc_offset_minutes": 120,
                        "duration_s": 3600.0,
                        "sport": "RUNNING",
                        "detailed_sport": "RUNNING",
                        "device": "Polar",
                        "device_id": "1111AAAA",
                        "distance_m": 10000.0,
                        "calories": 600,
                        "hr_avg": 140,
                        "hr_max": 170,
                        "has_route": False,
                        "sample_types": "0",
                        "summary": summary,
                        "samples": samples,
                        "uploaded_at": uploaded,
                    }
                )
                day = (now - timedelta(days=d)).date()
                act_rows.append(
                    {
                        "account_id": i,
                        "family": "activity",
                        "record_key": f"a{i}-{d}",
                        "day": day,
                        "document": pack(
                            {
                                "start_time": f"{day}T00:00:00",
                                "steps": 9000,
                                "calories": 2200,
                                "active_calories": 500,
                                "active_duration": "PT1H",
                            }
                        ),
                        "uploaded_at": uploaded,
                    }
                )
        await conn.execute(insert(exercises), ex_rows)
        await conn.execute(insert(daily_records), act_rows)
    await db.dispose()
    return tokens


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}

    def add(self, kind: str, seconds: float) -> None:
        self.latency.setdefault(kind, []).append(seconds)

    def requests(self) -> int:
        return sum(len(v) for v in self.latency.values())


async def timed(stats: Stats, kind: str, call: object) -> httpx.Response:
    t0 = time.perf_counter()
    response = await call  # type: ignore[misc]
    stats.add(kind, time.perf_counter() - t0)
    return response


async def cycle(
    http: httpx.AsyncClient, stats: Stats, user: int, token: str, collection: str, key: str
) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    created = await timed(stats, "create", http.post(f"/v3/users/{user}/{collection}", headers=headers))
    if created.status_code != 201:
        raise SystemExit(f"create answered {created.status_code}: {created.text}")
    uri = created.json()["resource-uri"]
    listed = await timed(stats, "list", http.get(uri, headers=headers))
    for url in listed.json()[key]:
        got = await timed(stats, "get entity", http.get(url, headers=headers))
        assert got.status_code == 200, got.text
    done = await timed(stats, "commit", http.put(uri, headers=headers))
    assert done.status_code == 200
    return len(listed.json()[key])


async def load(base: str, tokens: dict[int, str], cycles: int, concurrency: int) -> tuple[float, int, Stats]:
    stats = Stats()
    users = list(tokens)[:cycles]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for u in users:
        queue.put_nowait(u)
    entities = 0
    async with httpx.AsyncClient(
        base_url=base, timeout=60, limits=httpx.Limits(max_connections=concurrency)
    ) as http:
        t0 = time.perf_counter()
        note = await timed(
            stats,
            "notifications (1,000 users)",
            http.get("/v3/notifications", auth=(CLIENT_ID, CLIENT_SECRET)),
        )
        assert note.status_code == 200

        async def worker() -> None:
            nonlocal entities
            while not queue.empty():
                u = queue.get_nowait()
                got = await cycle(http, stats, u, tokens[u], "exercise-transactions", "exercises")
                got += await cycle(http, stats, u, tokens[u], "activity-transactions", "activity-log")
                entities += got  # after the awaits: no lost update between workers

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return elapsed, entities, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=200, help="users whose two families are cycled")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="oal-bench-tx-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        t0 = time.perf_counter()
        tokens = asyncio.run(seed(url, args.users, now))
        took = time.perf_counter() - t0
        print(f"seeded {args.users} users x 30 days (an exercise and an activity a day) in {took:.1f} s")
        with Server(url, args.workers, Path(tmp)) as server:
            elapsed, entities, stats = asyncio.run(load(server.base, tokens, args.cycles, args.concurrency))
    cycles = args.cycles * 2
    print(f"\nbackend={url.split(':')[0]} workers={args.workers} concurrency={args.concurrency}")
    print(
        f"{cycles} full cycles ({entities} entities) in {elapsed:.1f} s: {cycles / elapsed:.1f} cycles/s, "
        f"{stats.requests() / elapsed:.0f} requests/s"
    )
    print(f"\n{'request':32} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in stats.latency.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{kind:32} {len(values):6d} {statistics.median(values) * 1000:8.1f} {p99 * 1000:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
