"""What one exercise looks like on the wire: summary, zones, samples, files.

Shared by the transactional routes (integer ids) and, later, /v3/exercises (hashed ids).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping
from starlette.responses import Response

from openaccesslink.api.negotiation import Rep, empty, render
from openaccesslink.db.blob import unpack
from openaccesslink.domains import exercises, physiology
from openaccesslink.formats.model import SampleType
from openaccesslink.wire import transactional as wire

FILE_TYPES = {
    "fit": "application/octet-stream",
    "tcx": "application/vnd.garmin.tcx+xml",
    "gpx": "application/gpx+xml",
}


def summary(row: RowMapping, rep: Rep, user_url: str, transaction_id: int | None) -> Response:
    body = wire.exercise(row, unpack(row["summary"]), user_url, transaction_id)
    return render(body, rep, "exercise")


async def zones(conn: Any, row: RowMapping, rep: Rep, today: Any) -> Response:
    data = exercises.to_data(row)
    hr = data.samples.get(SampleType.HEART_RATE)
    if hr is None:
        return empty(204)
    max_hr = await physiology.max_heart_rate(conn, row["account_id"], today)
    return render(wire.heart_rate_zones(hr, max_hr), rep, "zones")


def sample_list(row: RowMapping, rep: Rep, entity_url: str) -> Response:
    types = [t for t in row["sample_types"].split(",") if t]
    if not types:
        return empty(204)
    return render({"samples": [f"{entity_url}/samples/{t}" for t in types]}, rep, "samples")


def one_sample(row: RowMapping, rep: Rep, type_id: str) -> Response:
    if not type_id.isdigit() or type_id not in row["sample_types"].split(","):
        return empty(204)
    series = exercises.to_data(row).samples.get(SampleType(int(type_id)))
    if series is None:
        return empty(204)
    return render(wire.sample(series), rep, "sample")


def file(row: RowMapping, fmt: str) -> Response:
    """The stored file when one exists in this format; 204 otherwise (builders: exercise-files issue)."""
    if row["source_format"] == fmt and row["source_file"]:
        return Response(row["source_file"], 200, media_type=FILE_TYPES[fmt])
    return empty(204)
