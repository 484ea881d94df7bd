"""Daily activity without transactions (Polar's 2026 OpenAPI file: /v3/users/activities*).

A day's activity summary is synced many times as the day goes on; these routes serve the last
one synced for each day. Lists cover the last 28 days, or from/to (a missing to is today, a
missing from is to - 27) spanning at most 28 days, none older than 365 days; they are 200 with
an empty list when there is nothing. A single date is 204 when there is nothing.
The summaries carry `samples` with the date and only the series asked for with
`steps`, `activity_zones`, `inactivity_stamps` (=true); the /samples routes carry every series.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Db, Now, UserToken
from openaccesslink.api.negotiation import empty
from openaccesslink.api.v3.daywindow import (
    latest_per_day,
    not_too_old,
    optional_span,
    parse_date,
    require_consents,
    send,
    synced_rows,
    today_of,
)
from openaccesslink.domains import records
from openaccesslink.wire import daily as wire

router = APIRouter(tags=["Daily activity"])

Shape = Callable[[dict[str, Any], date], dict[str, Any]]


def flag(value: str | None) -> bool:
    """Boolean query flags arrive as `true` (1 and yes are taken too, in any case)."""
    return value is not None and value.strip().lower() in ("true", "1", "yes")


def _summary_shape(request: Request) -> Shape:
    wanted = tuple(k for k in wire.ACTIVITY_SERIES if flag(request.query_params.get(k)))
    return lambda doc, day: wire.activity_summary(doc, day, wanted)


async def _days(
    token: UserToken, db: Db, clock: Now, first: date, last: date
) -> list[tuple[date, dict[str, Any]]]:
    rows = await synced_rows(db, token.account_id, "activity", first, last, clock.now())
    return [(row["day"], records.document(row)) for row in latest_per_day(rows)]


async def _list(request: Request, token: UserToken, db: Db, clock: Now, shape: Shape) -> Response:
    require_consents(request)
    today = today_of(clock)
    first, last = optional_span(request, today)
    not_too_old(first, today, "from")
    days = await _days(token, db, clock, first, last)
    return send([shape(doc, day) for day, doc in days])


async def _one(request: Request, raw: str, token: UserToken, db: Db, clock: Now, shape: Shape) -> Response:
    require_consents(request)
    day = not_too_old(parse_date(raw, "date"), today_of(clock))
    days = await _days(token, db, clock, day, day)
    if not days:
        return empty(204)
    return send(shape(days[0][1], day))


@router.get(
    "/v3/users/activities",
    operation_id="listActivitiesWithoutTransaction",
    summary="List activities for past 28 days or for a date range (from, to)",
)
async def list_activities(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
    return await _list(request, token, db, clock, _summary_shape(request))


@router.get(
    "/v3/users/activities/samples",
    operation_id="listActivitySamplesWithoutTransaction",
    summary="List activity days with samples for past 28 days or for a date range (from, to)",
)
async def list_activity_samples(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
    return await _list(request, token, db, clock, wire.activity_samples)


@router.get(
    "/v3/users/activities/samples/{date}",
    operation_id="getActivitySamplesWithoutTransaction",
    summary="Get activity samples for given date",
)
async def get_activity_samples(request: Request, date: str, token: UserToken, db: Db, clock: Now) -> Response:
    return await _one(request, date, token, db, clock, wire.activity_samples)


@router.get(
    "/v3/users/activities/{date}",
    operation_id="getActivityWithoutTransaction",
    summary="Get activity for given date",
)
async def get_activity(request: Request, date: str, token: UserToken, db: Db, clock: Now) -> Response:
    return await _one(request, date, token, db, clock, _summary_shape(request))
