"""The partner portal (the doc's admin site): a developer's API clients."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openaccesslink.api.deps import Db, Now
from openaccesslink.api.pages import web
from openaccesslink.domains import partners

router = APIRouter(include_in_schema=False)


def _details(form: FormData) -> partners.ClientDetails:
    urls = [line.strip() for line in str(form.get("redirect_urls") or "").splitlines() if line.strip()]
    default = str(form.get("default_url") or "").strip() or None
    if default is None and len(urls) == 1:
        default = urls[0]
    return partners.ClientDetails(
        name=str(form.get("name") or ""),
        contact_email=str(form.get("contact_email") or ""),
        description=str(form.get("description") or ""),
        redirect_urls=urls,
        default_url=default,
    )


async def _own_client(request: Request, db: Db, client_id: str) -> partners.Client | None:
    account = web.account_id(request)
    async with db.read() as conn:
        client = await partners.get(conn, client_id)
    if client is None or client.owner_account_id != account:
        return None
    return client


def _not_found(request: Request) -> Response:
    return web.page(request, "oauth_error.html", status=404, error="not_found", description="No such client.")


@router.get("/admin")
async def portal_home(request: Request, db: Db) -> Response:
    account = web.require_account(request)
    async with db.read() as conn:
        clients = await partners.list_for_owner(conn, account)
    return web.page(request, "portal_list.html", clients=clients)


@router.get("/admin/clients/new")
async def new_client_page(request: Request) -> Response:
    web.require_account(request)
    return web.page(request, "portal_form.html", client=None, form={}, error=None)


@router.post("/admin/clients/new")
async def create_client(request: Request, db: Db, clock: Now) -> Response:
    account = web.require_account(request)
    form = await request.form()
    try:
        web.check_csrf(request, form)
        async with db.write() as conn:
            creds = await partners.create(conn, _details(form), account, clock.now())
            client = await partners.get(conn, creds.client_id)
    except (partners.ClientError, web.CsrfError) as exc:
        message = str(exc) if isinstance(exc, partners.ClientError) else "The form expired; try again."
        return web.page(request, "portal_form.html", status=400, client=None, form=dict(form), error=message)
    # the secret is shown on this one page and never again
    return web.page(
        request, "portal_client.html", client=client, secret=creds.client_secret, error=None, saved=False
    )


@router.get("/admin/clients/{client_id}")
async def client_page(client_id: str, request: Request, db: Db) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    return web.page(request, "portal_client.html", client=client, secret=None, error=None, saved=False)


@router.post("/admin/clients/{client_id}")
async def update_client(client_id: str, request: Request, db: Db) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    form = await request.form()
    try:
        web.check_csrf(request, form)
        async with db.write() as conn:
            await partners.update_details(conn, client, _details(form))
            client = await partners.get(conn, client_id)
    except (partners.ClientError, web.CsrfError) as exc:
        message = str(exc) if isinstance(exc, partners.ClientError) else "The form expired; try again."
        return web.page(
            request, "portal_client.html", status=400, client=client, secret=None, error=message, saved=False
        )
    return web.page(request, "portal_client.html", client=client, secret=None, error=None, saved=True)


@router.post("/admin/clients/{client_id}/secret")
async def regenerate_secret(client_id: str, request: Request, db: Db) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    await web.signed_in_post(request, back=f"/admin/clients/{client_id}")
    async with db.write() as conn:
        secret = await partners.regenerate_secret(conn, client)
    return web.page(request, "portal_client.html", client=client, secret=secret, error=None, saved=False)


@router.post("/admin/clients/{client_id}/delete")
async def delete_client(client_id: str, request: Request, db: Db) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    await web.signed_in_post(request, back=f"/admin/clients/{client_id}")
    async with db.write() as conn:
        await partners.remove(conn, client)
    return RedirectResponse("/admin", status_code=303)
