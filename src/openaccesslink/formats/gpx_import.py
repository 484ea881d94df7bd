"""GPX 1.0/1.1 -> ExerciseData, parsed with gpxpy.

gpxpy parses with a default (entity-resolving) lxml parser, so the bytes are first parsed with
defusedxml with DTDs forbidden: any DOCTYPE, entity or external reference is refused before gpxpy
sees the file.

What is read: the track points of all tracks and segments that carry a ``<time>`` (points without one
are skipped; the start is the first timed point; a timestamp's UTC offset, if it has one, becomes
``utc_offset_minutes``):

* position -> route; elevation -> ALTITUDE; the cumulative great-circle (haversine) distance inside
  each segment -> DISTANCE (the jump between segments is not counted); distance / time between
  consecutive points -> SPEED; Garmin TrackPointExtension ``hr`` / ``cad`` / ``atemp`` (and a plain
  ``power`` extension) -> HEART_RATE / cadence / TEMPERATURE / POWER. Running cadence is strides/min
  as in FIT and becomes steps/min (x 2). All on the 1 s grid shared with FIT and TCX.
* the time between two track segments -> a pause; duration = last timed point - first.
* ``<trk><type>`` mentioning running or cycling sets the sport, anything else is OTHER; the GPX
  ``creator`` attribute is used as the device name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gpxpy
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring

from . import sports
from ._import_common import SampleCollector, hr_summary, number, utc_offset_minutes, validate
from .model import Device, ExerciseData, FileRejected, Pause, RoutePoint, SampleType

EARTH_RADIUS_M = 6_371_008.8
_EXTENSION_TYPES = {"hr": SampleType.HEART_RATE, "atemp": SampleType.TEMPERATURE, "power": SampleType.POWER}


@dataclass
class _Track:
    """The timed track points, flattened, with what is derived from them."""

    start: datetime
    samples: SampleCollector = field(default_factory=SampleCollector)
    route: list[RoutePoint] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    distance_m: float = 0.0
    last_offset: float = 0.0


def import_gpx(data: bytes) -> ExerciseData:
    gpx = _parse(bytes(data))
    segments = [segment.points for track in gpx.tracks for segment in track.segments]
    if not any(segments):
        raise FileRejected("GPX has no track points")
    timed = [[p for p in points if isinstance(p.time, datetime)] for points in segments]
    if not any(timed):
        raise FileRejected("GPX track points have no <time>: the exercise cannot be placed in time")
    fit_sport = _fit_sport(gpx)
    sport, detailed = sports.from_fit(fit_sport, None)
    start = min((_aware(p.time) for points in timed for p in points), key=_utc)
    track = _Track(start)
    for points in filter(None, timed):
        _read_segment(track, points, running=fit_sport == "running")
    hr_avg, hr_max = hr_summary(track.samples.values(SampleType.HEART_RATE))
    creator = gpx.creator.strip() if isinstance(gpx.creator, str) and gpx.creator.strip() else None
    exercise = ExerciseData(
        start_time_utc=_utc(start),
        utc_offset_minutes=_offset_minutes(start),
        duration_s=track.last_offset,
        sport=sport,
        detailed_sport=detailed,
        fit_sport=sports.fit_sport_number(fit_sport),
        device=Device(name=creator),
        distance_m=round(track.distance_m, 2),
        hr_avg=hr_avg,
        hr_max=hr_max,
        route=track.route,
        pauses=track.pauses,
    )
    validate(exercise)
    exercise.samples = track.samples.series(track.pauses)
    return exercise


def _parse(data: bytes) -> Any:
    if not data.strip():
        raise FileRejected("The file is empty")
    try:
        defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise FileRejected(
            f"GPX files must not contain a DOCTYPE or entities ({type(error).__name__})"
        ) from error
    except (ParseError, LookupError, ValueError) as error:  # LookupError: unknown encoding declared
        raise FileRejected(f"GPX file is not well-formed XML: {error}") from error
    try:
        return gpxpy.parse(data)
    except Exception as error:  # gpxpy raises many types on bad field values; all mean "bad file"
        raise FileRejected(f"GPX file could not be read: {str(error)[:200]}") from error


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise FileRejected(f"GPX time {value.isoformat()} is not plausible") from None


def _offset_minutes(start: datetime) -> int:
    offset = start.utcoffset()
    return utc_offset_minutes(offset.total_seconds() if offset else None)


def _fit_sport(gpx: Any) -> str:
    kinds = " ".join(str(track.type or "") for track in gpx.tracks).lower()
    if "run" in kinds:
        return "running"
    if any(word in kinds for word in ("cycl", "bik", "ride")):
        return "cycling"
    return "generic"


def _read_segment(track: _Track, points: list[Any], running: bool) -> None:
    previous: tuple[float, float, float] | None = None  # offset, latitude, longitude
    resumed = (_aware(points[0].time) - track.start).total_seconds()
    if track.last_offset > 0 and resumed > track.last_offset:
        track.pauses.append(Pause(track.last_offset, resumed - track.last_offset))
    for point in points:
        offset = (_aware(point.time) - track.start).total_seconds()
        if offset < 0:
            continue
        track.last_offset = max(track.last_offset, offset)
        lat, lon, elevation = number(point.latitude), number(point.longitude), number(point.elevation)
        if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
            continue
        speed = 0.0
        if previous is not None:
            step = haversine_m(previous[1], previous[2], lat, lon)
            track.distance_m += step
            if offset > previous[0]:
                speed = step / (offset - previous[0])
        previous = (offset, lat, lon)
        track.route.append(RoutePoint(offset, lat, lon, elevation))
        samples = track.samples
        samples.add(SampleType.ALTITUDE, offset, elevation)
        samples.add(SampleType.DISTANCE, offset, round(track.distance_m, 2))
        samples.add(SampleType.SPEED, offset, round(speed * 3.6, 4))
        _extensions(samples, point, offset, running)


def _extensions(samples: SampleCollector, point: Any, offset: float, running: bool) -> None:
    for extension in point.extensions or []:
        for element in extension.iter():
            if not isinstance(element.tag, str):
                continue
            name = element.tag.rpartition("}")[2].lower()
            if name not in _EXTENSION_TYPES and name != "cad":
                continue
            try:
                value = number(float((element.text or "").strip()))
            except ValueError:
                raise FileRejected(f"GPX extension <{name}> has a non-numeric value") from None
            if name == "cad":
                cadence_type = SampleType.RUNNING_CADENCE if running else SampleType.CADENCE
                samples.add(cadence_type, offset, None if value is None else value * (2 if running else 1))
            else:
                samples.add(_EXTENSION_TYPES[name], offset, value)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
