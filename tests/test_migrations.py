"""The migrations build the schema the code expects, on every backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.db.tables import metadata
from tests.conftest import Live


def _diff(sync_conn: Any) -> list[Any]:
    context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_models_and_migrations_agree(live: Live) -> None:
    engine = create_async_engine(live.database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert diff == [], f"tables.py and the migrations disagree: {diff}"


async def test_a_missing_column_would_be_noticed(live: Live) -> None:
    """The check above can fail: a column only in the models shows up as a difference."""
    from sqlalchemy import Column, Integer, MetaData

    extended = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(extended)
    extended.tables["accounts"].append_column(Column("not_migrated", Integer))

    def diff(sync_conn: Any) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(sync_conn), extended))

    engine = create_async_engine(live.database_url)
    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert any(d[0] == "add_column" and d[3].name == "not_migrated" for d in found)
