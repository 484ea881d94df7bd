"""ExerciseData -> TCX (Garmin Training Center Database v2), valid against TrainingCenterDatabasev2.xsd.

Written as text (no DOM: a 3-hour exercise has 10,800 trackpoints), UTF-8, without indentation.
Compression is not done here: the stored file is gzipped by ``domains.exercise_files``.

* ``Activity Sport``: Running / Biking / Other from the FIT sport (``_export_common.fit_sport``).
  ``Id`` and each ``Lap StartTime`` are local time with the exercise's UTC offset (the importer reads
  the offset back from them); trackpoint times are UTC ("Z").
* ``Lap`` per lap (one over the whole exercise when there are none): TotalTimeSeconds (the lap's
  wall-clock duration), DistanceMeters (the lap's, else the DISTANCE samples across it, else 0),
  Calories (the exercise's calories split over the laps by duration, so that they add up; 0 without),
  average / maximum heart rate, Intensity Active, Cadence (bike sports: the lap's rpm),
  TriggerMethod Manual, and the ActivityExtension v2 ``LX``: AvgSpeed (m/s), AvgRunCadence (foot
  sports: strides/min = steps/min / 2), AvgWatts.
* ``Track`` with one ``Trackpoint`` per second of the timeline (``_export_common.timeline``), in the
  lap that covers it: Time, Position, AltitudeMeters (ALTITUDE sample, else the route point's),
  DistanceMeters, HeartRateBpm, Cadence (CADENCE rpm, for non-foot sports) and the ActivityExtension
  v2 ``TPX``: Speed (m/s), RunCadence (foot sports: RUNNING_CADENCE / 2, rounded), Watts.
  TCX has no pauses: samples stored for paused seconds are written like the others. TCX has no
  place for temperature, RR intervals, air pressure or pedal data: they are not written.
* ``Training/Plan/Name``: the Polar Flow sport name, cut to the schema's 15 characters
  (RestrictedToken_t). ``Creator`` (Device_t): device name, UnitId = the hex device id as a number
  (0 when it is not hex), ProductID 0, Version 0.0. ``Author``: this application.

Values outside their schema type (heart rate 1-255, cadence 0-254, watts 0-65535) are left out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import timedelta

from openaccesslink import __version__

from ._export_common import (
    FOOT_SPORTS,
    Timeline,
    fit_sport,
    flow_sport_name,
    iso_local,
    laps_or_whole,
    timeline,
    utc_stamps,
    xml_text,
)
from .model import ExerciseData, Lap, SampleType

PLAN_NAME_MAX = 15
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
    ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'
    ' http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">'
)
_SPORT_ATTRIBUTE = {"RUNNING": "Running", "CYCLING": "Biking", "E_BIKING": "Biking"}


def export_tcx(data: ExerciseData) -> bytes:
    sport_name, _ = fit_sport(data)
    foot = sport_name in FOOT_SPORTS
    laps = laps_or_whole(data)
    line = timeline(data)
    points = _trackpoints(data, line, foot)
    calories = _split_calories(data.calories, laps)
    parts = [
        _HEAD,
        f'<Activities><Activity Sport="{_SPORT_ATTRIBUTE.get(sport_name, "Other")}">',
        f"<Id>{iso_local(data.start_time_utc, data.utc_offset_minutes)}</Id>",
    ]
    row = 0
    for index, lap in enumerate(laps):
        # a lap holds the trackpoints up to the next lap's start (the first lap also those before it)
        end = (
            bisect_left(line.seconds, laps[index + 1].start_offset_s) if index + 1 < len(laps) else len(line)
        )
        parts.append(_lap(data, lap, calories[index], foot, line, row, end))
        if end > row:
            parts += ["<Track>", *points[row:end], "</Track>"]
        parts.append(_lap_extension(lap, foot))
        parts.append("</Lap>")
        row = end
    parts.append(_training(data))
    parts.append(_creator(data))
    parts.append("</Activity></Activities>")
    parts.append(_author())
    parts.append("</TrainingCenterDatabase>\n")
    return "".join(parts).encode()


def _lap(
    data: ExerciseData, lap: Lap, calories: int, foot: bool, line: Timeline, first: int, end: int
) -> str:
    distance = lap.distance_m if lap.distance_m is not None else _distance_across(line, first, end)
    start = data.start_time_utc + timedelta(seconds=lap.start_offset_s)
    out = [
        f'<Lap StartTime="{iso_local(start, data.utc_offset_minutes)}">',
        f"<TotalTimeSeconds>{_decimal(max(0.0, lap.duration_s), 3)}</TotalTimeSeconds>",
        f"<DistanceMeters>{_decimal(max(0.0, distance), 2)}</DistanceMeters>",
        f"<Calories>{calories}</Calories>",
    ]
    if _heart_rate(lap.hr_avg):
        out.append(f"<AverageHeartRateBpm><Value>{round(lap.hr_avg or 0)}</Value></AverageHeartRateBpm>")
    if _heart_rate(lap.hr_max):
        out.append(f"<MaximumHeartRateBpm><Value>{round(lap.hr_max or 0)}</Value></MaximumHeartRateBpm>")
    out.append("<Intensity>Active</Intensity>")
    if not foot and lap.cadence_avg is not None and 0 <= lap.cadence_avg <= 254:
        out.append(f"<Cadence>{round(lap.cadence_avg)}</Cadence>")
    out.append("<TriggerMethod>Manual</TriggerMethod>")
    return "".join(out)


def _lap_extension(lap: Lap, foot: bool) -> str:
    inner = []
    if lap.speed_avg_kmh is not None and lap.speed_avg_kmh >= 0:
        inner.append(f"<ns3:AvgSpeed>{_decimal(lap.speed_avg_kmh / 3.6, 6)}</ns3:AvgSpeed>")
    if foot and lap.cadence_avg is not None and 0 <= lap.cadence_avg / 2 <= 254:
        inner.append(f"<ns3:AvgRunCadence>{round(lap.cadence_avg / 2)}</ns3:AvgRunCadence>")
    if lap.power_avg is not None and 0 <= lap.power_avg <= 65535:
        inner.append(f"<ns3:AvgWatts>{round(lap.power_avg)}</ns3:AvgWatts>")
    return f"<Extensions><ns3:LX>{''.join(inner)}</ns3:LX></Extensions>" if inner else ""


def _trackpoints(data: ExerciseData, line: Timeline, foot: bool) -> list[str]:
    v = line.values
    size = len(line)
    none: list[float | None] = [None] * size
    times = utc_stamps(data.start_time_utc, line.seconds)
    altitude = v.get(SampleType.ALTITUDE, none)
    if line.route_altitude:
        altitude = [a if a is not None else r for a, r in zip(altitude, line.route_altitude, strict=True)]
    positions = (
        [
            f"<Position><LatitudeDegrees>{lat!r}</LatitudeDegrees><LongitudeDegrees>{lon!r}</LongitudeDegrees>"
            "</Position>"
            if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon < 180
            else ""
            for lat, lon in zip(line.latitude, _wrapped(line.longitude), strict=True)
        ]
        if line.latitude
        else [""] * size
    )
    altitudes = _elements("AltitudeMeters", altitude, 3)
    distances = _elements("DistanceMeters", v.get(SampleType.DISTANCE, none), 2)
    hearts = [
        f"<HeartRateBpm><Value>{round(x)}</Value></HeartRateBpm>" if x is not None and 1 <= x < 255.5 else ""
        for x in v.get(SampleType.HEART_RATE, none)
    ]
    steps, rpm = v.get(SampleType.RUNNING_CADENCE), v.get(SampleType.CADENCE)
    run_cadence = steps if steps is not None and (foot or rpm is None) else None
    bike_cadence = rpm if run_cadence is None else None
    cadences = [
        f"<Cadence>{round(x)}</Cadence>" if x is not None and 0 <= x < 254.5 else ""
        for x in (bike_cadence or none)
    ]
    speeds = [
        f"<ns3:Speed>{round(x / 3.6, 6)!r}</ns3:Speed>" if x is not None and x >= 0 else ""
        for x in v.get(SampleType.SPEED, none)
    ]
    runs = [
        f"<ns3:RunCadence>{round(x / 2)}</ns3:RunCadence>" if x is not None and 0 <= x / 2 < 254.5 else ""
        for x in (run_cadence or none)
    ]
    watts = [
        f"<ns3:Watts>{round(x)}</ns3:Watts>" if x is not None and 0 <= x < 65535.5 else ""
        for x in v.get(SampleType.POWER, none)
    ]
    points = []
    for time, position, alt, dist, heart, cadence, speed, run, watt in zip(
        times, positions, altitudes, distances, hearts, cadences, speeds, runs, watts, strict=True
    ):
        extension = speed + run + watt
        if extension:
            extension = f"<Extensions><ns3:TPX>{extension}</ns3:TPX></Extensions>"
        points.append(
            f"<Trackpoint><Time>{time}</Time>{position}{alt}{dist}{heart}{cadence}{extension}</Trackpoint>"
        )
    return points


def _wrapped(longitudes: Sequence[float | None]) -> list[float | None]:
    """180 east is 180 west: the schema's longitude ends just below +180."""
    return [x - 360 if x is not None and x >= 180 else x for x in longitudes]


