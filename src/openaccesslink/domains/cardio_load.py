"""Cardio load, computed from the user's exercises (doc: Cardio load; behaviour-notes: Derived metrics).

Nothing here is stored: every answer is computed from the exercises synced so far, so a late
sync of an old exercise changes the days after it. The arithmetic is in pure functions:

- TRIMP of a session (Banister's exponential training impulse): for each heart-rate sample,
  minutes * x * c * e^(b * x) with x = (HR - rest) / (max - rest), summed over the session.
  c, b = 0.64, 1.92 for men and 0.86, 1.67 for women (men's when the sex is not known);
  samples at or below the resting heart rate add nothing. A session without samples but with
  an average heart rate counts as its duration at that average; one without either has no load.
- Daily load L(d): the TRIMP of the sessions that started on local date d (the exercise's own
  start time and UTC offset).
- strain(d) = mean of L over the 7 days d-6..d; tolerance(d) = mean of L over the 28 days
  d-27..d; cardio_load_ratio = strain / tolerance.
- Status: LOAD_STATUS_NOT_AVAILABLE when tolerance is 0 (no load in those 28 days) or d is after
  today; otherwise from the ratio: below `detraining_below` DETRAINING, below `productive_from`
  MAINTAINING, up to `overreaching_above` PRODUCTIVE, above it OVERREACHING (settings).
- Levels: the cardio load of a typical session at each level (very low .. very high), as
  multiples (`level_multipliers`, settings) of the mean session TRIMP over the 90 days d-89..d;
  "medium" is that mean itself. All 0 when there was no session in those 90 days.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.settings import Settings
from openaccesslink.db.blob import unpack
from openaccesslink.db.tables import accounts, daily_records, exercises
from openaccesslink.domains import physiology
from openaccesslink.formats.model import ExerciseData, SampleType

NOT_AVAILABLE = "LOAD_STATUS_NOT_AVAILABLE"
DETRAINING = "DETRAINING"
MAINTAINING = "MAINTAINING"
PRODUCTIVE = "PRODUCTIVE"
OVERREACHING = "OVERREACHING"

STRAIN_DAYS = 7
TOLERANCE_DAYS = 28
LEVEL_DAYS = 90
DEFAULT_RESTING_HR = 60
LEVEL_NAMES = ("very_low", "low", "medium", "high", "very-high")  # the hyphen is real (doc)

_MEN = (0.64, 1.92)
_WOMEN = (0.86, 1.67)


@dataclass(frozen=True)
class Thresholds:
    detraining_below: float = 0.8
    productive_from: float = 1.0
    overreaching_above: float = 1.5
    level_multipliers: tuple[float, ...] = (0.4, 0.7, 1.0, 1.3, 1.6)

    def __post_init__(self) -> None:
        if not 0 <= self.detraining_below <= self.productive_from <= self.overreaching_above:
            raise ValueError("cardio thresholds must rise: detraining <= productive <= overreaching")
        if len(self.level_multipliers) != len(LEVEL_NAMES) or any(k < 0 for k in self.level_multipliers):
            raise ValueError(f"cardio level multipliers: {len(LEVEL_NAMES)} numbers >= 0")

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(
            settings.cardio_detraining_below,
            settings.cardio_productive_from,
            settings.cardio_overreaching_above,
            tuple(settings.cardio_level_multipliers),
        )


@dataclass(frozen=True)
class Physiology:
    resting_hr: float
    max_hr: float
    sex: str | None  # "MALE", "FEMALE" or unknown


@dataclass(frozen=True)
class CardioDay:
    day: date
    status: str
    cardio_load: float  # L(day)
    strain: float
    tolerance: float
    ratio: float  # 0 when tolerance is 0
    levels: dict[str, float] = field(default_factory=dict)


# ---- pure arithmetic ---------------------------------------------------------------------------


def coefficients(sex: str | None) -> tuple[float, float]:
    """(c, b) of Banister's formula."""
    return _WOMEN if sex == "FEMALE" else _MEN


