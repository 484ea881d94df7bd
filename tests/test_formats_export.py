"""FIT/TCX/GPX exporters, each file read back by an independent reader.

FIT: Garmin's FIT SDK decoder (no errors, CRC verified, no field it does not know) and the values
compared with what was stored. TCX and GPX: lxml validation against the official XSDs, gpxpy for GPX.
Round trips: a FIT fixture (written by Garmin's JavaScript encoder) is imported, exported in every
format and imported again with our importers; the values must come back within each format's
resolution.
"""

from __future__ import annotations

import math
import os
import random
import struct
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast

import gpxpy
import pytest
from garmin_fit_sdk import Decoder, Profile, Stream
from garmin_fit_sdk.crc_calculator import CrcCalculator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from openaccesslink.formats import sports
from openaccesslink.formats.fit_export import crc16, export_fit
from openaccesslink.formats.fit_import import import_fit
from openaccesslink.formats.gpx_export import export_gpx, export_gpx_variants
from openaccesslink.formats.gpx_import import import_gpx
from openaccesslink.formats.model import (
    Device,
    ExerciseData,
    Lap,
    Pause,
    RoutePoint,
    SampleSeries,
    SampleType,
)
from openaccesslink.formats.tcx_export import export_tcx
from openaccesslink.formats.tcx_import import import_tcx

HERE = Path(__file__).resolve().parent
FIT_DIR = HERE / "fixtures" / "fit"
FIXTURES = ["run_20min", "ride_60min", "swim_pool_25min", "strength_45min", "records_only"]
TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
AX_NS = "{http://www.garmin.com/xmlschemas/ActivityExtension/v2}"
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
SEMICIRCLE_DEGREES = 180 / 2**31

# ---------------------------------------------------------------------------------------------- readers


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(HERE / "schemas" / name)))


def valid_tcx(content: bytes) -> etree._Element:
    root = etree.fromstring(content)
    tcx_schema = schema("TrainingCenterDatabasev2.xsd")
    assert tcx_schema.validate(root), tcx_schema.error_log
    return root


def valid_gpx(content: bytes) -> etree._Element:
    root = etree.fromstring(content)
    gpx_schema = schema("gpx-1.1.xsd")
    assert gpx_schema.validate(root), gpx_schema.error_log
    return root


def decode_fit(content: bytes) -> dict[str, list[dict[str, Any]]]:
    """Garmin's decoder: CRC checked, no errors, and every field one the FIT profile names."""
    assert Decoder(Stream.from_byte_array(bytearray(content))).check_integrity()
    decoded, errors = Decoder(Stream.from_byte_array(bytearray(content))).read()
    assert errors == []
    messages = cast(dict[str, list[dict[str, Any]]], decoded)
    for key, found in messages.items():
        assert isinstance(key, str) and key.endswith("_mesgs"), key
        for message in found:
            assert all(isinstance(name, str) for name in message), (key, message)
    return messages


def fixture(name: str) -> ExerciseData:
    return import_fit((FIT_DIR / f"{name}.fit").read_bytes())


def offset_of(message: dict[str, Any], data: ExerciseData, key: str = "timestamp") -> int:
    return round((message[key] - data.start_time_utc).total_seconds())


def close(a: float | None, b: float | None, tolerance: float) -> bool:
    return (a is None) == (b is None) and (a is None or b is None or abs(a - b) <= tolerance)


def same_series(got: list[float | None], want: list[float | None], tolerance: float) -> None:
    assert len(got) == len(want)
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not close(g, w, tolerance)]
    assert bad == [], bad[:5]


# ---------------------------------------------------------------------------------------------- data


