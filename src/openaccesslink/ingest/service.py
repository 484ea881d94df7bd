"""The only write path for device data: validate, store, mark uploaded-now, record the event.

Validation happens before the unit of work; storing and the domain event share one
transaction, so nothing is announced that was not stored and nothing stored goes unannounced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.domains import events, exercise_files, exercises, records, webhooks
from openaccesslink.formats.model import ExerciseData, FileRejected
from openaccesslink.ingest.families import FAMILIES, SERVER_OWNED, Family, PayloadRejected
from openaccesslink.wire import openapi

MAX_DURATION_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Stored:
    family: str
    id: int
    status: str  # created, updated, unchanged
    hashed_id: str | None = None
    record_key: str | None = None
    day: date | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"family": self.family, "id": self.id, "status": self.status}
        if self.hashed_id is not None:
            body["hashed_id"] = self.hashed_id
        if self.record_key is not None:
            body["record_key"] = self.record_key
        if self.day is not None:
            body["day"] = self.day.isoformat()
        return body


@dataclass(frozen=True)
class ValidRecord:
    family: Family
    key: str
    day: date
    document: dict[str, Any]


def check_exercise(data: ExerciseData) -> ExerciseData:
    """Rules every exercise obeys, whatever format it came in."""
    if not 0 < data.duration_s <= MAX_DURATION_S:
        raise FileRejected(f"duration {data.duration_s:.0f} s is outside 1 s - 7 days")
    if data.distance_m is not None and data.distance_m < 0:
        raise FileRejected("distance is negative")
    for name, value in (("hr_avg", data.hr_avg), ("hr_max", data.hr_max)):
        if value is not None and not 20 <= value <= 250:
            raise FileRejected(f"{name} {value} is outside 20-250 bpm")
    return data


def check_record(family_name: str, payload: Any) -> ValidRecord:
    family = FAMILIES.get(family_name)
    if family is None:
        raise PayloadRejected(f"unknown family {family_name!r}")
    if not isinstance(payload, dict):
        raise PayloadRejected("the body must be a JSON object")
    document = {k: v for k, v in payload.items() if k not in SERVER_OWNED}
    problems = openapi.errors(family.schema, document)
    if problems:
        raise PayloadRejected(f"does not match the {family.schema} schema: " + "; ".join(problems[:5]))
    return ValidRecord(family, family.key(document), family.day(document), document)


async def store_exercise(
    conn: AsyncConnection,
    account_id: int,
    data: ExerciseData,
    now: datetime,
    source_format: str | None = None,
    source_file: bytes | None = None,
    build_files: bool = True,
) -> Stored:
    check_exercise(data)
    try:
        exercise_id = await exercises.insert(conn, account_id, data, now, source_format, source_file)
    except exercises.DuplicateExercise as dup:
        row = await exercises.get_row(conn, dup.existing_id)
        assert row is not None
        return Stored("exercise", dup.existing_id, "unchanged", hashed_id=row["hashed_id"])
    if build_files:  # bulk loads leave it to the first download (built and stored then)
        await exercise_files.build_and_store(conn, exercise_id, data, now, source_format, source_file)
    row = await exercises.get_row(conn, exercise_id)
    assert row is not None
    day = data.start_time_local.date()
    await events.record(
        conn,
        account_id=account_id,
        family="exercise",
        action="created",
        entity_id=exercise_id,
        day=day,
        now=now,
    )
    await webhooks.announce_exercise(conn, account_id=account_id, hashed_id=row["hashed_id"], now=now)
    return Stored("exercise", exercise_id, "created", hashed_id=row["hashed_id"], day=day)


async def store_record(conn: AsyncConnection, account_id: int, record: ValidRecord, now: datetime) -> Stored:
    record_id, created = await records.upsert(
        conn,
        account_id=account_id,
        family=record.family.name,
        record_key=record.key,
        day=record.day,
        document=record.document,
        now=now,
    )
    action = "created" if created else "updated"
    await events.record(
        conn,
        account_id=account_id,
        family=record.family.name,
        action=action,
        entity_id=record_id,
        day=record.day,
        now=now,
    )
    await webhooks.announce_record(conn, account_id, record.family.name, record.day, record.document, now)
    return Stored(record.family.name, record_id, action, record_key=record.key, day=record.day)