def trimp(heart_rates: Iterable[float | None], seconds_per_sample: float, who: Physiology) -> float:
    """Banister TRIMP of a heart-rate series sampled every `seconds_per_sample` seconds."""
    reserve = who.max_hr - who.resting_hr
    if reserve <= 0 or seconds_per_sample <= 0:
        return 0.0
    c, b = coefficients(who.sex)
    total = 0.0
    for hr, count in Counter(h for h in heart_rates if h is not None).items():
        x = (hr - who.resting_hr) / reserve
        if x > 0:
            total += count * x * math.exp(b * x)
    return total * c * seconds_per_sample / 60.0


def session_trimp(data: ExerciseData, who: Physiology) -> float | None:
    """TRIMP of one exercise; None when it carries no heart rate at all."""
    series = data.samples.get(SampleType.HEART_RATE)
    rate_values = (series.recording_rate, series.values) if series is not None else None
    return heart_rate_trimp(rate_values, data.hr_avg, data.duration_s, who)


def heart_rate_trimp(
    series: tuple[int | None, Sequence[float | None]] | None,
    hr_avg: float | None,
    duration_s: float,
    who: Physiology,
) -> float | None:
    """From the (recording rate, values) heart-rate series, else the average over the duration."""
    if series is not None and any(v is not None for v in series[1]):
        return trimp(series[1], float(series[0] or 1), who)
    if hr_avg is not None and duration_s > 0:
        return trimp([hr_avg], duration_s, who)
    return None


def status(strain: float, tolerance: float, th: Thresholds) -> str:
    if tolerance <= 0:
        return NOT_AVAILABLE
    ratio = strain / tolerance
    if ratio < th.detraining_below:
        return DETRAINING
    if ratio < th.productive_from:
        return MAINTAINING
    if ratio <= th.overreaching_above:
        return PRODUCTIVE
    return OVERREACHING


def levels(session_loads: Sequence[float], th: Thresholds) -> dict[str, float]:
    mean = sum(session_loads) / len(session_loads) if session_loads else 0.0
    return {name: mean * k for name, k in zip(LEVEL_NAMES, th.level_multipliers, strict=True)}


def compute(
    first: date, last: date, sessions: Mapping[date, Sequence[float]], today: date, th: Thresholds
) -> list[CardioDay]:
    """One entry per day first..last from the TRIMP of each session by local start date.

    `sessions` must cover first - 89 days .. last for the levels to be right.
    """

    def load(d: date) -> float:
        return sum(sessions.get(d, ()))

    out: list[CardioDay] = []
    d = first
    while d <= last:
        if d > today:
            out.append(CardioDay(d, NOT_AVAILABLE, 0.0, 0.0, 0.0, 0.0, levels((), th)))
        else:
            strain = sum(load(d - timedelta(days=i)) for i in range(STRAIN_DAYS)) / STRAIN_DAYS
            tolerance = sum(load(d - timedelta(days=i)) for i in range(TOLERANCE_DAYS)) / TOLERANCE_DAYS
            recent = [t for i in range(LEVEL_DAYS) for t in sessions.get(d - timedelta(days=i), ())]
            out.append(
                CardioDay(
                    d,
                    status(strain, tolerance, th),
                    load(d),
                    strain,
                    tolerance,
                    strain / tolerance if tolerance > 0 else 0.0,
                    levels(recent, th),
                )
            )
        d += timedelta(days=1)
    return out


# ---- the read that feeds it ------------------------------------------------------------------


async def resting_heart_rate(conn: AsyncConnection, account_id: int) -> int:
    """The latest synced physical information's resting-heart-rate, else 60."""
    latest = await conn.scalar(
        select(daily_records.c.document)
        .where(daily_records.c.account_id == account_id, daily_records.c.family == "physical_information")
        .order_by(daily_records.c.uploaded_at.desc(), daily_records.c.id.desc())
        .limit(1)
    )
    if latest is not None:
        value = unpack(latest).get("resting-heart-rate")
        if isinstance(value, int | float) and 20 <= value <= 150:
            return int(value)
    return DEFAULT_RESTING_HR


