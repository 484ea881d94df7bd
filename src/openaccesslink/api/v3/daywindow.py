"""What the daily-data routes share: the consent check, dates and windows by the Clock, reads, JSON.

"The last 28 days" is the 28 dates today-27 .. today, today included, where today is the
Clock's UTC date. A from/to range is inclusive at both ends and may span at most 28 days
(to - from <= 28). Items are visible once synced: uploaded at or before the Clock's now.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy.engine import RowMapping
from starlette.responses import Response

from openaccesslink.core.clock import Clock, to_db
from openaccesslink.core.errors import BadRequest, ConsentsMissing
from openaccesslink.db.engine import Database
from openaccesslink.domains import records

WINDOW_DAYS = 28
MAX_SPAN_DAYS = 28
HISTORY_DAYS = 365  # activities: no date older than this (OpenAPI 2026)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def require_consents(request: Request) -> None:
    """After UserToken: 403 with no body while a mandatory consent is missing."""
    if not request.state.bearer.consented:
        raise ConsentsMissing()


def parse_date(value: str | None, name: str) -> date:
    if value is None or not value.strip():
        raise BadRequest(f"{name} is required: an ISO-8601 date, YYYY-MM-DD")
    text = value.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} {value!r} is not a valid date: expected YYYY-MM-DD") from None


def today_of(clock: Clock) -> date:
    return clock.now().date()


def last_days(today: date, days: int = WINDOW_DAYS) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


def checked_span(first: date, last: date, max_days: int = MAX_SPAN_DAYS) -> tuple[date, date]:
    if first > last:
        raise BadRequest(f"from {first.isoformat()} is after to {last.isoformat()}")
    if (last - first).days > max_days:
        raise BadRequest(f"the range from {first.isoformat()} to {last.isoformat()} exceeds {max_days} days")
    return first, last


def required_span(request: Request) -> tuple[date, date]:
    """from and to, both required."""
    q = request.query_params
    return checked_span(parse_date(q.get("from"), "from"), parse_date(q.get("to"), "to"))


def optional_span(request: Request, today: date) -> tuple[date, date]:
    """from and to, both optional: none is the last 28 days; a missing to is today, a missing
    from is to - 27 (the same 28 dates as the default window)."""
    q = request.query_params
    raw_from, raw_to = q.get("from"), q.get("to")
    if raw_from is None and raw_to is None:
        return last_days(today)
    last = parse_date(raw_to, "to") if raw_to is not None else today
    first = parse_date(raw_from, "from") if raw_from is not None else last - timedelta(days=WINDOW_DAYS - 1)
    return checked_span(first, last)


def not_too_old(day: date, today: date, name: str = "date") -> date:
    if day < today - timedelta(days=HISTORY_DAYS):
        raise BadRequest(f"{name} {day.isoformat()} is older than {HISTORY_DAYS} days")
    return day


async def synced_rows(
    db: Database, account_id: int, family: str, first: date, last: date, now: datetime
) -> list[RowMapping]:
    """The family's items of days first..last synced by now, by day then record key."""
    async with db.read() as conn:
        rows = await records.for_days(conn, account_id, family, first, last)
    cutoff = to_db(now)
    visible = [r for r in rows if _naive(r["uploaded_at"]) <= cutoff]
    return sorted(visible, key=lambda r: (r["day"], r["record_key"], r["id"]))


async def documents(
    db: Database, account_id: int, family: str, first: date, last: date, now: datetime
) -> list[dict[str, Any]]:
    return [records.document(r) for r in await synced_rows(db, account_id, family, first, last, now)]


def latest_per_day(rows: list[RowMapping]) -> list[RowMapping]:
    """Of several items of one day (daily activity is synced many times a day), the last synced."""
    best: dict[date, RowMapping] = {}
    for row in rows:
        held = best.get(row["day"])
        if held is None or (_naive(row["uploaded_at"]), row["id"]) > (
            _naive(held["uploaded_at"]),
            held["id"],
        ):
            best[row["day"]] = row
    return [best[d] for d in sorted(best)]


def _naive(value: datetime) -> datetime:
    return to_db(value) if value.tzinfo is not None else value


def send(data: Any, status: int = 200) -> Response:
    """These resources are JSON only (the OpenAPI file lists no XML for them); never 406."""
    return Response(orjson.dumps(data), status, media_type="application/json")
