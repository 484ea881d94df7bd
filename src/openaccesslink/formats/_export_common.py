"""Shared by the FIT, TCX and GPX exporters: where each stored value sits in time, and the sport.

Time of a sample: sample ``i`` of a series with ``recording_rate`` r sits at offset ``i * r`` seconds
from ``start_time_utc`` (the model's convention: offsets are wall-clock seconds, pauses included, as
the importers lay them on their 1 s grid). RR intervals have no recording rate and are not placed on
the timeline.

``timeline`` merges every series and the route into rows of whole seconds: the union of all sample
times and the route offsets floored to the second (the importers floor too; when two route points
fall into one second the later one wins, as on import). Each row holds the value of every series at
that second, or None where the series has no sample there.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from garmin_fit_sdk import Profile

from . import sports
from .model import ExerciseData, Lap, Pause, SampleType

#: FIT sports whose ``cadence`` field counts strides per minute (the importers read it so too).
FOOT_SPORTS = frozenset({"RUNNING", "WALKING", "HIKING"})
_FIT_SPORTS = {int(k): str(v).upper() for k, v in Profile["types"]["sport"].items()}
_FIT_SUB_SPORTS = {int(k): str(v).upper() for k, v in Profile["types"]["sub_sport"].items()}


@dataclass
class Timeline:
    seconds: list[int]  # ascending whole-second offsets
    values: dict[SampleType, list[float | None]] = field(default_factory=dict)  # aligned to seconds
    latitude: list[float | None] = field(default_factory=list)
    longitude: list[float | None] = field(default_factory=list)
    route_altitude: list[float | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.seconds)


def timeline(data: ExerciseData) -> Timeline:
    series = [
        (sample_type, s.recording_rate, s.values)
        for sample_type, s in sorted(data.samples.items())
        if sample_type is not SampleType.RR_INTERVAL and s.recording_rate and s.values
    ]
    route_seconds = [math.floor(p.offset_s) for p in data.route]
    span = max((len(values) for _, rate, values in series if rate == 1), default=0)
    if all(rate == 1 for _, rate, _ in series) and all(0 <= s < span for s in route_seconds):
        seconds = list(range(span))  # the usual case: 1 s samples with the route inside them
    else:
        keys: set[int] = set(route_seconds)
        for _, rate, values in series:
            keys.update(range(0, len(values) * rate, rate))
        seconds = sorted(k for k in keys if k >= 0)
    size = len(seconds)
    contiguous = size == 0 or (seconds[0] == 0 and seconds[-1] == size - 1)
    where = None if contiguous else {second: row for row, second in enumerate(seconds)}

    def row_of(second: int) -> int:
        return second if where is None else where[second]

    line = Timeline(seconds)
    for sample_type, rate, values in series:
        if contiguous and rate == 1:
            column = list(values) + [None] * (size - len(values))
        else:
            column = [None] * size
            for index, value in enumerate(values):
                column[row_of(index * rate)] = value
        line.values[sample_type] = column
    if data.route:
        line.latitude, line.longitude, line.route_altitude = [None] * size, [None] * size, [None] * size
        for second, point in zip(route_seconds, data.route, strict=True):
            if second >= 0:
                row = row_of(second)
                line.latitude[row] = point.latitude
                line.longitude[row] = point.longitude
                line.route_altitude[row] = point.altitude
    return line


# ---------------------------------------------------------------------------------------------- sport


def fit_sport(data: ExerciseData) -> tuple[str, str | None]:
    """FIT (sport, sub-sport) names to write.

    With a detailed sport (a Polar Flow sport): the doc's "Sport type mapping in FIT-files" table, which
    gives GENERIC for sports it does not list. Without one, the FIT pair stored with the exercise (what
    its device wrote), else the AccessLink sport when it names a FIT sport, else GENERIC.
    """
    if data.detailed_sport:
        return sports.to_fit(data.detailed_sport)
    stored = _FIT_SPORTS.get(data.fit_sport) if data.fit_sport is not None else None
    if stored is not None:
        sub = _FIT_SUB_SPORTS.get(data.fit_sub_sport) if data.fit_sub_sport is not None else None
        return stored, None if sub == "GENERIC" else sub
    name = data.sport.strip().upper()
    return (name, None) if sports.fit_sport_number(name) is not None else ("GENERIC", None)


def flow_sport_name(data: ExerciseData) -> str:
    """The Polar Flow name of the sport ("Road running"), else the sport in words ("Running")."""
    entry = sports.SPORTS.get((data.detailed_sport or "").strip().upper())
    if entry is not None:
        return entry[0]
    return (data.sport or "Other").replace("_", " ").strip().capitalize() or "Other"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Text for an XML element or a double-quoted attribute: escaped, characters XML 1.0 forbids dropped."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def decimal_text(value: float) -> str:
    """The shortest text that reads back to the same float, never in exponent form (xsd:decimal)."""
    text = repr(float(value))
    return format(Decimal(text), "f") if "e" in text else text


# ---------------------------------------------------------------------------------------------- time


def utc_stamps(start: datetime, offsets: Sequence[float]) -> list[str]:
    """ISO 8601 UTC times ("2024-05-12T06:30:00Z", with a fraction only where there is one)."""
    start = start.astimezone(UTC)
    if start.microsecond == 0 and all(type(o) is int for o in offsets):
        base = int(start.timestamp())
        prefixes: dict[int, str] = {}
        out = []
        for offset in offsets:
            stamp = base + int(offset)
            minute = stamp // 60
            prefix = prefixes.get(minute)
            if prefix is None:
                prefix = prefixes[minute] = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(minute * 60))
            out.append(f"{prefix}{stamp % 60:02d}Z")
        return out
    return [iso_utc(start + timedelta(seconds=offset)) for offset in offsets]


def iso_utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def iso_local(moment: datetime, utc_offset_minutes: int) -> str:
    """The moment in local time with its offset ("2024-05-12T09:30:00+03:00")."""
    local = moment.astimezone(UTC) + timedelta(minutes=utc_offset_minutes)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    sign = "+" if utc_offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(utc_offset_minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


# ---------------------------------------------------------------------------------------------- laps, pauses


def laps_or_whole(data: ExerciseData) -> list[Lap]:
    """The laps by start; without laps, one lap over the whole exercise with its totals."""
    if data.laps:
        return sorted(data.laps, key=lambda lap: lap.start_offset_s)
    return [Lap(0.0, data.duration_s, data.distance_m, data.hr_avg, data.hr_max)]


def sorted_pauses(data: ExerciseData) -> list[Pause]:
    return sorted((p for p in data.pauses if p.duration_s > 0), key=lambda p: p.start_offset_s)


def paused_seconds(pauses: Iterable[Pause], start: float, end: float) -> float:
    """How much of [start, end) lies inside the pauses."""
    return sum(
        max(0.0, min(end, p.start_offset_s + p.duration_s) - max(start, p.start_offset_s)) for p in pauses
    )
