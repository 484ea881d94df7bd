"""Elixir biosensing (doc: Elixir Biosensing; the 2026 OpenAPI file adds body temperature).

Each answers a list for the last 28 days, or for from/to (both optional: a missing to is
today, a missing from is to - 27); 204 when there is nothing. Items belong to a day by their
own date: sleep_date, the start of a measurement period, or the local date of a test.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Db, Now, UserToken
from openaccesslink.api.negotiation import empty
from openaccesslink.api.v3.daywindow import documents, optional_span, require_consents, send, today_of

router = APIRouter(tags=["Elixir Biosensing"])

# (path under /v3/users/biosensing/, stored family, operationId, summary)
RESOURCES = (
    ("bodytemperature", "body_temperature", "getBodyTemperature", "Body temperature data"),
    ("skintemperature", "skin_temperature", "getSkinTemperature", "Sleep skin temperature data"),
    ("skincontacts", "skin_contacts", "getSkinContacts", "Skin contacts data"),
    ("ecg", "ecg", "getEcgTestResults", "Wrist ECG test result data"),
    ("spo2", "spo2", "getSpo2TestResults", "SpO2 test result data"),
)


def _route(path: str, family: str, operation: str, summary: str) -> None:
    async def biosensing_data(request: Request, token: UserToken, db: Db, clock: Now) -> Response:
        require_consents(request)
        first, last = optional_span(request, today_of(clock))
        docs = await documents(db, token.account_id, family, first, last, clock.now())
        return send(docs) if docs else empty(204)

    router.add_api_route(
        f"/v3/users/biosensing/{path}",
        biosensing_data,
        methods=["GET"],
        operation_id=operation,
        summary=summary,
    )


for _path, _family, _operation, _summary in RESOURCES:
    _route(_path, _family, _operation, _summary)
