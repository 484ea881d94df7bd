"""Pull notifications (doc: Pull notifications), partner credentials."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from openaccesslink.api.deps import Accept, Config, Db, Now, Partner
from openaccesslink.api.negotiation import empty, render
from openaccesslink.api.v3.transactions import WIRES, user_url
from openaccesslink.domains import transactions as tx

router = APIRouter(tags=["Pull notifications"])

DATA_TYPES = {
    tx.EXERCISE: "EXERCISE",
    tx.ACTIVITY: "ACTIVITY_SUMMARY",
    tx.PHYSICAL_INFORMATION: "PHYSICAL_INFORMATION",
}


@router.get("/v3/notifications", operation_id="listNotifications", summary="List")
async def list_notifications(partner: Partner, rep: Accept, db: Db, clock: Now, settings: Config) -> Response:
    async with db.read() as conn:
        waiting = await tx.waiting(conn, client_pk=partner, now=clock.now())
    if not waiting:
        return empty(204)
    entries = [
        {
            "user-id": account,
            "data-type": DATA_TYPES[family],
            "url": f"{user_url(settings.base_url, account)}/{WIRES[family].collection}",
        }
        for account, family in waiting
    ]
    return render({"available-user-data": entries}, rep, "available-user-datas")
