"""/v3/exercises shapes (exerciseHashId): snake_case, except the doc's own "running-index"."""

from __future__ import annotations

from typing import Any

from openaccesslink.core.clock import iso_millis
from openaccesslink.formats.model import ExerciseData
from openaccesslink.wire import transactional
from openaccesslink.wire.iso import duration


def exercise_hash_id(row: Any, summary: dict[str, Any], user_url: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["hashed_id"],
        "upload_time": iso_millis(row["uploaded_at"]),
        "polar_user": user_url,
        "device": row["device"],
        "device_id": row["device_id"],
        "start_time": transactional.local_start(row),
        "start_time_utc_offset": row["utc_offset_minutes"],
        "duration": duration(row["duration_s"]),
        "calories": row["calories"],
        "distance": row["distance_m"],
        "heart_rate": {"average": row["hr_avg"], "maximum": row["hr_max"]}
        if row["hr_avg"] is not None
        else None,
        "training_load": summary.get("training_load"),
        "sport": row["sport"],
        "has_route": bool(row["has_route"]),
        "detailed_sport_info": row["detailed_sport"],
        "fat_percentage": summary.get("fat_percentage"),
        "carbohydrate_percentage": summary.get("carbohydrate_percentage"),
        "protein_percentage": summary.get("protein_percentage"),
        "running-index": summary.get("running_index"),
    }
    return {k: v for k, v in body.items() if v is not None}


def route(data: ExerciseData) -> list[dict[str, Any]]:
    return [
        {"latitude": p.latitude, "longitude": p.longitude, "time": duration(p.offset_s)} for p in data.route
    ]
