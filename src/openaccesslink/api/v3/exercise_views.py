"""What one exercise looks like on the wire: summary, zones, samples, files.

Shared by the transactional routes (integer ids) and, later, /v3/exercises (hashed ids).
"""

from __future__ import annotations

import gzip
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openaccesslink.api.negotiation import Rep, empty, flag, render
from openaccesslink.core.errors import EmptyNotFound
from openaccesslink.db.blob import unpack
from openaccesslink.domains import exercise_files, exercises, physiology
from openaccesslink.domains.oauth import TokenPrincipal
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


async def file(request: Request, exercise_id: int, fmt: str) -> Response:
    """FIT, TCX or GPX of an exercise the caller may see (checked by the caller); 204 without one."""
    include_pauses = flag(request.query_params.get("includePauseTimes"))
    found = await exercise_files.download_by_id(request.app.state.fast, exercise_id, fmt, include_pauses)
    return await _send_file(request, fmt, found)


async def visible_file(
    request: Request, token: TokenPrincipal, hashed_id: str, fmt: str, now: datetime
) -> Response:
    """FIT, TCX or GPX of an exercise by hashed id, if the partner may see it (404 otherwise)."""
    found = await exercise_files.visible_download(
        request.app.state.fast,
        account_id=token.account_id,
        client_pk=token.client_pk,
        now=now,
        hashed_id=hashed_id,
        fmt=fmt,
        include_pauses=flag(request.query_params.get("includePauseTimes")),
    )
    return await _send_file(request, fmt, found)


async def _send_file(request: Request, fmt: str, found: exercise_files.Download | None) -> Response:
    """The file as stored at ingest (domains/exercise_files): one read, no build.

    Built now (and stored) only for an exercise that has no stored file yet. Files stored gzipped
    (TCX, GPX) go out with Content-Encoding: gzip when the request accepts it and plain otherwise;
    with the tcx_raw_gzip setting a TCX body is the gzip bytes themselves, without Content-Encoding.
    GPX: includePauseTimes=true puts the pauses into the route (formats/gpx_export).
    """
    if found is None:
        raise EmptyNotFound()
    media_type = FILE_TYPES[fmt]
    if found.original is not None:
        return Response(found.original, 200, media_type=media_type)
    if not found.available(fmt):
        return empty(204)
    stored = found.stored
    if stored is None:
        stored = await _build_now(request, found.exercise_id, fmt)
        if stored is None:
            return empty(204)
    if stored.encoding != exercise_files.GZIP or (fmt == "tcx" and request.app.state.settings.tcx_raw_gzip):
        return Response(stored.content, 200, media_type=media_type)
    if accepts_gzip(request.headers.get("accept-encoding")):
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(stored.content, 200, headers, media_type=media_type)
    plain = await run_in_threadpool(gzip.decompress, stored.content)
    return Response(plain, 200, {"Vary": "Accept-Encoding"}, media_type=media_type)


async def _build_now(request: Request, exercise_id: int, fmt: str) -> exercise_files.ExportFile | None:
    """For an exercise stored without its files: build them all, store them, answer this one."""
    db = request.app.state.db
    async with db.read() as conn:
        row = await exercises.get_row(conn, exercise_id)
    if row is None:
        raise EmptyNotFound()
    files = await run_in_threadpool(
        exercise_files.build, exercises.to_data(row), row["source_format"], row["source_file"]
    )
    async with db.write() as conn:
        await exercise_files.store(conn, exercise_id, files, request.app.state.clock.now())
    wanted = exercise_files.keys(fmt, flag(request.query_params.get("includePauseTimes")))
    return next((files[key] for key in wanted if key in files), None)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (explicitly, or through * when gzip is not named)."""
    named: float | None = None
    star: float | None = None
    for part in (accept_encoding or "").lower().split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            named = q if named is None else max(named, q)
        elif coding == "*":
            star = q
    return named > 0 if named is not None else star is not None and star > 0
