"""Shapes of the daily-data answers: snake_case as Polar's OpenAPI file has them (and "very-high").

Stored documents already are the OpenAPI shapes minus `polar_user`; these functions add what
the server owns and pick what a request asked for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

ACTIVITY_SERIES = ("steps", "activity_zones", "inactivity_stamps")
LEVEL_NAMES = ("very_low", "low", "medium", "high", "very-high")


def with_user(document: dict[str, Any], user_url: str) -> dict[str, Any]:
    """The document with `polar_user` first, as in the doc's examples."""
    rest = {k: v for k, v in document.items() if k != "polar_user"}
    return {"polar_user": user_url, **rest}


def available_sleep(document: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"date": document["date"]}
    if "sleep_start_time" in document:
        out["start_time"] = document["sleep_start_time"]
    if "sleep_end_time" in document:
        out["end_time"] = document["sleep_end_time"]
    return out


def activity_samples(document: dict[str, Any], day: date) -> dict[str, Any]:
    """activity-day-with-samples: the day's date and every series the summary carries."""
    samples = document.get("samples")
    series = {k: samples[k] for k in ACTIVITY_SERIES if isinstance(samples, dict) and k in samples}
    return {"date": day.isoformat(), **series}


def activity_summary(document: dict[str, Any], day: date, wanted: tuple[str, ...]) -> dict[str, Any]:
    """activity-summary-with-all-samples; `samples` holds the date and the series asked for."""
    summary = {k: v for k, v in document.items() if k != "samples"}
    samples = activity_samples(document, day)
    summary["samples"] = {k: v for k, v in samples.items() if k == "date" or k in wanted}
    return summary


def cardio_load(
    day: date,
    status: str,
    load: float,
    strain: float,
    tolerance: float,
    ratio: float,
    levels: dict[str, float],
) -> dict[str, Any]:
    """One cardio-load entry; loads to 0.1, the ratio to 0.01."""
    return {
        "date": day.isoformat(),
        "cardio_load_status": status,
        "cardio_load": round(load, 1),
        "strain": round(strain, 1),
        "tolerance": round(tolerance, 1),
        "cardio_load_ratio": round(ratio, 2),
        "cardio_load_level": {name: round(levels.get(name, 0.0), 1) for name in LEVEL_NAMES},
    }
