"""The outbox repository: claiming due deliveries, recording attempts, the portal's log.

Claiming selects the due rows (on PostgreSQL with FOR UPDATE SKIP LOCKED, so concurrent
dispatchers never claim the same row; on SQLite under BEGIN IMMEDIATE, which serialises
writers) and sets a lease on them with UPDATE ... RETURNING in the same transaction. A result is
recorded only while the row still carries the claim's token: a lease that expired and was
claimed again by someone else is theirs (delivery is at least once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import from_db, to_db
from openaccesslink.db.tables import webhook_attempts, webhook_deliveries, webhooks
from openaccesslink.delivery.retry import RetryPolicy
from openaccesslink.delivery.sender import Outcome
from openaccesslink.domains.webhooks import DELIVERED, FAILED, HELD, PENDING, hold

d = webhook_deliveries
w = webhooks


@dataclass(frozen=True)
class Job:
    id: int
    webhook_pk: int
    event: str
    account_id: int
    fields: str
    path: str
    created_at: datetime  # naive UTC, as stored
    attempts: int
    url: str
    secret: str
    token: str

    def payload(self, base_url: str) -> dict[str, Any]:
        """The doc's webhookPayload* object: event, user_id, entity fields, timestamp, url."""
        return {
            "event": self.event,
            "user_id": self.account_id,
            **orjson.loads(self.fields),
            "timestamp": from_db(self.created_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": base_url + self.path,
        }


@dataclass(frozen=True)
class Result:
    job: Job
    attempted_at: datetime
    outcome: Outcome
    ok: bool


@dataclass
class Recorded:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    stale: int = 0  # lease lost or delivery deleted meanwhile
    deactivated: list[int] = field(default_factory=list)


def _due(now: datetime) -> Any:
    when = to_db(now)
    # the partial index ix_webhook_deliveries_due; a deactivated webhook's rows are HELD
    return select(d.c.id).where(
        d.c.status == PENDING,
        d.c.next_attempt_at <= when,
        or_(d.c.lease_until.is_(None), d.c.lease_until <= when),
    )


async def due_exists(conn: AsyncConnection, now: datetime) -> bool:
    return (await conn.execute(_due(now).limit(1))).first() is not None


async def claim(
    conn: AsyncConnection,
    now: datetime,
    limit: int,
    lease_until: datetime,
    token: str,
    in_flight: Collection[int] = (),
) -> list[Job]:
    """Lease up to `limit` due deliveries. `in_flight`: the caller's own unfinished ones, never
    claimed twice by one dispatcher even when a moved clock says their leases ran out."""
    due = _due(now).order_by(d.c.next_attempt_at, d.c.id).limit(limit)
    if in_flight:
        due = due.where(d.c.id.not_in(list(in_flight)))
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # two steps (lock the ids, then update them by primary key) keep both plans on the indexes
    ids = list((await conn.execute(due)).scalars())
    if not ids:
        return []
    claimed = (
        await conn.execute(
            update(d)
            .where(d.c.id.in_(ids))
            .values(lease_until=to_db(lease_until), lease_token=token)
            .returning(
                d.c.id,
                d.c.webhook_id,
                d.c.event,
                d.c.account_id,
                d.c.fields,
                d.c.path,
                d.c.created_at,
                d.c.attempts,
            )
        )
    ).all()
    if not claimed:
        return []
    hooks = {
        row.id: (row.url, row.secret)
        for row in await conn.execute(
            select(w.c.id, w.c.url, w.c.secret).where(w.c.id.in_({r.webhook_id for r in claimed}))
        )
    }
    jobs = [
        Job(
            r.id,
            r.webhook_id,
            r.event,
            r.account_id,
            r.fields,
            r.path,
            r.created_at,
            r.attempts,
            *hooks[r.webhook_id],
            token,
        )  # fmt: skip
        for r in claimed
        if r.webhook_id in hooks
    ]
    jobs.sort(key=lambda j: j.id)
    return jobs


async def record(conn: AsyncConnection, results: list[Result], policy: RetryPolicy) -> Recorded:
    """Apply a batch of attempts: delivery rows, the attempt log, and the webhooks' health.

    Every decision is taken at the attempt's own time (when it was sent), not when it is
    recorded: the next attempt is due `delay` after it, the 7 days count up to it.
    """
    summary = Recorded()
    tokens = {
        row.id: row.lease_token
        for row in await conn.execute(
            select(d.c.id, d.c.lease_token).where(d.c.id.in_([r.job.id for r in results]))
        )
    }
    kept = [r for r in results if tokens.get(r.job.id) == r.job.token]
    summary.stale = len(results) - len(kept)
    if not kept:
        return summary
    by_hook: dict[int, list[Result]] = defaultdict(list)
    for r in kept:
        by_hook[r.job.webhook_pk].append(r)
    for pk, rs in by_hook.items():
        if await _webhook_health(conn, pk, rs, policy):
            summary.deactivated.append(pk)
    active = {
        row.id: bool(row.active)
        for row in await conn.execute(select(w.c.id, w.c.active).where(w.c.id.in_(list(by_hook))))
    }
    done: list[dict[str, Any]] = []
    again: list[dict[str, Any]] = []
    for r in kept:
        attempts = r.job.attempts + 1
        common = {
            "b_id": r.job.id,
            "b_attempts": attempts,
            "b_attempted": to_db(r.attempted_at),
            "b_code": r.outcome.status,
            "b_error": r.outcome.error,
            "b_latency": r.outcome.latency_ms,
        }
        if r.ok:
            done.append(common)
            summary.delivered += 1
            continue
        gives_up = active.get(r.job.webhook_pk, False) and policy.gives_up(
            from_db(r.job.created_at), r.attempted_at
        )
        again.append(
            {
                **common,
                "b_status": FAILED if gives_up else PENDING if active.get(r.job.webhook_pk) else HELD,
                "b_next": to_db(r.attempted_at + policy.delay(attempts)),
            }
        )
        if gives_up:
            summary.failed += 1
        else:
            summary.retrying += 1
    attempt_values: dict[str, Any] = {
        "attempts": bindparam("b_attempts"),
        "last_attempt_at": bindparam("b_attempted"),
        "last_status_code": bindparam("b_code"),
        "last_error": bindparam("b_error"),
        "last_latency_ms": bindparam("b_latency"),
        "lease_until": None,
        "lease_token": None,
    }
    if done:
        await conn.execute(
            update(d)
            .where(d.c.id == bindparam("b_id"))
            .values(status=DELIVERED, delivered_at=bindparam("b_attempted"), **attempt_values),
            done,
        )
    if again:
        await conn.execute(
            update(d)
            .where(d.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status"), next_attempt_at=bindparam("b_next"), **attempt_values),
            again,
        )
    failed = [r for r in kept if not r.ok]
    if failed:  # a delivery's final success lives on its own row: the happy path writes no log row
        await conn.execute(insert(webhook_attempts), [_attempt_row(r) for r in failed])
    return summary


def _attempt_row(r: Result) -> dict[str, Any]:
    return {
        "delivery_id": r.job.id,
        "attempted_at": to_db(r.attempted_at),
        "status_code": r.outcome.status,
        "latency_ms": r.outcome.latency_ms,
        "error": r.outcome.error,
    }


async def _webhook_health(conn: AsyncConnection, pk: int, results: list[Result], policy: RetryPolicy) -> bool:
    """Success clears the failure streak; failures start one and, after 7 days, deactivate.

    Returns True when this batch deactivated the webhook.
    """
    latest = max(r.attempted_at for r in results)
    when = to_db(latest)
    if any(r.ok for r in results):
        await conn.execute(update(w).where(w.c.id == pk).values(failing_since=None, last_success_at=when))
        return False
    first = to_db(min(r.attempted_at for r in results))
    await conn.execute(
        update(w).where(w.c.id == pk).values(failing_since=func.coalesce(w.c.failing_since, first))
    )
    cutoff = to_db(latest - policy.deactivate_after)
    gone = await conn.execute(
        update(w)
        .where(w.c.id == pk, w.c.active.is_(true()), w.c.failing_since <= cutoff)
        .values(active=False, deactivated_at=when, deactivated_reason="failures")
    )
    if gone.rowcount:
        await hold(conn, pk)
    return bool(gone.rowcount)


async def prune(conn: AsyncConnection, before: datetime, batch: int = 5000) -> int:
    """Forget finished deliveries created before `before` (their attempts go with them)."""
    old = (
        select(d.c.id).where(d.c.status.in_((DELIVERED, FAILED)), d.c.created_at < to_db(before)).limit(batch)
    )
    gone = await conn.execute(delete(d).where(d.c.id.in_(old.scalar_subquery())))
    return int(gone.rowcount or 0)


# ---- the partner portal ------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    id: int
    event: str
    user_id: int
    subject: str  # entity id, date or period
    created_at: datetime
    status: str
    attempts: int
    status_codes: list[str]  # per attempt, oldest first; "-" for no answer
    last_latency_ms: float | None
    last_error: str | None
    next_attempt_at: datetime | None  # only while pending


async def log(conn: AsyncConnection, webhook_pk: int, limit: int = 50) -> list[LogEntry]:
    rows = (
        (
            await conn.execute(
                select(d).where(d.c.webhook_id == webhook_pk).order_by(d.c.id.desc()).limit(limit)
            )
        )
        .mappings()
        .all()
    )
    codes: dict[int, list[str]] = defaultdict(list)
    if rows:
        attempts = await conn.execute(
            select(webhook_attempts.c.delivery_id, webhook_attempts.c.status_code)
            .where(webhook_attempts.c.delivery_id.in_([r["id"] for r in rows]))
            .order_by(webhook_attempts.c.id)
        )
        for a in attempts:
            codes[a.delivery_id].append(str(a.status_code) if a.status_code is not None else "-")
    out = []
    for r in rows:
        if r["status"] == DELIVERED:  # the final success is on the delivery row
            codes[r["id"]].append(str(r["last_status_code"]))
        fields = orjson.loads(r["fields"])
        subject = (
            fields.get("entity_id") or fields.get("date") or f"{fields.get('from')} - {fields.get('to')}"
        )
        out.append(
            LogEntry(
                id=r["id"],
                event=r["event"],
                user_id=r["account_id"],
                subject=str(subject),
                created_at=r["created_at"],
                status=r["status"],
                attempts=r["attempts"],
                status_codes=codes.get(r["id"], []),
                last_latency_ms=r["last_latency_ms"],
                last_error=r["last_error"],
                next_attempt_at=r["next_attempt_at"] if r["status"] == PENDING else None,
            )
        )
    return out


async def counts(conn: AsyncConnection, webhook_pk: int) -> dict[str, int]:
    rows = await conn.execute(
        select(d.c.status, func.count()).where(d.c.webhook_id == webhook_pk).group_by(d.c.status)
    )
    return {status: int(n) for status, n in rows}


async def resend(conn: AsyncConnection, webhook_pk: int, delivery_id: int, now: datetime) -> bool:
    """Queue one delivery again, due now (its attempts so far stay in the log)."""
    row = (
        (await conn.execute(select(d).where(d.c.id == delivery_id, d.c.webhook_id == webhook_pk)))
        .mappings()
        .first()
    )
    if row is None:
        return False
    if row["status"] == DELIVERED and row["last_attempt_at"] is not None:  # keep its success in the log
        await conn.execute(
            insert(webhook_attempts).values(
                delivery_id=delivery_id,
                attempted_at=row["last_attempt_at"],
                status_code=row["last_status_code"],
                latency_ms=row["last_latency_ms"] or 0.0,
                error=None,
            )
        )
    result = await conn.execute(
        update(d)
        .where(d.c.id == delivery_id, d.c.webhook_id == webhook_pk)
        .values(status=PENDING, next_attempt_at=to_db(now), lease_until=None, lease_token=None)
    )
    return bool(result.rowcount)
