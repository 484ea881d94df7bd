"""The Flow-side ingestion API: device tokens, every family, re-syncs, events, bad input."""

from __future__ import annotations

import re

import httpx
import pytest

from tests import dbcheck
from tests.conftest import Live
from tests.flows import Person, csrf, signup
from tests.payloads import exercise_json, records


def device_token(person: Person) -> dict[str, str]:
    page = person.http.get("/account/devices")
    r = person.http.post("/account/devices", data={"csrf": csrf(page), "name": "test watch"})
    m = re.search(r'id="device-token">([^<]+)<', r.text)
    assert r.status_code == 200 and m
    return {"Authorization": f"Bearer {m.group(1)}"}


def test_every_family_is_stored_with_an_event(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    for path, doc in records().items():
        r = httpx.post(
            f"{live.base_url}/ingest/v1/{path}", json={**doc, "polar_user": "ignored"}, headers=auth
        )
        assert r.status_code == 201, (path, r.text)
        body = r.json()
        assert body["status"] == "created" and body["id"] > 0
    ex = httpx.post(f"{live.base_url}/ingest/v1/exercises", json=exercise_json(), headers=auth)
    assert ex.status_code == 201, ex.text
    assert re.fullmatch(r"[A-Za-z0-9]{8}", ex.json()["hashed_id"])
    assert dbcheck.counts(live.database_url, person.user_id) == (1, 12, 13)


def test_resync_updates_where_the_item_is_the_same_and_activity_keeps_every_sync(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    sleep = records()["sleep"]
    first = httpx.post(f"{live.base_url}/ingest/v1/sleep", json=sleep, headers=auth).json()
    again = httpx.post(f"{live.base_url}/ingest/v1/sleep", json={**sleep, "sleep_score": 90}, headers=auth)
    assert (
        again.status_code == 200 and again.json()["status"] == "updated" and again.json()["id"] == first["id"]
    )
    activity = records()["activities"]
    a1 = httpx.post(f"{live.base_url}/ingest/v1/activities", json=activity, headers=auth).json()
    a2 = httpx.post(
        f"{live.base_url}/ingest/v1/activities", json={**activity, "steps": 12000}, headers=auth
    ).json()
    assert a1["status"] == a2["status"] == "created" and a1["id"] != a2["id"] and a1["day"] == a2["day"]
    ex1 = httpx.post(f"{live.base_url}/ingest/v1/exercises", json=exercise_json(), headers=auth)
    ex2 = httpx.post(f"{live.base_url}/ingest/v1/exercises", json=exercise_json(), headers=auth)
    assert ex1.status_code == 201 and ex2.status_code == 200
    assert ex2.json()["status"] == "unchanged" and ex2.json()["hashed_id"] == ex1.json()["hashed_id"]
    assert dbcheck.counts(live.database_url, person.user_id) == (1, 3, 5)


def test_signed_in_session_may_sync_too(live: Live) -> None:
    person = signup(live.base_url)
    r = person.http.post("/ingest/v1/sleep", json=records()["sleep"])
    assert r.status_code == 201


def test_authentication(live: Live) -> None:
    person = signup(live.base_url)
    url = f"{live.base_url}/ingest/v1/sleep"
    assert httpx.post(url, json=records()["sleep"]).status_code == 401
    assert (
        httpx.post(url, json=records()["sleep"], headers={"Authorization": "Bearer dev_nope"}).status_code
        == 401
    )
    auth = device_token(person)
    page = person.http.get("/account/devices")
    action = re.search(r'action="(/account/devices/\d+/revoke)"', page.text)
    assert action
    person.http.post(action.group(1), data={"csrf": csrf(page)})
    assert httpx.post(url, json=records()["sleep"], headers=auth).status_code == 401
    assert dbcheck.counts(live.database_url, person.user_id) == (0, 0, 0)


@pytest.mark.parametrize(
    ("path", "content", "fragment"),
    [
        ("sleep", b"{broken", "Malformed JSON"),
        ("sleep", b"[]", "JSON object"),
        ("sleep", b'{"date": "2026-13-45"}', "date"),
        ("sleep", b'{"sleep_score": "high", "date": "2026-10-01"}', "sleep_score"),
        ("sleep", b'{"sleep_score": 80}', "date is required"),
        ("biosensing/ecg", b'{"test_time": -5}', "test_time"),
        ("nonsense", b"{}", "unknown family"),
        ("exercises", b'{"start_time": "2026-10-01T10:00:00", "duration_s": 60}', "start_time"),
        ("exercises", b'{"start_time": "2026-10-01T10:00:00Z", "duration_s": -1}', "duration_s"),
        ("exercises", b'{"start_time": "2026-10-01T10:00:00Z", "duration_s": 60, "hr_avg": 900}', "hr_avg"),
        (
            "exercises",
            b'{"start_time": "2026-10-01T10:00:00Z", "duration_s": 60, "samples": '
            b'[{"sample_type": 0, "recording_rate": 1, "values": [1, null]}]}',
            "null",
        ),
        (
            "exercises",
            b'{"start_time": "2026-10-01T10:00:00Z", "duration_s": 60, "samples": '
            b'[{"sample_type": 12, "recording_rate": 1, "values": [1]}]}',
            "sample_type",
        ),
    ],
)
def test_bad_records_are_400_and_store_nothing(live: Live, path: str, content: bytes, fragment: str) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    r = httpx.post(
        f"{live.base_url}/ingest/v1/{path}",
        content=content,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["error_type"] == "BadRequestException" and fragment in error["message"], error["message"]
    assert dbcheck.counts(live.database_url, person.user_id) == (0, 0, 0)
    ok = httpx.post(f"{live.base_url}/ingest/v1/sleep", json=records()["sleep"], headers=auth)
    assert ok.status_code == 201  # the server keeps serving


def test_ingestion_is_documented_apart_from_accesslink(live: Live) -> None:
    spec = httpx.get(f"{live.base_url}/openapi.json").json()
    ingest_paths = [p for p in spec["paths"] if p.startswith("/ingest/v1/")]
    assert "/ingest/v1/exercises" in ingest_paths
    tags = {tag for p in ingest_paths for op in spec["paths"][p].values() for tag in op["tags"]}
    assert tags == {"Flow ingestion (not AccessLink)"}
