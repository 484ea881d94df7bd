"""The Flow-side ingestion API: how a device sync delivers data (not part of AccessLink).

Authenticated as the person: `Authorization: Bearer dev_...` (a device token made on
/account/devices) or the signed-in account session.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from openaccesslink.api.deps import Db, Now
from openaccesslink.api.negotiation import Rep, render
from openaccesslink.api.pages import web
from openaccesslink.core.errors import BadRequest, Unauthorized, UnsupportedMediaType
from openaccesslink.domains import devices
from openaccesslink.formats.model import ExerciseData, FileRejected
from openaccesslink.ingest import exercise_json, service
from openaccesslink.ingest.families import BY_PATH, PayloadRejected

router = APIRouter(prefix="/ingest/v1", tags=["Flow ingestion (not AccessLink)"])

FORMATS = ("fit", "tcx", "gpx")


async def _syncing_account(request: Request) -> int:
    header = request.headers.get("authorization") or ""
    if header[:7].lower() == "bearer ":
        async with request.app.state.db.read() as conn:
            account = await devices.authenticate(conn, header[7:].strip())
        if account is None:
            raise Unauthorized("Invalid or revoked device token")
        return account
    account = web.account_id(request)
    if account is None:
        raise Unauthorized("Sign in or send a device token (Authorization: Bearer dev_...)")
    return account


Syncer = Annotated[int, Depends(_syncing_account)]


async def _json_body(request: Request) -> Any:
    body = await request.body()
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from exc


def _import(data: bytes, fmt: str) -> ExerciseData:
    from openaccesslink.formats import import_file

    return import_file(data, fmt)


async def _exercise_from_request(request: Request) -> tuple[ExerciseData, str, bytes | None]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadRequest("multipart upload needs a 'file' part")
        raw = await upload.read()
        fmt = str(form.get("format") or (upload.filename or "").rsplit(".", 1)[-1]).lower()
        if fmt not in FORMATS:
            raise BadRequest("cannot tell the file format: name it .fit, .tcx or .gpx, or send format=")
        try:
            return await run_in_threadpool(_import, raw, fmt), fmt, raw
        except FileRejected as exc:
            raise BadRequest(f"{fmt.upper()} file rejected: {exc}") from exc
    if ctype in ("application/json", ""):
        try:
            return exercise_json.parse(await _json_body(request)), "json", None
        except FileRejected as exc:
            raise BadRequest(str(exc)) from exc
    raise UnsupportedMediaType("send multipart/form-data with a file, or application/json")


@router.post("/exercises", status_code=201, summary="Upload an exercise (FIT, TCX, GPX file or JSON)")
async def upload_exercise(request: Request, account: Syncer, db: Db, clock: Now) -> Response:
    data, fmt, raw = await _exercise_from_request(request)
    try:
        async with db.write() as conn:
            stored = await service.store_exercise(conn, account, data, clock.now(), fmt, raw)
    except FileRejected as exc:
        raise BadRequest(str(exc)) from exc
    return render(stored.as_json(), Rep.JSON, "stored", 201 if stored.status == "created" else 200)


@router.post("/{family_path:path}", status_code=201, summary="Post a daily record (sleep, recharge, ...)")
async def post_record(family_path: str, request: Request, account: Syncer, db: Db, clock: Now) -> Response:
    family = BY_PATH.get(family_path.strip("/"))
    if family is None:
        raise BadRequest(f"unknown family {family_path!r}; one of: {', '.join(sorted(BY_PATH))}")
    try:
        record = service.check_record(family.name, await _json_body(request))
    except PayloadRejected as exc:
        raise BadRequest(str(exc)) from exc
    async with db.write() as conn:
        stored = await service.store_record(conn, account, record, clock.now())
    return render(stored.as_json(), Rep.JSON, "stored", 201 if stored.status == "created" else 200)
