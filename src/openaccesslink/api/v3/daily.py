"""Daily data without transactions: the token's own user (doc: Sleep, Nightly Recharge,
Continuous Heart Rate, SleepWise; with biosensing, cardio load and activities from their modules).

Every route is under /v3/users/<word>, so this router is included before the Users router,
whose /v3/users/{user-id} would otherwise take `sleep` for a user id. Within a family the fixed
paths (`/sleep/available`) come before the dated ones (`/sleep/{date}`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Config, Db, Now, UserToken
from openaccesslink.api.negotiation import empty
from openaccesslink.api.v3 import activities, biosensing, cardio
from openaccesslink.api.v3.daywindow import (
    documents,
    last_days,
    parse_date,
    require_consents,
    required_span,
    send,
    today_of,
)
from openaccesslink.api.v3.transactions import user_url
from openaccesslink.core.errors import EmptyNotFound
from openaccesslink.wire import daily as wire

router = APIRouter()


# ---- Sleep -----------------------------------------------------------------------------------


@router.get("/v3/users/sleep", tags=["Sleep"], operation_id="listNights", summary="List nights")
async def list_nights(request: Request, token: UserToken, db: Db, clock: Now, settings: Config) -> Response:
    require_consents(request)
    first, last = last_days(today_of(clock))
    docs = await documents(db, token.account_id, "sleep", first, last, clock.now())
    me = user_url(settings.base_url, token.account_id)
    return send({"nights": [wire.with_user(d, me) for d in docs]})  # never 204: clients crash on it


@router.get(
    "/v3/users/sleep/available",
    tags=["Sleep"],
    operation_id="listAvailableSleeps",
    summary="Get available sleep times",
)
async def available_sleeps(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
    require_consents(request)
    first, last = last_days(today_of(clock))
    docs = await documents(db, token.account_id, "sleep", first, last, clock.now())
    return send({"available": [wire.available_sleep(d) for d in docs]})


@router.get("/v3/users/sleep/{date}", tags=["Sleep"], operation_id="getSleep", summary="Get Sleep")
async def get_sleep(
    request: Request, date: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    return await _one_day(request, date, token.account_id, "sleep", db, clock, settings)


async def _one_day(
    request: Request, raw: str, account_id: int, family: str, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    day = parse_date(raw, "date")
    docs = await documents(db, account_id, family, day, day, clock.now())
    if not docs:
        raise EmptyNotFound()
    return send(wire.with_user(docs[-1], user_url(settings.base_url, account_id)))


# ---- Nightly Recharge ------------------------------------------------------------------------


@router.get(
    "/v3/users/nightly-recharge",
    tags=["Nightly Recharge"],
    operation_id="listNightlyRecharge",
    summary="List Nightly Recharges",
)
async def list_recharges(
    request: Request, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    require_consents(request)
    first, last = last_days(today_of(clock))
    docs = await documents(db, token.account_id, "nightly_recharge", first, last, clock.now())
    me = user_url(settings.base_url, token.account_id)
    return send({"recharges": [wire.with_user(d, me) for d in docs]})


@router.get(
    "/v3/users/nightly-recharge/{date}",
    tags=["Nightly Recharge"],
    operation_id="getNightlyRecharge",
    summary="Get Nightly Recharge",
)
async def get_recharge(
    request: Request, date: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    return await _one_day(request, date, token.account_id, "nightly_recharge", db, clock, settings)


# ---- Continuous Heart Rate -------------------------------------------------------------------


@router.get(
    "/v3/users/continuous-heart-rate",
    tags=["Continuous Heart Rate"],
    operation_id="getContinuousHeartRateWithRange",
    summary="Get Continuous Heart rate samples with range",
)
async def heart_rate_range(
    request: Request, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    """The live service answers {"heart_rates": [one continuous-heartrate per day]}; 200 when empty."""
    require_consents(request)
    first, last = required_span(request)
    docs = await documents(db, token.account_id, "continuous_heart_rate", first, last, clock.now())
    me = user_url(settings.base_url, token.account_id)
    return send({"heart_rates": [wire.with_user(d, me) for d in docs]})


@router.get(
    "/v3/users/continuous-heart-rate/{date}",
    tags=["Continuous Heart Rate"],
    operation_id="getContinuousHeartRate",
    summary="Get Continuous Heart rate samples",
)
async def heart_rate_day(
    request: Request, date: str, token: UserToken, db: Db, clock: Now, settings: Config
) -> Response:
    return await _one_day(request, date, token.account_id, "continuous_heart_rate", db, clock, settings)


# ---- SleepWise -------------------------------------------------------------------------------


def _sleepwise(path: str, family: str, operation: str, summary: str) -> None:
    async def last_28_days(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
        require_consents(request)
        first, last = last_days(today_of(clock))
        docs = await documents(db, token.account_id, family, first, last, clock.now())
        return send(docs) if docs else empty(204)

    async def date_range(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
        require_consents(request)
        first, last = required_span(request)
        docs = await documents(db, token.account_id, family, first, last, clock.now())
        return send(docs) if docs else empty(204)

    router.add_api_route(
        path,
        last_28_days,
        methods=["GET"],
        tags=["SleepWise"],
        operation_id=operation,
        summary=f"{summary} (28 days)",
    )
    router.add_api_route(
        f"{path}/date",
        date_range,
        methods=["GET"],
        tags=["SleepWise"],
        operation_id=f"{operation}ByDate",
        summary=f"{summary} (date range)",
    )


_sleepwise("/v3/users/sleepwise/alertness", "sleepwise_alertness", "getAlertness", "Alertness period data")
_sleepwise(
    "/v3/users/sleepwise/circadian-bedtime",
    "sleepwise_bedtime",
    "getCircadianBedtime",
    "Circadian bedtime period data",
)

router.include_router(biosensing.router)
router.include_router(cardio.router)
router.include_router(activities.router)
