"""Webhooks (doc: Webhooks): one per partner, and the outbox rows that announce new data.

Registration rules live here; the network (PING, deliveries) is injected as a `Ping` callable
and lives in delivery/. `announce_*` are called by ingest/service.py inside the unit of work
that stores the data, so an outbox row exists exactly when its data does.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import insert, literal, select, text, true, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import DateTime, Integer, String

from openaccesslink.core.clock import to_db
from openaccesslink.core.errors import BadRequest, Conflict, NotFound, WebhookPingFailed
from openaccesslink.db.engine import Database
from openaccesslink.db.tables import registrations, webhook_deliveries, webhooks

EXERCISE = "EXERCISE"
SLEEP = "SLEEP"
CONTINUOUS_HEART_RATE = "CONTINUOUS_HEART_RATE"
SLEEP_WISE_CIRCADIAN_BEDTIME = "SLEEP_WISE_CIRCADIAN_BEDTIME"
SLEEP_WISE_ALERTNESS = "SLEEP_WISE_ALERTNESS"
ACTIVITY_SUMMARY = "ACTIVITY_SUMMARY"
EVENTS = (
    EXERCISE,
    SLEEP,
    CONTINUOUS_HEART_RATE,
    SLEEP_WISE_CIRCADIAN_BEDTIME,
    SLEEP_WISE_ALERTNESS,
    ACTIVITY_SUMMARY,
)
PING = "PING"

# outbox row states: pending (due at next_attempt_at), held (its webhook is deactivated),
# delivered, failed (given up after WEBHOOK_GIVE_UP_AFTER_SECONDS)
PENDING, HELD, DELIVERED, FAILED = "pending", "held", "delivered", "failed"
NOTIFY_CHANNEL = "openaccesslink_webhooks"
URL_MAX = 2000


class WebhookExists(Conflict):
    """409 with the doc's error body (the webhook schema says "error", not "None")."""

    empty_body = False


class WebhookNotFound(NotFound):
    pass


@dataclass(frozen=True)
class Webhook:
    pk: int
    id: str  # the wire's webhook id
    client_pk: int
    url: str
    events: list[str]
    secret: str
    active: bool
    created_at: datetime
    failing_since: datetime | None
    last_success_at: datetime | None
    deactivated_at: datetime | None
    deactivated_reason: str | None

    def info(self) -> dict[str, Any]:
        """The doc's webhookInfo object (never the secret)."""
        return {"id": self.id, "events": self.events, "url": self.url, "active": self.active}

    def created(self) -> dict[str, Any]:
        """The doc's createdWebhook object: the only answer that carries the secret."""
        return {"id": self.id, "events": self.events, "url": self.url, "signature_secret_key": self.secret}


@dataclass(frozen=True)
class PingResult:
    ok: bool
    status: int | None = None  # the HTTP status, None when there was no answer
    error: str | None = None  # why there was no answer
    refused: str | None = None  # set when the URL guard refused the address


Ping = Callable[[str, str], Awaitable[PingResult]]  # (url, secret) -> result


# ---- validation --------------------------------------------------------------------------


def parse_events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise BadRequest("events must be a non-empty list of event types: " + ", ".join(EVENTS))
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in EVENTS:
            raise BadRequest(f"unknown event type {item!r}; one of: {', '.join(EVENTS)}")
        if item not in out:
            out.append(item)
    return out


def parse_url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("url is required and must be an absolute http(s) URL")
    url = value.strip()
    parts = urlsplit(url)
    try:
        port = parts.port  # raises on a malformed port
    except ValueError as exc:
        raise BadRequest(f"invalid url {url!r}: {exc}") from exc
    del port
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment or len(url) > URL_MAX:
        raise BadRequest(f"invalid url {url!r}: an absolute http(s) URL without fragment is required")
    if any(c.isspace() for c in url):
        raise BadRequest(f"invalid url {url!r}: whitespace")
    return url


def _ping_failed(url: str, result: PingResult) -> BadRequest:
    if result.refused:
        return BadRequest(f"Webhook URL refused: {result.refused}")
    answer = f"Response code was [{result.status}]" if result.status is not None else result.error
    return WebhookPingFailed(f"Ping failed to URL {url}. {answer}")


# ---- repository --------------------------------------------------------------------------


def _events_column(events: list[str]) -> str:
    return "," + ",".join(events) + ","


def _row(row: RowMapping) -> Webhook:
    return Webhook(
        pk=row["id"],
        id=row["public_id"],
        client_pk=row["client_pk"],
        url=row["url"],
        events=[e for e in row["events"].split(",") if e],
        secret=row["secret"],
        active=bool(row["active"]),
        created_at=row["created_at"],
        failing_since=row["failing_since"],
        last_success_at=row["last_success_at"],
        deactivated_at=row["deactivated_at"],
        deactivated_reason=row["deactivated_reason"],
    )


