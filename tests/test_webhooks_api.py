"""Webhook registration (doc: Webhooks) over HTTP against a real receiver on loopback."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Live, start_live
from tests.flows import Partner, create_partner
from tests.webhook_receiver import ALL_EVENTS, Receiver, create_webhook, delete_webhook


@pytest.fixture
def partner(live: Live) -> Iterator[Partner]:
    p = create_partner(live.base_url)
    yield p
    delete_webhook(live.base_url, p.auth)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def _error_type(r: httpx.Response) -> str:
    return str(r.json()["error"]["error_type"])


def test_create_pings_signed_and_returns_the_secret_once(
    live: Live, partner: Partner, receiver: Receiver
) -> None:
    r = httpx.post(
        f"{live.base_url}/v3/webhooks",
        json={"events": ["EXERCISE", "SLEEP"], "url": receiver.url},
        auth=partner.auth,
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/json"
    data = r.json()["data"]
    assert set(data) == {"id", "events", "url", "signature_secret_key"}
    assert re.fullmatch(r"[0-9a-f]{6}", data["id"])
    assert data["events"] == ["EXERCISE", "SLEEP"] and data["url"] == receiver.url
    assert str(uuid.UUID(data["signature_secret_key"])) == data["signature_secret_key"]

    (ping,) = receiver.events("PING")
    assert ping.path == "/acl_webhook"
    assert ping.headers["content-type"] == "application/json"
    assert ping.json["event"] == "PING" and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ping.json["timestamp"]
    )
    assert list(ping.json) == ["timestamp", "event"]
    assert re.fullmatch(r"[0-9a-f]{64}", ping.signature)
    assert ping.verified(data["signature_secret_key"])  # signed with the secret the response carries

    got = httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth)
    assert got.status_code == 200
    assert got.json() == {
        "data": {"id": data["id"], "events": ["EXERCISE", "SLEEP"], "url": receiver.url, "active": True}
    }
    assert data["signature_secret_key"] not in got.text


def test_one_webhook_per_partner(live: Live, partner: Partner, receiver: Receiver) -> None:
    create_webhook(live.base_url, partner.auth, receiver.url)
    again = httpx.post(
        f"{live.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": receiver.url}, auth=partner.auth
    )
    assert again.status_code == 409
    assert _error_type(again) == "ConflictException"
    assert len(receiver.events("PING")) == 1  # refused before pinging
    other = create_partner(live.base_url)
    try:
        create_webhook(live.base_url, other.auth, receiver.url)  # another partner may
    finally:
        delete_webhook(live.base_url, other.auth)


@pytest.mark.parametrize("status", [500, 204, 301, 404])
def test_anything_but_200_to_the_ping_refuses_the_webhook(live: Live, partner: Partner, status: int) -> None:
    with Receiver(lambda _r: status) as failing:
        r = httpx.post(
            f"{live.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": failing.url}, auth=partner.auth
        )
        assert r.status_code == 400, r.text
        assert _error_type(r) == "WebhookPingFailedException"
        assert f"Response code was [{status}]" in r.json()["error"]["message"]
        assert len(failing.events("PING")) == 1
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json() == {"data": {}}


def test_an_unreachable_url_fails_the_ping(live: Live, partner: Partner) -> None:
    with Receiver() as gone:
        url = gone.url
    r = httpx.post(f"{live.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": url}, auth=partner.auth)
    assert r.status_code == 400 and _error_type(r) == "WebhookPingFailedException"


@pytest.mark.parametrize(
    "body",
    [
        {"events": ["EXERCISE", "STEPS"], "url": "http://127.0.0.1:9/x"},
        {"events": [], "url": "http://127.0.0.1:9/x"},
        {"events": "EXERCISE", "url": "http://127.0.0.1:9/x"},
        {"url": "http://127.0.0.1:9/x"},
        {"events": ["EXERCISE"]},
        {"events": ["EXERCISE"], "url": "ftp://example.com/hook"},
        {"events": ["EXERCISE"], "url": "/relative/hook"},
        {"events": ["EXERCISE"], "url": "http:///nohost"},
        {"events": ["EXERCISE"], "url": "http://exa mple.com/"},
        {"events": ["EXERCISE"], "url": "http://example.com:99999/"},
        ["EXERCISE"],
    ],
)
def test_unknown_event_types_and_invalid_urls_are_400(live: Live, partner: Partner, body: object) -> None:
    r = httpx.post(f"{live.base_url}/v3/webhooks", json=body, auth=partner.auth)
    assert r.status_code == 400, r.text
    assert _error_type(r) == "BadRequestException"


def test_malformed_json_is_400(live: Live, partner: Partner) -> None:
    r = httpx.post(
        f"{live.base_url}/v3/webhooks",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
        auth=partner.auth,
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.10.10/hook",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0:8000/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_private_link_local_and_metadata_addresses_are_refused(
    live: Live, partner: Partner, url: str
) -> None:
    r = httpx.post(f"{live.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": url}, auth=partner.auth)
    assert r.status_code == 400, r.text
    assert "refused" in r.json()["error"]["message"]


def test_loopback_names_are_allowed_in_the_sandbox(live: Live, partner: Partner, receiver: Receiver) -> None:
    hook = create_webhook(live.base_url, partner.auth, f"http://localhost:{receiver.port}/hook")
    assert hook["url"].startswith("http://localhost:")
    assert len(receiver.events("PING")) == 1


def test_partner_credentials_are_required(live: Live, partner: Partner) -> None:
    assert httpx.get(f"{live.base_url}/v3/webhooks").status_code == 401
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=(partner.client_id, "wrong")).status_code == 401
    r = httpx.post(f"{live.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": "http://127.0.0.1:9/"})
    assert r.status_code == 401


def test_patch_events_and_url_with_a_ping_to_the_new_url(
    live: Live, partner: Partner, receiver: Receiver
) -> None:
    hook = create_webhook(live.base_url, partner.auth, receiver.url, ["EXERCISE"])
    base = f"{live.base_url}/v3/webhooks/{hook['id']}"

    r = httpx.patch(base, json={"events": ["SLEEP", "ACTIVITY_SUMMARY"]}, auth=partner.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "data": {
            "id": hook["id"],
            "events": ["SLEEP", "ACTIVITY_SUMMARY"],
            "url": receiver.url,
            "active": True,
        }
    }
    assert len(receiver.events("PING")) == 1  # events only: no ping

    with Receiver(lambda _r: 503) as failing:
        r = httpx.patch(base, json={"url": failing.url, "events": ["EXERCISE"]}, auth=partner.auth)
        assert r.status_code == 400 and _error_type(r) == "WebhookPingFailedException"
        assert len(failing.events("PING")) == 1
    unchanged = httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json()["data"]
    assert unchanged["url"] == receiver.url and unchanged["events"] == ["SLEEP", "ACTIVITY_SUMMARY"]

    with Receiver() as moved:
        r = httpx.patch(base, json={"url": moved.url}, auth=partner.auth)
        assert r.status_code == 200 and r.json()["data"]["url"] == moved.url
        (ping,) = moved.events("PING")
        assert ping.verified(hook["signature_secret_key"])  # same secret after a URL change
    same = httpx.patch(base, json={"url": moved.url}, auth=partner.auth)
    assert same.status_code == 200  # the URL did not change: no ping needed (the receiver is gone)

    assert httpx.patch(base, json={"events": ["NOPE"]}, auth=partner.auth).status_code == 400
    assert httpx.patch(base, json={"url": "gopher://x"}, auth=partner.auth).status_code == 400


def test_patch_and_delete_of_an_unknown_or_foreign_webhook_is_404(
    live: Live, partner: Partner, receiver: Receiver
) -> None:
    hook = create_webhook(live.base_url, partner.auth, receiver.url)
    other = create_partner(live.base_url)
    for auth, webhook_id in ((partner.auth, "ffffff"), (other.auth, hook["id"])):
        r = httpx.patch(f"{live.base_url}/v3/webhooks/{webhook_id}", json={"events": ["SLEEP"]}, auth=auth)
        assert r.status_code == 404 and _error_type(r) == "NotFoundException"
        assert httpx.delete(f"{live.base_url}/v3/webhooks/{webhook_id}", auth=auth).status_code == 404
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json()["data"]["id"] == hook["id"]


def test_delete_then_create_again(live: Live, partner: Partner, receiver: Receiver) -> None:
    hook = create_webhook(live.base_url, partner.auth, receiver.url)
    r = httpx.delete(f"{live.base_url}/v3/webhooks/{hook['id']}", auth=partner.auth)
    assert r.status_code == 204 and r.content == b""
    assert httpx.delete(f"{live.base_url}/v3/webhooks/{hook['id']}", auth=partner.auth).status_code == 404
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json() == {"data": {}}
    again = create_webhook(live.base_url, partner.auth, receiver.url)
    assert again["signature_secret_key"] != hook["signature_secret_key"]


def test_activate_and_deactivate(live: Live, partner: Partner, receiver: Receiver) -> None:
    for action in ("activate", "deactivate"):
        r = httpx.post(f"{live.base_url}/v3/webhooks/{action}", auth=partner.auth)
        assert r.status_code == 204 and r.content == b""  # no webhook yet
    create_webhook(live.base_url, partner.auth, receiver.url)
    r = httpx.post(f"{live.base_url}/v3/webhooks/deactivate", auth=partner.auth)
    assert r.status_code == 200 and r.content == b""
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json()["data"]["active"] is False
    assert httpx.post(f"{live.base_url}/v3/webhooks/deactivate", auth=partner.auth).status_code == 200

    receiver.respond = lambda _r: 500
    r = httpx.post(f"{live.base_url}/v3/webhooks/activate", auth=partner.auth)
    assert r.status_code == 400 and _error_type(r) == "WebhookPingFailedException"
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json()["data"]["active"] is False

    receiver.respond = lambda _r: 200
    r = httpx.post(f"{live.base_url}/v3/webhooks/activate", auth=partner.auth)
    assert r.status_code == 200 and r.content == b""
    assert httpx.get(f"{live.base_url}/v3/webhooks", auth=partner.auth).json()["data"]["active"] is True
    assert len(receiver.events("PING")) == 3  # create, failed activate, activate


def test_trailing_slash_and_wrapped_request_body(live: Live, partner: Partner, receiver: Receiver) -> None:
    r = httpx.post(
        f"{live.base_url}/v3/webhooks/",
        json={"data": {"events": ALL_EVENTS, "url": receiver.url}},
        auth=partner.auth,
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["events"] == ALL_EVENTS
    assert httpx.get(f"{live.base_url}/v3/webhooks/", auth=partner.auth).status_code == 200


def test_the_list_shape_behind_a_setting(tmp_path_factory: pytest.TempPathFactory) -> None:
    lv, server = start_live("sqlite", tmp_path_factory.mktemp("listshape"), webhook_get_returns_list=True)
    with server, Receiver() as receiver:
        partner = create_partner(lv.base_url)
        assert httpx.get(f"{lv.base_url}/v3/webhooks", auth=partner.auth).json() == {"data": []}
        hook = create_webhook(lv.base_url, partner.auth, receiver.url, ["SLEEP"])
        got = httpx.get(f"{lv.base_url}/v3/webhooks", auth=partner.auth).json()
        assert got == {"data": [{"id": hook["id"], "events": ["SLEEP"], "url": receiver.url, "active": True}]}
        r = httpx.patch(
            f"{lv.base_url}/v3/webhooks/{hook['id']}", json={"events": ["EXERCISE"]}, auth=partner.auth
        )
        assert r.json()["data"][0]["events"] == ["EXERCISE"]


def test_guard_settings_can_refuse_loopback(tmp_path_factory: pytest.TempPathFactory) -> None:
    lv, server = start_live("sqlite", tmp_path_factory.mktemp("noloop"), webhook_allow_loopback=False)
    with server, Receiver() as receiver:
        partner = create_partner(lv.base_url)
        for url in (receiver.url, f"http://localhost:{receiver.port}/x", f"http://[::1]:{receiver.port}/x"):
            r = httpx.post(
                f"{lv.base_url}/v3/webhooks", json={"events": ["SLEEP"], "url": url}, auth=partner.auth
            )
            assert r.status_code == 400 and "loopback" in r.json()["error"]["message"], r.text
        assert receiver.events() == []
