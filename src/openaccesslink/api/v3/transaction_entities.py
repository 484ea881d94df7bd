"""Entities inside a live transaction: exercises (with sub-resources), activities, physical infos."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.engine import RowMapping
from starlette.responses import Response

from openaccesslink.api.deps import Accept, Config, Db, Now, UserToken
from openaccesslink.api.negotiation import empty, render
from openaccesslink.api.v3 import exercise_views as views
from openaccesslink.api.v3.transactions import WIRES, entity_in_transaction, transaction_url, user_url
from openaccesslink.core.clock import from_db
from openaccesslink.core.errors import EmptyNotFound
from openaccesslink.domains import exercises, records
from openaccesslink.domains import transactions as tx
from openaccesslink.wire import transactional as wire

router = APIRouter()

EX = WIRES[tx.EXERCISE]
ACT = WIRES[tx.ACTIVITY]
PHYS = WIRES[tx.PHYSICAL_INFORMATION]
EX_PATH = "/v3/users/{user_id}/exercise-transactions/{transaction_id}/exercises/{exercise_id}"
ACT_PATH = "/v3/users/{user_id}/activity-transactions/{transaction_id}/activities/{activity_id}"
PHYS_PATH = (
    "/v3/users/{user_id}/physical-information-transactions/{transaction_id}/physical-informations/{info_id}"
)


async def _exercise(
    request: Request, db: Db, user_id: int, transaction_id: int, exercise_id: int, token: UserToken
) -> RowMapping:
    async with db.read() as conn:
        await entity_in_transaction(request, conn, EX, user_id, transaction_id, exercise_id, token)
        row = await exercises.get_row(conn, exercise_id)
    if row is None:
        raise EmptyNotFound()
    return row


@router.get(EX_PATH, operation_id="getExerciseSummary", tags=["Exercise transactions"])
async def get_exercise_summary(
    request: Request,
    user_id: int,
    transaction_id: int,
    exercise_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
    settings: Config,
) -> Response:
    row = await _exercise(request, db, user_id, transaction_id, exercise_id, token)
    return views.summary(row, rep, user_url(settings.base_url, user_id), transaction_id)


@router.get(EX_PATH + "/heart-rate-zones", operation_id="getHeartRateZones", tags=["Exercise transactions"])
async def get_heart_rate_zones(
    request: Request,
    user_id: int,
    transaction_id: int,
    exercise_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
    clock: Now,
) -> Response:
    row = await _exercise(request, db, user_id, transaction_id, exercise_id, token)
    async with db.read() as conn:
        return await views.zones(conn, row, rep, clock.now().date())


@router.get(EX_PATH + "/samples", operation_id="getAvailableSamples", tags=["Exercise transactions"])
async def get_available_samples(
    request: Request,
    user_id: int,
    transaction_id: int,
    exercise_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
    settings: Config,
) -> Response:
    row = await _exercise(request, db, user_id, transaction_id, exercise_id, token)
    entity = f"{transaction_url(settings.base_url, EX, user_id, transaction_id)}/exercises/{exercise_id}"
    return views.sample_list(row, rep, entity)


@router.get(EX_PATH + "/samples/{type_id}", operation_id="getSamples", tags=["Exercise transactions"])
async def get_samples(
    request: Request,
    user_id: int,
    transaction_id: int,
    exercise_id: int,
    type_id: str,
    token: UserToken,
    rep: Accept,
    db: Db,
) -> Response:
    row = await _exercise(request, db, user_id, transaction_id, exercise_id, token)
    return views.one_sample(row, rep, type_id)


def _file_route(fmt: str) -> None:
    async def get_file(
        request: Request, user_id: int, transaction_id: int, exercise_id: int, token: UserToken, db: Db
    ) -> Response:
        async with db.read() as conn:
            await entity_in_transaction(request, conn, EX, user_id, transaction_id, exercise_id, token)
        return await views.file(request, exercise_id, fmt)

    router.add_api_route(
        EX_PATH + f"/{fmt}",
        get_file,
        methods=["GET"],
        operation_id=f"get{fmt.upper()}",
        tags=["Exercise transactions"],
    )


for _fmt in ("fit", "tcx", "gpx"):
    _file_route(_fmt)


async def _activity(
    request: Request, db: Db, user_id: int, transaction_id: int, activity_id: int, token: UserToken
) -> RowMapping:
    async with db.read() as conn:
        await entity_in_transaction(request, conn, ACT, user_id, transaction_id, activity_id, token)
        row = await records.get(conn, activity_id, tx.ACTIVITY)
    if row is None:
        raise EmptyNotFound()
    return row


@router.get(ACT_PATH, operation_id="getActivitySummary", tags=["Activity transactions"])
async def get_activity_summary(
    request: Request,
    user_id: int,
    transaction_id: int,
    activity_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
    settings: Config,
) -> Response:
    row = await _activity(request, db, user_id, transaction_id, activity_id, token)
    body = wire.activity(
        records.document(row),
        row["id"],
        from_db(row["uploaded_at"]),
        user_url(settings.base_url, user_id),
        transaction_id,
    )
    return render(body, rep, "activity")


@router.get(ACT_PATH + "/step-samples", operation_id="getStepSamples", tags=["Activity transactions"])
async def get_step_samples(
    request: Request,
    user_id: int,
    transaction_id: int,
    activity_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
) -> Response:
    row = await _activity(request, db, user_id, transaction_id, activity_id, token)
    body = wire.step_samples(records.document(row))
    return empty(204) if body is None else render(body, rep, "activity-step-samples")


@router.get(ACT_PATH + "/zone-samples", operation_id="getZoneSamples", tags=["Activity transactions"])
async def get_zone_samples(
    request: Request,
    user_id: int,
    transaction_id: int,
    activity_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
) -> Response:
    row = await _activity(request, db, user_id, transaction_id, activity_id, token)
    body = wire.zone_samples(records.document(row))
    return empty(204) if body is None else render(body, rep, "activity-zone-samples")


@router.get(PHYS_PATH, operation_id="getPhysicalInformation", tags=["PhysicalInformation transactions"])
async def get_physical_information(
    request: Request,
    user_id: int,
    transaction_id: int,
    info_id: int,
    token: UserToken,
    rep: Accept,
    db: Db,
    settings: Config,
) -> Response:
    async with db.read() as conn:
        await entity_in_transaction(request, conn, PHYS, user_id, transaction_id, info_id, token)
        row = await records.get(conn, info_id, tx.PHYSICAL_INFORMATION)
    if row is None:
        raise EmptyNotFound()
    body = wire.physical_information(
        records.document(row),
        row["id"],
        from_db(row["uploaded_at"]),
        user_url(settings.base_url, user_id),
        transaction_id,
    )
    return render(body, rep, "physical-information")
