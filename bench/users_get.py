"""Benchmark GET /v3/users/{id} against a hello-world route of the same app.

    .venv/bin/python bench/users_get.py [--duration 10] [--connections 64] [--workers 1]
                                        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

1. Builds a fresh database (SQLite in a temp dir, or a `bench` database created next
   to the PostgreSQL URL given) with the Alembic migrations, and seeds one partner
   client, one account with every consent, its registration and an access token
   through the domain functions.
2. Serves bench/hello_app.py (the real create_app() + GET /__bench/hello) with a
   separate `uvicorn --workers N` process, rate limits raised through the env.
3. Checks once that the users route answers 200 with the expected JSON, then loads
   each route with wrk (or, without wrk, a Python asyncio load generator):
   a warm-up, then the measured run.
4. Prints req/s, p50 and p99 per route and the users_get/hello req/s ratio next to
   its target. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.core.clock import SystemClock
from openaccesslink.core.settings import CodeReplayRevocation
from openaccesslink.db import migrate
from openaccesslink.db.engine import Database
from openaccesslink.domains import accounts, consents, oauth, partners, users
from openaccesslink.wire import users as wire

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hello_app import HELLO_BODY, HELLO_PATH  # noqa: E402  (bench/ is not a package)

BENCH_DIR = Path(__file__).resolve().parent
TARGET_RATIO = 0.5
HIGH_LIMIT = "1000000000"
PG_MARKER = "openaccesslink bench database (dropped and recreated by bench/users_get.py)"


# ---------------------------------------------------------------- database


@dataclass(frozen=True)
class Seeded:
    account_id: int
    token: str
    expected: dict[str, Any]


def _asyncpg_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


async def _pg_recreate(admin_url: str, name: str) -> None:
    """Drop (only if this script created it) and create the bench database."""
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
                    raise SystemExit(
                        f"database {name!r} exists and was not created by this benchmark; "
                        "refusing to touch it (pass --pg-bench-db with another name)"
                    )
                await conn.execute(text(f'DROP DATABASE "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
            await conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{PG_MARKER}'"))
    finally:
        await engine.dispose()


async def _pg_drop(admin_url: str, name: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        await engine.dispose()


async def seed(database_url: str) -> Seeded:
    """One partner, one account with every consent, registered, with an access token."""
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
                partners.ClientDetails(
                    name="Bench partner", redirect_urls=["http://127.0.0.1:5000/oauth2_callback"]
                ),
                None,
                now,
            )
            client = await partners.get(conn, creds.client_id)
            assert client is not None
            request = oauth.validate_authorization(
                client,
                response_type="code",
                redirect_uri=None,
                scope=None,
                state=None,
                code_challenge=None,
                code_challenge_method=None,
            )
            code = await oauth.issue_code(conn, request, account_id, now, 600)
            issued = await oauth.exchange_code(
                conn,
                client_pk=client.pk,
                code=code,
                redirect_uri=None,
                code_verifier=None,
                now=now,
                replay_revokes=CodeReplayRevocation.CODE,
            )
            user = await users.register(
                conn, client_pk=client.pk, account_id=account_id, member_id="bench-member-1", now=now
            )
            expected = orjson.loads(orjson.dumps(wire.user(user)))
    finally:
        await db.dispose()
    return Seeded(account_id, issued.access_token, expected)


# ---------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _venv_bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found next to {sys.executable} nor on PATH")
    return found


class Server:
    """`uvicorn --factory hello_app:app_from_env` in its own process group."""

    def __init__(self, database_url: str, workers: int, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "uvicorn.log"
        self.cmd = [
            _venv_bin("uvicorn"),
            "--factory",
            "--app-dir",
            str(BENCH_DIR),
            "hello_app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            PUBLIC_BASE_URL=self.base,
            RATE_LIMIT_SHORT_BASE=HIGH_LIMIT,
            RATE_LIMIT_LONG_BASE=HIGH_LIMIT,
            SECRET_KEY=secrets.token_urlsafe(32),  # workers must not race to create var/secret_key
            VAR_DIR=str(workdir / "var"),
        )
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"uvicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = http_get(self.base + HELLO_PATH, {}, timeout=1)
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit(f"uvicorn did not answer within 30 s:\n{self.log_tail()}")
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # our own group: the manager and its workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def cpu_seconds(self) -> float | None:
        """user+system CPU of the server's processes (Linux /proc), None elsewhere."""
        if self.proc is None or not Path("/proc").is_dir():
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[2]) == self.proc.pid:  # pgrp: the manager and its workers
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def http_get(url: str, headers: dict[str, str], timeout: float = 5) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def check_routes(base: str, seeded: Seeded) -> None:
    """A broken route must not be 'fast': both routes have to answer what they should."""
    status, body = http_get(base + HELLO_PATH, {})
    if status != 200 or json.loads(body) != HELLO_BODY:
        raise SystemExit(f"hello route: HTTP {status} {body[:300]!r}")
    url = f"{base}/v3/users/{seeded.account_id}"
    status, body = http_get(url, {"Authorization": f"Bearer {seeded.token}", "Accept": "application/json"})
    if status != 200:
        raise SystemExit(f"GET /v3/users/{{id}}: expected 200, got {status} {body[:300]!r}")
    got = json.loads(body)
    if got != seeded.expected:
        raise SystemExit(
            f"GET /v3/users/{{id}}: unexpected body\n got      {got}\n expected {seeded.expected}"
        )


