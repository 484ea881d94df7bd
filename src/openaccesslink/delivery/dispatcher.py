"""The dispatcher: claims due outbox rows, sends them signed, records what happened.

One loop per process (inside the server, or `openaccesslink worker`); any number may run
against one database. Each round of the loop is at most one write transaction that records
the attempts finished since the last round and claims as many due deliveries as there are
free slots (WEBHOOK_MAX_IN_FLIGHT); each claimed delivery is sent in its own task. One writer
per process keeps SQLite's write lock short and uncontended. With a backlog the loop claims
again once half the slots are free (big batches); without one it waits for new outbox rows
(the in-process doorbell on SQLite, LISTEN/NOTIFY on PostgreSQL, both only after the data
committed) or polls every WEBHOOK_POLL_SECONDS, comparing the Clock's now with
next_attempt_at, so a test's FakeClock drives retries and deactivation.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import make_url

from openaccesslink.core.clock import Clock
from openaccesslink.core.settings import Settings
from openaccesslink.db.engine import Database
from openaccesslink.delivery import outbox, signer
from openaccesslink.delivery.retry import RetryPolicy
from openaccesslink.delivery.sender import Outcome, Sender
from openaccesslink.domains.webhooks import NOTIFY_CHANNEL, doorbell

log = logging.getLogger("openaccesslink.webhooks")

RECORD_BATCH = 200  # finished attempts worth a transaction of their own right away
RECORD_GATHER_SECONDS = 0.01  # otherwise wait this long for more
PRUNE_EVERY = timedelta(hours=1)


class Dispatcher:
    def __init__(self, db: Database, settings: Settings, clock: Clock, sender: Sender) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.policy = RetryPolicy.from_settings(settings)
        self.base_url = settings.base_url
        self.poll = max(settings.webhook_poll_seconds, 0.001)
        self.max_in_flight = max(settings.webhook_max_in_flight, 1)
        self.lease = timedelta(
            seconds=max(settings.webhook_lease_seconds, settings.webhook_timeout_seconds + 1)
        )
        self.retention = timedelta(days=settings.webhook_log_retention_days)
        self._pruned_at: datetime | None = None
        self.worker_id = uuid.uuid4().hex[:12]
        self._claims = itertools.count(1)
        self._poke = asyncio.Event()  # something to do: new rows, finished attempts, free slots
        self._rung = True  # new rows were announced (the first round claims without looking)
        self._backlog = False  # the last claim filled every free slot
        self._want = 1  # free slots needed before claiming again
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight: set[int] = set()  # delivery ids sent or being sent, not yet recorded
        self._results: list[outbox.Result] = []
        self._stopping = False
        self.sent = 0
        self.delivered = 0

    # ---- control -----------------------------------------------------------------------

    def wake(self) -> None:
        self._rung = True
        self._poke.set()

    def stop(self) -> None:
        self._stopping = True
        self._poke.set()

    async def run(self) -> None:
        key = doorbell.subscribe(self.wake)
        listener = await self._listen()
        try:
            await self._loop()
        finally:
            doorbell.unsubscribe(key)
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=self.lease.total_seconds())
            if self._results:
                batch, self._results = self._results, []
                with contextlib.suppress(Exception):
                    await self._write(batch, 0)
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()

    # ---- the loop --------------------------------------------------------------------------

    def _free(self) -> int:
        return self.max_in_flight - len(self._tasks)

    async def _loop(self) -> None:
        while not self._stopping:
            free = self._free()
            limit = free if free >= self._want else 0
            rung, self._rung = self._rung, False
            if limit and not (rung or self._backlog or self._results):
                # only the poll brought us here: a cheap read decides whether to take the write lock
                limit = limit if await self._due() else 0
            if self._results and not limit and len(self._results) < RECORD_BATCH:
                await asyncio.sleep(RECORD_GATHER_SECONDS)  # fewer, larger transactions
            results, self._results = self._results, []
            self._poke.clear()
            if results or limit:
                jobs = await self._write(results, limit)
                self._in_flight.difference_update(r.job.id for r in results)
                for job in jobs:
                    self._in_flight.add(job.id)
                    task = asyncio.create_task(self._deliver(job))
                    self._tasks.add(task)
                    task.add_done_callback(self._finished)
                if limit:
                    self._backlog = len(jobs) == limit
                    self._want = max(self.max_in_flight // 2, 1) if self._backlog else 1
            if self._rung or self._results or (self._backlog and self._free() >= self._want):
                continue
            await self._prune()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), timeout=self.poll)

    async def _prune(self) -> None:
        """Once an hour (by the Clock), while idle: drop finished deliveries past retention."""
        now = self.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        gone, batch = 0, 5000
        try:
            for _ in range(200):  # in short transactions, up to a million rows a round
                async with self.db.write() as conn:
                    n = await outbox.prune(conn, now - self.retention, batch)
                gone += n
                if n < batch or self._stopping:
                    break
        except Exception:
            log.exception("pruning the webhook delivery log failed")
        if gone:
            log.info("pruned %d webhook deliveries older than %s", gone, self.retention)

    async def _due(self) -> bool:
        try:
            async with self.db.read() as conn:
                return await outbox.due_exists(conn, self.clock.now())
        except Exception:
            log.exception("looking for due webhook deliveries failed")
            return False

    async def _write(self, results: list[outbox.Result], limit: int) -> list[outbox.Job]:
        """One transaction: record finished attempts, claim up to `limit` due deliveries."""
        now = self.clock.now()
        token = f"{self.worker_id}:{next(self._claims)}"
        try:
            async with self.db.write() as conn:
                summary = await outbox.record(conn, results, self.policy) if results else None
                jobs = (
                    await outbox.claim(conn, now, limit, now + self.lease, token, self._in_flight)
                    if limit
                    else []
                )
        except Exception:  # unrecorded attempts go again when their leases run out: at least once
            log.exception("webhook outbox transaction failed (%d results, claim %d)", len(results), limit)
            await asyncio.sleep(self.poll)
            return []
        for pk in summary.deactivated if summary else []:
            log.warning(
                "webhook %s deactivated: no successful delivery for %s", pk, self.policy.deactivate_after
            )
        return jobs

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._free() >= self._want:
            self._poke.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook delivery task failed", exc_info=task.exception())

    # ---- one delivery --------------------------------------------------------------------

    async def _deliver(self, job: outbox.Job) -> None:
        body = signer.encode(job.payload(self.base_url))
        attempted_at = self.clock.now()
        try:
            outcome = await self.sender.post(job.url, body, signer.headers(job.event, body, job.secret))
        except Exception as exc:  # a sender bug must not strand the delivery until its lease ends
            log.exception("webhook sender failed on delivery %s", job.id)
            outcome = Outcome(None, 0.0, f"internal error: {type(exc).__name__}")
        ok = self.policy.succeeded(outcome.status)
        self.sent += 1
        self.delivered += ok
        self._results.append(outbox.Result(job, attempted_at, outcome, ok))
        self._poke.set()

    # ---- PostgreSQL: LISTEN for new outbox rows from any process ---------------------------

    async def _listen(self) -> Any:
        if self.db.is_sqlite:
            return None
        try:
            import asyncpg

            dsn = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
            conn = await asyncpg.connect(dsn)
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self.wake())
            return conn
        except Exception:  # polling still delivers, only later
            log.exception("LISTEN %s failed; polling every %ss", NOTIFY_CHANNEL, self.poll)
            return None


async def run_worker(settings: Settings, clock: Clock) -> None:
    """`openaccesslink worker`: a dispatcher on its own, until SIGINT/SIGTERM."""
    import signal

    from openaccesslink.delivery.runtime import new_sender

    db = Database(settings.database_url)
    sender = new_sender(settings)
    dispatcher = Dispatcher(db, settings, clock, sender)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, dispatcher.stop)
    try:
        await dispatcher.run()
    finally:
        await sender.close()
        await db.dispose()
