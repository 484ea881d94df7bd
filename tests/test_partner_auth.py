"""Client-credentials (HTTP Basic) authentication of partner-level endpoints."""

from __future__ import annotations

import base64

import httpx

from openaccesslink.api.errors import shaped_error
from openaccesslink.core.clock import FakeClock
from openaccesslink.core.settings import ErrorShape, Settings
from tests.conftest import Live
from tests.flows import create_partner, link


def test_basic_auth_on_partner_endpoints(live: Live) -> None:
    partner = create_partner(live.base_url)
    url = f"{live.base_url}/v3/notifications"
    ok = httpx.get(url, auth=partner.auth, headers={"Content-Type": "application/json"})
    assert ok.status_code == 204 and ok.content == b""
    assert ok.headers["RateLimit-Limit"] == "500,5000"
    assert httpx.get(url + "/", auth=partner.auth).status_code == 204
    for headers in (
        {},
        {"Authorization": "Basic " + base64.b64encode(f"{partner.client_id}:wrong".encode()).decode()},
        {"Authorization": "Basic !!!notbase64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    ):
        r = httpx.get(url, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["status"] == 401
        assert "RateLimit-Limit" not in r.headers


def test_user_token_does_not_open_partner_endpoints(live: Live) -> None:
    linked = link(live.base_url)
    assert httpx.get(f"{live.base_url}/v3/notifications", headers=linked.bearer).status_code == 401
    # and client credentials do not open user endpoints
    r = httpx.get(f"{live.base_url}/v3/users/{linked.person.user_id}", auth=linked.partner.auth)
    assert r.status_code == 401


def test_documented_error_shape_behind_a_setting() -> None:
    clock = FakeClock()
    live_shape = shaped_error(Settings(), clock, "c-1", 404, "NotFoundException", "nope")
    assert live_shape == {
        "error": {
            "timestamp": "2026-11-01T12:00:00.000Z",
            "status": 404,
            "error_type": "NotFoundException",
            "message": "nope",
            "corr_id": "c-1",
        }
    }
    documented = shaped_error(
        Settings(error_shape=ErrorShape.DOCUMENTED), clock, "c-1", 404, "NotFoundException", "nope"
    )
    assert documented == {
        "timestamp": "2026-11-01T12:00:00.000Z",
        "status": 404,
        "errorType": "NotFoundException",
        "message": "nope",
        "corrId": "c-1",
    }
