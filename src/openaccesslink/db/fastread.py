"""The hot read path, straight to the driver.

SQLAlchemy costs 0.4-0.8 ms per query on this hardware (statement building, result
processing, a greenlet switch, a thread hop per aiosqlite call), which is most of a
small request. Bearer authentication and GET /v3/users/{id} run on every partner call,
so they use prepared SQL on the raw driver instead:
- SQLite: one `sqlite3` connection per process in autocommit mode, read inline on the
  event loop. Safe because these are single indexed reads and WAL readers never wait for
  writers; each statement sees the latest committed data, so revocations apply at once.
- PostgreSQL: an asyncpg pool of its own.
Writes and everything else keep going through SQLAlchemy (db/engine.py).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

from sqlalchemy.engine import make_url

_NAMED = re.compile(r":([a-z_]+)")


class FastReader:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._sqlite_path = parsed.database or ""
        self._pg_dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self._sqlite: sqlite3.Connection | None = None
        self._pool: Any = None
        self._lock = asyncio.Lock()
        self._pg_sql: dict[str, tuple[str, list[str]]] = {}

    def _sqlite_conn(self) -> sqlite3.Connection:
        if self._sqlite is None:
            conn = sqlite3.connect(
                self._sqlite_path, isolation_level=None, check_same_thread=False, timeout=5
            )
            conn.execute("PRAGMA query_only=ON")
            self._sqlite = conn
        return self._sqlite

    async def _pg_pool(self) -> Any:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    import asyncpg

                    self._pool = await asyncpg.create_pool(self._pg_dsn, min_size=1, max_size=10)
        return self._pool

    def _to_pg(self, sql: str) -> tuple[str, list[str]]:
        cached = self._pg_sql.get(sql)
        if cached is None:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match.group(1) not in names:
                    names.append(match.group(1))
                return f"${names.index(match.group(1)) + 1}"

            cached = (_NAMED.sub(number, sql), names)
            self._pg_sql[sql] = cached
        return cached

    async def one(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a read-only query written with :named parameters."""
        if self.is_sqlite:
            row = self._sqlite_conn().execute(sql, params).fetchone()
            return tuple(row) if row is not None else None
        pg_sql, names = self._to_pg(sql)
        pool = await self._pg_pool()
        async with pool.acquire() as conn:
            record = await conn.fetchrow(pg_sql, *(params[n] for n in names))
        return tuple(record) if record is not None else None

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
