"""Our own representation of one exercise, shared by the importers, exporters, simulator and storage.

Pure data: no I/O, no database. Times are offsets in seconds from `start_time_utc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum


class SampleType(IntEnum):
    """Keys 0-11 of the doc's appendix "Exercise sample types"."""

    HEART_RATE = 0  # bpm
    SPEED = 1  # km/h
    CADENCE = 2  # rpm
    ALTITUDE = 3  # m
    POWER = 4  # W
    POWER_PEDALING_INDEX = 5  # %
    POWER_LR_BALANCE = 6  # %
    AIR_PRESSURE = 7  # hPa
    RUNNING_CADENCE = 8  # spm
    TEMPERATURE = 9  # degrees C
    DISTANCE = 10  # m (cumulative)
    RR_INTERVAL = 11  # ms; None marks a gap (sensor offline); recording rate is None


@dataclass
class SampleSeries:
    sample_type: SampleType
    recording_rate: int | None  # seconds between samples; None for RR intervals
    values: list[float | None]


@dataclass
class RoutePoint:
    offset_s: float  # seconds since the start
    latitude: float  # degrees
    longitude: float  # degrees
    altitude: float | None = None  # m


@dataclass
class Lap:
    start_offset_s: float
    duration_s: float
    distance_m: float | None = None
    hr_avg: int | None = None
    hr_max: int | None = None
    speed_avg_kmh: float | None = None
    cadence_avg: int | None = None
    power_avg: int | None = None


@dataclass
class Pause:
    start_offset_s: float
    duration_s: float


@dataclass
class Device:
    name: str | None = None  # e.g. "Polar Vantage V3"
    device_id: str | None = None  # e.g. "1111AAAA"


@dataclass
class ExerciseData:
    start_time_utc: datetime  # aware, UTC
    utc_offset_minutes: int  # local time = UTC + offset
    duration_s: float
    sport: str  # AccessLink "sport", e.g. RUNNING, CYCLING, OTHER
    detailed_sport: str | None = None  # "detailed-sport-info", e.g. ROAD_RUNNING
    fit_sport: int | None = None  # FIT profile sport number as read or to be written
    fit_sub_sport: int | None = None
    device: Device = field(default_factory=Device)
    distance_m: float | None = None
    calories: int | None = None
    hr_avg: int | None = None
    hr_max: int | None = None
    training_load: float | None = None
    running_index: int | None = None
    fat_percentage: int | None = None
    carbohydrate_percentage: int | None = None
    protein_percentage: int | None = None
    samples: dict[SampleType, SampleSeries] = field(default_factory=dict)
    route: list[RoutePoint] = field(default_factory=list)
    laps: list[Lap] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)

    @property
    def has_route(self) -> bool:
        return bool(self.route)

    @property
    def start_time_local(self) -> datetime:
        """Naive local wall-clock time, as AccessLink's "start-time" shows it."""
        return (self.start_time_utc + timedelta(minutes=self.utc_offset_minutes)).replace(tzinfo=None)


class FileRejected(ValueError):
    """A file that cannot be imported; the message says what is wrong (becomes a 400)."""
