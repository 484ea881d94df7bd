"""Webhook deliveries: events from ingestion, signatures, retries, deactivation, the outbox.

A real receiver on loopback gets every POST; the live server's dispatcher runs in-process and
the tests move its FakeClock to drive retries and the 7-day deactivation.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from openaccesslink.api.app import create_app
from openaccesslink.core.settings import Settings
from openaccesslink.db.engine import Database
from openaccesslink.db.tables import daily_records, webhook_deliveries
from openaccesslink.delivery.dispatcher import Dispatcher
from openaccesslink.delivery.runtime import new_sender
from openaccesslink.ingest import service
from openaccesslink.ingest.batch import Item, ingest_items
from tests.conftest import Live, start_live
from tests.flows import Linked, create_partner, link, signup
from tests.payloads import exercise_json, records
from tests.test_ingest import device_token
from tests.webhook_receiver import ALL_EVENTS, Receiver, create_webhook, delete_webhook

DEFAULT_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]


@dataclass
class Hooked:
    live: Live
    linked: Linked
    hook: dict[str, str]
    receiver: Receiver
    device: dict[str, str]

    @property
    def secret(self) -> str:
        return self.hook["signature_secret_key"]

    @property
    def user_id(self) -> int:
        return self.linked.person.user_id

    def ingest(self, path: str, doc: dict[str, object]) -> dict[str, object]:
        r = httpx.post(f"{self.live.base_url}/ingest/v1/{path}", json=doc, headers=self.device)
        assert r.status_code in (200, 201), r.text
        body: dict[str, object] = r.json()
        return body

    def webhook_info(self) -> dict[str, object]:
        got: dict[str, object] = httpx.get(
            f"{self.live.base_url}/v3/webhooks", auth=self.linked.partner.auth
        ).json()["data"]
        return got

    def log_page(self) -> str:
        page = self.linked.partner.owner.http.get(f"/admin/clients/{self.linked.partner.client_id}/webhook")
        assert page.status_code == 200
        return page.text


def _hooked(live: Live, receiver: Receiver, events: list[str] | None = None) -> Hooked:
    linked = link(live.base_url)
    hook = create_webhook(live.base_url, linked.partner.auth, receiver.url, events)
    return Hooked(live, linked, hook, receiver, device_token(linked.person))


@pytest.fixture
def hooked(live: Live) -> Iterator[Hooked]:
    with Receiver() as receiver:
        h = _hooked(live, receiver)
        yield h
        delete_webhook(live.base_url, h.linked.partner.auth)


def _yesterday(live: Live) -> str:
    return (live.clock.now() - timedelta(days=1)).date().isoformat()


def _quiet(receiver: Receiver, seconds: float = 0.6) -> int:
    """How many deliveries arrive within `seconds` (expected: none)."""
    before = len(receiver.deliveries())
    time.sleep(seconds)
    return len(receiver.deliveries()) - before


def test_every_event_type_is_delivered_signed_with_absolute_urls(live: Live, hooked: Hooked) -> None:
    day = _yesterday(live)
    docs = records(day)
    for path in (
        "sleep",
        "continuous-heart-rate",
        "sleepwise/alertness",
        "sleepwise/circadian-bedtime",
        "activities",
        "nightly-recharge",  # no webhook event for these two
        "biosensing/skin-temperature",
    ):
        hooked.ingest(path, docs[path])
    hashed = hooked.ingest("exercises", exercise_json(f"{day}T06:00:00Z"))["hashed_id"]

    got = {r.event: r for r in hooked.receiver.wait_count(6)}
    assert _quiet(hooked.receiver) == 0
    assert set(got) == set(ALL_EVENTS)
    base = live.base_url
    expected = {
        "EXERCISE": ({"entity_id": hashed}, f"{base}/v3/exercises/{hashed}"),
        "SLEEP": ({"date": day}, f"{base}/v3/users/sleep/{day}"),
        "CONTINUOUS_HEART_RATE": ({"date": day}, f"{base}/v3/users/continuous-heart-rate/{day}"),
        "ACTIVITY_SUMMARY": ({"date": day}, f"{base}/v3/users/activities/{day}"),
        "SLEEP_WISE_ALERTNESS": (
            {"from": day, "to": day},
            f"{base}/v3/users/sleepwise/alertness/date?from={day}&to={day}",
        ),
        "SLEEP_WISE_CIRCADIAN_BEDTIME": (
            {"from": day, "to": day},
            f"{base}/v3/users/sleepwise/circadian-bedtime/date?from={day}&to={day}",
        ),
    }
    for event, (fields, url) in expected.items():
        r = got[event]
        assert r.path == "/acl_webhook"
        assert r.headers["content-type"] == "application/json"
        assert r.headers["polar-webhook-event"] == event
        assert re.fullmatch(r"[0-9a-f]{64}", r.signature) and r.verified(hooked.secret), event
        body = r.json
        assert list(body) == ["event", "user_id", *fields, "timestamp", "url"], body
        assert body == {
            "event": event,
            "user_id": hooked.user_id,
            **fields,
            "timestamp": body["timestamp"],
            "url": url,
        }
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])

    # the URLs answer with the user's token (each route this build serves; today all six)
    paths = create_app(live.settings).openapi()["paths"]
    checked = 0
    for event, (_fields, url) in expected.items():
        path = url[len(base) :].split("?")[0]
        if not any(
            "get" in ops and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path)
            for template, ops in paths.items()
        ):
            continue
        answer = httpx.get(url, headers=hooked.linked.bearer)
        assert answer.status_code == 200, (event, url, answer.status_code, answer.text[:200])
        checked += 1
    assert checked >= 1


def test_only_subscribed_events_of_registered_users_reach_a_partner(live: Live) -> None:
    with Receiver() as mine, Receiver() as theirs:
        h = _hooked(live, mine, ["SLEEP"])
        other = create_partner(live.base_url)
        create_webhook(live.base_url, other.auth, theirs.url)  # no users registered there
        unregistered = link(live.base_url, partner=h.linked.partner, register=False)
        try:
            day = _yesterday(live)
            h.ingest("exercises", exercise_json(f"{day}T07:00:00Z"))
            h.ingest("activities", records(day)["activities"])
            h.ingest("sleep", records(day)["sleep"])
            (sleep,) = mine.wait_count(1)
            assert sleep.event == "SLEEP" and sleep.json["user_id"] == h.user_id

            auth = device_token(unregistered.person)
            r = httpx.post(f"{live.base_url}/ingest/v1/sleep", json=records(day)["sleep"], headers=auth)
            assert r.status_code == 201
            # a re-sync of the same night is new data too
            h.ingest("sleep", {**records(day)["sleep"], "sleep_score": 91})
            assert len(mine.wait_count(2)) == 2
            assert _quiet(mine) == 0 and theirs.deliveries() == []

            # de-registered users are no longer announced
            r = httpx.delete(f"{live.base_url}/v3/users/{h.user_id}", headers=h.linked.bearer)
            assert r.status_code == 204
            h.ingest("sleep", {**records(day)["sleep"], "sleep_score": 92})
            assert _quiet(mine) == 0
        finally:
            delete_webhook(live.base_url, h.linked.partner.auth)
            delete_webhook(live.base_url, other.auth)


def test_a_deactivated_webhook_announces_nothing(live: Live, hooked: Hooked) -> None:
    r = httpx.post(f"{live.base_url}/v3/webhooks/deactivate", auth=hooked.linked.partner.auth)
    assert r.status_code == 200
    hooked.ingest("sleep", records(_yesterday(live))["sleep"])
    assert _quiet(hooked.receiver) == 0
    assert (
        httpx.post(f"{live.base_url}/v3/webhooks/activate", auth=hooked.linked.partner.auth).status_code
        == 200
    )
    assert _quiet(hooked.receiver) == 0  # nothing was queued while deactivated
    hooked.ingest("sleep", {**records(_yesterday(live))["sleep"], "sleep_score": 50})
    hooked.receiver.wait_count(1)


def test_a_failed_delivery_is_retried_after_the_backoff_with_the_same_signed_body(
    live: Live, hooked: Hooked
) -> None:
    answers = iter([500, 200])
    hooked.receiver.respond = lambda r: 200 if r.event == "PING" else next(answers)
    hooked.ingest("sleep", records(_yesterday(live))["sleep"])
    (first,) = hooked.receiver.wait_count(1)
    assert _quiet(hooked.receiver, 0.8) == 0  # not before the FakeClock says so
    live.clock.advance(seconds=4)
    assert _quiet(hooked.receiver, 0.5) == 0
    live.clock.advance(seconds=1)
    first_again, second = hooked.receiver.wait_count(2)
    assert first_again == first
    assert second.body == first.body and second.signature == first.signature
    live.clock.advance(hours=2)
    assert _quiet(hooked.receiver) == 0  # delivered: done

    page = hooked.log_page()
    row = re.search(r'<tr class="delivery".*?</tr>', page, re.S)
    assert row, page
    assert "SLEEP" in row.group(0) and "delivered" in row.group(0)
    assert re.search(r'class="attempts">2<', row.group(0))
    assert re.search(r'class="codes">500, 200', row.group(0))
    assert re.search(r'class="latency">[\d.]+ ms<', row.group(0))


def test_the_backoff_grows_exponentially(live: Live, hooked: Hooked) -> None:
    hooked.receiver.respond = lambda r: 200 if r.event == "PING" else 503
    hooked.ingest("sleep", records(_yesterday(live))["sleep"])
    hooked.receiver.wait_count(1)
    for n, delay in enumerate(DEFAULT_SCHEDULE[:4], start=2):
        live.clock.advance(seconds=delay - 1)
        assert _quiet(hooked.receiver, 0.4) == 0, f"attempt {n} came early"
        live.clock.advance(seconds=1)
        hooked.receiver.wait_count(n)


def test_seven_days_without_success_deactivate_and_activate_resumes(live: Live, hooked: Hooked) -> None:
    failing = True
    hooked.receiver.respond = lambda r: 500 if failing and r.event != "PING" else 200
    day = _yesterday(live)
    hooked.ingest("sleep", records(day)["sleep"])
    hooked.receiver.wait_count(1)
    elapsed = 0.0
    steps = [*DEFAULT_SCHEDULE, 86400, 86400, 86400, 86400]
    for n, delay in enumerate(steps, start=2):
        live.clock.advance(seconds=delay)
        elapsed += delay
        hooked.receiver.wait_count(n)
        if elapsed < 7 * 86400:
            assert hooked.receiver.wait(lambda _r: hooked.webhook_info()["active"] is True, 2)
    assert elapsed >= 7 * 86400
    assert hooked.receiver.wait(lambda _r: hooked.webhook_info()["active"] is False, 5)
    attempts = len(hooked.receiver.deliveries())
    assert "after 7 days without a successful delivery" in hooked.log_page()

    live.clock.advance(days=2)
    hooked.ingest("sleep", records(date.fromisoformat(day).replace(day=1).isoformat())["sleep"])
    assert _quiet(hooked.receiver) == 0  # deactivated: no attempts, nothing new announced

    failing = False
    r = httpx.post(f"{live.base_url}/v3/webhooks/activate", auth=hooked.linked.partner.auth)
    assert r.status_code == 200
    resumed = hooked.receiver.wait_count(attempts + 1)[-1]
    assert resumed.json["date"] == day and resumed.verified(hooked.secret)
    assert hooked.webhook_info()["active"] is True
    assert _quiet(hooked.receiver) == 0


def test_resend_from_the_portal(live: Live, hooked: Hooked) -> None:
    hooked.ingest("sleep", records(_yesterday(live))["sleep"])
    (first,) = hooked.receiver.wait_count(1)
    page = hooked.log_page()
    assert hooked.hook["id"] in page and "active" in page and hooked.secret not in page
    action = re.search(r'action="(/admin/clients/[^"]+/webhook/deliveries/\d+/resend)"', page)
    assert action
    owner = hooked.linked.partner.owner
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    r = owner.http.post(action.group(1), data={"csrf": token.group(1)})
    assert r.status_code == 303
    again = hooked.receiver.wait_count(2)[-1]
    assert again.body == first.body
    assert hooked.receiver.wait(
        lambda _r: re.search(r'class="attempts">2<', hooked.log_page()) is not None, 5
    )

    client_page = owner.http.get(f"/admin/clients/{hooked.linked.partner.client_id}")
    assert 'id="webhook-link"' in client_page.text
    stranger = signup(live.base_url)
    assert stranger.http.get(f"/admin/clients/{hooked.linked.partner.client_id}/webhook").status_code == 404
    anonymous = httpx.get(f"{live.base_url}/admin/clients/{hooked.linked.partner.client_id}/webhook")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    stale = owner.http.post(action.group(1), data={"csrf": "stale"})
    assert stale.status_code == 303 and "resent" not in stale.headers["location"]


async def _outbox_rows(db: Database, account_id: int) -> int:
    async with db.read() as conn:
        n = await conn.scalar(
            select(func.count())
            .select_from(webhook_deliveries)
            .where(webhook_deliveries.c.account_id == account_id)
        )
    return int(n or 0)


class Boom(Exception):
    pass


async def test_the_outbox_row_commits_and_rolls_back_with_the_data(live: Live, hooked: Hooked) -> None:
    db = Database(live.database_url)
    try:
        record = service.check_record("sleep", records("2026-06-01")["sleep"])
        with pytest.raises(Boom):
            async with db.write() as conn:
                await service.store_record(conn, hooked.user_id, record, live.clock.now())
                n = await conn.scalar(
                    select(func.count())
                    .select_from(webhook_deliveries)
                    .where(webhook_deliveries.c.account_id == hooked.user_id)
                )
                assert n == 1  # written in the same unit of work
                raise Boom
        assert await _outbox_rows(db, hooked.user_id) == 0
        async with db.read() as conn:
            stored = await conn.scalar(
                select(func.count())
                .select_from(daily_records)
                .where(daily_records.c.account_id == hooked.user_id)
            )
        assert stored == 0
        await asyncio.sleep(0.5)
        assert hooked.receiver.deliveries() == []

        async with db.write() as conn:
            await service.store_record(conn, hooked.user_id, record, live.clock.now())
        await asyncio.to_thread(hooked.receiver.wait_count, 1)
        assert await _outbox_rows(db, hooked.user_id) == 1
    finally:
        await db.dispose()


async def test_several_dispatchers_send_each_delivery_once(live: Live, hooked: Hooked) -> None:
    """Three more dispatchers (own engines, own senders) race the server's own for 300 deliveries."""
    n = 300
    settings = Settings(
        database_url=live.database_url, public_base_url=live.base_url, webhook_max_in_flight=16
    )
    extra = []
    for _ in range(3):
        db = Database(live.database_url)
        sender = new_sender(settings)
        dispatcher = Dispatcher(db, settings, live.clock, sender)
        extra.append((db, sender, dispatcher, asyncio.create_task(dispatcher.run())))
    try:
        first = date(2024, 1, 1)
        items = [
            Item("activity", live.clock.now(), records((first + timedelta(days=i)).isoformat())["activities"])
            for i in range(n)
        ]
        db0 = extra[0][0]
        for start in range(0, n, 25):
            await ingest_items(db0, hooked.user_id, items[start : start + 25], chunk=25)
        got = await asyncio.to_thread(hooked.receiver.wait_count, n, None, 30.0)
        await asyncio.sleep(0.5)
        got = hooked.receiver.deliveries()
        dates = [r.json["date"] for r in got]
        assert len(set(dates)) == n
        assert len(got) == n, f"{len(got) - n} sent twice"
        assert all(r.verified(hooked.secret) for r in got)
        assert sum(d.sent for _db, _s, d, _t in extra) <= n
    finally:
        for _db, _sender, dispatcher, _task in extra:
            dispatcher.stop()
        for db, sender, _dispatcher, task in extra:
            await task
            await sender.close()
            await db.dispose()


def test_timeouts_and_the_any_2xx_setting(tmp_path_factory: pytest.TempPathFactory) -> None:
    lv, server = start_live(
        "sqlite",
        tmp_path_factory.mktemp("timeouts"),
        webhook_timeout_seconds=0.5,
        webhook_accept_any_2xx=True,
        webhook_poll_seconds=0.05,
    )
    with server, Receiver(lambda _r: 204) as receiver:
        h = _hooked(lv, receiver)  # a 204 answers the PING well enough here
        h.ingest("sleep", records("2026-10-20")["sleep"])
        receiver.wait_count(1)
        assert receiver.wait(lambda _r: "delivered" in h.log_page(), 5)

        receiver.delay = 1.5
        h.ingest("continuous-heart-rate", records("2026-10-20")["continuous-heart-rate"])
        receiver.wait_count(2)
        assert receiver.wait(lambda _r: "timeout" in h.log_page(), 5)
        receiver.delay = 0
        lv.clock.advance(seconds=5)
        receiver.wait_count(3)
        assert receiver.wait(lambda _r: h.log_page().count("status-delivered") == 2, 5)
