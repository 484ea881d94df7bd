"""The transaction model over HTTP, moved by the Clock: batches of 50, disbanding, cutoffs, partners."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from lxml import etree

from tests.conftest import Live
from tests.flows import Linked, link, signup
from tests.payloads import exercise_json, records
from tests.test_ingest import device_token


def upload_exercises(live: Live, auth: dict[str, str], n: int, start: datetime | None = None) -> None:
    first = start or datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    with httpx.Client(headers=auth) as http:
        for i in range(n):
            body = exercise_json(start=(first + timedelta(hours=i)).isoformat(), minutes=1)
            assert http.post(f"{live.base_url}/ingest/v1/exercises", json=body).status_code == 201


def create(live: Live, linked: Linked, kind: str = "exercise") -> httpx.Response:
    return httpx.post(
        f"{live.base_url}/v3/users/{linked.person.user_id}/{kind}-transactions",
        headers={**linked.bearer, "Content-Type": "application/json"},
    )


def entity_urls(linked: Linked, resource_uri: str, key: str = "exercises") -> list[str]:
    r = httpx.get(resource_uri, headers=linked.bearer)
    assert r.status_code == 200, r.text
    return list(r.json()[key])


def test_120_exercises_arrive_in_three_transactions(live: Live) -> None:
    linked = link(live.base_url)
    upload_exercises(live, device_token(linked.person), 120)
    note = httpx.get(f"{live.base_url}/v3/notifications", auth=linked.partner.auth)
    assert note.status_code == 200
    assert note.json()["available-user-data"] == [
        {
            "user-id": linked.person.user_id,
            "data-type": "EXERCISE",
            "url": f"{live.base_url}/v3/users/{linked.person.user_id}/exercise-transactions",
        }
    ]
    seen: list[str] = []
    for expected in (50, 50, 20):
        r = create(live, linked)
        assert r.status_code == 201, r.text
        body = r.json()
        assert set(body) == {"transaction-id", "resource-uri"}
        assert body["resource-uri"] == (
            f"{live.base_url}/v3/users/{linked.person.user_id}/exercise-transactions/{body['transaction-id']}"
        )
        urls = entity_urls(linked, body["resource-uri"])
        assert len(urls) == expected and all(u.startswith(body["resource-uri"] + "/exercises/") for u in urls)
        summary = httpx.get(urls[0], headers=linked.bearer).json()
        assert summary["transaction-id"] == body["transaction-id"] and summary["sport"] == "RUNNING"
        assert summary["polar-user"] == f"{live.base_url}/v3/users/{linked.person.user_id}"
        seen += [u.rsplit("/", 1)[1] for u in urls]
        commit = httpx.put(body["resource-uri"], headers=linked.bearer)
        assert commit.status_code == 200 and commit.content == b""
    assert len(set(seen)) == 120
    assert create(live, linked).status_code == 204
    assert httpx.get(f"{live.base_url}/v3/notifications", auth=linked.partner.auth).status_code == 204


def test_a_transaction_is_disbanded_after_ten_minutes_and_its_data_comes_back(live: Live) -> None:
    linked = link(live.base_url)
    upload_exercises(live, device_token(linked.person), 3)
    first = create(live, linked).json()["resource-uri"]
    urls = entity_urls(linked, first)
    live.clock.advance(minutes=10, seconds=1)
    assert httpx.get(first, headers=linked.bearer).status_code == 404
    assert httpx.get(urls[0], headers=linked.bearer).status_code == 404
    assert httpx.put(first, headers=linked.bearer).status_code == 404
    second = create(live, linked).json()["resource-uri"]
    assert [u.rsplit("/", 1)[1] for u in entity_urls(linked, second)] == [u.rsplit("/", 1)[1] for u in urls]
    live.clock.advance(minutes=9, seconds=59)
    assert httpx.put(second, headers=linked.bearer).status_code == 200
    assert httpx.put(second, headers=linked.bearer).status_code == 404  # committed once


def test_second_create_while_one_is_open_hands_out_only_the_rest(live: Live) -> None:
    linked = link(live.base_url)
    upload_exercises(live, device_token(linked.person), 60)
    a = create(live, linked).json()["resource-uri"]
    b = create(live, linked).json()["resource-uri"]
    assert create(live, linked).status_code == 204
    ids_a = {u.rsplit("/", 1)[1] for u in entity_urls(linked, a)}
    ids_b = {u.rsplit("/", 1)[1] for u in entity_urls(linked, b)}
    assert len(ids_a) == 50 and len(ids_b) == 10 and not ids_a & ids_b


def test_only_data_uploaded_after_registration_and_within_30_days(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    upload_exercises(live, auth, 2, start=datetime(2026, 8, 1, tzinfo=UTC))  # before registration
    live.clock.advance(seconds=1)
    linked = link(live.base_url, person=person)
    live.clock.advance(seconds=1)
    upload_exercises(live, auth, 3, start=datetime(2026, 8, 10, tzinfo=UTC))
    r = create(live, linked)
    assert len(entity_urls(linked, r.json()["resource-uri"])) == 3
    live.clock.advance(minutes=11)  # disbanded, nothing committed
    live.clock.advance(days=30)
    assert create(live, linked).status_code == 204
    assert httpx.get(f"{live.base_url}/v3/notifications", auth=linked.partner.auth).status_code == 204


def test_two_partners_keep_their_own_view(live: Live) -> None:
    person = signup(live.base_url)
    at_a = link(live.base_url, person=person)
    at_b = link(live.base_url, person=person)
    upload_exercises(live, device_token(person), 4)
    tx_a = create(live, at_a).json()["resource-uri"]
    assert len(entity_urls(at_a, tx_a)) == 4
    assert httpx.put(tx_a, headers=at_a.bearer).status_code == 200
    assert create(live, at_a).status_code == 204
    tx_b = create(live, at_b).json()["resource-uri"]
    assert len(entity_urls(at_b, tx_b)) == 4
    # a token never reaches another partner's transaction or another user's path
    assert httpx.get(tx_b, headers=at_a.bearer).status_code == 404
    stranger = link(live.base_url, partner=at_a.partner)
    assert (
        httpx.post(
            f"{live.base_url}/v3/users/{person.user_id}/exercise-transactions", headers=stranger.bearer
        ).status_code
        == 404
    )


def test_activity_all_summaries_of_a_day_with_samples_and_xml(live: Live) -> None:
    linked = link(live.base_url)
    auth = device_token(linked.person)
    doc = records()["activities"]
    doc["samples"]["activity_zones"] = {
        "samples": [
            {"zone": "SLEEP", "timestamp": "2026-10-30T00:00:00"},
            {"zone": "SEDENTARY", "timestamp": "2026-10-30T07:30:00"},
            {"zone": "VIGOROUS", "timestamp": "2026-10-30T08:00:00"},
        ]
    }
    for steps in (3000, 10450):
        r = httpx.post(f"{live.base_url}/ingest/v1/activities", json={**doc, "steps": steps}, headers=auth)
        assert r.status_code == 201
    r = create(live, linked, "activity")
    assert r.status_code == 201
    urls = entity_urls(linked, r.json()["resource-uri"], "activity-log")
    bodies = [httpx.get(u, headers=linked.bearer).json() for u in urls]
    assert [b["active-steps"] for b in bodies] == [3000, 10450]
    assert {b["date"] for b in bodies} == {"2026-10-30"}
    steps = httpx.get(urls[1] + "/step-samples", headers=linked.bearer).json()
    assert steps["date"] == "2026-10-30" and steps["samples"] == [{"steps": 450, "time": "08:00:00.000"}]
    zones = httpx.get(urls[1] + "/zone-samples", headers=linked.bearer).json()
    hour7 = next(s for s in zones["samples"] if s["time"] == "07:00:00.000")
    assert hour7["activity-zones"] == [{"index": 0, "inzone": "PT30M"}, {"index": 1, "inzone": "PT30M"}]
    xml = httpx.get(r.json()["resource-uri"], headers={**linked.bearer, "Accept": "application/xml"})
    root = etree.fromstring(xml.content)
    assert root.tag == "activity-logs" and [c.tag for c in root] == ["activity-log", "activity-log"]


def test_physical_information_transaction(live: Live) -> None:
    linked = link(live.base_url)
    auth = device_token(linked.person)
    doc = records()["physical-information"]
    assert (
        httpx.post(f"{live.base_url}/ingest/v1/physical-information", json=doc, headers=auth).status_code
        == 201
    )
    note = httpx.get(f"{live.base_url}/v3/notifications", auth=linked.partner.auth).json()
    assert [e["data-type"] for e in note["available-user-data"]] == ["PHYSICAL_INFORMATION"]
    r = create(live, linked, "physical-information")
    urls = entity_urls(linked, r.json()["resource-uri"], "physical-informations")
    assert len(urls) == 1 and urls[0].rsplit("/", 1)[1].isdigit()
    body = httpx.get(urls[0], headers=linked.bearer).json()
    assert body["weight"] == 61.5 and body["maximum-heart-rate"] == 190 and body["transaction-id"]
    xml = httpx.get(r.json()["resource-uri"], headers={**linked.bearer, "Accept": "application/xml"})
    assert [c.tag for c in etree.fromstring(xml.content)] == ["physical-information"]


def test_exercise_sub_resources(live: Live) -> None:
    linked = link(live.base_url)
    auth = device_token(linked.person)
    httpx.post(f"{live.base_url}/ingest/v1/exercises", json=exercise_json(minutes=10), headers=auth)
    uri = create(live, linked).json()["resource-uri"]
    url = entity_urls(linked, uri)[0]
    samples = httpx.get(url + "/samples", headers=linked.bearer).json()["samples"]
    assert samples == [f"{url}/samples/0", f"{url}/samples/1", f"{url}/samples/11"]
    rr = httpx.get(url + "/samples/11", headers=linked.bearer).json()
    assert rr == {"recording-rate": None, "sample-type": "11", "data": "600,610,null,590"}
    hr = httpx.get(url + "/samples/0", headers=linked.bearer).json()
    assert hr["recording-rate"] == 1 and len(hr["data"].split(",")) == 600
    assert httpx.get(url + "/samples/4", headers=linked.bearer).status_code == 204
    zones = httpx.get(url + "/heart-rate-zones", headers=linked.bearer).json()["zone"]
    assert [z["index"] for z in zones] == [0, 1, 2, 3, 4]
    # profile birthdate 1990-05-17 -> max HR 220 - 36 = 184: zone limits 92, 110, 129, 147, 166, 184
    assert [(z["lower-limit"], z["upper-limit"]) for z in zones][0] == (92, 110)
    assert httpx.get(url + "/gpx", headers=linked.bearer).status_code in (200, 204)


def test_consents_and_wrong_ids(live: Live) -> None:
    linked = link(live.base_url)
    base = f"{live.base_url}/v3/users/{linked.person.user_id}/exercise-transactions"
    assert httpx.get(f"{base}/999999", headers=linked.bearer).status_code == 404
    assert httpx.put(f"{base}/999999", headers=linked.bearer).status_code == 404
    assert httpx.get(f"{base}/abc", headers=linked.bearer).status_code == 400
    page = linked.person.http.get("/account/consents")
    from tests.flows import csrf

    linked.person.http.post("/account/consents", data={"csrf": csrf(page), "consent_profile": "1"})
    r = create(live, linked)
    assert r.status_code == 403 and r.content == b""


def test_concurrent_creates_never_hand_out_an_entity_twice(live: Live) -> None:
    linked = link(live.base_url)
    upload_exercises(live, device_token(linked.person), 70)
    barrier = threading.Barrier(4)

    def go(_: int) -> httpx.Response:
        barrier.wait()
        return create(live, linked)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(go, range(4)))
    created = [r.json()["resource-uri"] for r in results if r.status_code == 201]
    assert sorted(r.status_code for r in results) == [201, 201, 204, 204]
    ids = [u.rsplit("/", 1)[1] for uri in created for u in entity_urls(linked, uri)]
    assert len(ids) == 70 and len(set(ids)) == 70


def test_commit_racing_the_deadline_ends_consistently(live: Live) -> None:
    linked = link(live.base_url)
    upload_exercises(live, device_token(linked.person), 2)
    for _ in range(3):
        created = create(live, linked)
        if created.status_code == 204:
            break
        uri = created.json()["resource-uri"]
        live.clock.advance(minutes=9, seconds=59, milliseconds=990)
        barrier = threading.Barrier(2)

        def commit(_: int, uri: str = uri, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return httpx.put(uri, headers=linked.bearer).status_code

        def tick(_: int, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            live.clock.advance(milliseconds=20)
            return 0

        with ThreadPoolExecutor(2) as pool:
            status = list(pool.map(lambda f: f(0), [commit, tick]))[0]
        after = create(live, linked)
        if status == 200:
            assert after.status_code == 204  # delivered: never again
        else:
            assert status == 404 and after.status_code == 201  # disbanded: comes back whole
            assert len(entity_urls(linked, after.json()["resource-uri"])) == 2
            live.clock.advance(minutes=11)
