"""TCX (Garmin Training Center Database v2) -> ExerciseData.

Parsed with lxml with entity resolution, network access, DTD loading and huge trees all off; a file
with a DOCTYPE is refused outright. Elements are matched by local name in any namespace.

What is read from the first ``Activities/Activity``:

* ``Sport`` (Running/Biking/Other) -> sport, via the FIT mapping of ``sports``; ``Id`` -> start time
  (its UTC offset, when the timestamp carries one, becomes ``utc_offset_minutes``; naive = UTC);
  ``Creator`` Name / UnitId -> device.
* ``Lap``: start, TotalTimeSeconds, DistanceMeters, Calories, average/maximum heart rate, Cadence and
  the ActivityExtension ``LX`` AvgSpeed / AvgRunCadence / AvgWatts. Exercise totals are the lap sums
  (distance, calories), the time-weighted lap average heart rate and the highest lap maximum; without
  laps they come from the trackpoints.
* ``Trackpoint``: Time, Position -> route; AltitudeMeters, DistanceMeters, HeartRateBpm, Cadence and
  the ``TPX`` Speed (m/s) / Watts / RunCadence -> samples on the same 1 s grid as FIT. Without a TPX
  Speed, speed is derived from DistanceMeters. Running cadence (RunCadence, or Cadence in a Running
  activity) is strides/min as in FIT and becomes steps/min (x 2).
* The duration is wall-clock time: the later of the last trackpoint and the end of the last lap.
  TCX has no pause events, so no pauses are reported.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from lxml import etree
from lxml.etree import _Element as Element

from . import sports
from ._import_common import SampleCollector, half_up, hr_summary, utc_offset_minutes, validate, whole
from .model import Device, ExerciseData, FileRejected, Lap, RoutePoint, SampleType

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_SPORTS = {"running": "running", "biking": "cycling"}


def import_tcx(data: bytes) -> ExerciseData:
    activity = _activity(_parse(bytes(data)))
    sport_attr = (activity.get("Sport") or "Other").strip().lower()
    fit_sport = _SPORTS.get(sport_attr, "generic")
    sport, detailed = sports.from_fit(fit_sport, None)
    running = fit_sport == "running"
    start = _start_time(activity)
    laps_xml = activity.findall("{*}Lap")
    samples = SampleCollector()
    route, last_offset = _trackpoints(activity, start, samples, running)
    laps = [_lap(lap, start, running) for lap in laps_xml]
    lap_end = max((lap.start_offset_s + lap.duration_s for lap in laps), default=0.0)
    hr_avg, hr_max = _hr_totals(laps, samples)
    distances = samples.values(SampleType.DISTANCE)
    lap_distances = [lap.distance_m for lap in laps if lap.distance_m is not None]
    calories = [_number(lap, "{*}Calories") for lap in laps_xml]
    exercise = ExerciseData(
        start_time_utc=start.astimezone(UTC),
        utc_offset_minutes=_offset_minutes(start),
        duration_s=max(last_offset, lap_end),
        sport=sport,
        detailed_sport=detailed,
        fit_sport=sports.fit_sport_number(fit_sport),
        device=_device(activity),
        distance_m=sum(lap_distances) if lap_distances else (distances[-1] if distances else None),
        calories=whole(sum(c for c in calories if c is not None))
        if any(c is not None for c in calories)
        else None,
        hr_avg=hr_avg,
        hr_max=hr_max,
        route=route,
        laps=laps,
    )
    validate(exercise)
    if samples.points:
        exercise.samples = samples.series()
    return exercise


def _parse(data: bytes) -> Element:
    if not data.strip():
        raise FileRejected("The file is empty")
    if _DOCTYPE.search(data[:4096]):
        raise FileRejected("TCX files must not contain a DOCTYPE (DTDs and entities are refused)")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError, LookupError) as error:
        raise FileRejected(f"TCX file is not well-formed XML: {error}") from error
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FileRejected("TCX files must not contain a DOCTYPE (DTDs and entities are refused)")
    if etree.QName(root).localname != "TrainingCenterDatabase":
        raise FileRejected(f"Not a TCX file: the root element is <{etree.QName(root).localname}>")
    return root


def _activity(root: Element) -> Element:
    activity = root.find("{*}Activities/{*}Activity")
    if activity is None:
        raise FileRejected("TCX file has no Activities/Activity element")
    return activity


def _text(element: Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return str(found.text).strip()


def _number(element: Element, path: str) -> float | None:
    text = _text(element, path)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise FileRejected(f"TCX element {path.replace('{*}', '')} has a non-numeric value {text[:40]!r}")
    return value


def _time(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FileRejected(f"TCX {what} {text[:40]!r} is not an ISO 8601 date-time") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _start_time(activity: Element) -> datetime:
    start = _time(_text(activity, "{*}Id"), "Activity Id")
    if start is None:
        first_lap = activity.find("{*}Lap")
        start = _time(first_lap.get("StartTime") if first_lap is not None else None, "Lap StartTime")
    if start is None:
        raise FileRejected("TCX activity has no start time (neither an Id nor a Lap StartTime)")
    try:
        start.astimezone(UTC)
    except OverflowError:
        raise FileRejected(f"TCX start time {start.isoformat()} is not plausible") from None
    return start


def _offset_minutes(start: datetime) -> int:
    offset = start.utcoffset()
    return utc_offset_minutes(offset.total_seconds() if offset else None)


def _trackpoints(
    activity: Element, start: datetime, samples: SampleCollector, running: bool
) -> tuple[list[RoutePoint], float]:
    route: list[RoutePoint] = []
    last_offset = 0.0
    previous: tuple[float, float] | None = None  # (offset, distance) for speed without a TPX Speed
    for point in activity.iterfind("{*}Lap/{*}Track/{*}Trackpoint"):
        time = _time(_text(point, "{*}Time"), "Trackpoint Time")
        if time is None:
            continue
        offset = (time - start).total_seconds()
        if offset < 0:
            continue
        last_offset = max(last_offset, offset)
        altitude = _number(point, "{*}AltitudeMeters")
        distance = _number(point, "{*}DistanceMeters")
        _check_not_negative(distance, "Trackpoint DistanceMeters")
        samples.add(SampleType.HEART_RATE, offset, _number(point, "{*}HeartRateBpm/{*}Value"))
        samples.add(SampleType.ALTITUDE, offset, altitude)
        samples.add(SampleType.DISTANCE, offset, distance)
        samples.add(SampleType.POWER, offset, _number(point, "{*}Extensions/{*}TPX/{*}Watts"))
        speed = _number(point, "{*}Extensions/{*}TPX/{*}Speed")
        if speed is None and distance is not None:
            if previous is not None and offset > previous[0]:
                speed = max(0.0, distance - previous[1]) / (offset - previous[0])
            previous = (offset, distance)
        samples.add(SampleType.SPEED, offset, None if speed is None else round(speed * 3.6, 4))
        _cadence(point, offset, samples, running)
        lat = _number(point, "{*}Position/{*}LatitudeDegrees")
        lon = _number(point, "{*}Position/{*}LongitudeDegrees")
        if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
            route.append(RoutePoint(offset, lat, lon, altitude))
    return route, last_offset


def _cadence(point: Element, offset: float, samples: SampleCollector, running: bool) -> None:
    cadence = _number(point, "{*}Cadence")
    if not running:
        samples.add(SampleType.CADENCE, offset, cadence)
        return
    strides = _first(_number(point, "{*}Extensions/{*}TPX/{*}RunCadence"), cadence)
    samples.add(SampleType.RUNNING_CADENCE, offset, None if strides is None else 2 * strides)


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)


def _check_not_negative(value: float | None, what: str) -> None:
    if value is not None and value < 0:
        raise FileRejected(f"TCX {what} must not be negative, got {value:g}")


def _lap(lap: Element, start: datetime, running: bool) -> Lap:
    lap_start = _time(lap.get("StartTime"), "Lap StartTime") or start
    duration = _number(lap, "{*}TotalTimeSeconds") or 0.0
    distance = _number(lap, "{*}DistanceMeters")
    _check_not_negative(distance, "Lap DistanceMeters")
    speed = _number(lap, "{*}Extensions/{*}LX/{*}AvgSpeed")
    if speed is None and distance is not None and duration > 0:
        speed = distance / duration
    cadence = _number(lap, "{*}Cadence")
    if running:
        strides = _first(_number(lap, "{*}Extensions/{*}LX/{*}AvgRunCadence"), cadence)
        cadence = None if strides is None else 2 * strides
    return Lap(
        start_offset_s=(lap_start - start).total_seconds(),
        duration_s=duration,
        distance_m=distance,
        hr_avg=whole(_number(lap, "{*}AverageHeartRateBpm/{*}Value")),
        hr_max=whole(_number(lap, "{*}MaximumHeartRateBpm/{*}Value")),
        speed_avg_kmh=None if speed is None else round(speed * 3.6, 3),
        cadence_avg=whole(cadence),
        power_avg=whole(_number(lap, "{*}Extensions/{*}LX/{*}AvgWatts")),
    )


def _hr_totals(laps: list[Lap], samples: SampleCollector) -> tuple[int | None, int | None]:
    timed = [(lap.hr_avg, lap.duration_s) for lap in laps if lap.hr_avg is not None and lap.duration_s > 0]
    maxima = [lap.hr_max for lap in laps if lap.hr_max is not None]
    from_samples = hr_summary(samples.values(SampleType.HEART_RATE))
    total = sum(seconds for _, seconds in timed)
    hr_avg = half_up(sum(hr * seconds for hr, seconds in timed) / total) if timed else from_samples[0]
    return hr_avg, max(maxima) if maxima else from_samples[1]


def _device(activity: Element) -> Device:
    creator = activity.find("{*}Creator")
    if creator is None:
        return Device()
    unit_id = _text(creator, "{*}UnitId")
    valid = unit_id is not None and unit_id.isascii() and unit_id.isdigit() and 0 < int(unit_id) < 2**64
    device_id = f"{int(unit_id):08X}" if valid and unit_id is not None else None
    return Device(name=_text(creator, "{*}Name"), device_id=device_id)
