"""FIT/TCX/GPX downloads over HTTP, on the transactional routes and on /v3/exercises/{id}.

Every body is read back by an independent reader (Garmin's FIT decoder, the XSDs, gpxpy) and its
values compared with what was uploaded. Also: 204 where a format is not available, gzip negotiation
for the files stored compressed, the raw-gzip TCX setting, includePauseTimes, and that a download
reads the file stored at ingest instead of building it.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import gpxpy
import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from openaccesslink.core.clock import to_db
from openaccesslink.db.engine import Database
from openaccesslink.db.fastread import FastReader
from openaccesslink.db.tables import exercise_files, exercises
from openaccesslink.domains import exercise_files as exercise_files_domain
from openaccesslink.domains import exercises as exercises_domain
from openaccesslink.domains import oauth
from openaccesslink.formats.fit_import import import_fit
from openaccesslink.formats.model import ExerciseData, SampleType
from openaccesslink.formats.tcx_import import import_tcx
from tests.conftest import Live
from tests.flows import Linked, link, signup
from tests.test_formats_export import decode_fit, rich, valid_gpx, valid_tcx
from tests.test_ingest import device_token
from tests.test_ingest_files import upload
from tests.test_transactions import create, entity_urls

FIT_DIR = Path(__file__).parent / "fixtures" / "fit"


def as_json(data: ExerciseData, **changes: Any) -> dict[str, Any]:
    """An ExerciseData as the /ingest/v1/exercises JSON body."""
    body = {
        "start_time": data.start_time_utc.isoformat(),
        "utc_offset_minutes": data.utc_offset_minutes,
        "duration_s": data.duration_s,
        "sport": data.sport,
        "detailed_sport": data.detailed_sport,
        "device": asdict(data.device),
        "distance_m": data.distance_m,
        "calories": data.calories,
        "hr_avg": data.hr_avg,
        "hr_max": data.hr_max,
        "samples": [
            {"sample_type": int(t), "recording_rate": s.recording_rate, "values": s.values}
            for t, s in sorted(data.samples.items())
        ],
        "route": [asdict(p) for p in data.route],
        "laps": [asdict(lap) for lap in data.laps],
        "pauses": [asdict(p) for p in data.pauses],
    }
    body.update(changes)
    return body


class Uploaded:
    """One exercise of a fresh user, reachable through a transaction and by its hashed id."""

    def __init__(self, live: Live, linked: Linked, hashed_id: str, exercise_id: int) -> None:
        self.linked = linked
        self.id = exercise_id
        self.transactional = entity_urls(linked, create(live, linked).json()["resource-uri"])[0]
        self.hashed = f"{live.base_url}/v3/exercises/{hashed_id}"

    @property
    def both(self) -> list[str]:
        return [self.transactional, self.hashed]

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(
            url, headers={**self.linked.bearer, **kwargs.pop("headers", {})}, timeout=60, **kwargs
        )


def uploaded_json(live: Live, body: dict[str, Any]) -> Uploaded:
    linked = link(live.base_url)
    r = httpx.post(
        f"{live.base_url}/ingest/v1/exercises", json=body, headers=device_token(linked.person), timeout=60
    )
    assert r.status_code == 201, r.text
    return Uploaded(live, linked, r.json()["hashed_id"], r.json()["id"])


def uploaded_fit(live: Live, name: str) -> Uploaded:
    linked = link(live.base_url)
    r = upload(live, device_token(linked.person), f"{name}.fit", (FIT_DIR / f"{name}.fit").read_bytes())
    assert r.status_code == 201, r.text
    return Uploaded(live, linked, r.json()["hashed_id"], r.json()["id"])


@dataclass
class Raw:
    status_code: int
    headers: httpx.Headers
    content: bytes


def raw_get(url: str, headers: dict[str, str], drop_accept_encoding: bool = False) -> Raw:
    """The body as sent (httpx would decode a Content-Encoding)."""
    with httpx.Client(timeout=60) as client:
        request = client.build_request("GET", url, headers=headers)
        if drop_accept_encoding:
            del request.headers["accept-encoding"]
        response = client.send(request, stream=True)
        try:
            return Raw(response.status_code, response.headers, b"".join(response.iter_raw()))
        finally:
            response.close()


async def _db(url: str, statement: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(statement)
            return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()


def db(live: Live, statement: Any) -> Any:
    return asyncio.run(_db(live.database_url, statement))


@pytest.fixture(scope="module")
def stored() -> ExerciseData:
    return rich(minutes=20)


# ---------------------------------------------------------------------------------------------- files


def test_json_exercise_in_every_format_on_both_route_families(live: Live, stored: ExerciseData) -> None:
    up = uploaded_json(live, as_json(stored))
    bodies: dict[str, list[bytes]] = {}
    for base in up.both:
        fit = up.get(base + "/fit", headers={"Accept": "application/json"})  # never 406
        assert fit.status_code == 200 and fit.headers["content-type"] == "application/octet-stream"
        assert "content-encoding" not in fit.headers
        tcx = up.get(base + "/tcx")
        assert tcx.status_code == 200 and tcx.headers["content-type"].startswith(
            "application/vnd.garmin.tcx+xml"
        )
        gpx = up.get(base + "/gpx", headers={"Accept": "application/gpx+xml"})
        assert gpx.status_code == 200 and gpx.headers["content-type"].startswith("application/gpx+xml")
        with_pauses = up.get(base + "/gpx", params={"includePauseTimes": "true"})
        for name, response in (("fit", fit), ("tcx", tcx), ("gpx", gpx), ("gpxp", with_pauses)):
            bodies.setdefault(name, []).append(response.content)
    assert all(a == b for a, b in bodies.values())  # the same stored file on both route families

    messages = decode_fit(bodies["fit"][0])
    records = messages["record_mesgs"]
    assert [r["heart_rate"] for r in records] == stored.samples[SampleType.HEART_RATE].values
    assert [r["power"] for r in records] == stored.samples[SampleType.POWER].values
    rr = [t for m in messages["hrv_mesgs"] for t in m["time"]]
    assert rr == [None if v is None else v / 1000 for v in stored.samples[SampleType.RR_INTERVAL].values]
    assert (messages["session_mesgs"][0]["sport"], messages["session_mesgs"][0]["sub_sport"]) == (
        "running",
        "street",
    )

    valid_tcx(bodies["tcx"][0])
    tcx = import_tcx(bodies["tcx"][0])
    assert tcx.samples[SampleType.HEART_RATE].values == stored.samples[SampleType.HEART_RATE].values
    assert tcx.route == stored.route and tcx.calories == stored.calories

    for content in (bodies["gpx"][0], bodies["gpxp"][0]):
        valid_gpx(content)
    assert len(gpxpy.parse(bodies["gpx"][0]).tracks[0].segments) == 3  # pauses left out: 3 stretches
    together = gpxpy.parse(bodies["gpxp"][0]).tracks[0].segments
    assert len(together) == 1 and len(together[0].points) == len(stored.route)


def test_fit_upload_is_served_as_uploaded_and_converted(live: Live) -> None:
    original = (FIT_DIR / "run_20min.fit").read_bytes()
    imported = import_fit(original)
    up = uploaded_fit(live, "run_20min")
    for base in up.both:
        assert up.get(base + "/fit").content == original  # the device's own file
        tcx = up.get(base + "/tcx").content
        valid_tcx(tcx)
        back = import_tcx(tcx)
        assert back.samples[SampleType.HEART_RATE].values == imported.samples[SampleType.HEART_RATE].values
        assert back.samples[SampleType.DISTANCE].values == imported.samples[SampleType.DISTANCE].values
        assert back.route == imported.route
        apart = up.get(base + "/gpx", params={"includePauseTimes": "false"}).content
        together = up.get(base + "/gpx", params={"includePauseTimes": "true"}).content
        assert up.get(base + "/gpx").content == apart  # false is the default
        for content in (apart, together):
            valid_gpx(content)
        assert len(gpxpy.parse(apart).tracks[0].segments) == 2  # the 60 s pause at 10:00 splits the route
        assert len(gpxpy.parse(together).tracks[0].segments) == 1


def test_204_where_a_format_is_not_available(live: Live, stored: ExerciseData) -> None:
    no_route = uploaded_json(live, as_json(stored, route=[]))
    nothing = uploaded_json(
        live, as_json(stored, route=[], samples=[], start_time="2026-05-13T06:30:00+00:00")
    )
    summary_fit = uploaded_fit(live, "strength_45min")  # a FIT with a session and no records
    for base in no_route.both:
        assert no_route.get(base + "/fit").status_code == 200
        assert no_route.get(base + "/tcx").status_code == 200
        for params in ({}, {"includePauseTimes": "true"}):
            r = no_route.get(base + "/gpx", params=params)
            assert r.status_code == 204 and r.content == b""
    for base in nothing.both:
        for fmt in ("fit", "tcx", "gpx"):
            r = nothing.get(f"{base}/{fmt}")
            assert r.status_code == 204 and r.content == b"", fmt
    for base in summary_fit.both:
        assert summary_fit.get(base + "/fit").content == (FIT_DIR / "strength_45min.fit").read_bytes()
        assert summary_fit.get(base + "/tcx").status_code == 204
        assert summary_fit.get(base + "/gpx").status_code == 204


@pytest.mark.parametrize(
    ("accept_encoding", "compressed"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, GZIP;q=0.5", True),
        ("*", True),
        ("identity", False),
        ("deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        (None, False),
    ],
)
def test_tcx_and_gpx_gzip_follow_accept_encoding(
    live: Live, stored: ExerciseData, accept_encoding: str | None, compressed: bool
) -> None:
    up = _shared_upload(live, stored)
    for fmt in ("tcx", "gpx"):
        headers = dict(up.linked.bearer)
        if accept_encoding is not None:
            headers["Accept-Encoding"] = accept_encoding
        r = raw_get(f"{up.hashed}/{fmt}", headers, drop_accept_encoding=accept_encoding is None)
        assert r.status_code == 200 and r.headers["vary"] == "Accept-Encoding"
        if compressed:
            assert r.headers["content-encoding"] == "gzip" and r.content[:2] == b"\x1f\x8b"
            body = gzip.decompress(r.content)
        else:
            assert "content-encoding" not in r.headers
            body = r.content
        assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert int(r.headers["content-length"]) == len(r.content)
        (valid_tcx if fmt == "tcx" else valid_gpx)(body)
    fit = raw_get(f"{up.hashed}/fit", {**up.linked.bearer, "Accept-Encoding": "gzip"})
    assert "content-encoding" not in fit.headers and fit.content[8:12] == b".FIT"


def test_tcx_raw_gzip_setting(live: Live, stored: ExerciseData) -> None:
    up = _shared_upload(live, stored)
    plain = up.get(up.hashed + "/tcx").content
    live.settings.tcx_raw_gzip = True  # the app reads its settings per request
    try:
        for accept_encoding in ("gzip", "identity"):
            r = raw_get(up.hashed + "/tcx", {**up.linked.bearer, "Accept-Encoding": accept_encoding})
            assert r.status_code == 200 and "content-encoding" not in r.headers
            assert gzip.decompress(r.content) == plain  # the body itself is the .tcx.gz
        gpx = raw_get(up.hashed + "/gpx", {**up.linked.bearer, "Accept-Encoding": "identity"})
        assert gpx.content.startswith(b"<?xml")  # GPX is not affected
    finally:
        live.settings.tcx_raw_gzip = False


_SHARED: dict[str, Uploaded] = {}


def _shared_upload(live: Live, stored: ExerciseData) -> Uploaded:
    """One upload per backend for the read-only negotiation tests."""
    if live.backend not in _SHARED:
        _SHARED[live.backend] = uploaded_json(live, as_json(stored))
    return _SHARED[live.backend]


# ---------------------------------------------------------------------------------------------- storage


def test_files_are_built_at_ingest_and_a_download_reads_them(live: Live, stored: ExerciseData) -> None:
    up = uploaded_json(live, as_json(stored))
    rows = db(
        live,
        select(exercise_files.c.format, exercise_files.c.content_encoding, exercise_files.c.built_at).where(
            exercise_files.c.exercise_id == up.id
        ),
    )
    assert sorted((f, e) for f, e, _ in rows) == [
        ("fit", None),
        ("gpx", "gzip"),
        ("gpxp", "gzip"),
        ("tcx", "gzip"),
    ]
    assert {built for _, _, built in rows} == {to_db(live.clock.now())}
    fit, tcx = up.get(up.hashed + "/fit").content, up.get(up.hashed + "/tcx").content
    # what is served is what is stored: change the stored FIT and the download changes with it
    db(
        live,
        update(exercise_files)
        .where(exercise_files.c.exercise_id == up.id, exercise_files.c.format == "fit")
        .values(content=b"stored bytes"),
    )
    assert up.get(up.hashed + "/fit").content == b"stored bytes"
    assert up.get(up.transactional + "/fit").content == b"stored bytes"
    # an exercise without stored files (stored before they existed) gets them on its first download
    db(live, delete(exercise_files).where(exercise_files.c.exercise_id == up.id))
    assert up.get(up.hashed + "/tcx").content == tcx
    assert len(db(live, select(exercise_files.c.format).where(exercise_files.c.exercise_id == up.id))) == 4
    assert up.get(up.transactional + "/fit").content == fit


def test_uploaded_fit_is_not_stored_twice(live: Live) -> None:
    up = uploaded_fit(live, "run_20min")
    rows = db(live, select(exercise_files.c.format).where(exercise_files.c.exercise_id == up.id))
    assert sorted(f for (f,) in rows) == ["gpx", "gpxp", "tcx"]  # the FIT is the upload itself
    source = db(live, select(exercises.c.source_format).where(exercises.c.id == up.id))
    assert source == [("fit",)]


async def test_fast_download_lookup_agrees_with_visible_to_partner(live: Live, stored: ExerciseData) -> None:
    """The raw-driver download query restates exercises.visible_to_partner: both must agree."""
    person = signup(live.base_url)
    early = httpx.post(
        f"{live.base_url}/ingest/v1/exercises", json=as_json(stored), headers=device_token(person)
    ).json()["hashed_id"]  # uploaded before the user registered with the partner
    live.clock.advance(seconds=1)
    linked = link(live.base_url, person=person)
    live.clock.advance(seconds=1)
    later = as_json(stored, start_time="2026-05-14T06:30:00+00:00")
    late = httpx.post(f"{live.base_url}/ingest/v1/exercises", json=later, headers=device_token(person)).json()
    stranger = link(live.base_url)  # another user of another partner
    live.clock.advance(seconds=1)
    other_partner = link(live.base_url, person=person)  # registered after both uploads
    db, fast = Database(live.database_url), FastReader(live.database_url)
    now = live.clock.now()
    try:
        principals = []
        async with db.read() as conn:
            for who in (linked, stranger, other_partner):
                principal = await oauth.authenticate_bearer(conn, who.token)
                assert principal is not None
                principals.append(principal)
        seen = []
        for principal in principals:
            for hashed_id in (early, late["hashed_id"], "zzzzzzzz"):
                for when in (
                    now - timedelta(seconds=5),
                    now,
                    now + timedelta(days=29),
                    now + timedelta(days=31),
                ):
                    async with db.read() as conn:
                        slow = await exercises_domain.visible_to_partner(
                            conn,
                            account_id=principal.account_id,
                            client_pk=principal.client_pk,
                            now=when,
                            hashed_id=hashed_id,
                        )
                    quick = await exercise_files_domain.visible_download(
                        fast,
                        account_id=principal.account_id,
                        client_pk=principal.client_pk,
                        now=when,
                        hashed_id=hashed_id,
                        fmt="tcx",
                    )
                    assert (quick is not None) == bool(slow), (principal, hashed_id, when)
                    if quick is not None:
                        assert quick.exercise_id == slow[0]["id"] and quick.stored is not None
                        seen.append((principal.client_pk, hashed_id, when))
        partner = principals[0].client_pk
        assert seen == [(partner, late["hashed_id"], w) for w in (now, now + timedelta(days=29))]
    finally:
        await fast.close()
        await db.dispose()


@pytest.fixture(autouse=True)
def _no_leftover_raw_mode(live: Live) -> Iterator[None]:
    yield
    live.settings.tcx_raw_gzip = False
