"""Webhook building blocks without a server: signer and its published vectors, retry policy,
URL guard, payload shape, the settings' defaults."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from openaccesslink.core.clock import FakeClock
from openaccesslink.core.settings import Settings
from openaccesslink.delivery import signer
from openaccesslink.delivery.guard import UrlGuard
from openaccesslink.delivery.outbox import Job
from openaccesslink.delivery.retry import RetryPolicy
from openaccesslink.delivery.runtime import ping_body

DOCS = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
SECRET = "abe1f3ae-fd33-11e8-8eb2-f2801f1b9fd1"
VECTORS = [
    (
        b'{"event":"EXERCISE","user_id":475,"entity_id":"aQlC83","timestamp":"2018-05-15T14:22:24Z",'
        b'"url":"https://www.polaraccesslink.com/v3/exercises/aQlC83"}',
        "443ec69698c1de6d326902d7d942be1e83f0395f685b8c040cee609660d006d6",
    ),
    (
        b'{"timestamp":"2019-01-11T08:25:10Z","event":"PING"}',
        "b8e771d65c5981edaaa47c323b82cb2f17902e9266770353072476f7403dfa22",
    ),
]


@pytest.mark.parametrize(("body", "signature"), VECTORS)
def test_the_published_test_vectors(body: bytes, signature: str) -> None:
    assert signer.sign(body, SECRET) == signature
    assert signer.verify(body, SECRET, signature)
    assert signer.verify(body, SECRET, signature.upper())
    assert not signer.verify(body + b" ", SECRET, signature)
    assert not signer.verify(body, SECRET + "x", signature)
    docs = DOCS.read_text()
    assert body.decode() in docs and signature in docs and SECRET in docs


def test_headers_carry_event_signature_and_json() -> None:
    body = signer.encode({"event": "SLEEP", "user_id": 1})
    headers = signer.headers("SLEEP", body, SECRET)
    assert headers["Content-Type"] == "application/json"
    assert headers["Polar-Webhook-Event"] == "SLEEP"
    assert re.fullmatch(r"[0-9a-f]{64}", headers["Polar-Webhook-Signature"])
    assert signer.verify(body, SECRET, headers["Polar-Webhook-Signature"])


def test_the_secret_is_keyed_as_utf8() -> None:
    expected = hmac.new("sécret".encode(), b"x", hashlib.sha256).hexdigest()
    assert signer.sign(b"x", "sécret") == expected


def test_the_default_retry_schedule_backs_off_over_days_then_daily() -> None:
    policy = RetryPolicy.from_settings(Settings())
    steps = [policy.delay(n).total_seconds() for n in range(1, 13)]
    assert steps == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400, 86400, 86400, 86400]
    assert all(b >= a for a, b in zip(steps, steps[1:], strict=False))
    assert policy.deactivate_after == timedelta(days=7)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert not policy.deactivates(t0, t0 + timedelta(days=7) - timedelta(seconds=1))
    assert policy.deactivates(t0, t0 + timedelta(days=7))
    assert policy.gives_up(t0, t0 + timedelta(days=8)) and not policy.gives_up(t0, t0 + timedelta(days=6))


def test_success_is_200_unless_any_2xx_is_allowed() -> None:
    strict = RetryPolicy.from_settings(Settings())
    lenient = RetryPolicy.from_settings(Settings(webhook_accept_any_2xx=True))
    assert strict.succeeded(200) and not strict.succeeded(201) and not strict.succeeded(204)
    assert lenient.succeeded(204) and lenient.succeeded(200) and not lenient.succeeded(301)
    assert not strict.succeeded(None) and not strict.succeeded(500)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.1", None),
        ("::1", None),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud-metadata"),
        ("fd00:ec2::254", "cloud-metadata"),
        ("100.100.100.200", "cloud-metadata"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_the_url_guard_by_default(address: str, reason: str | None) -> None:
    guard = UrlGuard.from_settings(Settings())
    assert guard.refusal(ipaddress.ip_address(address)) == reason
    permissive = UrlGuard(allow_loopback=True, allow_private=True)
    assert permissive.refusal(ipaddress.ip_address(address)) is None
    strict = UrlGuard(allow_loopback=False, allow_private=False)
    if ipaddress.ip_address(address).is_loopback:
        assert strict.refusal(ipaddress.ip_address(address)) == "loopback"


def test_ipv4_mapped_ipv6_and_metadata_names_are_seen_through() -> None:
    guard = UrlGuard()
    assert guard.host_refusal("::ffff:10.0.0.1") == "private address 10.0.0.1"
    assert guard.host_refusal("metadata.google.internal") == "cloud-metadata"
    assert guard.host_refusal("example.com") is None


async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    guard = UrlGuard(allow_loopback=False)
    reason = await guard.url_refusal("http://localhost:8080/hook")
    assert reason is not None and "loopback" in reason
    assert await UrlGuard().url_refusal("http://localhost:8080/hook") is None


def test_payload_shape_per_the_doc() -> None:
    job = Job(
        id=1,
        webhook_pk=1,
        event="EXERCISE",
        account_id=475,
        fields='{"entity_id":"aQlC83"}',
        path="/v3/exercises/aQlC83",
        created_at=datetime(2018, 5, 15, 14, 22, 24, 500000),
        attempts=0,
        url="http://127.0.0.1/x",
        secret=SECRET,
        token="t",
    )
    body = signer.encode(job.payload("https://www.polaraccesslink.com"))
    assert body == VECTORS[0][0]


def test_ping_body() -> None:
    clock = FakeClock(datetime(2019, 1, 11, 8, 25, 10, tzinfo=UTC))
    assert ping_body(clock) == VECTORS[1][0]
