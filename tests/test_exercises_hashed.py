"""/v3/exercises by hashed id: windows, flags, isolation, and the integer id on transactional routes."""

from __future__ import annotations

import re

import httpx

from tests.conftest import Live
from tests.flows import link, signup
from tests.payloads import exercise_json
from tests.test_ingest import device_token
from tests.test_transactions import create, entity_urls


def test_list_and_get_with_flags(live: Live) -> None:
    linked = link(live.base_url)
    auth = device_token(linked.person)
    up = httpx.post(f"{live.base_url}/ingest/v1/exercises", json=exercise_json(), headers=auth).json()
    listed = httpx.get(f"{live.base_url}/v3/exercises", headers=linked.bearer)
    assert listed.status_code == 200 and isinstance(listed.json(), list) and len(listed.json()) == 1
    item = listed.json()[0]
    assert item["id"] == up["hashed_id"] and re.fullmatch(r"[A-Za-z0-9]{8}", item["id"])
    assert item["polar_user"] == f"{live.base_url}/v3/users/{linked.person.user_id}"
    assert item["start_time"] == "2026-10-30T08:00:00" and item["start_time_utc_offset"] == 120
    assert item["has_route"] is True and "samples" not in item and "heart_rate_zones" not in item
    full = httpx.get(
        f"{live.base_url}/v3/exercises/{item['id']}",
        params={"samples": "true", "zones": "true", "route": "true"},
        headers=linked.bearer,
    ).json()
    assert [s["sample-type"] for s in full["samples"]] == ["0", "1", "11"]
    assert [z["index"] for z in full["heart_rate_zones"]] == [0, 1, 2, 3, 4]
    assert full["route"][0] == {"latitude": 64.9, "longitude": 25.5, "time": "PT0S"}
    # the same exercise keeps its integer id on the transactional routes
    tx = create(live, linked).json()["resource-uri"]
    summary = httpx.get(entity_urls(linked, tx)[0], headers=linked.bearer).json()
    assert summary["id"] == up["id"] and summary["start-time"] == item["start_time"]


def test_unknown_foreign_and_expired_are_404(live: Live) -> None:
    linked = link(live.base_url)
    other = link(live.base_url)
    hashed = httpx.post(
        f"{live.base_url}/ingest/v1/exercises", json=exercise_json(), headers=device_token(linked.person)
    ).json()["hashed_id"]
    url = f"{live.base_url}/v3/exercises/{hashed}"
    assert httpx.get(url, headers=linked.bearer).status_code == 200
    r = httpx.get(url, headers=other.bearer)
    assert r.status_code == 404 and r.content == b""
    assert httpx.get(f"{live.base_url}/v3/exercises/zzzzzzzz", headers=linked.bearer).status_code == 404
    assert httpx.get(url + "/fit", headers=other.bearer).status_code == 404
    live.clock.advance(days=30, seconds=1)
    assert httpx.get(url, headers=linked.bearer).status_code == 404
    assert httpx.get(f"{live.base_url}/v3/exercises", headers=linked.bearer).json() == []


def test_only_after_registration(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    httpx.post(
        f"{live.base_url}/ingest/v1/exercises", json=exercise_json(start="2026-10-01T06:00:00Z"), headers=auth
    )
    live.clock.advance(seconds=1)
    linked = link(live.base_url, person=person)
    assert httpx.get(f"{live.base_url}/v3/exercises", headers=linked.bearer).json() == []
    live.clock.advance(seconds=1)
    httpx.post(
        f"{live.base_url}/ingest/v1/exercises", json=exercise_json(start="2026-10-02T06:00:00Z"), headers=auth
    )
    assert len(httpx.get(f"{live.base_url}/v3/exercises", headers=linked.bearer).json()) == 1


def test_hashed_ids_are_not_sequential(live: Live) -> None:
    linked = link(live.base_url)
    auth = device_token(linked.person)
    with httpx.Client(headers=auth) as http:
        stored = [
            http.post(
                f"{live.base_url}/ingest/v1/exercises",
                json=exercise_json(start=f"2026-10-{10 + i}T06:00:00Z"),
            ).json()
            for i in range(12)
        ]
    ints = [s["id"] for s in stored]
    hashed = [s["hashed_id"] for s in stored]
    assert ints == sorted(ints) and len(set(hashed)) == 12
    assert all(re.fullmatch(r"[A-Za-z0-9]{8}", h) for h in hashed)
    assert hashed != sorted(hashed)  # 1 in 12! for random ids
    for a, b in zip(hashed, hashed[1:], strict=False):  # neighbours share next to nothing
        assert sum(x == y for x, y in zip(a, b, strict=True)) <= 4
