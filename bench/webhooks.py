"""Benchmark webhook delivery: ingest-to-receiver latency and signed deliveries per second.

    .venv/bin/python bench/webhooks.py [--samples 200] [--deliveries 20000]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/x] [--pg-bench-db bench_webhooks]

1. Builds a fresh database (SQLite in a temp dir, or a `bench_webhooks` database created
   next to the PostgreSQL URL given, dropped afterwards) and seeds, through the domain
   functions, one partner with a webhook (ALL events) pointing at a local receiver, one
   account with every consent registered with it, and a device token.
   The PostgreSQL database is named by --pg-bench-db (default bench_webhooks); one this
   script did not create is never touched.
2. The receiver is an aiohttp server in this process on 127.0.0.1 that verifies every
   Polar-Webhook-Signature and notes the arrival time.
3. Latency: serves the real app (`uvicorn --factory openaccesslink.api.app:app_from_env`,
   in-process dispatcher) in its own process, then posts `--samples` sleep records through
   /ingest/v1/sleep one at a time and measures from just before the POST to the signed
   delivery's arrival (ingest request + commit + wake-up + claim + sign + POST). p50, p99.
4. Throughput: stops the server, writes `--deliveries` pending rows straight into the outbox
   (the dispatcher's input, bypassing ingestion so that ingestion speed does not cap the
   number; on PostgreSQL then ANALYZE, as autovacuum soon would), starts the server again
   and measures deliveries per second between the first
   and the last arrival, the server's CPU per delivery, and that each arrived exactly once.
5. Baseline in the same run: a bare aiohttp client in its own process posts the same number
   of signed bodies to the same receiver (256 at a time): the ceiling on this machine now.
Targets: p50 <= 50 ms, p99 <= 250 ms, >= 2,000 deliveries/s. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.core.clock import SystemClock, to_db
from openaccesslink.db import migrate
from openaccesslink.db.engine import Database
from openaccesslink.db.tables import webhook_deliveries
from openaccesslink.domains import accounts, consents, devices, partners, users, webhooks

PG_MARKER = "openaccesslink bench database (dropped and recreated by bench/webhooks.py)"
TARGETS = {"p50_ms": 50.0, "p99_ms": 250.0, "per_second": 2000.0}


# ---------------------------------------------------------------- receiver


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.arrivals: dict[str, list[float]] = {}  # key -> perf_counter() at arrival
        self.bad_signatures = 0
        self.count = 0
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        at = time.perf_counter()
        signature = request.headers.get("Polar-Webhook-Signature", "")
        expected = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if self.secret and not hmac.compare_digest(expected, signature):
            self.bad_signatures += 1
        event = request.headers.get("Polar-Webhook-Event", "")
        if event != "PING":
            payload = orjson.loads(body)
            key = f"{event}:{payload.get('date') or payload.get('entity_id') or payload.get('from')}"
            self.arrivals.setdefault(key, []).append(at)
            self.count += 1
            waiter = self.waiters.pop(key, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(at)
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=4096).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


# ---------------------------------------------------------------- database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _pg(admin_url: str, name: str, create: bool) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"),
                    {"n": name},
                )
            ).first()
            if row is not None:
                if row[0] != PG_MARKER:
                    raise SystemExit(f"database {name!r} exists and was not created by this benchmark")
                await conn.execute(text(f'DROP DATABASE "{name}"'))
            if create:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
                await conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{PG_MARKER}'"))
    finally:
        await engine.dispose()


async def _ok_ping(_url: str, _secret: str) -> webhooks.PingResult:
    return webhooks.PingResult(True, 200)


async def seed(database_url: str, hook_url: str) -> tuple[int, str, str]:
    """(account id, device token, webhook secret)."""
    db = Database(database_url)
    now = SystemClock().now()
    try:
        async with db.write() as conn:
            account_id = await accounts.create(
                conn,
                "bench@openaccesslink.local",
                "bench-password",
                accounts.Profile("Bench", "Runner", date(1985, 6, 1), "MALE", 72.5, 180.0),
                now,
            )
            await consents.give(conn, account_id, set(consents.FAMILY_KEYS), now)
            creds = await partners.create(
                conn,
                partners.ClientDetails(name="Bench partner", redirect_urls=["http://127.0.0.1:5000/cb"]),
                None,
                now,
            )
            client = await partners.get(conn, creds.client_id)
            assert client is not None
            await users.register(conn, client_pk=client.pk, account_id=account_id, member_id="bench", now=now)
            token = await devices.create(conn, account_id, "bench", now)
        hook = await webhooks.create(
            db, client.pk, {"events": list(webhooks.EVENTS), "url": hook_url}, now, _ok_ping
        )
    finally:
        await db.dispose()
    return account_id, token, hook.secret


async def prefill(database_url: str, account_id: int, n: int) -> None:
    """n pending ACTIVITY_SUMMARY deliveries with distinct dates, due now."""
    db = Database(database_url)
    now = to_db(SystemClock().now())
    first = date(2000, 1, 1)
    try:
        async with db.write() as conn:
            hook_pk = await conn.scalar(text("SELECT id FROM webhooks"))
            for start in range(0, n, 5000):
                rows: list[dict[str, Any]] = []
                for i in range(start, min(n, start + 5000)):
                    day = (first + timedelta(days=i)).isoformat()
                    rows.append(
                        {
                            "webhook_id": hook_pk,
                            "event": "ACTIVITY_SUMMARY",
                            "account_id": account_id,
                            "fields": orjson.dumps({"date": day}).decode(),
                            "path": f"/v3/users/activities/{day}",
                            "created_at": now,
                            "status": "pending",
                            "attempts": 0,
                            "next_attempt_at": now,
                        }
                    )
                await conn.execute(insert(webhook_deliveries), rows)
        if not db.is_sqlite:  # as autovacuum would soon: planner statistics that know the backlog
            async with db.engine.connect() as conn:
                await conn.execute(text("ANALYZE webhook_deliveries"))
                await conn.commit()
    finally:
        await db.dispose()


# ---------------------------------------------------------------- server


class Server:
    def __init__(self, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": self.base,
            "SECRET_KEY": "bench",
            "VAR_DIR": str(workdir / "var"),
            "RATE_LIMIT_SHORT_BASE": "1000000000",
            "RATE_LIMIT_LONG_BASE": "1000000000",
        }
        self.log = workdir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "openaccesslink.api.app:app_from_env"]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--no-access-log"]
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.base}/login") as r:
                        if r.status == 200:
                            return
                if self.proc.poll() is not None:
                    raise SystemExit(self.log.read_text())
                await asyncio.sleep(0.05)
        raise SystemExit("server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- measurements


def sleep_record(day: str) -> dict[str, Any]:
    return {
        "date": day,
        "sleep_start_time": f"{day}T00:10:00+02:00",
        "sleep_end_time": f"{day}T07:40:00+02:00",
        "device_id": "1111AAAA",
        "continuity": 3.4,
        "continuity_class": 3,
        "light_sleep": 14000,
        "deep_sleep": 5400,
        "rem_sleep": 6000,
        "unrecognized_sleep_stage": 0,
        "sleep_score": 82,
        "total_interruption_duration": 1600,
        "sleep_charge": 4,
        "sleep_rating": 4,
        "sleep_goal": 28800,
        "short_interruption_duration": 500,
        "long_interruption_duration": 1100,
        "sleep_cycles": 5,
        "group_duration_score": 90,
        "group_solidity_score": 80,
        "group_regeneration_score": 70,
        "hypnogram": {"00:10": 2},
        "heart_rate_samples": {"00:10": 58},
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def latency(server: Server, receiver: Receiver, token: str, samples: int) -> list[float]:
    out: list[float] = []
    first = date(1990, 1, 1)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for i in range(samples + 10):  # 10 warm-up rounds
            day = (first + timedelta(days=i)).isoformat()
            waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            receiver.waiters[f"SLEEP:{day}"] = waiter
            start = time.perf_counter()
            async with http.post(f"{server.base}/ingest/v1/sleep", json=sleep_record(day)) as r:
                assert r.status == 201, await r.text()
            arrived = await asyncio.wait_for(waiter, 10)
            if i >= 10:
                out.append((arrived - start) * 1000)
            await asyncio.sleep(0.01)
    return out


async def throughput(receiver: Receiver, n: int, timeout: float = 180) -> tuple[float, float]:
    """(deliveries per second between the first and the n-th arrival, seconds)."""
    deadline = time.perf_counter() + timeout
    while receiver.count < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    arrivals = sorted(t for key, ts in receiver.arrivals.items() if key.startswith("ACTIVITY") for t in ts)
    if len(arrivals) < 2:
        return 0.0, 0.0
    span = arrivals[-1] - arrivals[0]
    return (len(arrivals) - 1) / span if span > 0 else float("inf"), span


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def raw_client(url: str, n: int, secret: str, concurrency: int) -> None:
    """The baseline, run in its own process: the same signed POSTs with a bare aiohttp client."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    first = date(2000, 1, 1)
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(i: int) -> None:
            day = (first + timedelta(days=i)).isoformat()
            body = orjson.dumps(
                {"event": "ACTIVITY_SUMMARY", "user_id": 1, "date": day, "timestamp": "2026-01-01T00:00:00Z",
                 "url": f"http://127.0.0.1/v3/users/activities/{day}"}
            )  # fmt: skip
            headers = {
                "Content-Type": "application/json",
                "Polar-Webhook-Event": "ACTIVITY_SUMMARY",
                "Polar-Webhook-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
            }
            async with sem, http.post(url, data=body, headers=headers) as r:
                await r.read()

        cpu = time.process_time()
        await asyncio.gather(*(one(i) for i in range(n)))
        print((time.process_time() - cpu) * 1000 / n)


