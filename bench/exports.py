"""FIT, TCX and GPX downloads of a 3-hour exercise against serving a stored blob of the same size.

    .venv/bin/python bench/exports.py [--duration 5] [--connections 16] [--workers 1]
                                      [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

1. Builds a fresh database (SQLite in a temp dir, or a separate PostgreSQL database created next to
   the URL given and dropped afterwards), seeds a partner, an account with every consent, its
   registration and a token (bench/users_get.py's seed), then stores a 3-hour 1 Hz exercise through
   the ingest service (``store_exercise``: the export files are built there, and that build is
   timed): heart rate, speed, cadence, altitude, power, temperature, distance, a position every
   second, RR intervals, 6 laps, 2 pauses.
2. Copies the exact bytes each download sends (FIT plain; TCX and GPX as stored, gzipped) into
   ``exercise_files`` under other keys; the baseline route of this app,
   ``GET /__bench/blob/{exercise_id}/{key}``, reads one of them by primary key with the same raw
   driver reader the downloads use (``app.state.fast``, db/fastread.py) and returns it: the same
   app, middleware, routing and database, without authentication, visibility checks or negotiation.
3. Serves the app (``app_from_env`` below: the real ``create_app()`` plus the baseline route) with
   ``uvicorn --workers N``, checks every download answers 200 with the stored bytes, then loads each
   download and its same-size baseline with wrk (or the Python fallback of users_get.py) after a
   warm-up: ``GET /v3/exercises/{id}/fit``, ``.../tcx`` and ``.../gpx`` with ``Accept-Encoding: gzip``
   (what HTTP client libraries send), and ``.../tcx`` without it (inflated per request).
4. Prints req/s, p50, p99 and server CPU per request, and each download/baseline req/s ratio next to
   the target (>= 0.8). Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import math
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import make_url
from starlette.responses import Response

from openaccesslink.api.deps import UserToken
from openaccesslink.core.clock import SystemClock
from openaccesslink.db import migrate
from openaccesslink.db.engine import Database
from openaccesslink.db.tables import exercise_files
from openaccesslink.domains import exercise_files as files_domain
from openaccesslink.formats.model import (
    Device,
    ExerciseData,
    Lap,
    Pause,
    RoutePoint,
    SampleSeries,
    SampleType,
)
from openaccesslink.ingest import service

sys.path.insert(0, str(Path(__file__).resolve().parent))
import users_get  # noqa: E402  (bench/ is not a package)
from hello_app import app_from_env as hello_app_from_env  # noqa: E402

TARGET_RATIO = 0.8
BLOB_SQL = "SELECT content FROM exercise_files WHERE exercise_id = :exercise_id AND format = :key"
BLOB_PATH = "/__bench/blob/{exercise_id}/{key}"
AUTH_BLOB_PATH = "/__bench/authenticated-blob/{exercise_id}/{key}"
MEDIA = {
    "fit": "application/octet-stream",
    "tcx": "application/vnd.garmin.tcx+xml",
    "gpx": "application/gpx+xml",
}


# ---------------------------------------------------------------- the app the server runs


def app_from_env() -> FastAPI:
    """create_app() + hello (for the readiness check) + the baseline: one stored blob by key."""
    app = hello_app_from_env()

    @app.get(BLOB_PATH, include_in_schema=False)
    async def bench_blob(exercise_id: int, key: str) -> Response:
        row = await app.state.fast.one(BLOB_SQL, {"exercise_id": exercise_id, "key": key})
        return Response(bytes(row[0]), 200, media_type=MEDIA[key[2:]])

    @app.get(AUTH_BLOB_PATH, include_in_schema=False)
    async def bench_authenticated_blob(exercise_id: int, key: str, token: UserToken) -> Response:
        row = await app.state.fast.one(BLOB_SQL, {"exercise_id": exercise_id, "key": key})
        return Response(bytes(row[0]), 200, media_type=MEDIA[key[2:]])

    return app


# ---------------------------------------------------------------- data


def three_hours(start: Any) -> ExerciseData:
    n = 3 * 3600
    rnd = random.Random(3)
    speed = [round(27 + 5 * math.sin(t / 300) + rnd.random(), 3) for t in range(n)]
    distance, total = [], 0.0
    for value in speed:
        distance.append(round(total, 2))
        total += value / 3.6
    altitude = [round(400 + 30 * math.sin(t / 900), 1) for t in range(n)]

    def series(sample_type: SampleType, values: list[float]) -> SampleSeries:
        return SampleSeries(sample_type, 1, values)

    samples = {
        SampleType.HEART_RATE: series(
            SampleType.HEART_RATE, [float(round(140 + 20 * math.sin(t / 700))) for t in range(n)]
        ),
        SampleType.SPEED: series(SampleType.SPEED, speed),
        SampleType.CADENCE: series(SampleType.CADENCE, [float(85 + t % 7) for t in range(n)]),
        SampleType.ALTITUDE: series(SampleType.ALTITUDE, altitude),
        SampleType.POWER: series(SampleType.POWER, [float(200 + (t * 7) % 60) for t in range(n)]),
        SampleType.TEMPERATURE: series(SampleType.TEMPERATURE, [float(18 + t // 3600) for t in range(n)]),
        SampleType.DISTANCE: series(SampleType.DISTANCE, distance),
        SampleType.RR_INTERVAL: SampleSeries(
            SampleType.RR_INTERVAL, None, [float(400 + rnd.randint(0, 50)) for _ in range(2 * n)]
        ),
    }
    route = [
        RoutePoint(
            float(t), 47.3769 + distance[t] / 111_320, 8.5417 + 0.0008 * math.sin(t / 300), altitude[t]
        )
        for t in range(n)
    ]
    laps = [
        Lap(float(s), 1800.0, round(distance[s + 1799] - distance[s], 2), 140, 160, 27.0, 88, 220)
        for s in range(0, n, 1800)
    ]
    return ExerciseData(
        start_time_utc=start,
        utc_offset_minutes=120,
        duration_s=float(n),
        sport="CYCLING",
        detailed_sport="ROAD_BIKING",
        device=Device("Polar Vantage V3", "1111AAAA"),
        distance_m=distance[-1],
        calories=2100,
        hr_avg=140,
        hr_max=160,
        samples=samples,
        route=route,
        laps=laps,
        pauses=[Pause(3600.0, 120.0), Pause(7200.0, 60.0)],
    )


@dataclass(frozen=True)
class Stored:
    id: int
    hashed_id: str
    build_s: float
    bodies: dict[str, bytes]  # what each download sends, by route name


async def store(url: str, account_id: int) -> Stored:
    """The exercise through the ingest service (files built there), and the baseline blobs."""
    db = Database(url)
    now = SystemClock().now()
    data = three_hours((now - timedelta(hours=4)).replace(microsecond=0))
    try:
        started = time.perf_counter()
        build = files_domain.build(data, "json", None)
        build_s = time.perf_counter() - started
        async with db.write() as conn:
            result = await service.store_exercise(conn, account_id, data, now, "json", None)
            rows = (
                (await conn.execute(select(exercise_files).where(exercise_files.c.exercise_id == result.id)))
                .mappings()
                .all()
            )
            stored = {row["format"]: bytes(row["content"]) for row in rows}
            assert all(stored[k] == f.content for k, f in build.items()), "build is not deterministic"
            bodies = {
                "fit": stored["fit"],
                "tcx": stored["tcx"],
                "gpx": stored["gpx"],
                "tcx-plain": gzip.decompress(stored["tcx"]),
            }
            for name, blob in (("fit", "b-fit"), ("tcx", "b-tcx"), ("gpx", "b-gpx"), ("tcx-plain", "p-tcx")):
                await files_domain.store(
                    conn, result.id, {blob: files_domain.ExportFile(bodies[name], None)}, now
                )
    finally:
        await db.dispose()
    assert result.hashed_id is not None
    return Stored(result.id, result.hashed_id, build_s, bodies)


# ---------------------------------------------------------------- bench


class ExportsServer(users_get.Server):
    """users_get's uvicorn process, serving this module's app."""

    def __init__(self, database_url: str, workers: int, workdir: Path) -> None:
        super().__init__(database_url, workers, workdir)
        self.cmd[self.cmd.index("hello_app:app_from_env")] = "exports:app_from_env"


@dataclass(frozen=True)
class Pair:
    name: str
    key: str  # of the same-size blob
    download: str  # path below the exercise URL
    headers: dict[str, str]
    body: bytes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=5.0, help="measured seconds per route (default 5)")
    p.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per route (default 1)")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    p.add_argument(
        "--database-url",
        default=None,
        help="omit for a temp SQLite file; a PostgreSQL URL names "
        "the server and an admin database: the bench runs in --pg-bench-db, created and dropped",
    )
    p.add_argument(
        "--pg-bench-db", default="bench_exports", help="PostgreSQL bench database (default bench_exports)"
    )
    p.add_argument("--load-generator", choices=("auto", "wrk", "python"), default="auto")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    generator = args.load_generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    with tempfile.TemporaryDirectory(prefix="oal-bench-exports-") as tmp:
        workdir = Path(tmp)
        pg_admin: str | None = None
        if (
            args.database_url
            and make_url(users_get._asyncpg_url(args.database_url)).get_backend_name() != "sqlite"
        ):
            pg_admin = users_get._asyncpg_url(args.database_url)
            asyncio.run(users_get._pg_recreate(pg_admin, args.pg_bench_db))
            url = make_url(pg_admin).set(database=args.pg_bench_db).render_as_string(hide_password=False)
        else:
            url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        try:
            migrate.upgrade(url)
            seeded = asyncio.run(users_get.seed(url))
            stored = asyncio.run(store(url, seeded.account_id))
            return _bench(args, url, seeded, stored, workdir, generator)
        finally:
            if pg_admin is not None:
                asyncio.run(users_get._pg_drop(pg_admin, args.pg_bench_db))


def _bench(
    args: argparse.Namespace, url: str, seeded: Any, stored: Stored, workdir: Path, generator: str
) -> int:
    auth = {"Authorization": f"Bearer {seeded.token}"}
    gz, plain = {**auth, "Accept-Encoding": "gzip"}, {**auth, "Accept-Encoding": "identity"}
    pairs = [
        Pair("FIT", "b-fit", "/fit", auth, stored.bodies["fit"]),
        Pair("TCX gzip", "b-tcx", "/tcx", gz, stored.bodies["tcx"]),
        Pair("GPX gzip", "b-gpx", "/gpx", gz, stored.bodies["gpx"]),
        Pair("TCX plain", "p-tcx", "/tcx", plain, stored.bodies["tcx-plain"]),
    ]
    kinds = ("download", "blob, authenticated", "blob")
    with ExportsServer(url, args.workers, workdir) as server:

        def targets(pair: Pair) -> dict[str, str]:
            where = {"exercise_id": str(stored.id), "key": pair.key}
            return {
                kinds[0]: f"{server.base}/v3/exercises/{stored.hashed_id}{pair.download}",
                kinds[1]: server.base + AUTH_BLOB_PATH.format(**where),
                kinds[2]: server.base + BLOB_PATH.format(**where),
            }

        for pair in pairs:  # a wrong answer must not be "fast"
            for target in targets(pair).values():
                status, body = users_get.http_get(target, pair.headers, timeout=30)  # urllib: bytes as sent
                if status != 200 or body != pair.body:
                    raise SystemExit(f"{pair.name}: {target} answered {status} with {len(body)} bytes")

        def load(target: str, headers: dict[str, str]) -> users_get.Result:
            if args.warmup > 0:
                _load(generator, args, target, headers, args.warmup)
            before = server.cpu_seconds()
            result = _load(generator, args, target, headers, args.duration)
            after = server.cpu_seconds()
            if before is not None and after is not None and result.requests:
                result = replace(result, cpu_ms_per_req=(after - before) * 1000 / result.requests)
            return result

        results = {pair.name: {k: load(t, pair.headers) for k, t in targets(pair).items()} for pair in pairs}

    print()
    print(
        f"backend={make_url(url).get_backend_name()} workers={args.workers} connections={args.connections} "
        f"duration={args.duration:g}s warmup={args.warmup:g}s load={generator} cpus={os.cpu_count()} "
        f"python={platform.python_version()}"
    )
    print(
        f"3-hour exercise: {len(stored.bodies['fit']):,} B FIT, {len(stored.bodies['tcx']):,} B TCX gzip "
        f"({len(stored.bodies['tcx-plain']):,} B plain), {len(stored.bodies['gpx']):,} B GPX gzip; "
        f"built once at ingest in {stored.build_s * 1000:.0f} ms (FIT, TCX, both GPX, gzip)"
    )
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print(f"note: load average {os.getloadavg()[0]:.1f}: other processes compete for the CPU")
    print()
    print(f"{'route':<34}{'bytes':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms/req':>12}{'non-2xx':>9}")
    for pair in pairs:
        for kind, r in results[pair.name].items():
            cpu = f"{r.cpu_ms_per_req:.2f}" if r.cpu_ms_per_req is not None else "n/a"
            print(
                f"{pair.name + ' ' + kind:<34}{len(pair.body):>10,}{r.rps:>9.1f}{r.p50_ms:>9.2f}"
                f"{r.p99_ms:>9.2f}{cpu:>12}{r.non_2xx + r.errors:>9}"
            )
    print()
    print(f"download / stored blob of the same size (target >= {TARGET_RATIO}), by req/s and by server CPU:")
    for pair in pairs:
        got = results[pair.name][kinds[0]]
        line = []
        for kind in kinds[1:]:
            base = results[pair.name][kind]
            ratio = got.rps / base.rps if base.rps else 0.0
            cpu = (
                f"{base.cpu_ms_per_req / got.cpu_ms_per_req:.2f}"
                if got.cpu_ms_per_req and base.cpu_ms_per_req
                else "n/a"
            )
            line.append(f"vs {kind}: {ratio:.2f} (cpu {cpu})")
        print(f"  {pair.name:<10} " + "   ".join(line))
    if any(r.non_2xx or r.errors for by_kind in results.values() for r in by_kind.values()):
        print("warning: some responses were not 2xx or failed; the numbers above are not trustworthy")
    return 0


def _load(
    generator: str, args: argparse.Namespace, target: str, headers: dict[str, str], seconds: float
) -> users_get.Result:
    if generator == "wrk":
        return users_get.run_wrk(target, headers, seconds, args.connections, args.threads)
    return users_get.run_python_load(target, headers, seconds, args.connections)


if __name__ == "__main__":
    sys.exit(main())