def rich(
    sport: str = "RUNNING",
    detailed: str | None = "ROAD_RUNNING",
    minutes: int = 20,
    seed: int = 7,
    route_every: int = 1,
) -> ExerciseData:
    """Every sample type, RR intervals with a gap, a route, two pauses, three laps, a device."""
    rnd = random.Random(seed)
    n = minutes * 60
    speed = [round(9 + 3 * math.sin(t / 90) + rnd.random(), 3) for t in range(n)]
    distance, total = [], 0.0
    for value in speed:
        distance.append(round(total, 2))
        total += value / 3.6
    altitude = [round(40 + 12 * math.sin(t / 200), 1) for t in range(n)]
    samples = {
        SampleType.HEART_RATE: [float(round(120 + 30 * t / n + 4 * math.sin(t / 40))) for t in range(n)],
        SampleType.SPEED: speed,
        SampleType.CADENCE: [float(80 + t % 9) for t in range(n)],
        SampleType.RUNNING_CADENCE: [float(164 + 2 * (t % 5)) for t in range(n)],
        SampleType.ALTITUDE: altitude,
        SampleType.POWER: [float(180 + (t * 7) % 90) for t in range(n)],
        SampleType.TEMPERATURE: [float(18 + (t // 400)) for t in range(n)],
        SampleType.DISTANCE: distance,
    }
    series = {t: SampleSeries(t, 1, list(v)) for t, v in samples.items()}
    rr: list[float | None] = [float(480 + rnd.randint(0, 60)) for _ in range(600)]
    rr[100] = None
    series[SampleType.RR_INTERVAL] = SampleSeries(SampleType.RR_INTERVAL, None, rr)
    route = [
        RoutePoint(
            float(t), 60.1699 + distance[t] / 111_320, 24.9384 + 0.001 * math.sin(t / 300), altitude[t]
        )
        for t in range(0, n, route_every)
    ]
    third = n // 3
    laps = [
        Lap(
            float(s),
            float(third),
            round(distance[min(n - 1, s + third - 1)] - distance[s], 2),
            130,
            150,
            round(sum(speed[s : s + third]) / third, 3),
            168,
            220,
        )
        for s in range(0, 3 * third, third)
    ]
    return ExerciseData(
        start_time_utc=datetime(2026, 5, 12, 6, 30, tzinfo=UTC),
        utc_offset_minutes=180,
        duration_s=float(n),
        sport=sport,
        detailed_sport=detailed,
        device=Device("Polar Vantage V3", "1111AAAA"),
        distance_m=distance[-1],
        calories=251,
        hr_avg=135,
        hr_max=152,
        samples=series,
        route=route,
        laps=laps,
        pauses=[Pause(300.0, 30.0), Pause(700.5, 20.0)],
    )


def tiny(detailed: str | None = None, **changes: Any) -> ExerciseData:
    data = ExerciseData(
        start_time_utc=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        utc_offset_minutes=0,
        duration_s=10.0,
        sport=sports.accesslink_sport(detailed),
        detailed_sport=detailed,
        samples={SampleType.HEART_RATE: SampleSeries(SampleType.HEART_RATE, 1, [100.0] * 10)},
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


# ---------------------------------------------------------------------------------------------- FIT


def test_crc_is_the_fit_crc() -> None:
    for size in (0, 1, 2, 13, 14, 1001, 4096):
        data = os.urandom(size)
        assert crc16(data) == CrcCalculator.calculate_crc(data, 0, size)


# FIT base type -> (code, bytes)
_BASE_TYPES = {
    "enum": (0x00, 1), "sint8": (0x01, 1), "uint8": (0x02, 1), "sint16": (0x83, 2), "uint16": (0x84, 2),
    "sint32": (0x85, 4), "uint32": (0x86, 4), "string": (0x07, 1), "uint8z": (0x0A, 1),
    "uint16z": (0x8B, 2), "uint32z": (0x8C, 4),
}  # fmt: skip


def fit_definitions(content: bytes) -> set[tuple[int, int, int, int]]:
    """(global message, field number, size, base type) of every field definition in a FIT file."""
    header_size, data_size = content[0], struct.unpack_from("<I", content, 4)[0]
    position, end = header_size, header_size + data_size
    layouts: dict[int, int] = {}  # local message type -> data size
    found = set()
    while position < end:
        header = content[position]
        position += 1
        assert header & 0x80 == 0 and header & 0x20 == 0  # normal headers, no developer data
        local = header & 0x0F
        if header & 0x40:
            number, count = struct.unpack_from("<HB", content, position + 2)
            fields = [content[position + 5 + 3 * i : position + 8 + 3 * i] for i in range(count)]
            found.update((number, f[0], f[1], f[2]) for f in fields)
            layouts[local] = sum(f[1] for f in fields)
            position += 5 + 3 * count
        else:
            position += layouts[local]
    assert position == end
    return found


def test_fit_definitions_follow_the_profile() -> None:
    data = rich()
    data.samples[SampleType.ALTITUDE].values[0] = 13_000.0  # -> enhanced_altitude
    data.samples[SampleType.SPEED].values[0] = 250.0  # km/h -> enhanced_speed
    for content in (export_fit(data), export_fit(rich(sport="CYCLING", detailed="ROAD_BIKING"))):
        for number, field_number, size, base_type in fit_definitions(content):
            field = Profile["messages"][number]["fields"][field_number]
            code, width = _BASE_TYPES[field["base_type"]]
            assert code == base_type, (number, field["name"])
            whole = field["array"] or field["base_type"] == "string"
            assert size == width or (whole and size % width == 0), (number, field["name"])


@pytest.mark.parametrize("name", FIXTURES)
def test_fit_round_trip_of_garmin_encoded_fixtures(name: str) -> None:
    data = fixture(name)
    exported = export_fit(data)
    messages = decode_fit(exported)
    assert messages["file_id_mesgs"][0]["type"] == "activity"
    assert len(messages["session_mesgs"]) == 1 and len(messages["activity_mesgs"]) == 1
    back = import_fit(exported)
    # every stored value comes back; FIT fixtures were quantised to FIT resolutions already
    assert sorted(back.samples) == sorted(data.samples)
    for sample_type, series in data.samples.items():
        assert back.samples[sample_type].recording_rate == series.recording_rate
        same_series(back.samples[sample_type].values, series.values, 1e-6)
    assert back.route == data.route
    assert back.pauses == data.pauses
    assert back.laps == (data.laps or back.laps)
    for key in ("start_time_utc", "utc_offset_minutes", "duration_s", "distance_m", "calories", "hr_avg"):
        assert getattr(back, key) == getattr(data, key), key
    assert (back.hr_max, back.device) == (data.hr_max, data.device)
    fit_pair = sports.to_fit(data.detailed_sport)
    session = messages["session_mesgs"][0]
    assert session["sport"] == fit_pair[0].lower()
    assert session["sub_sport"] == (fit_pair[1] or "generic").lower()


def test_fit_records_hold_the_stored_samples() -> None:
    data = rich()
    messages = decode_fit(export_fit(data))
    records = messages["record_mesgs"]
    assert [offset_of(r, data) for r in records] == list(range(20 * 60))
    samples = {t: s.values for t, s in data.samples.items()}
    for second, record in enumerate(records):
        assert record["heart_rate"] == samples[SampleType.HEART_RATE][second]
        assert close(record["speed"] * 3.6, samples[SampleType.SPEED][second], 0.0018 + 1e-9)
        assert close(record["altitude"], samples[SampleType.ALTITUDE][second], 0.1 + 1e-9)
        assert close(record["distance"], samples[SampleType.DISTANCE][second], 0.005 + 1e-9)
        assert record["power"] == samples[SampleType.POWER][second]
        assert record["temperature"] == samples[SampleType.TEMPERATURE][second]
        # a running sport: cadence is strides/min, running cadence (steps/min) / 2
        steps = samples[SampleType.RUNNING_CADENCE][second]
        assert (record["cadence"] + record["fractional_cadence"]) * 2 == steps
        point = data.route[second]
        assert abs(record["position_lat"] * SEMICIRCLE_DEGREES - point.latitude) < 1e-7
        assert abs(record["position_long"] * SEMICIRCLE_DEGREES - point.longitude) < 1e-7
    rr = [t for m in messages["hrv_mesgs"] for t in m["time"]]
    assert rr == [None if v is None else v / 1000 for v in samples[SampleType.RR_INTERVAL]]
    timer = [(offset_of(e, data), e["event_type"]) for e in messages["event_mesgs"] if e["event"] == "timer"]
    assert timer == [
        (0, "start"),
        (300, "stop_all"),
        (330, "start"),
        (700, "stop_all"),
        (720, "start"),
        (1200, "stop_all"),
    ]
    session = messages["session_mesgs"][0]
    assert (session["sport"], session["sub_sport"]) == ("running", "street")  # Road running in the table
    assert session["total_elapsed_time"] == 1200 and session["total_timer_time"] == 1150
    assert session["total_calories"] == 251 and session["num_laps"] == 3
    assert (session["avg_heart_rate"], session["max_heart_rate"]) == (135, 152)
    laps = messages["lap_mesgs"]
    assert [offset_of(lap, data, "start_time") for lap in laps] == [0, 400, 800]
    assert [lap["total_timer_time"] for lap in laps] == [370, 380, 400]
    assert [(lap["avg_cadence"] + lap["avg_fractional_cadence"]) * 2 for lap in laps] == [168, 168, 168]
    activity = messages["activity_mesgs"][0]
    local = FIT_EPOCH + timedelta(seconds=activity["local_timestamp"])
    assert local - activity["timestamp"] == timedelta(minutes=180)
    device = messages["device_info_mesgs"][0]
    assert (device["manufacturer"], device["serial_number"]) == ("polar_electro", 0x1111AAAA)
    assert messages["file_id_mesgs"][0]["product_name"] == "Polar Vantage V3"


def test_fit_reimport_equals_the_stored_exercise() -> None:
    data = rich()
    back = import_fit(export_fit(data))
    for sample_type, tolerance in [
        (SampleType.HEART_RATE, 0),
        (SampleType.SPEED, 0.0019),
        (SampleType.ALTITUDE, 0.11),
        (SampleType.DISTANCE, 0.006),
        (SampleType.POWER, 0),
        (SampleType.TEMPERATURE, 0),
        (SampleType.RUNNING_CADENCE, 0),
        (SampleType.RR_INTERVAL, 0),
    ]:
        same_series(back.samples[sample_type].values, data.samples[sample_type].values, tolerance)
    assert SampleType.CADENCE not in back.samples  # a foot sport writes running cadence into the field
    assert [p.offset_s for p in back.route] == [p.offset_s for p in data.route]
    for got, want in zip(back.route, data.route, strict=True):  # semicircles: 8.4e-8 degrees
        assert abs(got.latitude - want.latitude) < 5e-8 and abs(got.longitude - want.longitude) < 5e-8
    assert back.pauses == [Pause(300.0, 30.0), Pause(700.0, 20.0)]  # whole seconds in FIT
    assert [
        (lap.start_offset_s, lap.duration_s, lap.hr_avg, lap.cadence_avg, lap.power_avg) for lap in back.laps
    ] == [
        (lap.start_offset_s, lap.duration_s, lap.hr_avg, lap.cadence_avg, lap.power_avg) for lap in data.laps
    ]
    assert (back.sport, back.detailed_sport, back.utc_offset_minutes, back.device) == (
        "RUNNING",
        "RUNNING",
        180,
        data.device,
    )


def test_fit_cycling_writes_rpm_and_mixed_rates_and_sparse_route() -> None:
    data = rich(sport="CYCLING", detailed="MOUNTAIN_BIKING", route_every=10)
    hr = data.samples[SampleType.HEART_RATE]
    data.samples[SampleType.HEART_RATE] = SampleSeries(SampleType.HEART_RATE, 5, hr.values[::5])
    data.route = [RoutePoint(p.offset_s + 0.6, p.latitude, p.longitude, None) for p in data.route]
    messages = decode_fit(export_fit(data))
    records = messages["record_mesgs"]
    assert all(r["cadence"] == data.samples[SampleType.CADENCE].values[i] for i, r in enumerate(records))
    assert all("fractional_cadence" not in r for r in records)
    assert [i for i, r in enumerate(records) if "heart_rate" in r] == list(range(0, 1200, 5))
    assert [i for i, r in enumerate(records) if "position_lat" in r] == list(range(0, 1200, 10))  # floored
    assert (messages["session_mesgs"][0]["sport"], messages["session_mesgs"][0]["sub_sport"]) == (
        "cycling",
        "mountain",
    )
    back = import_fit(export_fit(data))
    assert back.samples[SampleType.HEART_RATE].values[:10] == [hr.values[0]] * 5 + [hr.values[5]] * 5


@pytest.mark.parametrize("detailed", sorted(sports.SPORTS))
def test_fit_sport_follows_the_doc_table(detailed: str) -> None:
    _, fit_sport_name, fit_sub = sports.SPORTS[detailed]
    session = decode_fit(export_fit(tiny(detailed)))["session_mesgs"][0]
    assert session["sport"] == fit_sport_name.lower()
    assert session["sub_sport"] == (fit_sub or "generic").lower()


def test_fit_sport_without_a_polar_sport() -> None:
    unknown = decode_fit(export_fit(tiny("SOMETHING_NEW")))["session_mesgs"][0]
    assert (unknown["sport"], unknown["sub_sport"]) == ("generic", "generic")  # the doc's default
    stored = tiny(None, sport="CYCLING", fit_sport=2, fit_sub_sport=46)  # what a device wrote
    assert decode_fit(export_fit(stored))["session_mesgs"][0]["sub_sport"] == "gravel_cycling"
    named = decode_fit(export_fit(tiny(None, sport="HIKING")))["session_mesgs"][0]
    assert named["sport"] == "hiking"


def test_fit_out_of_range_values_are_left_out() -> None:
    data = tiny(
        samples={
            SampleType.HEART_RATE: SampleSeries(SampleType.HEART_RATE, 1, [100.0, 300.0, -5.0]),
            SampleType.ALTITUDE: SampleSeries(SampleType.ALTITUDE, 1, [20000.0, 10.0, -600.0]),
            SampleType.SPEED: SampleSeries(SampleType.SPEED, 1, [300.0, 10.0, 1.0]),
        },
        route=[RoutePoint(0, 89.9, 180.0), RoutePoint(1, -90.0, -180.0)],
        device=Device("Wahoo <ELEMNT>", "not hex"),
    )
    records = decode_fit(export_fit(data))["record_mesgs"]
    assert [r.get("heart_rate") for r in records] == [100, None, None]
    assert [r.get("enhanced_altitude") for r in records][:2] == [20000.0, 10.0]  # enhanced: 20 km fits
    assert records[0]["enhanced_speed"] == pytest.approx(300 / 3.6, abs=0.001)
    assert records[0]["position_long"] == -(2**31)  # 180 E is 180 W


def test_fit_summary_only_exercise_has_a_lap_and_no_records() -> None:
    data = fixture("strength_45min")
    messages = decode_fit(export_fit(data))
    assert "record_mesgs" not in messages
    assert messages["lap_mesgs"][0]["total_elapsed_time"] == 2712.5


# ---------------------------------------------------------------------------------------------- TCX


def tcx_children(parent: etree._Element, namespace: str = AX_NS) -> list[str]:
    return [
        etree.QName(child).localname for child in parent if etree.QName(child).namespace == namespace[1:-1]
    ]


@pytest.mark.parametrize("name", FIXTURES)
def test_tcx_of_fixtures_is_valid_and_round_trips(name: str) -> None:
    data = fixture(name)
    exported = export_tcx(data)
    valid_tcx(exported)
    back = import_tcx(exported)
    for sample_type, tolerance in [
        (SampleType.HEART_RATE, 0),
        (SampleType.SPEED, 1e-4),
        (SampleType.ALTITUDE, 1e-9),
        (SampleType.DISTANCE, 1e-9),
        (SampleType.POWER, 0),
        (SampleType.CADENCE, 0),
        (SampleType.RUNNING_CADENCE, 1),  # TPX RunCadence is whole strides/min
    ]:
        if sample_type in data.samples:
            same_series(back.samples[sample_type].values, data.samples[sample_type].values, tolerance)
    assert back.route == data.route  # the shortest float text reads back to the same float
    assert (back.start_time_utc, back.utc_offset_minutes, back.duration_s) == (
        data.start_time_utc,
        data.utc_offset_minutes,
        data.duration_s,
    )
    assert back.calories == (data.calories or 0) and back.hr_max == data.hr_max
    assert back.device == data.device
    if data.laps:
        assert back.laps == [
            Lap(
                lap.start_offset_s,
                lap.duration_s,
                lap.distance_m,
                lap.hr_avg,
                lap.hr_max,
                lap.speed_avg_kmh,
                back_lap.cadence_avg,
                lap.power_avg,
            )
            for lap, back_lap in zip(data.laps, back.laps, strict=True)
        ]


def test_tcx_content() -> None:
    data = rich(detailed="OFFROADTRIATHLON_RUNNING")
    root = valid_tcx(export_tcx(data))
    activity = root.find(f"{TCX_NS}Activities/{TCX_NS}Activity")
    assert activity is not None and activity.get("Sport") == "Running"
    assert activity.findtext(f"{TCX_NS}Id") == "2026-05-12T09:30:00+03:00"
    plan_name = activity.findtext(f"{TCX_NS}Training/{TCX_NS}Plan/{TCX_NS}Name")
    assert plan_name == "(off road triat" and len(plan_name) == 15  # "(off road triathlon) Trail running"
    laps = activity.findall(f"{TCX_NS}Lap")
    assert [lap.get("StartTime") for lap in laps] == [
        "2026-05-12T09:30:00+03:00",
        "2026-05-12T09:36:40+03:00",
        "2026-05-12T09:43:20+03:00",
    ]
    assert sum(int(lap.findtext(f"{TCX_NS}Calories") or 0) for lap in laps) == 251
    points = activity.findall(f"{TCX_NS}Lap/{TCX_NS}Track/{TCX_NS}Trackpoint")
    assert len(points) == 1200 and [
        len(lap.findall(f"{TCX_NS}Track/{TCX_NS}Trackpoint")) for lap in laps
    ] == [
        400,
        400,
        400,
    ]
    first = points[0]
    assert first.findtext(f"{TCX_NS}Time") == "2026-05-12T06:30:00Z"
    assert first.findtext(f"{TCX_NS}HeartRateBpm/{TCX_NS}Value") == "120"
    assert first.find(f"{TCX_NS}Cadence") is None  # running: the cadence goes to TPX RunCadence
    tpx = first.find(f"{TCX_NS}Extensions/{AX_NS}TPX")
    assert tpx is not None and tcx_children(tpx) == ["Speed", "RunCadence", "Watts"]  # the v2 schema's order
    assert float(tpx.findtext(f"{AX_NS}Speed") or 0) * 3.6 == pytest.approx(
        data.samples[SampleType.SPEED].values[0]
    )
    assert tpx.findtext(f"{AX_NS}RunCadence") == "82" and tpx.findtext(f"{AX_NS}Watts") == "180"
    lx = laps[0].find(f"{TCX_NS}Extensions/{AX_NS}LX")
    assert lx is not None and tcx_children(lx) == ["AvgSpeed", "AvgRunCadence", "AvgWatts"]
    assert [etree.QName(c).localname for c in laps[0]][-2:] == ["Track", "Extensions"]
    creator = activity.find(f"{TCX_NS}Creator")
    assert creator is not None and creator.findtext(f"{TCX_NS}UnitId") == str(0x1111AAAA)


def test_tcx_cycling_names_and_odd_values() -> None:
    data = rich(sport="CYCLING", detailed="ROAD_BIKING", minutes=2)
    data.device = Device("Bike & <Co>\x01 unit", None)
    data.route.append(RoutePoint(119.0, 10.0, 180.0))
    data.calories = None
    root = valid_tcx(export_tcx(data))
    activity = root.find(f"{TCX_NS}Activities/{TCX_NS}Activity")
    assert activity is not None and activity.get("Sport") == "Biking"
    assert activity.findtext(f"{TCX_NS}Training/{TCX_NS}Plan/{TCX_NS}Name") == "Road cycling"
    assert activity.findtext(f"{TCX_NS}Creator/{TCX_NS}Name") == "Bike & <Co> unit"
    point = activity.findall(f"{TCX_NS}Lap/{TCX_NS}Track/{TCX_NS}Trackpoint")[-1]
    assert point.findtext(f"{TCX_NS}Position/{TCX_NS}LongitudeDegrees") == "-180.0"
    assert point.findtext(f"{TCX_NS}Cadence") is not None
    assert {lap.findtext(f"{TCX_NS}Calories") for lap in activity.findall(f"{TCX_NS}Lap")} == {"0"}


def test_tcx_without_samples_or_laps_is_still_valid() -> None:
    data = tiny("YOGA", samples={}, laps=[])
    root = valid_tcx(export_tcx(data))
    assert root.find(f"{TCX_NS}Activities/{TCX_NS}Activity/{TCX_NS}Lap/{TCX_NS}Track") is None


# ---------------------------------------------------------------------------------------------- GPX


def test_gpx_pauses_left_out_or_included() -> None:
    data = rich()
    data.route.insert(310, RoutePoint(305.5, 60.2, 24.9))  # recorded while paused (300-330)
    without, with_pauses = export_gpx_variants(data)
    assert with_pauses is not None
    assert export_gpx(data) == without and export_gpx(data, include_pauses=True) == with_pauses
    for content in (without, with_pauses):
        valid_gpx(content)
    apart = gpxpy.parse(without).tracks[0].segments
    together = gpxpy.parse(with_pauses).tracks[0].segments
    # left out: one segment per moving stretch, no point inside a pause
    assert [(s.points[0].time, s.points[-1].time) for s in apart] == [
        (data.start_time_utc, data.start_time_utc + timedelta(seconds=299)),
        (data.start_time_utc + timedelta(seconds=330), data.start_time_utc + timedelta(seconds=700)),
        (data.start_time_utc + timedelta(seconds=721), data.start_time_utc + timedelta(seconds=1199)),
    ]
    assert sum(len(s.points) for s in apart) == 1200 - 30 - 20
    # included: one segment with every route point, the paused one too
    assert len(together) == 1 and len(together[0].points) == len(data.route) == 1201
    assert together[0].points[306].time == data.start_time_utc + timedelta(seconds=305.5)
    # the importer reads the gaps between segments back as pauses
    assert [(p.start_offset_s, p.duration_s) for p in import_gpx(without).pauses] == [
        (299.0, 31.0),
        (700.0, 21.0),
    ]
    assert import_gpx(with_pauses).pauses == []


def test_gpx_points_carry_what_was_stored() -> None:
    data = rich(sport="CYCLING", detailed="ROAD_BIKING")
    data.pauses = []
    without, with_pauses = export_gpx_variants(data)
    assert with_pauses is None  # no pauses: one file answers both
    gpx = gpxpy.parse(without)
    assert gpx.creator == "Polar Vantage V3" and gpx.tracks[0].type == "CYCLING"
    points = gpx.tracks[0].segments[0].points
    assert [(p.latitude, p.longitude, p.elevation) for p in points] == [
        (r.latitude, r.longitude, r.altitude) for r in data.route
    ]
    assert [p.time for p in points] == [
        data.start_time_utc + timedelta(seconds=r.offset_s) for r in data.route
    ]
    back = import_gpx(without)
    same_series(back.samples[SampleType.HEART_RATE].values, data.samples[SampleType.HEART_RATE].values, 0)
    same_series(back.samples[SampleType.CADENCE].values, data.samples[SampleType.CADENCE].values, 0)
    same_series(back.samples[SampleType.TEMPERATURE].values, data.samples[SampleType.TEMPERATURE].values, 0)
    same_series(back.samples[SampleType.ALTITUDE].values, data.samples[SampleType.ALTITUDE].values, 0)
    assert back.route == data.route and back.sport == "CYCLING" and back.device.name == data.device.name


@pytest.mark.parametrize("name", ["run_20min", "ride_60min"])
def test_gpx_of_fixtures(name: str) -> None:
    data = fixture(name)
    for include_pauses in (False, True):
        content = export_gpx(data, include_pauses)
        valid_gpx(content)
        back = import_gpx(content)
        assert back.route == data.route
        same_series(back.samples[SampleType.HEART_RATE].values, data.samples[SampleType.HEART_RATE].values, 0)
    segments = gpxpy.parse(export_gpx(data)).tracks[0].segments
    assert len(segments) == 1 + len(data.pauses)


# ---------------------------------------------------------------------------------------------- any data

_TYPES = [t for t in SampleType if t is not SampleType.RR_INTERVAL]


@st.composite
def exercises(draw: st.DrawFn) -> ExerciseData:
    duration = draw(st.integers(1, 600))
    samples: dict[SampleType, SampleSeries] = {}
    for sample_type in draw(st.lists(st.sampled_from(_TYPES), unique=True, max_size=6)):
        rate = draw(st.sampled_from([1, 1, 2, 5]))
        count = draw(st.integers(1, duration // rate + 1))
        low, high = (-50.0, 9000.0) if sample_type is SampleType.ALTITUDE else (0.0, 400.0)
        value = st.floats(low, high, allow_nan=False)
        samples[sample_type] = SampleSeries(
            sample_type, rate, draw(st.lists(value, min_size=count, max_size=count))
        )
    if draw(st.booleans()):
        rr = st.one_of(st.none(), st.floats(250, 2000).map(round).map(float))
        samples[SampleType.RR_INTERVAL] = SampleSeries(
            SampleType.RR_INTERVAL, None, draw(st.lists(rr, max_size=40))
        )
    offsets = sorted(draw(st.lists(st.floats(0, duration, allow_nan=False), max_size=40)))
    route = [
        RoutePoint(
            o, draw(st.floats(-90, 90)), draw(st.floats(-180, 180)), draw(st.none() | st.floats(-400, 8000))
        )
        for o in offsets
    ]
    pauses = [
        Pause(s, d)
        for s, d in draw(st.lists(st.tuples(st.floats(0, duration), st.floats(0.5, 120)), max_size=3))
    ]
    laps = [
        Lap(float(s), float(max(1, duration - s)))
        for s in sorted(draw(st.sets(st.integers(0, duration - 1), max_size=3)))
    ]
    return ExerciseData(
        start_time_utc=datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
        + timedelta(microseconds=draw(st.sampled_from([0, 250_000]))),
        utc_offset_minutes=draw(st.sampled_from([0, 60, -300, 330])),
        duration_s=float(duration),
        sport=draw(st.sampled_from(["RUNNING", "CYCLING", "OTHER", "SWIMMING"])),
        detailed_sport=draw(st.sampled_from([None, "RUNNING", "ROAD_BIKING", "YOGA", "NOT_A_SPORT"])),
        device=Device(
            draw(st.none() | st.text(max_size=30)), draw(st.none() | st.text("0123456789ABCDEFX", max_size=9))
        ),
        distance_m=draw(st.none() | st.floats(0, 1e6)),
        calories=draw(st.none() | st.integers(0, 70_000)),
        samples=samples,
        route=route,
        laps=laps,
        pauses=pauses,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exercises())
def test_any_exercise_exports_to_files_the_readers_accept(data: ExerciseData) -> None:
    decode_fit(export_fit(data))
    valid_tcx(export_tcx(data))
    if data.route:
        for include_pauses in (False, True):
            content = export_gpx(data, include_pauses)
            valid_gpx(content)
            gpxpy.parse(content)
