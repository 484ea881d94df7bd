"""Shared by the FIT, TCX and GPX importers: the 1 s sample grid and the plausibility checks.

Resampling (every importer): samples are laid on a grid of whole seconds from the exercise start,
``recording_rate=1``; second ``i`` takes the reading whose offset floors to ``i`` (the last one if
several do). Seconds without a reading are filled, because AccessLink samples other than RR intervals
never contain nulls:

* level quantities (heart rate, altitude, temperature, distance) carry the previous reading forward,
  however long the gap; seconds before the first reading take the first reading;
* rate quantities (speed, cadence, running cadence, power) carry the previous reading forward for at
  most ``RATE_HOLD_S`` seconds and never into a timer pause; after that (and before the first reading)
  they are 0, since a device that stops writing for that long has stopped moving (auto-pause).

The grid ends at the last reading of any type. A type without a single reading gets no series.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

from .model import ExerciseData, FileRejected, Pause, SampleSeries, SampleType

MAX_DURATION_S = 7 * 24 * 3600
HR_MIN, HR_MAX = 20, 250
RATE_HOLD_S = 30
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_START = datetime(2100, 1, 1, tzinfo=UTC)

RATE_TYPES = frozenset({SampleType.SPEED, SampleType.CADENCE, SampleType.RUNNING_CADENCE, SampleType.POWER})


def number(value: object) -> float | None:
    """A finite int/float as float; anything else (None, bool, str, list, NaN, inf) as None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def whole(value: object) -> int | None:
    """`number` rounded to an int."""
    result = number(value)
    return None if result is None else round(result)


def hms(offset_s: float) -> str:
    seconds = int(offset_s)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class SampleCollector:
    """Collects (offset, value) readings per sample type, then lays them on the 1 s grid."""

    def __init__(self) -> None:
        self.points: dict[SampleType, list[tuple[int, float]]] = {}
        self.last_offset = -1.0

    def add(self, sample_type: SampleType, offset_s: float, value: float | None) -> None:
        if value is None or offset_s < 0:
            return
        if sample_type is SampleType.HEART_RATE:
            check_heart_rate(value, f"at {hms(offset_s)}")
        self.points.setdefault(sample_type, []).append((int(offset_s), value))
        self.last_offset = max(self.last_offset, offset_s)

    def add_column(self, sample_type: SampleType, seconds: list[int], values: list[float | None]) -> None:
        """Many readings at once; `seconds` (whole seconds from the start) ascending and >= 0."""
        pairs = [(second, value) for second, value in zip(seconds, values, strict=True) if value is not None]
        if not pairs:
            return
        if (
            sample_type is SampleType.HEART_RATE
            and not HR_MIN <= min(v for _, v in pairs) <= max(v for _, v in pairs) <= HR_MAX
        ):
            second, value = next(p for p in pairs if not HR_MIN <= p[1] <= HR_MAX)
            check_heart_rate(value, f"at {hms(second)}")
        self.points.setdefault(sample_type, []).extend(pairs)
        self.last_offset = max(self.last_offset, float(pairs[-1][0]))

    def values(self, sample_type: SampleType) -> list[float]:
        return [value for _, value in self.points.get(sample_type, [])]

    def series(self, pauses: Iterable[Pause] = ()) -> dict[SampleType, SampleSeries]:
        if self.last_offset > MAX_DURATION_S:
            raise FileRejected(
                f"Samples span {hms(self.last_offset)}, more than the 7 days an exercise may last"
            )
        size = int(self.last_offset) + 1
        paused = bytearray(size)
        for pause in pauses:
            first = max(0, math.ceil(pause.start_offset_s))
            last = min(size, math.ceil(pause.start_offset_s + pause.duration_s))
            paused[first:last] = b"\x01" * max(0, last - first)
        return {
            sample_type: SampleSeries(sample_type, 1, _fill(points, size, sample_type in RATE_TYPES, paused))
            for sample_type, points in sorted(self.points.items())
        }


def _fill(points: list[tuple[int, float]], size: int, rate: bool, paused: bytearray) -> list[float | None]:
    grid: list[float | None] = [None] * size
    for second, value in points:
        if second < size:
            grid[second] = value
    first = next(value for value in grid if value is not None)
    last: float | None = None if rate else first
    last_second = -1
    out: list[float | None] = []
    for second, reading in enumerate(grid):
        if reading is not None:
            last, last_second = reading, second
            out.append(reading)
        elif rate and (last is None or paused[second] or second - last_second > RATE_HOLD_S):
            out.append(0.0)
        else:
            out.append(last)
    return out


def rr_series(intervals_ms: Iterable[float | None]) -> SampleSeries | None:
    """RR intervals (ms, None = gap); runs of gaps collapse to one None, none at either end."""
    values: list[float | None] = []
    for value in intervals_ms:
        if value is None and (not values or values[-1] is None):
            continue
        values.append(value)
    while values and values[-1] is None:
        values.pop()
    return SampleSeries(SampleType.RR_INTERVAL, None, values) if values else None


def check_heart_rate(value: float, where: str) -> None:
    if not HR_MIN <= value <= HR_MAX:
        raise FileRejected(f"Heart rate {value:g} bpm {where} is outside {HR_MIN}-{HR_MAX} bpm")


def half_up(value: float) -> int:
    """Round half away from zero for the non-negative values here (Python's round() goes to even)."""
    return math.floor(value + 0.5)


def hr_summary(values: list[float]) -> tuple[int | None, int | None]:
    if not values:
        return None, None
    return half_up(sum(values) / len(values)), half_up(max(values))


def utc_offset_minutes(offset_s: float | None) -> int:
    """A local-minus-UTC difference rounded to 15 minutes; 0 when missing or beyond +-14 h."""
    if offset_s is None:
        return 0
    minutes = round(offset_s / 900) * 15
    return minutes if abs(minutes) <= 14 * 60 else 0


def validate(exercise: ExerciseData) -> ExerciseData:
    """Refuse physically absurd exercises; returns the exercise for chaining."""
    if not EARLIEST_START <= exercise.start_time_utc < LATEST_START:
        raise FileRejected(f"Start time {exercise.start_time_utc.isoformat()} is not plausible")
    if not math.isfinite(exercise.duration_s) or exercise.duration_s <= 0:
        raise FileRejected(f"Exercise duration must be positive, got {exercise.duration_s:g} s")
    if exercise.duration_s > MAX_DURATION_S:
        raise FileRejected(f"Exercise lasts {hms(exercise.duration_s)}, more than 7 days")
    for label, hr in (("Average", exercise.hr_avg), ("Maximum", exercise.hr_max)):
        if hr is not None:
            check_heart_rate(hr, f"({label.lower()} of the exercise)")
    if exercise.distance_m is not None and exercise.distance_m < 0:
        raise FileRejected(f"Distance must not be negative, got {exercise.distance_m:g} m")
    if exercise.distance_m is not None and not exercise.distance_m < 1e8:
        raise FileRejected(f"Distance {exercise.distance_m:g} m is not plausible")
    if exercise.calories is not None and not (0 <= exercise.calories < 100_000):
        raise FileRejected(f"Calories {exercise.calories} kcal are not plausible")
    for lap in exercise.laps:
        if lap.distance_m is not None and lap.distance_m < 0:
            raise FileRejected(f"Lap at {hms(lap.start_offset_s)} has a negative distance")
    return exercise
