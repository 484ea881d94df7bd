"""The synced families besides exercises: their OpenAPI schema, identity and day.

Payloads are the AccessLink response shapes of Polar's OpenAPI file (the partner API serves
them back), minus what the server owns (user links, ids). `key` names what identifies an
item for re-syncs; None means every upload is a new item (the doc delivers all of them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

SERVER_OWNED = ("polar_user", "polar-user", "id", "transaction-id", "transaction_id")


class PayloadRejected(ValueError):
    """A record that cannot be stored; the message says why (becomes a 400)."""


def _date_of(value: Any, field: str) -> date:
    if not isinstance(value, str) or len(value) < 10:
        raise PayloadRejected(f"{field} must be an ISO-8601 date or date-time")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise PayloadRejected(f"{field} is not a valid date: {value!r}") from exc


def _epoch_day(doc: dict[str, Any]) -> date:
    seconds = doc.get("test_time")
    if not isinstance(seconds, int) or not 946_684_800 <= seconds <= 4_102_444_800:
        raise PayloadRejected("test_time must be epoch seconds between 2000 and 2100")
    offset = doc.get("time_zone_offset") or 0
    if not isinstance(offset, int) or not -14 * 60 <= offset <= 14 * 60:
        raise PayloadRejected("time_zone_offset must be minutes within +-14 h")
    return (datetime.fromtimestamp(seconds, UTC) + timedelta(minutes=offset)).date()


def _field(name: str) -> Callable[[dict[str, Any]], str]:
    def key(doc: dict[str, Any]) -> str:
        value = doc.get(name)
        if value is None or value == "":
            raise PayloadRejected(f"{name} is required")
        return str(value)

    return key


def _day_field(name: str) -> Callable[[dict[str, Any]], date]:
    return lambda doc: _date_of(doc.get(name), name)


def _activity_day(doc: dict[str, Any]) -> date:
    samples = doc.get("samples") or {}
    if isinstance(samples, dict) and samples.get("date"):
        return _date_of(samples["date"], "samples.date")
    return _date_of(doc.get("start_time"), "start_time")


def _new_key(_: dict[str, Any]) -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Family:
    name: str  # stored family name and event family
    path: str  # under /ingest/v1/
    schema: str  # components/schemas/<schema> in Polar's OpenAPI file
    key: Callable[[dict[str, Any]], str]
    day: Callable[[dict[str, Any]], date]


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("activity", "activities", "activity-summary-with-all-samples", _new_key, _activity_day),
        Family(
            "physical_information",
            "physical-information",
            "physical-information",
            _new_key,
            _day_field("created"),
        ),
        Family("sleep", "sleep", "sleep", _field("date"), _day_field("date")),
        Family(
            "nightly_recharge", "nightly-recharge", "nightly-recharge", _field("date"), _day_field("date")
        ),
        Family(
            "continuous_heart_rate",
            "continuous-heart-rate",
            "continuous-heartrate",
            _field("date"),
            _day_field("date"),
        ),
        Family(
            "sleepwise_alertness",
            "sleepwise/alertness",
            "alertness",
            _field("period_start_time"),
            _day_field("period_start_time"),
        ),
        Family(
            "sleepwise_bedtime",
            "sleepwise/circadian-bedtime",
            "circadian-bedtime",
            _field("period_start_time"),
            _day_field("period_start_time"),
        ),
        Family(
            "skin_temperature",
            "biosensing/skin-temperature",
            "skin-temperature",
            _field("sleep_date"),
            _day_field("sleep_date"),
        ),
        Family(
            "skin_contacts",
            "biosensing/skin-contacts",
            "skin-contact-period",
            _field("start_time"),
            _day_field("start_time"),
        ),
        Family("ecg", "biosensing/ecg", "ecg-test-result", _field("test_time"), _epoch_day),
        Family("spo2", "biosensing/spo2", "spo2-test-result", _field("test_time"), _epoch_day),
        Family(
            "body_temperature",
            "biosensing/body-temperature",
            "body-temperature-period",
            _field("start_time"),
            _day_field("start_time"),
        ),
    )
}
BY_PATH = {f.path: f for f in FAMILIES.values()}