async def for_partner(conn: AsyncConnection, client_pk: int) -> Webhook | None:
    row = (await conn.execute(select(webhooks).where(webhooks.c.client_pk == client_pk))).mappings().first()
    return _row(row) if row else None


async def _new_public_id(conn: AsyncConnection) -> str:
    while True:
        candidate = secrets.token_hex(3)  # "abdf33"
        taken = await conn.scalar(select(webhooks.c.id).where(webhooks.c.public_id == candidate))
        if taken is None:
            return candidate


# ---- service: what the /v3/webhooks routes do ----------------------------------------------


async def create(db: Database, client_pk: int, body: Any, now: datetime, ping: Ping) -> Webhook:
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object with events and url")
    events, url = parse_events(body.get("events")), parse_url(body.get("url"))
    async with db.read() as conn:
        if await for_partner(conn, client_pk) is not None:
            raise WebhookExists("Webhook already exists")
    secret = str(uuid.uuid4())
    result = await ping(url, secret)
    if not result.ok:
        raise _ping_failed(url, result)
    try:
        async with db.write() as conn:
            await conn.execute(
                insert(webhooks).values(
                    public_id=await _new_public_id(conn),
                    client_pk=client_pk,
                    url=url,
                    events=_events_column(events),
                    secret=secret,
                    active=True,
                    created_at=to_db(now),
                )
            )
            created = await for_partner(conn, client_pk)
    except IntegrityError as exc:  # a concurrent create won
        raise WebhookExists("Webhook already exists") from exc
    assert created is not None
    return created


async def get(db: Database, client_pk: int) -> Webhook | None:
    async with db.read() as conn:
        return await for_partner(conn, client_pk)


async def _own(db: Database, client_pk: int, public_id: str) -> Webhook:
    found = await get(db, client_pk)
    if found is None or found.id != public_id:
        raise WebhookNotFound("Webhook not found")
    return found


async def patch(db: Database, client_pk: int, public_id: str, body: Any, ping: Ping) -> Webhook:
    current = await _own(db, client_pk, public_id)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object with events and/or url")
    values: dict[str, Any] = {}
    if body.get("events") is not None:
        values["events"] = _events_column(parse_events(body["events"]))
    if body.get("url") is not None:
        url = parse_url(body["url"])
        if url != current.url:
            result = await ping(url, current.secret)
            if not result.ok:
                raise _ping_failed(url, result)
            values["url"] = url
    async with db.write() as conn:
        if values:
            await conn.execute(update(webhooks).where(webhooks.c.id == current.pk).values(**values))
        updated = await for_partner(conn, client_pk)
    if updated is None or updated.id != public_id:  # deleted meanwhile
        raise WebhookNotFound("Webhook not found")
    return updated


async def delete(db: Database, client_pk: int, public_id: str) -> None:
    async with db.write() as conn:
        gone = await conn.execute(
            webhooks.delete().where(webhooks.c.client_pk == client_pk, webhooks.c.public_id == public_id)
        )
    if gone.rowcount == 0:
        raise WebhookNotFound("Webhook not found")


async def activate(db: Database, client_pk: int, now: datetime, ping: Ping) -> bool:
    """False when there is no webhook. Pending deliveries resume at once."""
    current = await get(db, client_pk)
    if current is None:
        return False
    result = await ping(current.url, current.secret)
    if not result.ok:
        raise _ping_failed(current.url, result)
    async with db.write() as conn:
        await conn.execute(
            update(webhooks)
            .where(webhooks.c.id == current.pk)
            .values(active=True, failing_since=None, deactivated_at=None, deactivated_reason=None)
        )
        await release(conn, current.pk, now)
    doorbell.ring()
    return True


async def deactivate(db: Database, client_pk: int, now: datetime, reason: str = "partner") -> bool:
    async with db.write() as conn:
        current = await for_partner(conn, client_pk)
        if current is None:
            return False
        if current.active:
            await conn.execute(
                update(webhooks)
                .where(webhooks.c.id == current.pk)
                .values(active=False, deactivated_at=to_db(now), deactivated_reason=reason)
            )
            await hold(conn, current.pk)
    return True


async def hold(conn: AsyncConnection, webhook_pk: int) -> None:
    """A deactivated webhook's pending deliveries wait (dispatchers look at pending rows only)."""
    await conn.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.webhook_id == webhook_pk, webhook_deliveries.c.status == PENDING)
        .values(status=HELD)
    )


