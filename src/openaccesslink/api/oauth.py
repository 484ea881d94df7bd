"""OAuth2 endpoints: the authorization page (flow.polar.com) and the token endpoint (polarremote.com)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from openaccesslink.api.deps import Config, Db, Now, basic_credentials
from openaccesslink.api.pages import web
from openaccesslink.core.errors import AuthorizeError, OAuthError
from openaccesslink.domains import consents, oauth, partners

router = APIRouter(tags=["OAuth2"])

_AUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _with_query(url: str, params: dict[str, str | None]) -> str:
    parts = urlsplit(url)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _redirect(url: str, params: dict[str, str | None]) -> Response:
    return RedirectResponse(_with_query(url, params), status_code=302)


def _auth_error(request: Request, err: AuthorizeError) -> Response:
    if err.redirect_uri is None:
        return web.page(request, "oauth_error.html", status=400, error=err.code, description=err.description)
    return _redirect(err.redirect_uri, {"error": err.code, "state": err.state})


async def _validated(request: Request, db: Db, params: dict[str, str | None]) -> oauth.AuthorizationRequest:
    client_id = params.get("client_id")
    async with db.read() as conn:
        client = await partners.get(conn, client_id) if client_id else None
    return oauth.validate_authorization(
        client,
        response_type=params.get("response_type"),
        redirect_uri=params.get("redirect_uri"),
        scope=params.get("scope"),
        state=params.get("state"),
        code_challenge=params.get("code_challenge"),
        code_challenge_method=params.get("code_challenge_method"),
    )


@router.get("/oauth2/authorization", include_in_schema=False)
async def authorization(request: Request, db: Db) -> Response:
    params = {k: request.query_params.get(k) for k in _AUTH_PARAMS}
    try:
        auth = await _validated(request, db, params)
    except AuthorizeError as err:
        return _auth_error(request, err)
    account = web.account_id(request)
    if account is None:
        return web.to_login(request)
    return web.page(
        request,
        "consent.html",
        client=auth.client,
        families=consents.FAMILIES,
        params={k: v for k, v in params.items() if v is not None},
    )


@router.post("/oauth2/authorization", include_in_schema=False)
async def authorization_decision(request: Request, db: Db, clock: Now, settings: Config) -> Response:
    form = await request.form()
    account = web.account_id(request)
    if account is None:
        return web.to_login(request)
    try:
        web.check_csrf(request, form)
    except web.CsrfError:
        return web.page(
            request,
            "oauth_error.html",
            status=400,
            error="invalid_request",
            description="The form expired; start the authorization again.",
        )
    params = {k: (str(form[k]) if k in form else None) for k in _AUTH_PARAMS}
    try:
        auth = await _validated(request, db, params)
    except AuthorizeError as err:
        return _auth_error(request, err)
    if form.get("decision") != "allow":
        return _redirect(auth.redirect_uri, {"error": "access_denied", "state": auth.state})
    async with db.write() as conn:
        code = await oauth.issue_code(conn, auth, account, clock.now(), settings.auth_code_ttl_seconds)
    return _redirect(auth.redirect_uri, {"state": auth.state, "code": code})


def _token_error(code: str) -> Response:
    return Response(
        orjson.dumps({"error": code}),
        400,
        media_type="application/json",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.post("/v2/oauth2/token", include_in_schema=False)
async def token(request: Request, db: Db, clock: Now, settings: Config) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return _token_error("invalid_request")
    try:
        form = await request.form()
    except Exception:  # malformed form bodies
        return _token_error("invalid_request")
    creds = basic_credentials(request.headers.get("authorization"))
    if creds is None and form.get("client_id") is not None:
        creds = (str(form.get("client_id")), str(form.get("client_secret") or ""))
    if creds is None:
        return _token_error("invalid_client")
    async with db.read() as conn:
        found = await partners.authenticate(conn, *creds)
    if found is None:
        return _token_error("invalid_client")
    client_pk, active = found
    grant_type = form.get("grant_type")
    if not grant_type:
        return _token_error("invalid_request")
    if grant_type != "authorization_code":
        return _token_error("unsupported_grant_type")
    if not active:
        return _token_error("unauthorized_client")
    code = form.get("code")
    if not isinstance(code, str) or not code:
        return _token_error("invalid_request")
    redirect_uri = form.get("redirect_uri")
    verifier = form.get("code_verifier")
    failure: OAuthError | None = None
    issued: oauth.IssuedToken | None = None
    async with db.write() as conn:
        try:
            issued = await oauth.exchange_code(
                conn,
                client_pk=client_pk,
                code=code,
                redirect_uri=str(redirect_uri) if redirect_uri is not None else None,
                code_verifier=str(verifier) if verifier is not None else None,
                now=clock.now(),
                replay_revokes=settings.code_replay_revokes,
            )
        except OAuthError as err:
            failure = err  # committed anyway: a replay's revocation must stick
    if failure is not None or issued is None:
        return _token_error(failure.code if failure else "invalid_grant")
    body = {
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": settings.token_expires_in,
        "x_user_id": issued.account_id,
    }
    return Response(
        orjson.dumps(body),
        200,
        media_type="application/json",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