def _elements(name: str, values: Sequence[float | None], digits: int) -> list[str]:
    return ["" if x is None else f"<{name}>{round(float(x), digits)!r}</{name}>" for x in values]


def _decimal(value: float, digits: int) -> str:
    """Shortest text of the value rounded to `digits` decimals ("12.5", "3.0")."""
    return repr(round(float(value), digits))


def _heart_rate(value: float | None) -> bool:
    return value is not None and 1 <= value < 255.5


def _distance_across(line: Timeline, first: int, end: int) -> float:
    distances = line.values.get(SampleType.DISTANCE)
    if distances is None:
        return 0.0
    inside = [d for d in distances[first:end] if d is not None]
    before = [d for d in distances[:first] if d is not None]
    if not inside:
        return 0.0
    return max(0.0, inside[-1] - (before[-1] if before else inside[0]))


def _split_calories(total: int | None, laps: Sequence[Lap]) -> list[int]:
    """The exercise's calories over the laps by duration, rounded so that they add up to the total."""
    if not total or total < 0:
        return [0] * len(laps)
    weights = [max(0.0, lap.duration_s) for lap in laps]
    whole = sum(weights) or 1.0
    out, done, running = [], 0, 0.0
    for weight in weights:
        running += weight
        upto = min(65535, round(total * running / whole))
        out.append(max(0, upto - done))
        done = upto
    return out


