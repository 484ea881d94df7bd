"""FIT/TCX/GPX importers.

FIT fixtures come from Garmin's JavaScript SDK encoder (tests/fixtures/fitgen/make_fixtures.mjs), with
the values the generator wrote next to each file as JSON. TCX files are written here with lxml's
builder and GPX files with gpxpy, and validated against the official XSDs before they are imported.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import pytest
from garmin_fit_sdk.crc_calculator import CrcCalculator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.builder import ElementMaker

from openaccesslink.formats import detect_format, import_file, sports
from openaccesslink.formats.fit_import import import_fit
from openaccesslink.formats.gpx_import import import_gpx
from openaccesslink.formats.model import ExerciseData, FileRejected, Pause, SampleType
from openaccesslink.formats.tcx_import import import_tcx

HERE = Path(__file__).resolve().parent
FIT_DIR = HERE / "fixtures" / "fit"
SCHEMAS = HERE / "schemas"
SEMICIRCLE = 180 / 2**31

# ---------------------------------------------------------------------------------------------- helpers


def fit_fixture(name: str) -> tuple[bytes, dict[str, Any]]:
    data = (FIT_DIR / f"{name}.fit").read_bytes()
    json_path = FIT_DIR / f"{name}.json"
    return data, (json.loads(json_path.read_text()) if json_path.exists() else {})


@cache
def imported(name: str) -> ExerciseData:
    return import_fit(fit_fixture(name)[0])


def reference_grid(
    times: list[float], values: list[Any], size: int, rate: bool, pauses: tuple[tuple[float, float], ...] = ()
) -> list[float]:
    """The documented 1 s resampling, written out naively."""
    paused = {s for start, length in pauses for s in range(math.ceil(start), math.ceil(start + length))}
    known = {int(t): float(v) for t, v in zip(times, values, strict=True) if v is not None}
    first = known[min(known)]
    out, last, last_second = [], None, -1
    for second in range(size):
        if second in known:
            last, last_second = known[second], second
            out.append(last)
        elif rate:
            out.append(0.0 if last is None or second in paused or second - last_second > 30 else last)
        else:
            out.append(first if last is None else last)
    return out


def series(exercise: ExerciseData, sample_type: SampleType) -> list[float | None]:
    found = exercise.samples[sample_type]
    assert found.recording_rate == (None if sample_type is SampleType.RR_INTERVAL else 1)
    return found.values


def rejected(importer: Callable[[bytes], ExerciseData], data: bytes) -> str:
    with pytest.raises(FileRejected) as info:
        importer(data)
    assert type(info.value) is FileRejected
    return str(info.value)


def refit(body: bytes) -> bytes:
    """A 14-byte-header FIT file around `body` with correct sizes and CRCs."""
    header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 21217, len(body), b".FIT"))
    header += struct.pack("<H", CrcCalculator.calculate_crc(bytes(header), 0, 12))
    file = bytes(header) + body
    return file + struct.pack("<H", CrcCalculator.calculate_crc(file, 0, len(file)))


# ------------------------------------------------------------------------------------------------ FIT


def test_run_summary_matches_what_the_encoder_wrote() -> None:
    exercise, expected = imported("run_20min"), fit_fixture("run_20min")[1]
    assert exercise.start_time_utc == datetime.fromisoformat(expected["start_time_utc"])
    assert exercise.start_time_utc.tzinfo is not None
    assert exercise.utc_offset_minutes == 180
    assert exercise.start_time_local == datetime(2024, 5, 12, 9, 30)
    assert exercise.duration_s == 1200
    assert (exercise.sport, exercise.detailed_sport) == ("RUNNING", "TRAIL_RUNNING")
    assert (exercise.fit_sport, exercise.fit_sub_sport) == (1, 3)
    assert exercise.device.name == "Garmin fenix7"
    assert exercise.device.device_id == f"{expected['device']['serial']:08X}"
    assert exercise.distance_m == pytest.approx(expected["distance_m"])
    assert exercise.calories == expected["calories"]
    assert (exercise.hr_avg, exercise.hr_max) == (expected["hr_avg"], expected["hr_max"])
    assert exercise.pauses == [Pause(600, 60)]


def test_run_samples_are_resampled_to_one_second() -> None:
    exercise, expected = imported("run_20min"), fit_fixture("run_20min")[1]
    rec, pauses = expected["records"], ((600, 60),)
    cadence = [(c + f) * 2 for c, f in zip(rec["cadence"], rec["fractionalCadence"], strict=True)]
    wanted = {
        SampleType.HEART_RATE: reference_grid(rec["t"], rec["heartRate"], 1200, False),
        SampleType.SPEED: reference_grid(
            rec["t"], [v * 3.6 for v in rec["enhancedSpeed"]], 1200, True, pauses
        ),
        SampleType.RUNNING_CADENCE: reference_grid(rec["t"], cadence, 1200, True, pauses),
        SampleType.ALTITUDE: reference_grid(rec["t"], rec["enhancedAltitude"], 1200, False),
        SampleType.TEMPERATURE: reference_grid(rec["t"], rec["temperature"], 1200, False),
        SampleType.DISTANCE: reference_grid(rec["t"], rec["distance"], 1200, False),
    }
    assert set(exercise.samples) == {*wanted, SampleType.RR_INTERVAL}
    for sample_type, values in wanted.items():
        assert series(exercise, sample_type) == pytest.approx(values, abs=1e-3), sample_type.name
    hr = series(exercise, SampleType.HEART_RATE)
    assert hr[700:705] == [hr[699]] * 5  # dropout carried forward
    assert set(series(exercise, SampleType.SPEED)[600:660]) == {0.0}  # timer pause
    assert series(exercise, SampleType.RUNNING_CADENCE)[0] == 173  # (86 + 0.5) * 2


def test_run_route_laps_and_rr_intervals() -> None:
    exercise, expected = imported("run_20min"), fit_fixture("run_20min")[1]
    rec = expected["records"]
    assert [p.offset_s for p in exercise.route] == rec["t"]
    assert [p.latitude for p in exercise.route] == pytest.approx([v * SEMICIRCLE for v in rec["positionLat"]])
    assert [p.longitude for p in exercise.route] == pytest.approx(
        [v * SEMICIRCLE for v in rec["positionLong"]]
    )
    assert [p.altitude for p in exercise.route] == pytest.approx(rec["enhancedAltitude"])
    assert len(exercise.laps) == 2
    for lap, want in zip(exercise.laps, expected["laps"], strict=True):
        assert lap.start_offset_s == want["start_offset_s"]
        assert lap.duration_s == want["duration_s"]
        assert lap.distance_m == pytest.approx(want["distance_m"])
        assert (lap.hr_avg, lap.hr_max) == (want["hr_avg"], want["hr_max"])
        assert lap.speed_avg_kmh == pytest.approx(want["speed_avg_ms"] * 3.6, abs=1e-3)
        assert lap.cadence_avg == round((want["cadence_avg"] + want["fractional_cadence_avg"]) * 2)
    rr = series(exercise, SampleType.RR_INTERVAL)
    assert rr == [None if v is None else round(v * 1000) for v in expected["rr_s"]]
    assert rr.count(None) == 1


def test_ride_with_smart_recording_gaps() -> None:
    exercise, expected = imported("ride_60min"), fit_fixture("ride_60min")[1]
    rec = expected["records"]
    assert (exercise.sport, exercise.detailed_sport, exercise.utc_offset_minutes) == (
        "CYCLING",
        "ROAD_BIKING",
        -240,
    )
    assert exercise.device.name == "ELEMNT BOLT" and exercise.device.device_id == "00C0FFEE"
    assert exercise.pauses == []
    wanted = {
        SampleType.HEART_RATE: reference_grid(rec["t"], rec["heartRate"], 3600, False),
        SampleType.SPEED: reference_grid(rec["t"], [v * 3.6 for v in rec["speed"]], 3600, True),
        SampleType.CADENCE: reference_grid(rec["t"], rec["cadence"], 3600, True),
        SampleType.POWER: reference_grid(rec["t"], rec["power"], 3600, True),
        SampleType.ALTITUDE: reference_grid(rec["t"], rec["altitude"], 3600, False),
        SampleType.DISTANCE: reference_grid(rec["t"], rec["distance"], 3600, False),
    }
    assert set(exercise.samples) == set(wanted)
    for sample_type, values in wanted.items():
        assert series(exercise, sample_type) == pytest.approx(values, abs=1e-3), sample_type.name
    gap_start = max(t for t in rec["t"] if t < 1800)
    power = series(exercise, SampleType.POWER)
    assert power[gap_start + 30] == power[gap_start] > 0 and power[gap_start + 31] == 0  # held 30 s, then 0
    assert len(exercise.route) == len(rec["t"]) and len(exercise.laps) == 3
    assert [lap.power_avg for lap in exercise.laps] == [lap["power_avg"] for lap in expected["laps"]]


def test_pool_swim_without_gps_or_local_time() -> None:
    exercise, expected = imported("swim_pool_25min"), fit_fixture("swim_pool_25min")[1]
    assert (exercise.sport, exercise.detailed_sport) == ("SWIMMING", "POOL_SWIMMING")
    assert exercise.device.name == "Polar Vantage V3" and exercise.device.device_id == "1111AAAA"
    assert exercise.utc_offset_minutes == 0 and exercise.route == [] and not exercise.has_route
    assert set(exercise.samples) == {SampleType.HEART_RATE, SampleType.DISTANCE}
    assert series(exercise, SampleType.HEART_RATE) == expected["records"]["heartRate"]
    assert exercise.distance_m == expected["distance_m"]


def test_strength_session_summary_only() -> None:
    exercise = imported("strength_45min")
    assert (exercise.sport, exercise.detailed_sport) == ("TRAINING", "STRENGTH_TRAINING")
    assert (exercise.duration_s, exercise.utc_offset_minutes) == (2712.5, 60)
    assert (exercise.hr_avg, exercise.hr_max, exercise.calories, exercise.distance_m) == (104, 151, 290, None)
    assert exercise.samples == {} and exercise.route == [] and exercise.device.name == "Garmin fr965"


def test_records_only_file_derives_the_summary() -> None:
    exercise, expected = imported("records_only"), fit_fixture("records_only")[1]
    assert (exercise.sport, exercise.detailed_sport) == ("RUNNING", "RUNNING")
    assert exercise.duration_s == expected["duration_s"]
    assert exercise.distance_m == expected["distance_m"]
    assert (exercise.hr_avg, exercise.hr_max) == (expected["hr_avg"], expected["hr_max"])
    assert series(exercise, SampleType.SPEED) == [9.0] * 300


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_hr", "Heart rate 254 bpm"),
        ("bad_duration", "more than 7 days"),
        ("bad_zero_duration", "duration must be positive"),
        ("bad_no_activity", "neither a session nor any record"),
    ],
)
def test_absurd_fit_files_are_rejected(name: str, message: str) -> None:
    assert message in rejected(import_fit, fit_fixture(name)[0])


def test_broken_fit_bytes_are_rejected() -> None:
    data = fit_fixture("records_only")[0]
    assert "empty" in rejected(import_fit, b"")
    assert "Not a FIT file" in rejected(import_fit, random.Random(7).randbytes(5000))
    assert "truncated" in rejected(import_fit, data[: len(data) // 2])
    flipped_crc = data[:-1] + bytes([data[-1] ^ 0xFF])
    assert "CRC" in rejected(import_fit, flipped_crc)
    flipped_body = bytearray(data)
    flipped_body[len(data) // 2] ^= 0x10
    assert "CRC" in rejected(import_fit, bytes(flipped_body))
    flipped_header = bytearray(data)
    flipped_header[12] ^= 0x01
    assert "header" in rejected(import_fit, bytes(flipped_header))


def test_fit_record_with_absurd_heart_rate_is_rejected() -> None:
    # record message: definition (local 0, global 20: timestamp uint32, heart_rate uint8) + one record
    definition = bytes([0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 2])
    timestamp = int((datetime(2024, 1, 1, tzinfo=UTC) - datetime(1989, 12, 31, tzinfo=UTC)).total_seconds())
    records = b"".join(bytes([0]) + struct.pack("<IB", timestamp + i, hr) for i, hr in enumerate((120, 251)))
    assert "Heart rate 251 bpm at 00:00:01" in rejected(import_fit, refit(definition + records))


# ------------------------------------------------------------------------------------------------ TCX

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


@cache
def xml_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def assert_valid(data: bytes, schema: str) -> None:
    validator = xml_schema(schema)
    assert validator.validate(etree.fromstring(data)), validator.error_log


def tcx_point(t: int, running: bool) -> dict[str, float]:
    return {
        "t": t,
        "lat": 60.2 + t * 2e-5,
        "lon": 24.9 + t * 1e-5,
        "alt": round(10 + t * 0.1, 1),
        "dist": 2.5 * t,
        "hr": 120 + t // 10,
        "cad": 82 if running else 90,
        "speed": 2.5,
        "watts": 200 + t % 7,
    }


def make_tcx(sport: str = "Running", start: str = "2024-05-12T09:30:00+03:00", speed: bool = True) -> bytes:
    """Two 150 s laps of 1 Hz trackpoints; no trackpoints at 150-154 s."""
    tcx, ax = ElementMaker(namespace=TCX_NS, nsmap={None: TCX_NS}), ElementMaker(namespace=AX_NS)
    running, t0 = sport == "Running", datetime.fromisoformat(start)

    def trackpoint(p: dict[str, float]) -> etree._Element:
        extension = [ax.Speed(str(p["speed"]))] if speed else []
        extension += [ax.RunCadence(str(p["cad"]))] if running else [ax.Watts(str(p["watts"]))]
        return tcx.Trackpoint(
            tcx.Time((t0 + timedelta(seconds=p["t"])).isoformat()),
            tcx.Position(tcx.LatitudeDegrees(str(p["lat"])), tcx.LongitudeDegrees(str(p["lon"]))),
            tcx.AltitudeMeters(str(p["alt"])),
            tcx.DistanceMeters(str(p["dist"])),
            tcx.HeartRateBpm(tcx.Value(str(p["hr"]))),
            *([] if running else [tcx.Cadence(str(p["cad"]))]),
            tcx.Extensions(ax.TPX(*extension)),
        )

    def lap(first: int, last: int) -> etree._Element:
        points = [tcx_point(t, running) for t in range(first, last + 1) if not 150 <= t < 155]
        return tcx.Lap(
            tcx.TotalTimeSeconds("150"),
            tcx.DistanceMeters(str(2.5 * 150)),
            tcx.Calories(str(20 + first // 10)),
            tcx.AverageHeartRateBpm(tcx.Value(str(round(sum(p["hr"] for p in points) / len(points))))),
            tcx.MaximumHeartRateBpm(tcx.Value(str(max(p["hr"] for p in points)))),
            tcx.Intensity("Active"),
            tcx.TriggerMethod("Manual"),
            tcx.Track(*[trackpoint(p) for p in points]),
            tcx.Extensions(
                ax.LX(ax.AvgSpeed("2.5"), ax.AvgRunCadence("82") if running else ax.AvgWatts("203"))
            ),
            StartTime=(t0 + timedelta(seconds=first)).isoformat(),
        )

    creator = tcx.Creator(
        tcx.Name("Forerunner 965"),
        tcx.UnitId("3456789012"),
        tcx.ProductID("4315"),
        tcx.Version(tcx.VersionMajor("19"), tcx.VersionMinor("20")),
        {f"{{{XSI_NS}}}type": "Device_t"},
    )
    activity = tcx.Activity(tcx.Id(t0.isoformat()), lap(0, 149), lap(150, 300), creator, Sport=sport)
    root = tcx.TrainingCenterDatabase(tcx.Activities(activity))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_tcx_run_is_imported() -> None:
    data = make_tcx()
    assert_valid(data, "TrainingCenterDatabasev2.xsd")
    exercise = import_tcx(data)
    assert exercise.start_time_utc == datetime(2024, 5, 12, 6, 30, tzinfo=UTC)
    assert exercise.utc_offset_minutes == 180
    assert (exercise.sport, exercise.detailed_sport, exercise.fit_sport) == ("RUNNING", "RUNNING", 1)
    assert exercise.duration_s == 300 and exercise.distance_m == 750 and exercise.calories == 20 + 35
    assert exercise.device.name == "Forerunner 965" and exercise.device.device_id == f"{3456789012:08X}"
    points = [tcx_point(t, True) for t in range(301) if not 150 <= t < 155]
    times = [p["t"] for p in points]
    assert series(exercise, SampleType.HEART_RATE) == reference_grid(
        times, [p["hr"] for p in points], 301, False
    )
    assert series(exercise, SampleType.RUNNING_CADENCE) == reference_grid(
        times, [164] * len(times), 301, True
    )
    assert series(exercise, SampleType.SPEED) == pytest.approx([9.0] * 301)  # 4 s gap < 30 s hold
    assert series(exercise, SampleType.ALTITUDE) == pytest.approx(
        reference_grid(times, [p["alt"] for p in points], 301, False)
    )
    assert series(exercise, SampleType.DISTANCE)[-1] == 750
    assert [p.latitude for p in exercise.route] == pytest.approx([p["lat"] for p in points])
    assert [p.longitude for p in exercise.route] == pytest.approx([p["lon"] for p in points])
    assert [
        (lap.start_offset_s, lap.duration_s, lap.distance_m, lap.cadence_avg) for lap in exercise.laps
    ] == [(0, 150, 375, 164), (150, 150, 375, 164)]
    assert exercise.hr_max == max(p["hr"] for p in points)


def test_tcx_ride_derives_speed_from_distance() -> None:
    data = make_tcx("Biking", "2024-06-01T13:05:00Z", speed=False)
    assert_valid(data, "TrainingCenterDatabasev2.xsd")
    exercise = import_tcx(data)
    assert (exercise.sport, exercise.detailed_sport, exercise.utc_offset_minutes) == ("CYCLING", "CYCLING", 0)
    assert set(series(exercise, SampleType.CADENCE)) == {90}
    assert series(exercise, SampleType.POWER)[:3] == [200, 201, 202]
    assert series(exercise, SampleType.SPEED)[1:] == pytest.approx([9.0] * 300)
    assert exercise.laps[0].power_avg == 203


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">&lol3;</TrainingCenterDatabase>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">&x;</TrainingCenterDatabase>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (BILLION_LAUGHS, "DOCTYPE"),
        (XXE, "DOCTYPE"),
        (b"<!--" + b"x" * 5000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1], "DOCTYPE"),
        (b"<TrainingCenterDatabase><Activities>", "not well-formed"),
        (b"\x00\xff garbage", "not well-formed"),
        (b"<gpx/>", "Not a TCX file"),
        (
            b'<TrainingCenterDatabase xmlns="x"><Activities/></TrainingCenterDatabase>',
            "no Activities/Activity",
        ),
        (make_tcx().replace(b"<DistanceMeters>375.0<", b"<DistanceMeters>-375.0<"), "must not be negative"),
        (make_tcx().replace(b"<Value>125<", b"<Value>251<"), "Heart rate 251 bpm"),
        (make_tcx().replace(b"2024-05-12T09:30:01+03:00", b"yesterday"), "not an ISO 8601"),
        (make_tcx().replace(b"<AltitudeMeters>10.5<", b"<AltitudeMeters>high<"), "non-numeric"),
    ],
)
def test_bad_tcx_is_rejected(data: bytes, message: str) -> None:
    assert message in rejected(import_tcx, data)


# ------------------------------------------------------------------------------------------------ GPX

TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
GPX_START = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)


def make_gpx(kind: str = "running", segments: tuple[range, ...] = (range(0, 120), range(180, 300))) -> bytes:
    gpx = gpxpy.gpx.GPX()
    gpx.creator, gpx.nsmap["gpxtpx"] = "Test Watch 2", TPX_NS
    track = gpxpy.gpx.GPXTrack(name="Morning")
    track.type = kind
    gpx.tracks.append(track)
    for seconds in segments:
        segment = gpxpy.gpx.GPXTrackSegment()
        for t in seconds:
            point = gpxpy.gpx.GPXTrackPoint(
                60.0 + t * 3e-5, 25.0, elevation=20 + t % 5, time=GPX_START + timedelta(seconds=t)
            )
            extension = etree.Element(f"{{{TPX_NS}}}TrackPointExtension")
            etree.SubElement(extension, f"{{{TPX_NS}}}hr").text = str(130 + t % 20)
            etree.SubElement(extension, f"{{{TPX_NS}}}cad").text = "84"
            point.extensions.append(extension)
            segment.points.append(point)
        track.segments.append(segment)
    return gpx.to_xml(version="1.1").encode()


def test_gpx_track_is_imported() -> None:
    data = make_gpx()
    assert_valid(data, "gpx-1.1.xsd")
    exercise = import_gpx(data)
    reference = gpxpy.parse(data.decode())
    assert exercise.start_time_utc == GPX_START and exercise.utc_offset_minutes == 0
    assert (exercise.sport, exercise.detailed_sport) == ("RUNNING", "RUNNING")
    assert exercise.device.name == "Test Watch 2"
    assert exercise.duration_s == 299 and exercise.pauses == [Pause(119, 61)]
    # gpxpy measures on a 6378.137 km sphere, we on the 6371.009 km mean radius: 0.11 % apart
    assert exercise.distance_m == pytest.approx(
        sum(s.length_2d() for s in reference.tracks[0].segments), rel=2e-3
    )
    times = [*range(0, 120), *range(180, 300)]
    assert len(exercise.route) == 240 and exercise.route[0].altitude == 20
    hr = reference_grid(times, [130 + t % 20 for t in times], 300, False)
    assert series(exercise, SampleType.HEART_RATE) == hr
    assert series(exercise, SampleType.RUNNING_CADENCE) == reference_grid(
        times, [168] * 240, 300, True, ((119, 61),)
    )
    speed = series(exercise, SampleType.SPEED)
    assert speed[0] == 0 and speed[1:120] == pytest.approx([3e-5 * 111_195 * 3.6] * 119, rel=2e-3)
    assert set(speed[120:180]) == {0.0} and speed[180] == 0  # pause, then a new segment starts at rest
    assert series(exercise, SampleType.DISTANCE)[150] == series(exercise, SampleType.DISTANCE)[119]


def test_gpx_sport_comes_from_the_track_type() -> None:
    assert import_gpx(make_gpx("cycling", (range(10),))).sport == "CYCLING"
    other = import_gpx(make_gpx("hike", (range(10),)))
    assert (other.sport, other.detailed_sport, SampleType.CADENCE in other.samples) == ("OTHER", None, True)


EMPTY_GPX = b'<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="x">%s</gpx>'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (EMPTY_GPX % b"", "GPX has no track points"),
        (EMPTY_GPX % b'<wpt lat="1" lon="2"/><trk><trkseg/></trk>', "GPX has no track points"),
        (EMPTY_GPX % b'<trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk>', "no <time>"),
        (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "b">]><gpx>&a;</gpx>', "DOCTYPE"),
        (b"<gpx><trk>", "not well-formed"),
        (EMPTY_GPX % b'<trk><trkseg><trkpt lat="x" lon="2"/></trkseg></trk>', "could not be read"),
        (make_gpx(segments=(range(1),)), "duration must be positive"),
        (make_gpx(segments=(range(5),)).replace(b">132<", b">260<"), "Heart rate 260 bpm"),
    ],
)
def test_bad_gpx_is_rejected(data: bytes, message: str) -> None:
    assert message in rejected(import_gpx, data)


# ----------------------------------------------------------------------------------- dispatch, sports


def test_import_file_dispatches_on_signature_name_and_content() -> None:
    fit, tcx, gpx = fit_fixture("records_only")[0], make_tcx(), make_gpx(segments=(range(10),))
    assert detect_format(fit, "upload.bin") == "fit"
    assert detect_format(b"", "Morning.FIT") == detect_format(b"", "fit") == "fit"
    assert detect_format(tcx, "") == "tcx" and detect_format(gpx, "") == "gpx"
    assert import_file(fit, "whatever").sport == "RUNNING"
    assert import_file(tcx, "run.tcx").sport == "RUNNING"
    assert import_file(gzip.compress(tcx), "run.tcx.gz").duration_s == 300
    assert import_file(gpx, "GPX").route
    assert "Unsupported" in rejected(lambda d: import_file(d, "notes.txt"), b"hello")
    assert "empty" in rejected(lambda d: import_file(d, ""), b"")
    assert "truncated" in rejected(lambda d: import_file(d, "x.tcx.gz"), gzip.compress(tcx)[:100])


def test_sport_mapping() -> None:
    assert sports.from_fit("running", None) == ("RUNNING", "RUNNING")
    assert sports.from_fit("running", "generic") == sports.from_fit(1, 0) == ("RUNNING", "RUNNING")
    assert sports.from_fit("running", "street") == ("RUNNING", "RUNNING")
    assert sports.from_fit("cycling", "mountain") == ("CYCLING", "MOUNTAIN_BIKING")
    assert sports.from_fit("cycling", "gravel_cycling") == ("CYCLING", "CYCLING")
    assert sports.from_fit("generic", "yoga") == ("OTHER", "YOGA")
    assert sports.from_fit("generic", None) == ("OTHER", None)
    assert sports.from_fit(200, None) == sports.from_fit("quidditch", None) == ("OTHER", None)
    assert sports.to_fit("ROAD_RUNNING") == sports.to_fit("RUNNING") == ("RUNNING", "STREET")
    assert sports.to_fit("STRENGTH_TRAINING") == ("TRAINING", "STRENGTH_TRAINING")
    assert sports.to_fit("Pool swimming") == ("SWIMMING", None)
    assert sports.to_fit("TRIATHLON") == sports.to_fit("NOPE") == sports.to_fit(None) == ("GENERIC", None)
    assert sports.accesslink_sport("YOGA") == "OTHER" and sports.accesslink_sport("HIKING") == "HIKING"


def test_every_sport_pair_is_valid_and_maps_back_consistently() -> None:
    for code, (_, sport, sub) in sports.SPORTS.items():
        assert sports.fit_sport_number(sport) is not None, code
        assert sub is None or sports.fit_sub_sport_number(sub) is not None, code
        chosen = sports.from_fit(sport, sub)[1]
        if (sport, sub) not in sports._PREFERRED and chosen is not None:
            assert sports.to_fit(chosen) == (sport, sub), code


# ------------------------------------------------------------------------------------------ fuzzing

MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2**20), st.integers(0, 7)),
    st.tuples(st.just("cut"), st.integers(0, 2**20), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 2**20), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 2**20), st.integers(1, 64)),
    st.tuples(st.just("overwrite"), st.integers(0, 2**20), st.binary(min_size=1, max_size=8)),
)
FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def mutate(data: bytes, mutations: list[tuple[str, int, Any]]) -> bytes:
    out = bytearray(data)
    for kind, position, arg in mutations:
        at = position % (len(out) + 1)
        if kind == "flip" and at < len(out):
            out[at] ^= 1 << arg
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = arg
        elif kind == "delete":
            del out[at : at + arg]
        elif kind == "overwrite":
            out[at : at + len(arg)] = arg
    return bytes(out)


def imports_or_rejects(importer: Callable[[bytes], ExerciseData], data: bytes) -> None:
    try:
        result = importer(data)
    except FileRejected:
        return
    assert isinstance(result, ExerciseData)


@FUZZ
@given(
    st.sampled_from(["records_only", "strength_45min", "bad_hr"]), st.lists(MUTATION, min_size=1, max_size=3)
)
def test_fuzz_fit_raw_mutations(name: str, mutations: list[tuple[str, int, Any]]) -> None:
    imports_or_rejects(import_fit, mutate(fit_fixture(name)[0], mutations))


@FUZZ
@given(st.sampled_from(["records_only", "strength_45min"]), st.lists(MUTATION, min_size=1, max_size=3))
def test_fuzz_fit_mutations_with_valid_crc(name: str, mutations: list[tuple[str, int, Any]]) -> None:
    """The CRC is recomputed after mutating, so the decoder and the importer see the damaged content."""
    data = fit_fixture(name)[0]
    imports_or_rejects(import_fit, refit(mutate(data[14:-2], mutations)))


@cache
def text_fixtures() -> dict[str, bytes]:
    return {"tcx": make_tcx(), "gpx": make_gpx(segments=(range(0, 20), range(25, 40)))}


@FUZZ
@given(st.sampled_from(["tcx", "gpx"]), st.lists(MUTATION, min_size=1, max_size=3))
def test_fuzz_xml_byte_mutations(kind: str, mutations: list[tuple[str, int, Any]]) -> None:
    imports_or_rejects(import_tcx if kind == "tcx" else import_gpx, mutate(text_fixtures()[kind], mutations))


@FUZZ
@given(st.sampled_from(["tcx", "gpx"]), st.integers(0, 10**6), st.text(max_size=30))
def test_fuzz_xml_field_values(kind: str, index: int, value: str) -> None:
    """Replace one text node or attribute value with arbitrary text."""
    data = text_fixtures()[kind]
    slots = list(re.finditer(rb'>([^<>]+)<|="([^"]*)"', data))
    slot = slots[index % len(slots)]
    group = 1 if slot.group(1) is not None else 2
    escaped = (
        value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").encode("utf-8", "replace")
    )
    mutated = data[: slot.start(group)] + escaped + data[slot.end(group) :]
    imports_or_rejects(import_tcx if kind == "tcx" else import_gpx, mutated)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["", "x.fit", "x.tcx", "x.gpx", "x.tcx.gz", "gpx"]))
def test_fuzz_import_file_with_random_bytes(data: bytes, name: str) -> None:
    imports_or_rejects(lambda d: import_file(d, name), data)


def test_naive_and_offset_times_in_text_formats() -> None:
    naive = make_tcx(start="2024-05-12T06:30:00")
    assert import_tcx(naive).start_time_utc == datetime(2024, 5, 12, 6, 30, tzinfo=UTC)
    west = make_tcx(start="2024-05-12T02:30:00-04:00")
    exercise = import_tcx(west)
    assert exercise.utc_offset_minutes == -240
    assert exercise.start_time_local == datetime(2024, 5, 12, 2, 30)
    assert exercise.start_time_utc.utcoffset() == timedelta(0)
