"""The partner portal's webhook page: the webhook, its state, the delivery log, resend."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from openaccesslink.api.deps import Db, Now
from openaccesslink.api.pages import web
from openaccesslink.delivery import outbox
from openaccesslink.domains import partners, webhooks

router = APIRouter(include_in_schema=False)

LOG_SIZE = 50


async def _own_client(request: Request, db: Db, client_id: str) -> partners.Client | None:
    async with db.read() as conn:
        client = await partners.get(conn, client_id)
    if client is None or client.owner_account_id != web.account_id(request):
        return None
    return client


def _not_found(request: Request) -> Response:
    return web.page(request, "oauth_error.html", status=404, error="not_found", description="No such client.")


@router.get("/admin/clients/{client_id}/webhook")
async def webhook_page(client_id: str, request: Request, db: Db) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    async with db.read() as conn:
        hook = await webhooks.for_partner(conn, client.pk)
        entries = await outbox.log(conn, hook.pk, LOG_SIZE) if hook else []
        totals = await outbox.counts(conn, hook.pk) if hook else {}
    return web.page(
        request,
        "portal_webhook.html",
        client=client,
        hook=hook,
        entries=entries,
        totals=totals,
        resent=request.query_params.get("resent"),
    )


@router.post("/admin/clients/{client_id}/webhook/deliveries/{delivery_id}/resend")
async def resend_delivery(client_id: str, delivery_id: int, request: Request, db: Db, clock: Now) -> Response:
    web.require_account(request)
    client = await _own_client(request, db, client_id)
    if client is None:
        return _not_found(request)
    target = f"/admin/clients/{client_id}/webhook"
    await web.signed_in_post(request, back=target)
    async with db.write() as conn:
        hook = await webhooks.for_partner(conn, client.pk)
        done = hook is not None and await outbox.resend(conn, hook.pk, delivery_id, clock.now())
    if done:
        webhooks.doorbell.ring()
    return RedirectResponse(f"{target}?resent={delivery_id}" if done else target, status_code=303)