async def release(conn: AsyncConnection, webhook_pk: int, now: datetime) -> None:
    """Activation: what waited goes out now."""
    await conn.execute(
        update(webhook_deliveries)
        .where(
            webhook_deliveries.c.webhook_id == webhook_pk,
            webhook_deliveries.c.status.in_((PENDING, HELD)),
        )
        .values(status=PENDING, next_attempt_at=to_db(now))
    )


# ---- announcing new data (called inside the ingest unit of work) ----------------------------

_RECORD_EVENTS = {
    "sleep": SLEEP,
    "continuous_heart_rate": CONTINUOUS_HEART_RATE,
    "sleepwise_bedtime": SLEEP_WISE_CIRCADIAN_BEDTIME,
    "sleepwise_alertness": SLEEP_WISE_ALERTNESS,
    "activity": ACTIVITY_SUMMARY,
}
_DATE_PATHS = {
    SLEEP: "/v3/users/sleep/{}",
    CONTINUOUS_HEART_RATE: "/v3/users/continuous-heart-rate/{}",
    ACTIVITY_SUMMARY: "/v3/users/activities/{}",
}
_PERIOD_PATHS = {
    SLEEP_WISE_CIRCADIAN_BEDTIME: "/v3/users/sleepwise/circadian-bedtime/date?from={}&to={}",
    SLEEP_WISE_ALERTNESS: "/v3/users/sleepwise/alertness/date?from={}&to={}",
}


def _period_day(document: dict[str, Any], name: str, fallback: date) -> str:
    value = document.get(name)
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
    return fallback.isoformat()


async def announce_exercise(conn: AsyncConnection, *, account_id: int, hashed_id: str, now: datetime) -> None:
    await _announce(conn, account_id, EXERCISE, {"entity_id": hashed_id}, f"/v3/exercises/{hashed_id}", now)


async def announce_record(
    conn: AsyncConnection, account_id: int, family: str, day: date, document: dict[str, Any], now: datetime
) -> None:
    event = _RECORD_EVENTS.get(family)
    if event is None:
        return
    if event in _PERIOD_PATHS:
        first = _period_day(document, "period_start_time", day)
        last = _period_day(document, "period_end_time", day)
        await _announce(
            conn,
            account_id,
            event,
            {"from": first, "to": last},
            _PERIOD_PATHS[event].format(first, last),
            now,
        )
        return
    await _announce(
        conn, account_id, event, {"date": day.isoformat()}, _DATE_PATHS[event].format(day.isoformat()), now
    )


async def _announce(
    conn: AsyncConnection, account_id: int, event: str, fields: dict[str, str], path: str, now: datetime
) -> None:
    """One outbox row per active webhook subscribed to `event` whose partner has this user."""
    when = to_db(now)
    d = webhook_deliveries
    source = (
        select(
            webhooks.c.id,
            literal(event, String),
            registrations.c.account_id,
            literal(orjson.dumps(fields).decode(), String),
            literal(path, String),
            literal(when, DateTime),
            literal(PENDING, String),
            literal(0, Integer),
            literal(when, DateTime),
        )
        .select_from(webhooks.join(registrations, registrations.c.client_pk == webhooks.c.client_pk))
        .where(
            registrations.c.account_id == account_id,
            webhooks.c.active.is_(true()),
            webhooks.c.events.like(f"%,{event},%"),
        )
    )
    columns = ["webhook_id", "event", "account_id", "fields", "path", "created_at", "status", "attempts"]
    stmt = insert(d).from_select([*columns, "next_attempt_at"], source).returning(d.c.id)
    if (await conn.execute(stmt)).first() is None:
        return
    if conn.dialect.name == "postgresql":
        # delivered to LISTENers when (and only if) this unit of work commits
        await conn.execute(text(f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')"))
    else:
        # SQLite: a dispatcher woken now claims with BEGIN IMMEDIATE, which waits for our commit
        doorbell.ring()


# ---- waking dispatchers in this process -----------------------------------------------------


class Doorbell:
    """Wakes every dispatcher of this process (each on its own event loop, thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, tuple[asyncio.AbstractEventLoop, Callable[[], None]]] = {}
        self._next = 0

    def subscribe(self, callback: Callable[[], None]) -> int:
        loop = asyncio.get_running_loop()
        with self._lock:
            self._next += 1
            self._subscribers[self._next] = (loop, callback)
            return self._next

    def unsubscribe(self, key: int) -> None:
        with self._lock:
            self._subscribers.pop(key, None)

    def ring(self) -> None:
        with self._lock:
            subscribers = list(self._subscribers.values())
        for loop, callback in subscribers:
            # RuntimeError: the loop closed meanwhile
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(callback)


doorbell = Doorbell()