# ---------------------------------------------------------------- load


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: int
    cpu_ms_per_req: float | None = None  # server CPU (all workers) per request


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if m is None:
        raise ValueError(f"unparsable wrk latency {value!r}")
    return float(m.group(1)) * _UNITS_MS[m.group(2)]


def parse_wrk(out: str) -> Result:
    def find(pattern: str) -> re.Match[str]:
        m = re.search(pattern, out, re.MULTILINE)
        if m is None:
            raise SystemExit(f"could not parse wrk output ({pattern!r}):\n{out}")
        return m

    errors = 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors = sum(int(g) for g in sock.groups())
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(
        rps=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        non_2xx=int(non.group(1)) if non else 0,
        errors=errors,
    )


def run_wrk(url: str, headers: dict[str, str], duration: float, connections: int, threads: int) -> Result:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse_wrk(done.stdout)


def run_python_load(url: str, headers: dict[str, str], duration: float, connections: int) -> Result:
    """The fallback generator, in its own process (this file with --loadgen)."""
    cmd = [
        sys.executable,
        __file__,
        "--loadgen",
        url,
        "--duration",
        str(duration),
        "--connections",
        str(connections),
        "--loadgen-headers",
        json.dumps(headers),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"python load generator failed:\n{done.stdout}\n{done.stderr}")
    return Result(**json.loads(done.stdout))


