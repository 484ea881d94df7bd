"""/v3/exercises: the user's exercises by hashed id, without transactions (doc: Exercises)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from sqlalchemy.engine import RowMapping
from starlette.responses import Response

from openaccesslink.api.deps import Accept, Config, Db, Now, UserToken
from openaccesslink.api.negotiation import Rep, flag
from openaccesslink.api.v3 import exercise_views as views
from openaccesslink.api.v3.transactions import user_url
from openaccesslink.core.errors import ConsentsMissing, EmptyNotFound
from openaccesslink.db.blob import unpack
from openaccesslink.domains import exercises, physiology
from openaccesslink.formats.model import SampleType
from openaccesslink.wire import exercises as wire
from openaccesslink.wire import transactional
from openaccesslink.wire.xmlcodec import dumps

router = APIRouter(tags=["Exercises"])


def _consented(request: Request) -> None:
    if not request.state.bearer.consented:
        raise ConsentsMissing()


async def _body(conn: Any, row: RowMapping, base: str, request: Request, today: Any) -> dict[str, Any]:
    body = wire.exercise_hash_id(row, unpack(row["summary"]), user_url(base, row["account_id"]))
    want_samples, want_zones, want_route = (
        flag(request.query_params.get(k)) for k in ("samples", "zones", "route")
    )
    if want_samples or want_zones or want_route:
        data = exercises.to_data(row)
        if want_zones and SampleType.HEART_RATE in data.samples:
            max_hr = await physiology.max_heart_rate(conn, row["account_id"], today)
            body["heart_rate_zones"] = transactional.heart_rate_zones(
                data.samples[SampleType.HEART_RATE], max_hr
            )["zone"]
        if want_samples:
            body["samples"] = [transactional.sample(s) for _, s in sorted(data.samples.items())]
        if want_route and data.route:
            body["route"] = wire.route(data)
    return body


def _send(data: Any, rep: Rep, root: str, item: str | None = None) -> Response:
    if rep is Rep.XML:
        payload = {item: data} if item else data
        return Response(dumps(root, payload), 200, media_type="application/xml")
    return Response(orjson.dumps(data), 200, media_type="application/json")


@router.get("/v3/exercises", operation_id="listExercisesWithoutTransaction", summary="List exercises")
async def list_exercises(
    request: Request, token: UserToken, rep: Accept, db: Db, clock: Now, settings: Config
) -> Response:
    _consented(request)
    now = clock.now()
    async with db.read() as conn:
        rows = await exercises.visible_to_partner(
            conn, account_id=token.account_id, client_pk=token.client_pk, now=now
        )
        bodies = [await _body(conn, row, settings.base_url, request, now.date()) for row in rows]
    return _send(bodies, rep, "exercises", "exercise")


async def _one(request: Request, db: Db, token: UserToken, clock: Now, exercise_id: str) -> RowMapping:
    _consented(request)
    async with db.read() as conn:
        rows = await exercises.visible_to_partner(
            conn,
            account_id=token.account_id,
            client_pk=token.client_pk,
            now=clock.now(),
            hashed_id=exercise_id,
        )
    if not rows:
        raise EmptyNotFound()
    return rows[0]


@router.get(
    "/v3/exercises/{exercise_id}", operation_id="getExerciseWithoutTransaction", summary="Get exercise"
)
async def get_exercise(
    request: Request, exercise_id: str, token: UserToken, rep: Accept, db: Db, clock: Now, settings: Config
) -> Response:
    row = await _one(request, db, token, clock, exercise_id)
    async with db.read() as conn:
        body = await _body(conn, row, settings.base_url, request, clock.now().date())
    return _send(body, rep, "exercise")


def _file_route(fmt: str) -> None:
    async def get_file(request: Request, exercise_id: str, token: UserToken, clock: Now) -> Response:
        _consented(request)
        return await views.visible_file(request, token, exercise_id, fmt, clock.now())

    router.add_api_route(
        f"/v3/exercises/{{exercise_id}}/{fmt}",
        get_file,
        methods=["GET"],
        operation_id=f"get{fmt.upper()}WithoutTransaction",
        summary=f"Get exercise {fmt.upper()}",
    )


for _fmt in ("fit", "tcx", "gpx"):
    _file_route(_fmt)
