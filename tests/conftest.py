"""A live server per database backend: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Each backend's database is built by the Alembic migrations from empty, then the app
is served by uvicorn on a free loopback port in a thread of the test process. Tests
talk to it over real HTTP and move its FakeClock directly.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.api.app import create_app
from openaccesslink.core.clock import FakeClock
from openaccesslink.core.settings import Settings
from openaccesslink.db import migrate


def _backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def postgres_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def fresh_database(backend: str, tmp: Path) -> str:
    """An empty database of the backend, migrated to head."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'test.db'}"
    else:
        url = postgres_url()
        asyncio.run(_reset_postgres(url))
    migrate.upgrade(url)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    backend: str
    base_url: str
    clock: FakeClock
    settings: Settings
    database_url: str


class ServerThread:
    def __init__(self, app: object, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_live(backend: str, tmp: Path, **overrides: object) -> tuple[Live, ServerThread]:
    url = fresh_database(backend, tmp)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=url, public_base_url=base, var_dir=tmp / "var", secret_key="test-secret", **overrides
    )  # type: ignore[arg-type]
    clock = FakeClock()
    server = ServerThread(create_app(settings, clock), port)
    return Live(backend, base, clock, settings, url), server


@pytest.fixture(scope="session", params=_backends())
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    backend = request.param
    lv, server = start_live(backend, tmp_path_factory.mktemp(backend))
    with server:
        yield lv


@pytest.fixture
def clock(live: Live) -> FakeClock:
    return live.clock
