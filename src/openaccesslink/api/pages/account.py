"""The account site: sign up, sign in/out, profile, consents and linked partners."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openaccesslink.api.deps import Db, Now
from openaccesslink.api.pages import web
from openaccesslink.domains import accounts, consents, devices, oauth, users

router = APIRouter(include_in_schema=False)


def _profile(form: FormData) -> accounts.Profile:
    def text(key: str) -> str:
        return str(form.get(key) or "").strip()

    def number(key: str) -> float | None:
        value = text(key)
        if not value:
            return None
        try:
            return float(value)
        except ValueError as exc:
            raise accounts.AccountError(f"{key} must be a number") from exc

    birthdate = None
    if text("birthdate"):
        try:
            birthdate = date.fromisoformat(text("birthdate"))
        except ValueError as exc:
            raise accounts.AccountError("birthdate must be YYYY-MM-DD") from exc
    return accounts.Profile(
        first_name=text("first_name"),
        last_name=text("last_name"),
        birthdate=birthdate,
        sex=text("sex") or None,
        weight=number("weight"),
        height=number("height"),
    )


@router.get("/signup")
async def signup_page(request: Request) -> Response:
    return web.page(
        request,
        "signup.html",
        next=web.safe_next(request.query_params.get("next")),
        families=consents.FAMILIES,
        error=None,
        form={},
    )


@router.post("/signup")
async def signup(request: Request, db: Db, clock: Now) -> Response:
    form = await request.form()
    target = web.safe_next(str(form.get("next") or ""))
    try:
        web.check_csrf(request, form)
        profile = _profile(form)
        async with db.write() as conn:
            account = await accounts.create(
                conn, str(form.get("email") or ""), str(form.get("password") or ""), profile, clock.now()
            )
            accepted = {key for key, _ in consents.FAMILIES if form.get(f"consent_{key}")}
            await consents.give(conn, account, accepted, clock.now())
    except (accounts.AccountError, web.CsrfError) as exc:
        message = str(exc) if isinstance(exc, accounts.AccountError) else "The form expired; try again."
        return web.page(
            request,
            "signup.html",
            status=400,
            next=target,
            families=consents.FAMILIES,
            error=message,
            form=dict(form),
        )
    web.sign_in(request, account)
    return RedirectResponse(target, status_code=303)


@router.get("/login")
async def login_page(request: Request) -> Response:
    return web.page(
        request, "login.html", next=web.safe_next(request.query_params.get("next")), error=None, email=""
    )


@router.post("/login")
async def login(request: Request, db: Db) -> Response:
    form = await request.form()
    target = web.safe_next(str(form.get("next") or ""))
    email = str(form.get("email") or "")
    try:
        web.check_csrf(request, form)
    except web.CsrfError:
        return web.page(
            request, "login.html", status=400, next=target, error="The form expired; try again.", email=email
        )
    async with db.read() as conn:
        account = await accounts.authenticate(conn, email, str(form.get("password") or ""))
    if account is None:
        return web.page(
            request, "login.html", status=401, next=target, error="Wrong e-mail or password.", email=email
        )
    web.sign_in(request, account)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    try:
        web.check_csrf(request, form)
    except web.CsrfError:
        return RedirectResponse("/account", status_code=303)
    web.sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/account" if web.account_id(request) else "/login", status_code=303)


@router.get("/account")
async def profile_page(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    async with db.read() as conn:
        data = await accounts.get(conn, account)
    if data is None:
        web.sign_out(request)
        return web.to_login(request)
    return web.page(request, "account_profile.html", account=data, error=None, saved=False)


@router.post("/account")
async def profile_save(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    form = await request.form()
    error = None
    try:
        web.check_csrf(request, form)
        async with db.write() as conn:
            await accounts.update_profile(conn, account, _profile(form))
    except accounts.AccountError as exc:
        error = str(exc)
    except web.CsrfError:
        error = "The form expired; try again."
    async with db.read() as conn:
        data = await accounts.get(conn, account)
    return web.page(
        request,
        "account_profile.html",
        status=400 if error else 200,
        account=data,
        error=error,
        saved=error is None,
    )


@router.get("/account/consents")
async def consents_page(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    async with db.read() as conn:
        accepted = await consents.given(conn, account)
    return web.page(
        request,
        "account_consents.html",
        families=consents.FAMILIES,
        accepted=accepted,
        mandatory=consents.MANDATORY,
        saved=False,
    )


@router.post("/account/consents")
async def consents_save(request: Request, db: Db, clock: Now) -> Response:
    account, form = await web.signed_in_post(request, back="/account/consents")
    wanted = {key for key, _ in consents.FAMILIES if form.get(f"consent_{key}")}
    async with db.write() as conn:
        await consents.set_exactly(conn, account, wanted, clock.now())
        accepted = await consents.given(conn, account)
    return web.page(
        request,
        "account_consents.html",
        families=consents.FAMILIES,
        accepted=accepted,
        mandatory=consents.MANDATORY,
        saved=True,
    )


@router.get("/account/partners")
async def partners_page(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    async with db.read() as conn:
        linked = await oauth.linked_partners(conn, account)
    return web.page(request, "account_partners.html", linked=linked, message=None)


@router.post("/account/partners/{client_pk}/disconnect")
async def disconnect(client_pk: int, request: Request, db: Db, clock: Now) -> Response:
    account, form = await web.signed_in_post(request, back="/account/partners")
    async with db.write() as conn:
        # no webhook is sent on disconnect (behaviour-notes); later calls get 401
        await users.deregister(conn, client_pk=client_pk, account_id=account, now=clock.now())
    return RedirectResponse("/account/partners", status_code=303)


@router.get("/account/devices")
async def devices_page(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    async with db.read() as conn:
        tokens = await devices.list_for(conn, account)
    return web.page(request, "account_devices.html", tokens=tokens, new_token=None)


@router.post("/account/devices")
async def create_device_token(request: Request, db: Db, clock: Now) -> Response:
    account, form = await web.signed_in_post(request, back="/account/devices")
    async with db.write() as conn:
        token = await devices.create(conn, account, str(form.get("name") or "device"), clock.now())
        tokens = await devices.list_for(conn, account)
    # shown once: only its hash is stored
    return web.page(request, "account_devices.html", tokens=tokens, new_token=token)


@router.post("/account/devices/{token_id}/revoke")
async def revoke_device_token(token_id: int, request: Request, db: Db, clock: Now) -> Response:
    account, form = await web.signed_in_post(request, back="/account/devices")
    async with db.write() as conn:
        await devices.revoke(conn, account, token_id, clock.now())
    return RedirectResponse("/account/devices", status_code=303)