async def _loadgen(url: str, headers: dict[str, str], duration: float, connections: int) -> Result:
    """Keep-alive HTTP/1.1 over raw asyncio streams: far cheaper per request than an HTTP client library."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    non_2xx = errors = 0
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal non_2xx, errors
        reader = writer = None
        while time.perf_counter() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                start = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
                if not 200 <= status < 400:
                    non_2xx += 1
                if b"connection: close" in head.lower():
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return Result(len(latencies) / elapsed, pct(0.50), pct(0.99), len(latencies), non_2xx, errors)


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds per route (default 10)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per route (default 2)")
    p.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    p.add_argument(
        "--database-url",
        default=None,
        help="omit for a temp SQLite file (or give a SQLite URL naming a new file); a PostgreSQL URL "
        "names the server and an admin database: the bench runs in a separate database (--pg-bench-db) "
        "that it creates there and drops afterwards",
    )
    p.add_argument(
        "--pg-bench-db", default="bench", help="name of the PostgreSQL bench database (default bench)"
    )
    p.add_argument(
        "--load-generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk when installed (auto), or the Python asyncio fallback",
    )
    p.add_argument("--loadgen", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--loadgen-headers", default="{}", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.loadgen:  # child mode of the Python fallback
        coro = _loadgen(args.loadgen, json.loads(args.loadgen_headers), args.duration, args.connections)
        try:
            import uvloop

            res = uvloop.run(coro)
        except ImportError:
            res = asyncio.run(coro)
        print(json.dumps(res.__dict__))
        return 0

    generator = args.load_generator
    note = ""
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
        if generator == "python":
            note = "wrk not found (apt-get install -y wrk): using the Python asyncio load generator fallback"
    elif generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk not found; install it (apt-get install -y wrk) or pass --load-generator python")
    if generator == "python" and not note:
        note = (
            "Python asyncio load generator (one process, weaker than wrk: it may saturate before the server)"
        )

    with tempfile.TemporaryDirectory(prefix="oal-bench-") as tmp:
        workdir = Path(tmp)
        pg_admin: str | None = None
        if args.database_url and make_url(_asyncpg_url(args.database_url)).get_backend_name() != "sqlite":
            pg_admin = _asyncpg_url(args.database_url)
            asyncio.run(_pg_recreate(pg_admin, args.pg_bench_db))
            url = make_url(pg_admin).set(database=args.pg_bench_db).render_as_string(hide_password=False)
        elif args.database_url:
            url = args.database_url
        else:
            url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        try:
            migrate.upgrade(url)
            seeded = asyncio.run(seed(url))
            return _bench(args, url, seeded, workdir, generator, note)
        finally:
            if pg_admin is not None:
                asyncio.run(_pg_drop(pg_admin, args.pg_bench_db))


def _bench(
    args: argparse.Namespace, url: str, seeded: Seeded, workdir: Path, generator: str, note: str
) -> int:
    backend = make_url(url).get_backend_name()
    with Server(url, args.workers, workdir) as server:
        check_routes(server.base, seeded)
        routes = [
            (f"GET {HELLO_PATH}", server.base + HELLO_PATH, {}),
            (
                "GET /v3/users/{id}",
                f"{server.base}/v3/users/{seeded.account_id}",
                {"Authorization": f"Bearer {seeded.token}", "Accept": "application/json"},
            ),
        ]

        def load(target: str, headers: dict[str, str], seconds: float) -> Result:
            if generator == "wrk":
                return run_wrk(target, headers, seconds, args.connections, args.threads)
            return run_python_load(target, headers, seconds, args.connections)

        results: dict[str, Result] = {}
        for name, target, headers in routes:
            if args.warmup > 0:
                load(target, headers, args.warmup)
            cpu_before = server.cpu_seconds()
            res = load(target, headers, args.duration)
            cpu_after = server.cpu_seconds()
            if cpu_before is not None and cpu_after is not None and res.requests:
                res = replace(res, cpu_ms_per_req=(cpu_after - cpu_before) * 1000 / res.requests)
            results[name] = res
        check_routes(server.base, seeded)  # still answering correctly after the load

    print()
    print(
        f"backend={backend} workers={args.workers} connections={args.connections} "
        f"duration={args.duration:g}s warmup={args.warmup:g}s load={generator}"
        + (f" threads={args.threads}" if generator == "wrk" else "")
        + f" cpus={os.cpu_count()} python={platform.python_version()}"
    )
    if note:
        print(f"note: {note}")
    print()
    print(
        f"{'route':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms/req':>12}"
        f"{'requests':>10}{'non-2xx':>9}{'errors':>8}"
    )
    for name, r in results.items():
        cpu = f"{r.cpu_ms_per_req:.3f}" if r.cpu_ms_per_req is not None else "n/a"
        print(
            f"{name:<24}{r.rps:>10.1f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{cpu:>12}"
            f"{r.requests:>10}{r.non_2xx:>9}{r.errors:>8}"
        )
    hello, users_get = results[routes[0][0]], results[routes[1][0]]
    ratio = users_get.rps / hello.rps if hello.rps else 0.0
    verdict = "meets target" if ratio >= TARGET_RATIO else "below target"
    print()
    print(f"ratio users_get/hello req/s: {ratio:.2f}   (target >= {TARGET_RATIO})   {verdict}")
    if hello.cpu_ms_per_req and users_get.cpu_ms_per_req:
        cpu_ratio = hello.cpu_ms_per_req / users_get.cpu_ms_per_req
        print(
            f"same ratio from server CPU per request (hello/users_get): {cpu_ratio:.2f}"
            "   (what the req/s ratio would be if the server were CPU-bound; less sensitive to other load)"
        )
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if load_avg is not None and load_avg > (os.cpu_count() or 1):
        print(
            f"note: load average {load_avg:.1f} > {os.cpu_count()} CPUs: other processes compete for the CPU"
        )
    if any(r.non_2xx or r.errors for r in results.values()):
        print("warning: some responses were not 2xx or failed; the numbers above are not trustworthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