def _training(data: ExerciseData) -> str:
    name = " ".join(flow_sport_name(data).split())[:PLAN_NAME_MAX].strip() or "Exercise"
    return (
        '<Training VirtualPartner="false"><Plan Type="Workout" IntervalWorkout="false">'
        f"<Name>{xml_text(name)}</Name></Plan></Training>"
    )


def _creator(data: ExerciseData) -> str:
    name = xml_text(" ".join((data.device.name or "").split()))
    if not name:
        return ""
    try:
        unit_id = int((data.device.device_id or "").strip(), 16)
    except ValueError:
        unit_id = 0
    if not 0 <= unit_id <= 0xFFFFFFFF:
        unit_id = 0
    return (
        f'<Creator xsi:type="Device_t"><Name>{name}</Name><UnitId>{unit_id}</UnitId>'
        "<ProductID>0</ProductID><Version><VersionMajor>0</VersionMajor><VersionMinor>0</VersionMinor>"
        "</Version></Creator>"
    )


def _author() -> str:
    major, minor = ([int(p) for p in __version__.split(".")[:2] if p.isdigit()] + [0, 0])[:2]
    return (
        '<Author xsi:type="Application_t"><Name>OpenAccessLink</Name><Build><Version>'
        f"<VersionMajor>{major}</VersionMajor><VersionMinor>{minor}</VersionMinor></Version></Build>"
        "<LangID>en</LangID><PartNumber>000-00000-00</PartNumber></Author>"
    )
