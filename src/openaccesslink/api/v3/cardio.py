"""Cardio load (doc: Cardio load), computed per request from the exercises (domains/cardio_load.py).

Every answer is a list with one entry per day, oldest first, LOAD_STATUS_NOT_AVAILABLE where
nothing can be computed. Periods count back from today, today included: `days/N` is the N
dates today-(N-1)..today (N 1..180); `months/N` is the dates after the same date N months ago
through today (N 1..6; the 31st becomes the month's last day).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Config, Db, Now, UserToken
from openaccesslink.api.v3.daywindow import (
    last_days,
    parse_date,
    require_consents,
    required_span,
    send,
    today_of,
)
from openaccesslink.core.errors import BadRequest
from openaccesslink.domains import cardio_load
from openaccesslink.wire import daily as wire

router = APIRouter(tags=["Cardio load"])

MAX_PERIOD_DAYS = 180
MAX_PERIOD_MONTHS = 6


async def _answer(
    token: UserToken, db: Db, clock: Now, settings: Config, span: tuple[date, date]
) -> Response:
    th = cardio_load.Thresholds.from_settings(settings)
    async with db.read() as conn:
        days = await cardio_load.days(conn, token.account_id, span[0], span[1], clock.now(), th)
    return send(
        [
            wire.cardio_load(d.day, d.status, d.cardio_load, d.strain, d.tolerance, d.ratio, d.levels)
            for d in days
        ]
    )


def _period(raw: str, name: str, maximum: int) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"{name} must be an integer from 1 to {maximum}, not {raw!r}")
    return int(raw)


def months_before(day: date, months: int) -> date:
    """The same date `months` months earlier, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@router.get("/v3/users/cardio-load", operation_id="listCardioLoads", summary="List cardio loads")
async def list_cardio_loads(
    request: Request, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    return await _answer(token, db, clock, settings, last_days(today_of(clock)))


@router.get(
    "/v3/users/cardio-load/date",
    operation_id="getCardioLoadByDateRange",
    summary="Get cardio load by date range",
)
async def cardio_load_range(
    request: Request, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    return await _answer(token, db, clock, settings, required_span(request))


@router.get(
    "/v3/users/cardio-load/period/days/{days}",
    operation_id="getCardioLoadPeriodDays",
    summary="Get historical data by days",
)
async def cardio_load_days(
    request: Request, days: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    n = _period(days, "days", MAX_PERIOD_DAYS)
    return await _answer(token, db, clock, settings, last_days(today_of(clock), n))


@router.get(
    "/v3/users/cardio-load/period/months/{months}",
    operation_id="getCardioLoadPeriodMonths",
    summary="Get historical data by months",
)
async def cardio_load_months(
    request: Request, months: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    n = _period(months, "months", MAX_PERIOD_MONTHS)
    today = today_of(clock)
    return await _answer(token, db, clock, settings, (months_before(today, n) + timedelta(days=1), today))


@router.get(
    "/v3/users/cardio-load/{date}", operation_id="getCardioLoadByDate", summary="Get cardio load by date"
)
async def cardio_load_day(
    request: Request, date: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    day = parse_date(date, "date")
    return await _answer(token, db, clock, settings, (day, day))
