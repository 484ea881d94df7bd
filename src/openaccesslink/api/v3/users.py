"""Users (doc: Users): register, get and de-register with the user's token."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Accept, Db, Now, UserToken
from openaccesslink.api.negotiation import empty, render
from openaccesslink.core.errors import BadRequest, ConsentsMissing, UnsupportedMediaType
from openaccesslink.domains import consents, hotpath, users
from openaccesslink.wire import users as wire
from openaccesslink.wire.xmlcodec import XmlError, loads_flat

router = APIRouter(tags=["Users"])

MEMBER_ID_MAX = 200


def _parse_register(body: bytes, content_type: str) -> str:
    ctype = content_type.split(";")[0].strip().lower()
    if not body.strip():
        raise BadRequest("A register body with member-id is required")
    data: dict[str, Any]
    if ctype in ("application/xml", "text/xml") or (not ctype and body.lstrip().startswith(b"<")):
        try:
            data = dict(loads_flat(body, "register"))
        except XmlError as exc:
            raise BadRequest(str(exc)) from exc
    elif ctype in ("application/json", "") or ctype.endswith("+json"):
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"Malformed JSON: {exc}") from exc
        if not isinstance(parsed, dict):
            raise BadRequest("The body must be a JSON object")
        data = parsed
    else:
        raise UnsupportedMediaType(
            f"Unsupported Content-Type {ctype!r}; use application/json or application/xml"
        )
    member_id = data.get("member-id")
    if not isinstance(member_id, str) or not member_id.strip():
        raise BadRequest("member-id is required and must be a non-empty string")
    if len(member_id) > MEMBER_ID_MAX:
        raise BadRequest(f"member-id is limited to {MEMBER_ID_MAX} characters")
    return member_id


@router.post("/v3/users", operation_id="registerUser", summary="Register user")
async def register_user(request: Request, token: UserToken, rep: Accept, db: Db, clock: Now) -> Response:
    member_id = _parse_register(await request.body(), request.headers.get("content-type", ""))
    async with db.write() as conn:
        if not await consents.all_mandatory_given(conn, token.account_id):
            raise ConsentsMissing()
        user = await users.register(
            conn, client_pk=token.client_pk, account_id=token.account_id, member_id=member_id, now=clock.now()
        )
    return render(wire.user(user), rep, "user")


@router.get("/v3/users/{user_id}", operation_id="getUserInformation", summary="Get user information")
async def get_user_information(request: Request, user_id: int, token: UserToken, rep: Accept) -> Response:
    if user_id != token.account_id:
        return empty(204)  # a token reaches only its own user
    bearer: hotpath.Bearer = request.state.bearer
    if not bearer.consented:
        raise ConsentsMissing()
    if bearer.user is None:
        return empty(204)
    return render(wire.user(bearer.user), rep, "user")


@router.delete("/v3/users/{user_id}", operation_id="deleteUser", summary="Delete user", status_code=204)
async def delete_user(user_id: int, token: UserToken, db: Db, clock: Now) -> Response:
    if user_id == token.account_id:
        async with db.write() as conn:
            await users.deregister(
                conn, client_pk=token.client_pk, account_id=token.account_id, now=clock.now()
            )
    return empty(204)
