"""The one place errors become responses, in the negotiated representation."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from openaccesslink.api.negotiation import choose, empty, render
from openaccesslink.core.clock import Clock, iso_millis
from openaccesslink.core.errors import AccessLinkError, BadRequest
from openaccesslink.core.settings import ErrorShape, Settings

log = logging.getLogger("openaccesslink")

_TYPES = {
    400: "BadRequestException",
    401: "UnauthorizedException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    413: "PayloadTooLargeException",
    415: "UnsupportedMediaTypeException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}


def shaped_error(
    settings: Settings, clock: Clock, corr_id: str, status: int, error_type: str, message: str
) -> dict[str, Any]:
    """The live shape by default; the doc's flat camelCase model behind ERROR_SHAPE=documented."""
    timestamp = iso_millis(clock.now())
    if settings.error_shape is ErrorShape.DOCUMENTED:
        return {
            "timestamp": timestamp,
            "status": status,
            "errorType": error_type,
            "message": message,
            "corrId": corr_id,
        }
    return {
        "error": {
            "timestamp": timestamp,
            "status": status,
            "error_type": error_type,
            "message": message,
            "corr_id": corr_id,
        }
    }


def error_body(request: Request, status: int, error_type: str, message: str) -> dict[str, Any]:
    state = request.app.state
    return shaped_error(
        state.settings, state.clock, getattr(request.state, "corr_id", ""), status, error_type, message
    )


def error_response(
    request: Request,
    status: int,
    error_type: str,
    message: str,
    *,
    empty_body: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    if empty_body:
        return empty(status, headers)
    rep = choose(request.headers.get("accept"))
    body = error_body(request, status, error_type, message)
    if request.app.state.settings.error_shape is ErrorShape.LIVE and rep.value == "xml":
        body = body["error"]
    return render(body, rep, "error", status, headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(AccessLinkError)
    async def _accesslink(request: Request, exc: AccessLinkError) -> Response:
        return error_response(
            request, exc.status, exc.error_type, exc.message, empty_body=exc.empty_body, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return error_response(request, 400, BadRequest.error_type, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        return error_response(
            request,
            status,
            _TYPES.get(status, "HttpException"),
            str(exc.detail),
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error (corr_id=%s)", getattr(request.state, "corr_id", ""))
        return error_response(request, 500, _TYPES[500], "Internal server error")
