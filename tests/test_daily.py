"""Daily data without transactions over HTTP: sleep, Nightly Recharge, continuous heart rate,
SleepWise, biosensing and daily activity; windows moved by the Clock, empty cases, errors, and
every answer validated against Polar's 2026 OpenAPI file.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openaccesslink.db.engine import Database
from openaccesslink.ingest.batch import Item, ingest_items
from openaccesslink.sim import SimUser, simulate_user
from openaccesslink.wire import openapi
from tests.conftest import Live
from tests.flows import Linked, csrf, link, signup
from tests.payloads import records
from tests.test_ingest import device_token

HTTP = httpx.Client(timeout=60)  # one client: a fresh one per request costs ~50 ms
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

# every GET of this issue, with a valid request each (for the 401/403 sweeps)
ENDPOINTS = (
    "/v3/users/sleep",
    "/v3/users/sleep/available",
    "/v3/users/sleep/2026-10-30",
    "/v3/users/nightly-recharge",
    "/v3/users/nightly-recharge/2026-10-30",
    "/v3/users/continuous-heart-rate?from=2026-10-01&to=2026-10-28",
    "/v3/users/continuous-heart-rate/2026-10-30",
    "/v3/users/sleepwise/alertness",
    "/v3/users/sleepwise/alertness/date?from=2026-10-01&to=2026-10-28",
    "/v3/users/sleepwise/circadian-bedtime",
    "/v3/users/sleepwise/circadian-bedtime/date?from=2026-10-01&to=2026-10-28",
    "/v3/users/biosensing/bodytemperature",
    "/v3/users/biosensing/skintemperature",
    "/v3/users/biosensing/skincontacts",
    "/v3/users/biosensing/ecg",
    "/v3/users/biosensing/spo2",
    "/v3/users/cardio-load",
    "/v3/users/cardio-load/",
    "/v3/users/cardio-load/2026-10-30",
    "/v3/users/cardio-load/date?from=2026-10-01&to=2026-10-28",
    "/v3/users/cardio-load/period/days/10",
    "/v3/users/cardio-load/period/months/1",
    "/v3/users/activities",
    "/v3/users/activities?from=2026-10-01&to=2026-10-28",
    "/v3/users/activities/2026-10-30",
    "/v3/users/activities/samples",
    "/v3/users/activities/samples?from=2026-10-10",
    "/v3/users/activities/samples/2026-10-30",
)

# ingest path -> the stored family's date field builder, for documents on any day
INGEST = {
    "sleep": "sleep",
    "nightly-recharge": "nightly_recharge",
    "continuous-heart-rate": "continuous_heart_rate",
    "sleepwise/alertness": "sleepwise_alertness",
    "sleepwise/circadian-bedtime": "sleepwise_bedtime",
    "biosensing/skin-temperature": "skin_temperature",
    "biosensing/skin-contacts": "skin_contacts",
    "biosensing/ecg": "ecg",
    "biosensing/spo2": "spo2",
    "biosensing/body-temperature": "body_temperature",
    "activities": "activity",
}


@dataclass
class User:
    live: Live
    linked: Linked
    device: dict[str, str]

    @property
    def id(self) -> int:
        return self.linked.person.user_id

    @property
    def url(self) -> str:
        return f"{self.live.base_url}/v3/users/{self.id}"

    def get(self, path: str, **params: str) -> httpx.Response:
        return HTTP.get(f"{self.live.base_url}{path}", params=params or None, headers=self.linked.bearer)

    def sync(self, path: str, doc: dict[str, Any]) -> dict[str, Any]:
        r = HTTP.post(f"{self.live.base_url}/ingest/v1/{path}", json=doc, headers=self.device)
        assert r.status_code in (200, 201), (path, r.text)
        return dict(r.json())

    def sync_day(self, path: str, day: date, **changes: Any) -> dict[str, Any]:
        return self.sync(path, {**document(path, day), **changes})


def new_user(live: Live, now: datetime = NOW, **profile: str) -> User:
    """A linked user at `now` (the Clock is set first: uploads are stamped with it)."""
    live.clock.set(now)
    person = signup(live.base_url, **profile)
    linked = link(live.base_url, person=person)
    return User(live, linked, device_token(person))


def document(path: str, day: date) -> dict[str, Any]:
    """The sample record of `path` (tests/payloads.py) moved to `day`."""
    doc = records(day.isoformat())[path]
    if path in ("biosensing/ecg", "biosensing/spo2"):
        local_ten = datetime(day.year, day.month, day.day, 10, tzinfo=UTC) - timedelta(minutes=120)
        doc["test_time"] = int(local_ten.timestamp()) + (0 if path.endswith("ecg") else 600)
    return doc


def valid(schema: str, value: Any) -> None:
    problems = openapi.errors(schema, value)
    assert problems == [], problems


def valid_items(schema: str, values: list[Any]) -> None:
    assert isinstance(values, list)
    for v in values:
        valid(schema, v)


def error_400(r: httpx.Response, fragment: str = "") -> None:
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["status"] == 400 and error["error_type"] == "BadRequestException" and error["corr_id"]
    assert fragment in error["message"], error["message"]


def days_back(n: int, today: date = TODAY) -> date:
    return today - timedelta(days=n)


# ---- routing ---------------------------------------------------------------------------------


def test_daily_paths_are_not_taken_for_user_ids(live: Live) -> None:
    user = new_user(live)
    assert user.get("/v3/users/sleep").status_code == 200
    assert user.get("/v3/users/nightly-recharge").status_code == 200
    assert user.get("/v3/users/activities").status_code == 200
    assert user.get("/v3/users/cardio-load/").status_code == 200
    me = user.get(f"/v3/users/{user.id}")
    assert me.status_code == 200 and me.json()["polar-user-id"] == user.id
    error_400(user.get("/v3/users/not-a-route"))  # still the Users route, as before


# ---- Sleep -----------------------------------------------------------------------------------


def test_sleep_list_is_the_last_28_days_today_included_and_moves_with_the_clock(live: Live) -> None:
    user = new_user(live)
    assert user.get("/v3/users/sleep").json() == {"nights": []}  # never 204
    assert user.get("/v3/users/sleep/available").json() == {"available": []}
    for n in (28, 27, 3, 0):
        user.sync_day("sleep", days_back(n))
    user.sync_day("sleep", TODAY + timedelta(days=1))  # a date ahead of the Clock's UTC date
    r = user.get("/v3/users/sleep")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    valid("nights", r.json())
    nights = r.json()["nights"]
    assert [n["date"] for n in nights] == [days_back(k).isoformat() for k in (27, 3, 0)]
    assert all(list(n)[0] == "polar_user" and n["polar_user"] == user.url for n in nights)
    assert nights[0]["sleep_score"] == 82 and nights[0]["hypnogram"] == {"00:10": 2, "00:40": 4, "01:30": 1}

    available = user.get("/v3/users/sleep/available").json()
    valid("available-sleeps", available)
    assert available["available"][-1] == {
        "date": TODAY.isoformat(),
        "start_time": f"{TODAY.isoformat()}T00:10:00+02:00",
        "end_time": f"{TODAY.isoformat()}T07:40:00+02:00",
    }
    live.clock.advance(days=1)
    moved = [n["date"] for n in user.get("/v3/users/sleep").json()["nights"]]
    assert moved == [days_back(k).isoformat() for k in (3, 0, -1)]
    live.clock.advance(days=40)
    assert user.get("/v3/users/sleep").json() == {"nights": []}


def test_sleep_by_date(live: Live) -> None:
    user = new_user(live)
    day = days_back(2)
    user.sync_day("sleep", day)
    user.sync_day("sleep", day, sleep_score=91)  # a re-sync replaces the night
    r = user.get(f"/v3/users/sleep/{day.isoformat()}")
    assert r.status_code == 200
    valid("sleep", r.json())
    assert r.json()["sleep_score"] == 91 and r.json()["polar_user"] == user.url
    old = days_back(200)
    user.sync_day("sleep", old)  # any stored date is served by date, not only the last 28 days
    assert user.get(f"/v3/users/sleep/{old.isoformat()}").status_code == 200
    missing = user.get(f"/v3/users/sleep/{days_back(1).isoformat()}")
    assert missing.status_code == 404 and missing.content == b""
    for bad in ("2026-13-01", "2026-02-30", "yesterday", "20261030", "2026-10-3"):
        error_400(user.get(f"/v3/users/sleep/{bad}"), "date")


# ---- Nightly Recharge ------------------------------------------------------------------------


def test_nightly_recharge_list_and_date(live: Live) -> None:
    user = new_user(live)
    assert user.get("/v3/users/nightly-recharge").json() == {"recharges": []}
    for n in (30, 10, 0):
        user.sync_day("nightly-recharge", days_back(n))
    body = user.get("/v3/users/nightly-recharge").json()
    valid("recharges", body)
    assert [r["date"] for r in body["recharges"]] == [days_back(10).isoformat(), TODAY.isoformat()]
    assert body["recharges"][0]["polar_user"] == user.url
    one = user.get(f"/v3/users/nightly-recharge/{days_back(30).isoformat()}")
    assert one.status_code == 200 and one.json()["ans_charge"] == 3.5
    valid("nightly-recharge", one.json())
    none = user.get(f"/v3/users/nightly-recharge/{days_back(1).isoformat()}")
    assert none.status_code == 404 and none.content == b""
    error_400(user.get("/v3/users/nightly-recharge/2026-1-1"))


# ---- Continuous heart rate -------------------------------------------------------------------


def test_continuous_heart_rate_by_date_and_range(live: Live) -> None:
    user = new_user(live)
    for n in (40, 20, 5, 1):
        user.sync_day("continuous-heart-rate", days_back(n))
    one = user.get(f"/v3/users/continuous-heart-rate/{days_back(5).isoformat()}")
    assert one.status_code == 200
    valid("continuous-heartrate", one.json())
    assert one.json() == {
        "polar_user": user.url,
        "date": days_back(5).isoformat(),
        "heart_rate_samples": [
            {"heart_rate": 61, "sample_time": "00:00:00"},
            {"heart_rate": 59, "sample_time": "00:05:00"},
        ],
    }
    missing = user.get(f"/v3/users/continuous-heart-rate/{days_back(2).isoformat()}")
    assert missing.status_code == 404 and missing.content == b""

    span = user.get(
        "/v3/users/continuous-heart-rate", **{"from": days_back(20).isoformat(), "to": TODAY.isoformat()}
    )
    assert span.status_code == 200
    valid("continuous-heartrate", span.json())
    valid_items("continuous-heartrate", span.json()["heart_rates"])
    assert [d["date"] for d in span.json()["heart_rates"]] == [days_back(k).isoformat() for k in (20, 5, 1)]
    # 28 days between from and to is the most; the dates are inclusive
    widest = user.get(
        "/v3/users/continuous-heart-rate",
        **{"from": days_back(40).isoformat(), "to": days_back(12).isoformat()},
    )
    assert [d["date"] for d in widest.json()["heart_rates"]] == [
        days_back(40).isoformat(),
        days_back(20).isoformat(),
    ]
    empty = user.get("/v3/users/continuous-heart-rate", **{"from": "2025-01-01", "to": "2025-01-02"})
    assert empty.status_code == 200 and empty.json() == {"heart_rates": []}
    assert_range_errors(user, "/v3/users/continuous-heart-rate", required=True)


def assert_range_errors(user: User, path: str, *, required: bool) -> None:
    error_400(user.get(path, **{"from": "2026-10-01", "to": "2026-10-30"}), "exceeds 28 days")
    error_400(user.get(path, **{"from": "2026-10-20", "to": "2026-10-19"}), "after")
    error_400(user.get(path, **{"from": "2026-10-32", "to": "2026-10-19"}), "from")
    error_400(user.get(path, **{"from": "2026-10-01", "to": "soon"}), "to")
    if required:
        error_400(user.get(path, **{"from": "2026-10-01"}), "to is required")
        error_400(user.get(path, to="2026-10-01"), "from is required")
        error_400(user.get(path), "from is required")


# ---- SleepWise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ingest", "path"),
    [
        ("sleepwise/alertness", "/v3/users/sleepwise/alertness"),
        ("sleepwise/circadian-bedtime", "/v3/users/sleepwise/circadian-bedtime"),
    ],
)
def test_sleepwise(live: Live, ingest: str, path: str) -> None:
    schema = "alertness" if "alertness" in path else "circadian-bedtime"
    user = new_user(live)
    none = user.get(path)
    assert none.status_code == 204 and none.content == b""
    for n in (28, 27, 9, 0):
        user.sync_day(ingest, days_back(n))
    listed = user.get(path)
    assert listed.status_code == 200
    valid_items(schema, listed.json())
    starts = [p["period_start_time"][:10] for p in listed.json()]
    assert starts == [days_back(k).isoformat() for k in (27, 9, 0)]
    span = user.get(f"{path}/date", **{"from": days_back(30).isoformat(), "to": days_back(9).isoformat()})
    valid_items(schema, span.json())
    assert [p["period_start_time"][:10] for p in span.json()] == [
        days_back(k).isoformat() for k in (28, 27, 9)
    ]
    gap = user.get(f"{path}/date", **{"from": days_back(8).isoformat(), "to": days_back(1).isoformat()})
    assert gap.status_code == 204 and gap.content == b""
    assert_range_errors(user, f"{path}/date", required=True)
    live.clock.advance(days=29)
    assert user.get(path).status_code == 204


# ---- Biosensing ------------------------------------------------------------------------------

BIOSENSING = [
    ("biosensing/body-temperature", "/v3/users/biosensing/bodytemperature", "body-temperature-period"),
    ("biosensing/skin-temperature", "/v3/users/biosensing/skintemperature", "skin-temperature"),
    ("biosensing/skin-contacts", "/v3/users/biosensing/skincontacts", "skin-contact-period"),
    ("biosensing/ecg", "/v3/users/biosensing/ecg", "ecg-test-result"),
    ("biosensing/spo2", "/v3/users/biosensing/spo2", "spo2-test-result"),
]


def _day_of(item: dict[str, Any]) -> str:
    if "sleep_date" in item:
        return str(item["sleep_date"])
    if "test_time" in item:
        local = datetime.fromtimestamp(item["test_time"], UTC) + timedelta(minutes=item["time_zone_offset"])
        return local.date().isoformat()
    return str(item["start_time"])[:10]


@pytest.mark.parametrize(("ingest", "path", "schema"), BIOSENSING)
def test_biosensing(live: Live, ingest: str, path: str, schema: str) -> None:
    user = new_user(live)
    none = user.get(path)
    assert none.status_code == 204 and none.content == b""
    for n in (40, 28, 27, 12, 0):
        user.sync_day(ingest, days_back(n))
    default = user.get(path)
    assert default.status_code == 200
    valid_items(schema, default.json())
    assert "polar_user" not in default.json()[0]  # these schemas have no user link
    assert [_day_of(i) for i in default.json()] == [days_back(k).isoformat() for k in (27, 12, 0)]

    def days(**params: str) -> list[str]:
        r = user.get(path, **params)
        assert r.status_code in (200, 204), r.text
        return [_day_of(i) for i in r.json()] if r.status_code == 200 else []

    iso = {k: days_back(k).isoformat() for k in (41, 40, 28, 27, 13, 12, 11, 0)}
    assert days(**{"from": iso[41], "to": iso[13]}) == [iso[40], iso[28], iso[27]]
    assert days(to=iso[12]) == [iso[28], iso[27], iso[12]]  # a missing from is to - 27
    assert days(**{"from": iso[13]}) == [iso[12], iso[0]]  # a missing to is today
    assert days(**{"from": iso[11], "to": iso[11]}) == []
    error_400(user.get(path, **{"from": iso[40]}), "exceeds 28 days")  # to defaults to today
    assert_range_errors(user, path, required=False)


# ---- Daily activity (2025-26) ----------------------------------------------------------------


def test_activities_serve_the_latest_sync_of_each_day(live: Live) -> None:
    user = new_user(live, NOW - timedelta(days=2))
    yesterday, today = days_back(1), TODAY
    user.sync_day("activities", yesterday, steps=1000)
    live.clock.advance(hours=5)
    user.sync_day("activities", yesterday, steps=9000, inactivity_alert_count=3)
    live.clock.set(NOW - timedelta(hours=1))
    user.sync_day("activities", yesterday, steps=12000)  # the final summary, synced the next morning
    user.sync_day("activities", today, steps=300)
    live.clock.set(NOW)

    listed = user.get("/v3/users/activities")
    assert listed.status_code == 200
    valid("array-of-activity-summary-with-all-samples", listed.json())
    assert [(a["samples"]["date"], a["steps"]) for a in listed.json()] == [
        (yesterday.isoformat(), 12000),
        (today.isoformat(), 300),
    ]
    assert listed.json()[0]["samples"] == {"date": yesterday.isoformat()}  # no series unless asked
    assert "polar_user" not in listed.json()[0]

    one = user.get(f"/v3/users/activities/{yesterday.isoformat()}", steps="true")
    assert one.status_code == 200
    valid("activity-summary-with-all-samples", one.json())
    assert one.json()["steps"] == 12000 and set(one.json()["samples"]) == {"date", "steps"}
    assert one.json()["samples"]["steps"]["total_steps"] == 10450
    both = user.get(f"/v3/users/activities/{yesterday.isoformat()}", steps="true", inactivity_stamps="TRUE")
    assert set(both.json()["samples"]) == {"date", "steps"}  # the record carries no stamps

    samples = user.get(f"/v3/users/activities/samples/{today.isoformat()}")
    assert samples.status_code == 200
    valid("activity-day-with-samples", samples.json())
    assert samples.json()["date"] == today.isoformat() and samples.json()["steps"]["interval_ms"] == 3600000
    every = user.get("/v3/users/activities/samples")
    valid("array-of-activity-day-with-samples", every.json())
    assert [d["date"] for d in every.json()] == [yesterday.isoformat(), today.isoformat()]

    # the Clock decides what is synced: an hour earlier, yesterday's final summary was not there
    live.clock.set(NOW - timedelta(hours=2))
    earlier = user.get(f"/v3/users/activities/{yesterday.isoformat()}")
    assert earlier.json()["steps"] == 9000 and earlier.json()["inactivity_alert_count"] == 3
    live.clock.set(NOW)


def test_activity_windows_ranges_and_empty_cases(live: Live) -> None:
    user = new_user(live)
    for n in (300, 40, 27, 5):
        user.sync_day("activities", days_back(n))
    assert [a["samples"]["date"] for a in user.get("/v3/users/activities").json()] == [
        days_back(27).isoformat(),
        days_back(5).isoformat(),
    ]
    ranged = user.get(
        "/v3/users/activities", **{"from": days_back(310).isoformat(), "to": days_back(290).isoformat()}
    )
    valid("array-of-activity-summary-with-all-samples", ranged.json())
    assert [a["samples"]["date"] for a in ranged.json()] == [days_back(300).isoformat()]
    trailing = user.get("/v3/users/activities/", **{"from": days_back(41).isoformat()})
    error_400(trailing, "exceeds 28 days")  # to defaults to today
    samples_ranged = user.get("/v3/users/activities/samples", **{"from": days_back(6).isoformat()})
    assert [d["date"] for d in samples_ranged.json()] == [days_back(5).isoformat()]

    empty_range = user.get(
        "/v3/users/activities", **{"from": days_back(20).isoformat(), "to": days_back(10).isoformat()}
    )
    assert empty_range.status_code == 200 and empty_range.json() == []
    for path in ("/v3/users/activities", "/v3/users/activities/samples"):
        none = user.get(f"{path}/{days_back(1).isoformat()}")
        assert none.status_code == 204 and none.content == b""
        error_400(user.get(f"{path}/{days_back(366).isoformat()}"), "older than 365 days")
        error_400(user.get(f"{path}/2026-02-29"), "date")
        error_400(
            user.get(path, **{"from": days_back(380).isoformat(), "to": days_back(370).isoformat()}), "365"
        )
        assert_range_errors(user, path, required=False)
    assert user.get(f"/v3/users/activities/{days_back(365).isoformat()}").status_code == 204
    fresh = new_user(live)
    assert fresh.get("/v3/users/activities").json() == []
    assert fresh.get("/v3/users/activities/samples").json() == []


# ---- consents and tokens ---------------------------------------------------------------------


def test_missing_consent_is_403_without_body_everywhere(live: Live) -> None:
    user = new_user(live)
    page = user.linked.person.http.get("/account/consents")
    keep = ["profile", "training", "activity", "heart_rate", "sleepwise", "biosensing", "cardio_load"]
    data = {"csrf": csrf(page), **{f"consent_{k}": "1" for k in keep}}  # sleep withdrawn
    assert user.linked.person.http.post("/account/consents", data=data).status_code == 200
    for path in ENDPOINTS:
        r = httpx.get(f"{live.base_url}{path}", headers=user.linked.bearer)
        assert r.status_code == 403 and r.content == b"", path
    # the consent check comes before the request is read
    assert user.get("/v3/users/sleep/not-a-date").status_code == 403


def test_revoked_token_is_401_everywhere(live: Live) -> None:
    user = new_user(live)
    assert httpx.delete(user.url, headers=user.linked.bearer).status_code == 204  # de-registering revokes
    for path in ENDPOINTS:
        r = httpx.get(f"{live.base_url}{path}", headers=user.linked.bearer)
        assert r.status_code == 401, path
    assert httpx.get(f"{live.base_url}/v3/users/sleep").status_code == 401


def test_every_endpoint_answers_for_a_user_without_data(live: Live) -> None:
    user = new_user(live)
    expected_empty = {
        "/v3/users/sleep": {"nights": []},
        "/v3/users/sleep/available": {"available": []},
        "/v3/users/nightly-recharge": {"recharges": []},
        "/v3/users/activities": [],
        "/v3/users/activities/samples": [],
    }
    for path in ENDPOINTS:
        r = httpx.get(f"{live.base_url}{path}", headers=user.linked.bearer)
        bare = path.split("?")[0].rstrip("/")
        if bare in expected_empty and "?" not in path:
            assert r.status_code == 200 and r.json() == expected_empty[bare], path
        elif "cardio-load" in path:
            assert r.status_code == 200 and r.json(), path
            assert {e["cardio_load_status"] for e in r.json()} == {"LOAD_STATUS_NOT_AVAILABLE"}
            valid("cardio-load-schema", r.json())
        elif re.search(r"/(sleep|nightly-recharge|continuous-heart-rate)/\d", path):
            assert r.status_code == 404 and r.content == b"", path
        elif path.startswith("/v3/users/continuous-heart-rate?"):
            assert r.json() == {"heart_rates": []}
        elif path.startswith("/v3/users/activities") and "?" in path:
            assert r.status_code == 200 and r.json() == [], path
        else:
            assert r.status_code == 204 and r.content == b"", path


# ---- simulated data (openaccesslink.sim) through the ingest path: property tests -------------


def ingest_simulated(live: Live, seed: int, days: int, end: date) -> tuple[User, SimUser]:
    """A linked user whose watch synced `days` simulated days ending on `end`, each item stamped
    with its own sync time (the same path HTTP uploads take: ingest.batch)."""
    sim = simulate_user(seed, 0, days, end)
    user = new_user(live, sex=sim.profile.sex, birthdate=sim.profile.birthdate.isoformat())

    async def load() -> None:
        db = Database(live.database_url)
        try:
            items = (Item(i.family, i.synced_at, i.payload) for i in sim.items)
            await ingest_items(db, user.id, items)
        finally:
            await db.dispose()

    asyncio.run(load())
    return user, sim


def _in(value: Any, low: float, high: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def check_documented_ranges(user: User) -> dict[str, Any]:
    """Every answer validates against its schema and its values lie in the documented ranges."""
    seen: dict[str, Any] = {}
    nights = user.get("/v3/users/sleep").json()
    valid("nights", nights)
    for night in nights["nights"]:
        assert night["polar_user"] == user.url
        assert _in(night["continuity"], 1.0, 5.0) and _in(night["continuity_class"], 1, 5)
        assert _in(night["sleep_score"], 1, 100) and _in(night["sleep_charge"], 1, 5)
        assert _in(night.get("sleep_rating", 0), 0, 5)
        for group in ("group_duration_score", "group_solidity_score", "group_regeneration_score"):
            assert _in(night[group], 1.0, 100.0), group
        assert all(_in(code, 0, 5) for code in night["hypnogram"].values())
        assert night["short_interruption_duration"] + night["long_interruption_duration"] == pytest.approx(
            night["total_interruption_duration"], abs=60
        )
        one = user.get(f"/v3/users/sleep/{night['date']}")
        assert one.status_code == 200 and one.json() == night
    seen["nights"] = nights["nights"]
    available = user.get("/v3/users/sleep/available").json()
    valid("available-sleeps", available)
    assert [a["date"] for a in available["available"]] == [n["date"] for n in nights["nights"]]

    recharges = user.get("/v3/users/nightly-recharge").json()
    valid("recharges", recharges)
    for recharge in recharges["recharges"]:
        assert _in(recharge["nightly_recharge_status"], 1, 6)
        assert _in(recharge["ans_charge"], -10.0, 10.0) and _in(recharge["ans_charge_status"], 1, 5)
    seen["recharges"] = recharges["recharges"]

    first, last = days_back(27).isoformat(), TODAY.isoformat()
    span = {"from": first, "to": last}
    hr = user.get("/v3/users/continuous-heart-rate", **span).json()
    valid("continuous-heartrate", hr)
    valid_items("continuous-heartrate", hr["heart_rates"])
    for day in hr["heart_rates"]:
        assert all(_in(s["heart_rate"], 20, 250) for s in day["heart_rate_samples"])
        assert user.get(f"/v3/users/continuous-heart-rate/{day['date']}").json() == day
    seen["heart_rates"] = hr["heart_rates"]

    for path, schema in (
        ("/v3/users/sleepwise/alertness", "alertness"),
        ("/v3/users/sleepwise/circadian-bedtime", "circadian-bedtime"),
    ):
        listed = user.get(path)
        if listed.status_code == 204:
            continue
        valid_items(schema, listed.json())
        assert listed.json() == user.get(f"{path}/date", **span).json()
        for item in listed.json():
            if "grade" in item:
                assert _in(item["grade"], 0.0, 10.0)
        seen[schema] = listed.json()

    for _, path, schema in BIOSENSING:
        r = user.get(path)
        assert r.status_code in (200, 204)
        if r.status_code == 200:
            valid_items(schema, r.json())
            for item in r.json():
                if "blood_oxygen_percent" in item:
                    assert _in(item["blood_oxygen_percent"], 0, 100)
            seen[schema] = r.json()

    flags = {"steps": "true", "activity_zones": "true", "inactivity_stamps": "true"}
    activities = user.get("/v3/users/activities", **flags).json()
    valid("array-of-activity-summary-with-all-samples", activities)
    for a in activities:
        assert _in(a["daily_activity"], 0, 1000) and _in(a["steps"], 0, 200_000)
        assert _in(a["calories"], 0, 20_000) and a["active_calories"] <= a["calories"]
    samples = user.get("/v3/users/activities/samples").json()
    valid("array-of-activity-day-with-samples", samples)
    assert [s["date"] for s in samples] == [a["samples"]["date"] for a in activities]
    assert [{k: v for k, v in a["samples"].items()} for a in activities] == samples
    seen["activities"] = activities

    cardio = user.get("/v3/users/cardio-load").json()
    valid("cardio-load-schema", cardio)
    assert [e["date"] for e in cardio] == [days_back(k).isoformat() for k in range(27, -1, -1)]
    for e in cardio:
        assert e["cardio_load"] >= 0 and e["strain"] >= 0 and e["tolerance"] >= 0
        assert _in(e["cardio_load_ratio"], 0, 4)
        levels = [e["cardio_load_level"][k] for k in ("very_low", "low", "medium", "high", "very-high")]
        assert levels == sorted(levels)
        if e["cardio_load_status"] == "LOAD_STATUS_NOT_AVAILABLE":
            assert e["tolerance"] == 0 or e["date"] > TODAY.isoformat()
    seen["cardio"] = cardio
    return seen


@settings(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a live server makes shrinking slow
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(0, 100_000), days=st.integers(1, 45))
def test_simulated_users_validate_everywhere(live: Live, seed: int, days: int) -> None:
    """Days today-days .. today-1 were lived; the last of them was completed this morning."""
    user, sim = ingest_simulated(live, seed, days, days_back(1))
    seen = check_documented_ranges(user)
    lived = min(days, 27)  # the window is today-27 .. today and today has not been synced yet
    assert len(seen["nights"]) == len(seen["recharges"]) == lived
    assert len(seen["activities"]) == len(seen["heart_rates"]) == lived
    assert ("skin-temperature" in seen) == sim.profile.has_biosensing
