"""Wire shapes of the transactional families (kebab-case, as the doc's examples)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from openaccesslink.core.clock import iso_millis
from openaccesslink.formats.model import SampleSeries, SampleType
from openaccesslink.wire.iso import duration

ZONE_INDEX = {"SLEEP": 0, "SEDENTARY": 1, "LIGHT": 2, "MODERATE": 3, "VIGOROUS": 4, "NON_WEAR": 5}


def transaction_location(transaction_id: int, resource_uri: str) -> dict[str, Any]:
    return {"transaction-id": transaction_id, "resource-uri": resource_uri}


def local_start(row: Any) -> str:
    """AccessLink's start-time: the wall clock of the device, without offset."""
    return (row["start_time"] + timedelta(minutes=row["utc_offset_minutes"])).strftime("%Y-%m-%dT%H:%M:%S")


def exercise(row: Any, summary: dict[str, Any], user_url: str, transaction_id: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "upload-time": iso_millis(row["uploaded_at"]),
        "polar-user": user_url,
        "transaction-id": transaction_id,
        "device": row["device"],
        "device-id": row["device_id"],
        "start-time": local_start(row),
        "start-time-utc-offset": row["utc_offset_minutes"],
        "duration": duration(row["duration_s"]),
        "calories": row["calories"],
        "distance": row["distance_m"],
        "heart-rate": {"average": row["hr_avg"], "maximum": row["hr_max"]}
        if row["hr_avg"] is not None
        else None,
        "training-load": summary.get("training_load"),
        "sport": row["sport"],
        "has-route": bool(row["has_route"]),
        "detailed-sport-info": row["detailed_sport"],
        "fat-percentage": summary.get("fat_percentage"),
        "carbohydrate-percentage": summary.get("carbohydrate_percentage"),
        "protein-percentage": summary.get("protein_percentage"),
        "running-index": summary.get("running_index"),
    }
    return {k: v for k, v in body.items() if v is not None}


def sample(series: SampleSeries) -> dict[str, Any]:
    values = ",".join("null" if v is None else _num(v) for v in series.values)
    return {
        "recording-rate": series.recording_rate,
        "sample-type": str(int(series.sample_type)),
        "data": values,
    }


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


def heart_rate_zones(hr: SampleSeries | None, max_hr: int) -> dict[str, Any]:
    """Five zones at Polar's default 50-60-70-80-90-100 % of maximum heart rate; index 0-based."""
    bounds = [round(max_hr * p / 100) for p in (50, 60, 70, 80, 90, 100)]
    seconds = [0.0] * 5
    if hr is not None and hr.recording_rate:
        for value in hr.values:
            if value is None:
                continue
            for i in range(5):
                upper_ok = value < bounds[i + 1] or (i == 4 and value <= bounds[5])
                if value >= bounds[i] and upper_ok:
                    seconds[i] += hr.recording_rate
                    break
    return {
        "zone": [
            {
                "index": i,
                "lower-limit": bounds[i],
                "upper-limit": bounds[i + 1],
                "in-zone": duration(seconds[i]),
            }
            for i in range(5)
        ]
    }


def activity(
    doc: dict[str, Any], activity_id: int, uploaded_at: datetime, user_url: str, transaction_id: int | None
) -> dict[str, Any]:
    body = {
        "id": activity_id,
        "polar-user": user_url,
        "transaction-id": transaction_id,
        "date": activity_date(doc),
        "created": iso_millis(uploaded_at),
        "calories": doc.get("calories"),
        "active-calories": doc.get("active_calories"),
        "duration": doc.get("active_duration"),
        "active-steps": doc.get("steps"),
    }
    return {k: v for k, v in body.items() if v is not None}


def activity_date(doc: dict[str, Any]) -> str:
    samples = doc.get("samples") or {}
    return str(samples.get("date") or str(doc.get("start_time", ""))[:10])


def _hour(timestamp: str) -> int | None:
    try:
        return datetime.fromisoformat(timestamp).hour
    except (TypeError, ValueError):
        return None


def step_samples(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Hourly steps (the doc's appendix "Activity step time series") from the day's step samples."""
    steps = (doc.get("samples") or {}).get("steps") or {}
    raw = steps.get("samples") or []
    if not raw:
        return None
    per_hour: dict[int, int] = defaultdict(int)
    for s in raw:
        hour = _hour(s.get("timestamp", ""))
        if hour is not None:
            per_hour[hour] += int(s.get("steps") or 0)
    return {
        "date": activity_date(doc),
        "interval": 60,
        "samples": [{"steps": per_hour[h], "time": f"{h:02d}:00:00.000"} for h in sorted(per_hour)],
    }


def zone_samples(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Hourly time in each activity zone (appendix "Activity zone time series") from the zone changes."""
    changes = ((doc.get("samples") or {}).get("activity_zones") or {}).get("samples") or []
    parsed = []
    for c in changes:
        try:
            parsed.append((datetime.fromisoformat(c["timestamp"]), ZONE_INDEX.get(c.get("zone", ""), 5)))
        except (KeyError, TypeError, ValueError):
            continue
    if not parsed:
        return None
    parsed.sort()
    day_end = parsed[0][0].replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    per_hour: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for (start, zone), (end, _) in zip(parsed, [*parsed[1:], (day_end, 0)], strict=True):
        t = start
        while t < end:
            hour_end = t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            stop = min(end, hour_end)
            per_hour[t.hour][zone] += (stop - t).total_seconds()
            t = stop
    samples = [
        {
            "activity-zones": [
                {"index": z, "inzone": duration(s)} for z, s in sorted(zones.items()) if s > 0
            ],
            "time": f"{h:02d}:00:00.000",
        }
        for h, zones in sorted(per_hour.items())
    ]
    return {"date": activity_date(doc), "interval": 60, "samples": samples}


def physical_information(
    doc: dict[str, Any], info_id: int, uploaded_at: datetime, user_url: str, transaction_id: int | None
) -> dict[str, Any]:
    body = {
        "id": info_id,
        "transaction-id": transaction_id,
        "created": doc.get("created") or iso_millis(uploaded_at),
        "polar-user": user_url,
    }
    body.update({k: v for k, v in doc.items() if k not in body})
    return {k: v for k, v in body.items() if v is not None}


SAMPLE_TYPES = {int(t) for t in SampleType}
