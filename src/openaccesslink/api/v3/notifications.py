"""Pull notifications (doc: Pull notifications), partner credentials.

Until the transactional families land, no data waits for anybody: 204, as the doc
answers when nothing is available.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from openaccesslink.api.deps import Partner
from openaccesslink.api.negotiation import empty

router = APIRouter(tags=["Pull notifications"])


@router.get("/v3/notifications", operation_id="listNotifications", summary="List")
async def list_notifications(partner: Partner) -> Response:
    return empty(204)
