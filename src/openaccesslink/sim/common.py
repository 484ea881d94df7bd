"""Small helpers shared by the simulator: seeded randomness, local time, AccessLink string formats.

No function here reads the system clock; every date comes from the caller.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache

DAY_S = 86_400


def sub_rng(*parts: object) -> random.Random:
    """An independent generator for one purpose, derived only from `parts`.

    Seeding with a string hashes it (SHA-512) inside `random`, so the result does not
    depend on PYTHONHASHSEED, on the platform or on how many other generators were made.
    """
    return random.Random("/".join(str(p) for p in parts))


def clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def last_sunday(year: int, month: int) -> date:
    """Last Sunday of a month (months 3 and 10 are the EU summer-time switch days)."""
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    last = first_next - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def utc_offset_minutes(day: date, standard_minutes: int, observes_dst: bool) -> int:
    """UTC offset of a local date (EU rule; the offset in force at local noon is used all day)."""
    if observes_dst and last_sunday(day.year, 3) <= day < last_sunday(day.year, 10):
        return standard_minutes + 60
    return standard_minutes


@cache
def local_midnight_utc(day: date, offset_min: int) -> datetime:
    """The aware UTC instant of 00:00 local time on `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(minutes=offset_min)


def at(day: date, offset_min: int, seconds: float) -> datetime:
    """Aware UTC instant `seconds` after local midnight of `day` (may be negative or > 1 day)."""
    return local_midnight_utc(day, offset_min) + timedelta(seconds=seconds)


def naive_local(day: date, seconds: float) -> datetime:
    """Naive local wall-clock time `seconds` after local midnight of `day`."""
    return (datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)).replace(
        tzinfo=None
    )


def iso_local(day: date, seconds: float, with_seconds: bool = True) -> str:
    """'YYYY-MM-DDTHH:MM:SS' (or '...THH:MM') local wall-clock time."""
    if 0 <= seconds < DAY_S:
        text = f"{day.isoformat()}T{hhmmss(seconds)}"
    else:
        text = naive_local(day, seconds).isoformat(timespec="seconds")
    return text if with_seconds else text[:16]


def iso_utc_naive(when: datetime) -> str:
    """'YYYY-MM-DDTHH:MM:SS' in UTC without a suffix, as the SleepWise and biosensing examples show."""
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def iso_utc(day: date, offset_min: int, seconds: float) -> str:
    """iso_utc_naive of the instant `seconds` after local midnight of `day`."""
    return iso_local(day, seconds - 60 * offset_min)


def iso_with_offset(when: datetime, offset_min: int) -> str:
    """'YYYY-MM-DDTHH:MM:SS+03:00', as the sleep examples show."""
    return when.astimezone(timezone(timedelta(minutes=offset_min))).isoformat(timespec="seconds")


_HHMM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]


def hhmm(seconds: float) -> str:
    """'HH:MM' of a local time given as seconds after some local midnight (wraps at 24 h)."""
    return _HHMM[int(seconds // 60) % 1440]


def hhmmss(seconds: float) -> str:
    s = int(seconds) % DAY_S
    return f"{_HHMM[s // 60]}:{s % 60:02d}"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration as AccessLink writes it: 'PT3H11M', 'PT18H23M30S', 'PT0S'."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    text = "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if sec else "")
    return text if text != "PT" else "PT0S"


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