async def physiology_of(conn: AsyncConnection, account_id: int, today: date) -> Physiology:
    sex = await conn.scalar(select(accounts.c.sex).where(accounts.c.id == account_id))
    return Physiology(
        await resting_heart_rate(conn, account_id),
        await physiology.max_heart_rate(conn, account_id, today),
        sex,
    )


# TRIMP of a session is a pure function of the stored exercise and the physiology: remembered
# per process, so a request decodes only the sessions it has not seen (a 180-day period with
# its 90 days of levels reads hundreds of sample blobs otherwise).
_MEMO: OrderedDict[tuple[Any, ...], float | None] = OrderedDict()
_MEMO_SIZE = 100_000


def _remember(key: tuple[Any, ...], value: float | None) -> None:
    _MEMO[key] = value
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)


def _heart_rate_series(blob: bytes) -> tuple[int | None, list[float | None]] | None:
    """The heart-rate series of an exercise's samples blob (layout: domains/exercises._samples)."""
    found = unpack(blob)["series"].get(str(int(SampleType.HEART_RATE)))
    return (found[0], found[1]) if found else None


async def session_loads(
    conn: AsyncConnection, account_id: int, first: date, last: date, now: datetime, who: Physiology
) -> dict[date, list[float]]:
    """TRIMP of every session synced by `now` that started on a local date first..last."""
    # local dates are within +-14 h of UTC: a day of margin either side, then exact local dates
    lo = datetime.combine(first - timedelta(days=1), datetime.min.time())
    hi = datetime.combine(last + timedelta(days=2), datetime.min.time())
    x = exercises.c
    rows = await conn.execute(
        select(x.id, x.start_time, x.utc_offset_minutes, x.duration_s, x.hr_avg, x.uploaded_at)
        .where(x.account_id == account_id, x.start_time >= lo, x.start_time < hi, x.uploaded_at <= to_db(now))
        .order_by(x.start_time, x.id)
    )
    sessions: list[tuple[date, tuple[Any, ...]]] = []
    missing: dict[int, tuple[Any, ...]] = {}
    for row in rows.mappings():
        day = (row["start_time"] + timedelta(minutes=row["utc_offset_minutes"])).date()
        if not first <= day <= last:
            continue
        key = (row["id"], row["start_time"], row["uploaded_at"], who)
        sessions.append((day, key))
        if key not in _MEMO:
            missing[row["id"]] = (key, row["hr_avg"], row["duration_s"])
    values = {key: _MEMO[key] for _, key in sessions if key in _MEMO}
    ids = list(missing)
    for start in range(0, len(ids), 200):
        blobs = await conn.execute(select(x.id, x.samples).where(x.id.in_(ids[start : start + 200])))
        for exercise_id, blob in blobs:
            key, hr_avg, duration_s = missing[exercise_id]
            values[key] = heart_rate_trimp(_heart_rate_series(blob), hr_avg, duration_s, who)
            _remember(key, values[key])
    out: dict[date, list[float]] = {}
    for day, key in sessions:
        value = values.get(key)
        if value is not None:
            out.setdefault(day, []).append(value)
    return out


async def days(
    conn: AsyncConnection, account_id: int, first: date, last: date, now: datetime, th: Thresholds
) -> list[CardioDay]:
    """Cardio load of each day first..last as it stands at `now` (today = now's UTC date)."""
    today = now.date()
    who = await physiology_of(conn, account_id, today)
    sessions = await session_loads(
        conn, account_id, first - timedelta(days=LEVEL_DAYS - 1), min(last, today), now, who
    )
    return compute(first, last, sessions, today, th)
