"""Many items through the same ingestion path: the simulator and `openaccesslink ingest`.

Each item is validated and stored exactly as an HTTP upload would be; items of one user are
grouped into units of work of `chunk` items to keep bulk loads fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openaccesslink.db.engine import Database
from openaccesslink.formats.model import ExerciseData
from openaccesslink.ingest import service


@dataclass(frozen=True)
class Item:
    family: str  # "exercise" or a name in ingest.families.FAMILIES
    uploaded_at: datetime  # when the sync happened (the Clock's now for live uploads)
    payload: ExerciseData | dict[str, Any]


async def ingest_items(
    db: Database,
    account_id: int,
    items: Iterable[Item],
    chunk: int = 200,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Store items in order; returns how many of each status."""
    totals: dict[str, int] = {}
    batch: list[Item] = []

    async def flush() -> None:
        async with db.write() as conn:
            for item in batch:
                stored = await _store(conn, account_id, item)
                totals[stored.status] = totals.get(stored.status, 0) + 1
        if progress:
            progress(len(batch))
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            await flush()
    if batch:
        await flush()
    return totals


async def _store(conn: Any, account_id: int, item: Item) -> service.Stored:
    if item.family == "exercise":
        assert isinstance(item.payload, ExerciseData)
        return await service.store_exercise(
            conn, account_id, item.payload, item.uploaded_at, "json", None, build_files=False
        )
    assert isinstance(item.payload, dict)
    record = service.check_record(item.family, item.payload)
    return await service.store_record(conn, account_id, record, item.uploaded_at)
