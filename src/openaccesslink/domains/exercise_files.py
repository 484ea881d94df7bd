"""Exercise export files (FIT, TCX, GPX), built once per exercise and stored: a download is a read.

When: at ingest, in the unit of work that stores the exercise (``ingest.service.store_exercise``
calls ``build_and_store``). Partners typically fetch each exercise's files once, right after the
webhook or notification, so building on first download would make nearly every download a build;
stored exercises never change, so a file built at ingest never goes stale. The price is ingest time
(about 0.5 s of CPU for a 3-hour 1 Hz exercise, in a worker thread; on SQLite the unit of work holds
the write lock meanwhile) and storage for files that may never be fetched. Bulk loads (the
simulator, ``ingest.batch``) skip the build; their exercises, and any whose build failed at
ingest, are built on their first download instead (``build`` + ``store`` from the API edge) and
stored then.

What is stored (``exercise_files``, one row per exercise and key):

* ``fit``: ``formats.fit_export``, plain. Not stored when the exercise came as a FIT file: that
  upload (``exercises.source_file``) is served instead, being the device's own file; the importer
  only accepted it because Garmin's decoder read it without errors.
* ``tcx``: ``formats.tcx_export``, gzip-compressed (``content_encoding`` "gzip").
* ``gpx`` (pauses left out) and ``gpxp`` (pauses included, only when that differs: the exercise has
  pauses), ``formats.gpx_export``, gzip-compressed.

Availability (otherwise the API answers 204): FIT and TCX need samples or a route; GPX needs a route.

Downloads are on the hot path: ``download_by_id`` / ``visible_download`` answer "which file, or why
none" in one indexed query on the raw driver (``db/fastread.py``), fetching only the file, never the
exercise's samples; ``visible_download`` restates the rules of ``exercises.visible_to_partner``
(tests/test_exercise_files.py checks that both agree).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.db.fastread import FastReader
from openaccesslink.db.tables import exercise_files
from openaccesslink.formats.fit_export import export_fit
from openaccesslink.formats.gpx_export import export_gpx_variants
from openaccesslink.formats.model import ExerciseData
from openaccesslink.formats.tcx_export import export_tcx

log = logging.getLogger(__name__)

FIT, TCX, GPX = "fit", "tcx", "gpx"
GPX_WITH_PAUSES = "gpxp"
FORMATS = (FIT, TCX, GPX)
GZIP = "gzip"
GZIP_LEVEL = 6
VISIBLE_FOR = timedelta(days=30)  # exercises.visible_to_partner: uploaded within the last 30 days


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    encoding: str | None  # "gzip" when content is gzip-compressed


def available(fmt: str, *, has_route: bool, has_samples: bool) -> bool:
    """Whether an exercise has a file in this format at all (the doc's 204 otherwise)."""
    return has_route if fmt == GPX else has_route or has_samples


def serves_original(fmt: str, source_format: str | None, source_file: bytes | None) -> bool:
    """The FIT of an exercise uploaded as FIT is the upload itself."""
    return fmt == FIT and source_format == FIT and bool(source_file)


def keys(fmt: str, include_pauses: bool = False) -> tuple[str, ...]:
    """Stored keys that answer a request, best first (no pause variant: the file without pauses)."""
    return (GPX_WITH_PAUSES, GPX) if fmt == GPX and include_pauses else (fmt,)


def build(data: ExerciseData, source_format: str | None, source_file: bytes | None) -> dict[str, ExportFile]:
    """Every file the exercise has, by key (CPU-bound: run it off the event loop)."""
    has_route, has_samples = bool(data.route), bool(data.samples)
    files: dict[str, ExportFile] = {}
    if available(FIT, has_route=has_route, has_samples=has_samples) and not serves_original(
        FIT, source_format, source_file
    ):
        files[FIT] = ExportFile(export_fit(data), None)
    if available(TCX, has_route=has_route, has_samples=has_samples):
        files[TCX] = _gzipped(export_tcx(data))
    if has_route:
        without, with_pauses = export_gpx_variants(data)
        files[GPX] = _gzipped(without)
        if with_pauses is not None:
            files[GPX_WITH_PAUSES] = _gzipped(with_pauses)
    return files


def _gzipped(content: bytes) -> ExportFile:
    return ExportFile(gzip.compress(content, GZIP_LEVEL, mtime=0), GZIP)


async def store(conn: AsyncConnection, exercise_id: int, files: dict[str, ExportFile], now: datetime) -> None:
    """Insert the files; a key already stored (a concurrent first download) is left as it is."""
    if not files:
        return
    rows = [
        {
            "exercise_id": exercise_id,
            "format": key,
            "content": f.content,
            "content_encoding": f.encoding,
            "built_at": to_db(now),
        }
        for key, f in files.items()
    ]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    await conn.execute(insert(exercise_files).values(rows).on_conflict_do_nothing())


async def build_and_store(
    conn: AsyncConnection,
    exercise_id: int,
    data: ExerciseData,
    now: datetime,
    source_format: str | None,
    source_file: bytes | None,
) -> None:
    """At ingest: build in a worker thread, store in the caller's unit of work.

    A failing build does not fail the upload: it is logged and the files are built on first download.
    """
    try:
        files = await asyncio.to_thread(build, data, source_format, source_file)
    except Exception:
        log.exception(
            "building the export files of exercise %s failed; they will be built on download", exercise_id
        )
        return
    await store(conn, exercise_id, files, now)


# ---------------------------------------------------------------------------------------------- downloads


@dataclass(frozen=True)
class Download:
    """What a download request finds: the exercise's availability and its file, if stored."""

    exercise_id: int
    has_route: bool
    has_samples: bool
    original: bytes | None  # the uploaded FIT, when it answers a FIT request
    stored: ExportFile | None  # the stored file of the best wanted key

    def available(self, fmt: str) -> bool:
        return available(fmt, has_route=self.has_route, has_samples=self.has_samples)


_SELECT = (
    "SELECT e.id, e.has_route, e.sample_types, "
    "CASE WHEN e.source_format = 'fit' AND :fmt = 'fit' THEN e.source_file END, "
    "f.content, f.content_encoding "
    "FROM exercises e "
)
_FILE = "LEFT JOIN exercise_files f ON f.exercise_id = e.id AND f.format IN (:first, :second) "
_BEST = " ORDER BY CASE WHEN f.format = :first THEN 0 ELSE 1 END LIMIT 1"
BY_ID_SQL = _SELECT + _FILE + "WHERE e.id = :exercise_id" + _BEST
VISIBLE_SQL = (
    _SELECT
    + "JOIN registrations r ON r.account_id = e.account_id AND r.client_pk = :client_pk "
    + _FILE
    + "WHERE e.hashed_id = :hashed_id AND e.account_id = :account_id "
    "AND e.uploaded_at >= r.registered_at AND e.uploaded_at >= :since AND e.uploaded_at <= :now" + _BEST
)


async def download_by_id(
    reader: FastReader, exercise_id: int, fmt: str, include_pauses: bool = False
) -> Download | None:
    """The exercise's file for a caller that has checked access already; None: no such exercise."""
    return _download(
        await reader.one(BY_ID_SQL, {"exercise_id": exercise_id, **_wanted(fmt, include_pauses)})
    )


async def visible_download(
    reader: FastReader,
    *,
    account_id: int,
    client_pk: int,
    now: datetime,
    hashed_id: str,
    fmt: str,
    include_pauses: bool = False,
) -> Download | None:
    """The file of an exercise the partner may see (exercises.visible_to_partner); None otherwise."""
    params = {
        "account_id": account_id,
        "client_pk": client_pk,
        "hashed_id": hashed_id,
        "since": _moment(reader, now - VISIBLE_FOR),
        "now": _moment(reader, now),
        **_wanted(fmt, include_pauses),
    }
    return _download(await reader.one(VISIBLE_SQL, params))


def _wanted(fmt: str, include_pauses: bool) -> dict[str, str]:
    wanted = keys(fmt, include_pauses)
    return {"fmt": fmt, "first": wanted[0], "second": wanted[-1]}


def _moment(reader: FastReader, when: datetime) -> Any:
    """A datetime as the column holds it: naive UTC; on SQLite, SQLAlchemy's text form."""
    naive = to_db(when)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if reader.is_sqlite else naive


def _download(row: tuple[Any, ...] | None) -> Download | None:
    if row is None:
        return None
    exercise_id, has_route, sample_types, original, content, encoding = row
    return Download(
        exercise_id=int(exercise_id),
        has_route=bool(has_route),
        has_samples=bool(sample_types),
        original=bytes(original) if original else None,
        stored=None if content is None else ExportFile(bytes(content), encoding),
    )
