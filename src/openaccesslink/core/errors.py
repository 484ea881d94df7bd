"""Error classes carrying their HTTP status and AccessLink error type.

Raised anywhere below the HTTP edge; one handler in api/errors.py renders them.
"""

from __future__ import annotations


class AccessLinkError(Exception):
    status: int = 500
    error_type: str = "InternalServerError"
    # True when the doc's Schema column says "None": the answer has no body at all
    empty_body: bool = False

    def __init__(self, message: str = "", *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message or self.error_type)
        self.message = message or self.error_type
        self.headers = headers or {}


class BadRequest(AccessLinkError):
    status = 400
    error_type = "BadRequestException"


class WebhookPingFailed(BadRequest):
    """The webhook URL did not answer the PING with 200: the change is refused."""

    error_type = "WebhookPingFailedException"


class Unauthorized(AccessLinkError):
    status = 401
    error_type = "UnauthorizedException"


class ConsentsMissing(AccessLinkError):
    status = 403
    error_type = "ForbiddenException"
    empty_body = True


class Forbidden(AccessLinkError):
    status = 403
    error_type = "ForbiddenException"


class NotFound(AccessLinkError):
    status = 404
    error_type = "NotFoundException"


class EmptyNotFound(NotFound):
    empty_body = True


class Conflict(AccessLinkError):
    status = 409
    error_type = "ConflictException"
    empty_body = True


class PayloadTooLarge(AccessLinkError):
    status = 413
    error_type = "PayloadTooLargeException"


class UnsupportedMediaType(AccessLinkError):
    status = 415
    error_type = "UnsupportedMediaTypeException"


class TooManyRequests(AccessLinkError):
    status = 429
    error_type = "TooManyRequestsException"


class OAuthError(Exception):
    """RFC 6749 error at the token endpoint: 400 {"error": code}."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class AuthorizeError(Exception):
    """RFC 6749 error at the authorization endpoint.

    redirect_uri is None when the error must be shown to the user (no redirect).
    """

    def __init__(
        self, code: str, description: str, redirect_uri: str | None = None, state: str | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.redirect_uri = redirect_uri
        self.state = state
