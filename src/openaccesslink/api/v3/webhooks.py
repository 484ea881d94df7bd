"""Webhooks (doc: Webhooks): create, get, update, delete, activate, deactivate; partner Basic auth.

Bodies are JSON only (the doc lists no XML); answers are wrapped in {"data": ...}.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Config, Db, Now, Partner
from openaccesslink.api.negotiation import Rep, empty, render
from openaccesslink.core.errors import BadRequest
from openaccesslink.delivery.runtime import DeliveryRuntime
from openaccesslink.domains import webhooks

router = APIRouter(tags=["Webhooks"])


def _runtime(request: Request) -> DeliveryRuntime:
    runtime: DeliveryRuntime = request.app.state.delivery
    return runtime


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise BadRequest("a JSON body is required")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from exc
    # lenient: some clients wrap the request like the response
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and not {"events", "url"} & body.keys():
        body = body["data"]
    return body


def _info(hook: webhooks.Webhook | None, as_list: bool) -> dict[str, Any]:
    """webhookInfo: the doc's object, or (WEBHOOK_GET_RETURNS_LIST) the 2026 OpenAPI list."""
    if as_list:
        return {"data": [hook.info()] if hook else []}
    return {"data": hook.info() if hook else {}}


@router.post("/v3/webhooks", operation_id="createWebhook", summary="Create webhook")
async def create_webhook(request: Request, partner: Partner, db: Db, clock: Now) -> Response:
    body = await _body(request)
    hook = await webhooks.create(db, partner, body, clock.now(), _runtime(request).ping)
    return render({"data": hook.created()}, Rep.JSON, "webhook", 201)


@router.get("/v3/webhooks", operation_id="getWebhook", summary="Get webhook")
async def get_webhook(partner: Partner, db: Db, settings: Config) -> Response:
    hook = await webhooks.get(db, partner)
    return render(_info(hook, settings.webhook_get_returns_list), Rep.JSON, "webhook")


@router.post("/v3/webhooks/activate", operation_id="activateWebhook", summary="Activate webhook")
async def activate_webhook(request: Request, partner: Partner, db: Db, clock: Now) -> Response:
    found = await webhooks.activate(db, partner, clock.now(), _runtime(request).ping)
    return empty(200 if found else 204)


@router.post("/v3/webhooks/deactivate", operation_id="deactivateWebhook", summary="Deactivate webhook")
async def deactivate_webhook(partner: Partner, db: Db, clock: Now) -> Response:
    found = await webhooks.deactivate(db, partner, clock.now())
    return empty(200 if found else 204)


@router.patch("/v3/webhooks/{webhook_id}", operation_id="updateWebhook", summary="Update webhook")
async def update_webhook(
    webhook_id: str, request: Request, partner: Partner, db: Db, settings: Config
) -> Response:
    body = await _body(request)
    hook = await webhooks.patch(db, partner, webhook_id, body, _runtime(request).ping)
    return render(_info(hook, settings.webhook_get_returns_list), Rep.JSON, "webhook")


@router.delete("/v3/webhooks/{webhook_id}", operation_id="deleteWebhook", summary="Delete webhook")
async def delete_webhook(webhook_id: str, partner: Partner, db: Db) -> Response:
    await webhooks.delete(db, partner, webhook_id)
    return empty(204)
