"""ExerciseData -> GPX 1.1, valid against gpx-1.1.xsd; one track of the route.

Written as text, UTF-8, without indentation. Compression is done by ``domains.exercise_files``.

* ``gpx creator``: the device name (the GPX importer reads it back as the device), else
  "OpenAccessLink". ``metadata``: name (Polar Flow sport name) and the start time.
* ``trk``: name, ``type`` = the AccessLink sport (RUNNING, CYCLING, ...; the importer reads the sport
  from it), then the segments.
* ``trkpt`` per route point, at its exact offset: lat / lon (shortest text that reads back to the
  same float), ``ele`` (the route point's altitude, else the ALTITUDE sample of that second),
  ``time`` (UTC, as GPX requires), and the Garmin TrackPointExtension v1 with ``atemp``, ``hr`` and
  ``cad`` from the samples covering that second (``cad``: rpm, or strides/min = steps/min / 2 for
  foot sports, as in FIT).

Pauses (the ``includePauseTimes`` query flag of GET .../gpx):

* ``include_pauses=False`` (the API default): pauses are left out of the route. Route points whose
  offset falls inside a pause are dropped and each moving stretch between pauses is its own
  ``trkseg``, so a reader sees the pause as the gap between two segments (the GPX importer reads that
  gap back as a pause).
* ``include_pauses=True``: the pauses are part of the route: one ``trkseg`` with every route point,
  those recorded while paused included; a pause without points shows as the time gap between two
  consecutive points.

Both keep the true wall-clock times: no time is shifted to hide a pause.
"""

from __future__ import annotations

import math
from typing import Any

from ._export_common import (
    FOOT_SPORTS,
    decimal_text,
    fit_sport,
    flow_sport_name,
    iso_utc,
    sorted_pauses,
    utc_stamps,
    xml_text,
)
from .model import ExerciseData, Pause, RoutePoint, SampleType

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx version="1.1" creator="{creator}" xmlns="http://www.topografix.com/GPX/1/1"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
    ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd'
    " http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    ' http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd">'
)


def export_gpx(data: ExerciseData, include_pauses: bool = False) -> bytes:
    without, with_pauses = export_gpx_variants(data)
    return with_pauses if include_pauses and with_pauses is not None else without


def export_gpx_variants(data: ExerciseData) -> tuple[bytes, bytes | None]:
    """(pauses left out, pauses included); the second is None when it would be the same file
    (no pauses). The trackpoints are written once for both."""
    points = sorted((p for p in data.route if _valid(p)), key=lambda p: p.offset_s)
    pauses = sorted_pauses(data)
    texts = _trackpoints(data, points, fit_sport(data)[0] in FOOT_SPORTS)
    whole = [(0, len(points))]
    if not pauses or not points:
        return _file(data, texts, whole), None
    return _file(data, texts, _moving_stretches(points, pauses)), _file(data, texts, whole)


def _file(data: ExerciseData, texts: list[str], segments: list[tuple[int, int]]) -> bytes:
    """The GPX document with the trackpoints texts[a:b] of each (a, b) segment."""
    name = xml_text(flow_sport_name(data))
    creator = xml_text(" ".join((data.device.name or "").split())) or "OpenAccessLink"
    parts = [
        _HEAD.format(creator=creator),
        f"<metadata><name>{name}</name><time>{iso_utc(data.start_time_utc)}</time></metadata>",
        f"<trk><name>{name}</name><type>{xml_text(data.sport or 'OTHER')}</type>",
    ]
    for first, end in segments:
        if end > first:
            parts += ["<trkseg>", *texts[first:end], "</trkseg>"]
    parts.append("</trk></gpx>\n")
    return "".join(parts).encode()


def _valid(point: RoutePoint) -> bool:
    return (
        math.isfinite(point.latitude)
        and math.isfinite(point.longitude)
        and -90 <= point.latitude <= 90
        and -180 <= point.longitude <= 180
        and point.offset_s >= 0
    )


def _moving_stretches(points: list[RoutePoint], pauses: list[Pause]) -> list[tuple[int, int]]:
    """(first, end) index ranges of `points` (sorted) between the pauses; points inside a pause
    belong to no range."""
    ranges: list[tuple[int, int]] = []
    first = 0
    index = 0
    for pause in pauses:
        end = pause.start_offset_s + pause.duration_s
        while index < len(points) and points[index].offset_s < pause.start_offset_s:
            index += 1
        ranges.append((first, index))
        while index < len(points) and points[index].offset_s < end:
            index += 1  # recorded while paused
        first = index
    ranges.append((first, len(points)))
    return [(a, b) for a, b in ranges if b > a]


def _trackpoints(data: ExerciseData, points: list[RoutePoint], foot: bool) -> list[str]:
    offsets = [int(p.offset_s) if float(p.offset_s).is_integer() else p.offset_s for p in points]
    times = utc_stamps(data.start_time_utc, offsets)
    cadence_type = SampleType.CADENCE
    if SampleType.RUNNING_CADENCE in data.samples and (foot or SampleType.CADENCE not in data.samples):
        cadence_type = SampleType.RUNNING_CADENCE
    altitudes = _at(data, SampleType.ALTITUDE, points, 3)
    temperatures = _at(data, SampleType.TEMPERATURE, points, 2)
    hearts = _at(data, SampleType.HEART_RATE, points, None)
    cadences = _at(data, cadence_type, points, None, 0.5 if cadence_type is SampleType.RUNNING_CADENCE else 1)
    out = []
    for point, time, sample_altitude, temperature, heart, cadence in zip(
        points, times, altitudes, temperatures, hearts, cadences, strict=True
    ):
        longitude = point.longitude - 360 if point.longitude >= 180 else point.longitude
        altitude = sample_altitude if point.altitude is None else round(float(point.altitude), 3)
        elevation = "" if altitude is None else f"<ele>{decimal_text(altitude)}</ele>"
        inner = ""
        if temperature is not None:
            inner += f"<gpxtpx:atemp>{temperature!r}</gpxtpx:atemp>"
        if heart is not None and 1 <= heart <= 255:
            inner += f"<gpxtpx:hr>{heart}</gpxtpx:hr>"
        if cadence is not None and 0 <= cadence <= 254:
            inner += f"<gpxtpx:cad>{cadence}</gpxtpx:cad>"
        extension = (
            f"<extensions><gpxtpx:TrackPointExtension>{inner}</gpxtpx:TrackPointExtension></extensions>"
            if inner
            else ""
        )
        out.append(
            f'<trkpt lat="{decimal_text(point.latitude)}" lon="{decimal_text(longitude)}">{elevation}'
            f"<time>{time}</time>"
            f"{extension}</trkpt>"
        )
    return out


def _at(
    data: ExerciseData,
    sample_type: SampleType,
    points: list[RoutePoint],
    digits: int | None,
    factor: float = 1,
) -> list[Any]:
    """The sample covering each point's time (x factor), rounded to `digits` (None: to an int)."""
    found = data.samples.get(sample_type)
    if found is None or not found.recording_rate:
        return [None] * len(points)
    rate, values = found.recording_rate, found.values
    size = len(values)
    picked = [values[i] if 0 <= (i := int(p.offset_s // rate)) < size else None for p in points]
    if digits is None:
        return [None if v is None else round(v * factor) for v in picked]
    return [None if v is None else round(float(v) * factor, digits) for v in picked]