async def baseline(receiver: Receiver, n: int, secret: str, concurrency: int) -> tuple[float, float]:
    """(rate, client CPU ms per POST) of raw_client in a subprocess against the same receiver."""
    receiver.arrivals.clear()
    receiver.count = 0
    url = f"http://127.0.0.1:{receiver.port}/hook"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--raw-client", url, str(n), secret, str(concurrency),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    rate, _span = await throughput(receiver, n)
    out, _ = await proc.communicate()
    return rate, float(out.decode().strip() or "nan")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--pg-bench-db", default="bench_webhooks", help="created next to --database-url")
    parser.add_argument("--raw-client", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_client:
        url, n, secret, concurrency = args.raw_client
        await raw_client(url, int(n), secret, int(concurrency))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    pg_admin = ""
    if args.database_url:
        url = args.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                url = "postgresql+asyncpg://" + url[len(prefix) :]
        pg_admin = url
        await _pg(pg_admin, args.pg_bench_db, create=True)
        database_url = make_url(url).set(database=args.pg_bench_db).render_as_string(hide_password=False)
    else:
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    await asyncio.to_thread(migrate.upgrade, database_url)

    receiver = Receiver()
    await receiver.start()
    account_id, token, secret = await seed(database_url, f"http://127.0.0.1:{receiver.port}/hook")
    receiver.secret = secret
    server = Server(database_url, workdir)
    backend = "PostgreSQL" if pg_admin else "SQLite"
    load = os.getloadavg()[0]
    python = f"{platform.python_implementation()} {platform.python_version()}"
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"webhooks bench: {backend}, {python}, {os.cpu_count()} CPUs, load average {load:.1f}, {when}")
    n = args.deliveries
    try:
        await server.start()
        lat = await latency(server, receiver, token, args.samples)
        server.stop()
        receiver.arrivals.clear()
        receiver.count = 0
        await prefill(database_url, account_id, n)
        await server.start()
        assert server.proc is not None
        cpu0, count0 = cpu_seconds(server.proc.pid), receiver.count
        rate, span = await throughput(receiver, n)
        cpu_ms = (cpu_seconds(server.proc.pid) - cpu0) * 1000 / max(receiver.count - count0, 1)
        await asyncio.sleep(0.5)
        got = [len(v) for k, v in receiver.arrivals.items() if k.startswith("ACTIVITY")]
        bad = receiver.bad_signatures
        server.stop()
        raw_rate, raw_cpu_ms = await baseline(receiver, n, secret, 256)
    finally:
        server.stop()
        await receiver.stop()
        if pg_admin:
            await _pg(pg_admin, args.pg_bench_db, create=False)

    p50, p99 = statistics.median(lat), pct(lat, 0.99)
    print(f"ingest -> receiver latency ({len(lat)} sleep records posted to /ingest/v1, one at a time):")
    print(f"  p50 {p50:7.1f} ms   (target <= {TARGETS['p50_ms']:.0f})   {'ok' if p50 <= 50 else 'MISSED'}")
    print(f"  p99 {p99:7.1f} ms   (target <= {TARGETS['p99_ms']:.0f})  {'ok' if p99 <= 250 else 'MISSED'}")
    print(f"  min {min(lat):7.1f} ms   max {max(lat):.1f} ms")
    print(f"signed deliveries to a local receiver ({n} prefilled, in-process dispatcher, 256 in flight):")
    ok = rate >= TARGETS["per_second"]
    print(f"  {rate:7.0f} /s over {span:.2f} s (target >= 2000)   {'ok' if ok else 'MISSED'}")
    per_cpu = 1000 / cpu_ms
    print(f"  server CPU {cpu_ms:.3f} ms per delivery (claim, sign, POST, record): {per_cpu:.0f}/CPU-s")
    print(f"  arrived {len(got)} distinct of {n}, repeats {sum(got) - len(got)}, bad signatures {bad}")
    print("baseline, same receiver, same run: bare aiohttp client posting the same signed bodies")
    ratio = rate / raw_rate
    print(
        f"  {raw_rate:7.0f} /s, client CPU {raw_cpu_ms:.3f} ms per POST; dispatcher / baseline = {ratio:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
