"""Stored exercises: ExerciseData in, rows out, samples packed into one blob per exercise."""

from __future__ import annotations

import secrets
import string
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import from_db, to_db
from openaccesslink.db.blob import pack, unpack
from openaccesslink.db.engine import inserted_id
from openaccesslink.db.tables import exercises
from openaccesslink.formats.model import (
    Device,
    ExerciseData,
    Lap,
    Pause,
    RoutePoint,
    SampleSeries,
    SampleType,
)

_ALPHABET = string.ascii_letters + string.digits


def new_hashed_id() -> str:
    """Opaque, URL-safe, mixed-case, 8 characters; random, so not enumerable in sequence."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def _summary(data: ExerciseData) -> dict[str, Any]:
    return {
        "training_load": data.training_load,
        "running_index": data.running_index,
        "fat_percentage": data.fat_percentage,
        "carbohydrate_percentage": data.carbohydrate_percentage,
        "protein_percentage": data.protein_percentage,
        "fit_sport": data.fit_sport,
        "fit_sub_sport": data.fit_sub_sport,
        "laps": [asdict(lap) for lap in data.laps],
        "pauses": [asdict(p) for p in data.pauses],
    }


def _samples(data: ExerciseData) -> dict[str, Any]:
    return {
        "series": {str(int(t)): [s.recording_rate, s.values] for t, s in sorted(data.samples.items())},
        "route": [[p.offset_s, p.latitude, p.longitude, p.altitude] for p in data.route],
    }


class DuplicateExercise(Exception):
    def __init__(self, existing_id: int) -> None:
        super().__init__(existing_id)
        self.existing_id = existing_id


async def insert(
    conn: AsyncConnection,
    account_id: int,
    data: ExerciseData,
    now: datetime,
    source_format: str | None,
    source_file: bytes | None,
) -> int:
    """Store one exercise; the same start time for the same account is the same exercise."""
    values = {
        "account_id": account_id,
        "start_time": to_db(data.start_time_utc),
        "utc_offset_minutes": data.utc_offset_minutes,
        "duration_s": data.duration_s,
        "sport": data.sport,
        "detailed_sport": data.detailed_sport,
        "device": data.device.name,
        "device_id": data.device.device_id,
        "distance_m": data.distance_m,
        "calories": data.calories,
        "hr_avg": data.hr_avg,
        "hr_max": data.hr_max,
        "has_route": data.has_route,
        "sample_types": ",".join(str(int(t)) for t in sorted(data.samples)),
        "summary": pack(_summary(data)),
        "samples": pack(_samples(data)),
        "source_format": source_format,
        "source_file": source_file,
        "uploaded_at": to_db(now),
    }
    for _ in range(5):
        try:
            async with conn.begin_nested():
                result = await conn.execute(exercises.insert().values(hashed_id=new_hashed_id(), **values))
            return inserted_id(result)
        except IntegrityError as exc:
            existing = await conn.scalar(
                select(exercises.c.id).where(
                    exercises.c.account_id == account_id, exercises.c.start_time == values["start_time"]
                )
            )
            if existing is not None:
                raise DuplicateExercise(int(existing)) from exc
            # a hashed-id collision: draw again
    raise RuntimeError("could not allocate a hashed exercise id")


async def get_row(conn: AsyncConnection, exercise_id: int) -> RowMapping | None:
    return (await conn.execute(select(exercises).where(exercises.c.id == exercise_id))).mappings().first()


def to_data(row: RowMapping) -> ExerciseData:
    summary = unpack(row["summary"])
    samples = unpack(row["samples"])
    return ExerciseData(
        start_time_utc=from_db(row["start_time"]).astimezone(UTC),
        utc_offset_minutes=row["utc_offset_minutes"],
        duration_s=row["duration_s"],
        sport=row["sport"],
        detailed_sport=row["detailed_sport"],
        fit_sport=summary.get("fit_sport"),
        fit_sub_sport=summary.get("fit_sub_sport"),
        device=Device(row["device"], row["device_id"]),
        distance_m=row["distance_m"],
        calories=row["calories"],
        hr_avg=row["hr_avg"],
        hr_max=row["hr_max"],
        training_load=summary.get("training_load"),
        running_index=summary.get("running_index"),
        fat_percentage=summary.get("fat_percentage"),
        carbohydrate_percentage=summary.get("carbohydrate_percentage"),
        protein_percentage=summary.get("protein_percentage"),
        samples={
            SampleType(int(k)): SampleSeries(SampleType(int(k)), rate, values)
            for k, (rate, values) in samples["series"].items()
        },
        route=[RoutePoint(*p) for p in samples["route"]],
        laps=[Lap(**lap) for lap in summary.get("laps", [])],
        pauses=[Pause(**p) for p in summary.get("pauses", [])],
    )


async def touch(conn: AsyncConnection, exercise_id: int, now: datetime) -> None:
    await conn.execute(update(exercises).where(exercises.c.id == exercise_id).values(uploaded_at=to_db(now)))


async def visible_to_partner(
    conn: AsyncConnection, *, account_id: int, client_pk: int, now: datetime, hashed_id: str | None = None
) -> list[RowMapping]:
    """Exercises uploaded after the user registered with the partner and within 30 days."""
    from openaccesslink.db.tables import registrations

    registered_at = await conn.scalar(
        select(registrations.c.registered_at).where(
            registrations.c.client_pk == client_pk, registrations.c.account_id == account_id
        )
    )
    if registered_at is None:
        return []
    now_db = to_db(now)
    query = select(exercises).where(
        exercises.c.account_id == account_id,
        exercises.c.uploaded_at >= registered_at,
        exercises.c.uploaded_at >= now_db - timedelta(days=30),
        exercises.c.uploaded_at <= now_db,
    )
    if hashed_id is not None:
        query = query.where(exercises.c.hashed_id == hashed_id)
    return list((await conn.execute(query.order_by(exercises.c.start_time, exercises.c.id))).mappings())
