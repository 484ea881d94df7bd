"""FIT activity file -> ExerciseData, decoded with Garmin's FIT SDK.

What is read:

* ``session``: start time, duration (``total_elapsed_time``, else ``total_timer_time``; the exercise
  duration is wall-clock time including pauses, the pauses are listed separately), distance,
  calories, average/maximum heart rate, sport and sub-sport. Without a session these come from the
  records (and the ``sport`` message).
* ``activity``: ``local_timestamp - timestamp`` is the UTC offset (rounded to 15 min; 0 without it).
* ``file_id`` / creator ``device_info``: device name (``product_name``, else manufacturer + product)
  and device id (serial number as upper-case hex, 8 digits at least).
* ``record``: heart rate, speed (m/s -> km/h), cadence, altitude, power, temperature, distance on the
  1 s grid described in ``_import_common``; positions (semicircles -> degrees) become the route.
  Cadence of foot sports (FIT running, walking, hiking) is strides/min in FIT and becomes
  RUNNING_CADENCE in steps/min = 2 x (cadence + fractional_cadence); other sports keep CADENCE (rpm).
  A heart rate of 0 is a sensor dropout and is skipped.
* ``hrv``: RR intervals (s -> ms); invalid values are gaps (None).
* ``lap``: laps (cadence in steps/min for foot sports, like the samples).
* ``event``: timer stop ... timer start pairs become pauses.

The file header and sizes are checked before decoding; the file CRC is verified while decoding
(``check_integrity`` would run the same pure-Python CRC a second time over the whole file).
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime
from typing import Any, cast

from garmin_fit_sdk import Decoder, Stream
from garmin_fit_sdk.crc_calculator import CrcCalculator

from . import sports
from ._import_common import (
    SampleCollector,
    hr_summary,
    number,
    rr_series,
    utc_offset_minutes,
    validate,
    whole,
)
from .model import Device, ExerciseData, FileRejected, Lap, Pause, RoutePoint, SampleType

Message = dict[str, Any]
Messages = dict[str, list[Message]]

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
SEMICIRCLE_DEGREES = 180.0 / 2**31
FOOT_SPORTS = frozenset({"RUNNING", "WALKING", "HIKING"})
TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
# (sample type, record fields in order of preference, factor, decimals kept or None: integer fields)
RECORD_FIELDS = (
    (SampleType.HEART_RATE, ("heart_rate",), 1.0, None),
    (SampleType.SPEED, ("enhanced_speed", "speed"), 3.6, 4),
    (SampleType.ALTITUDE, ("enhanced_altitude", "altitude"), 1.0, 2),
    (SampleType.POWER, ("power",), 1.0, None),
    (SampleType.TEMPERATURE, ("temperature",), 1.0, None),
    (SampleType.DISTANCE, ("distance",), 1.0, 2),
)


def is_fit(data: bytes) -> bool:
    """True when the bytes carry the ".FIT" signature of a FIT file header."""
    return len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT"


def import_fit(data: bytes) -> ExerciseData:
    return _build(_decode(bytes(data)))


def _decode(data: bytes) -> Messages:
    _check_header(data)
    try:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    except Exception as error:  # the decoder collects its errors; this is a safety net
        raise FileRejected(f"FIT file could not be decoded: {error}") from error
    if errors:
        text = str(errors[0])
        if "CRC" in text:
            raise FileRejected("FIT file failed its CRC check: it is corrupted or was modified")
        raise FileRejected(f"FIT file could not be decoded: {text.removeprefix('FIT Runtime Error ')}")
    return cast(Messages, messages)


def _check_header(data: bytes) -> None:
    if not data:
        raise FileRejected("The file is empty")
    if not is_fit(data) or not Decoder(Stream.from_byte_array(bytearray(data))).is_fit():
        raise FileRejected("Not a FIT file: the header lacks the '.FIT' signature")
    header_size, data_size = data[0], struct.unpack_from("<I", data, 4)[0]
    if len(data) < header_size + data_size + 2:
        raise FileRejected(
            f"FIT file is truncated: the header announces {header_size + data_size + 2} bytes, "
            f"the file has {len(data)}"
        )
    if header_size == 14:
        header_crc = struct.unpack_from("<H", data, 12)[0]
        if header_crc and header_crc != CrcCalculator.calculate_crc(data, 0, 12):
            raise FileRejected("FIT file header failed its CRC check: it is corrupted")


def _build(messages: Messages) -> ExerciseData:
    session = _first(messages, "session_mesgs")
    records = _records(messages)
    if session is None and not records:
        raise FileRejected("FIT file has neither a session nor any record messages: nothing to import")
    start = _start_time(session, records)
    sport_name, sub_name = _sport_pair(session, messages)
    sport, detailed = sports.from_fit(sport_name, sub_name) if sport_name else ("OTHER", None)
    foot = sport in FOOT_SPORTS
    pauses = _pauses(messages, start)
    samples = SampleCollector()
    route = _read_records(records, start, samples, foot)
    hr_avg, hr_max = hr_summary(samples.values(SampleType.HEART_RATE))
    distances = samples.values(SampleType.DISTANCE)
    exercise = ExerciseData(
        start_time_utc=start,
        utc_offset_minutes=_utc_offset(_first(messages, "activity_mesgs")),
        duration_s=_duration(session, records, start),
        sport=sport,
        detailed_sport=detailed,
        fit_sport=_enum_number(sport_name, sports.fit_sport_number),
        fit_sub_sport=_enum_number(sub_name, sports.fit_sub_sport_number),
        device=_device(messages),
        distance_m=_first_number(_get(session, "total_distance"), distances[-1] if distances else None),
        calories=whole(_get(session, "total_calories")),
        hr_avg=whole(_first_number(_get(session, "avg_heart_rate") or None, hr_avg)),  # 0: no HR
        hr_max=whole(_first_number(_get(session, "max_heart_rate") or None, hr_max)),
        route=route,
        laps=_laps(messages, start, foot),
        pauses=pauses,
    )
    validate(exercise)
    if samples.points:
        exercise.samples = samples.series(pauses)
    rr = rr_series(_rr_intervals(messages))
    if rr is not None:
        exercise.samples[SampleType.RR_INTERVAL] = rr
    return exercise


def _first(messages: Messages, key: str) -> Message | None:
    found = messages.get(key)
    return found[0] if isinstance(found, list) and found and isinstance(found[0], dict) else None


def _get(message: Message | None, *keys: str) -> float | None:
    """The first finite number among `keys` of `message`."""
    if message is None:
        return None
    for key in keys:
        value = number(message.get(key))
        if value is not None:
            return value
    return None


def _first_number(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)


def _time(message: Message | None, key: str = "timestamp") -> datetime | None:
    value = message.get(key) if message else None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


def _records(messages: Messages) -> list[tuple[datetime, Message]]:
    timed = [(ts, m) for m in messages.get("record_mesgs", []) if (ts := _time(m)) is not None]
    timed.sort(key=lambda pair: pair[0])
    return timed


def _start_time(session: Message | None, records: list[tuple[datetime, Message]]) -> datetime:
    start = _time(session, "start_time") or (records[0][0] if records else None)
    if start is None:
        raise FileRejected("FIT file has no start time (session without start_time and no records)")
    return start.astimezone(UTC)


def _duration(session: Message | None, records: list[tuple[datetime, Message]], start: datetime) -> float:
    duration = _get(session, "total_elapsed_time", "total_timer_time")
    if duration is None and records:
        duration = (records[-1][0] - start).total_seconds()
    return duration if duration is not None else 0.0


def _sport_pair(session: Message | None, messages: Messages) -> tuple[Any, Any]:
    for source in (session, _first(messages, "sport_mesgs"), _first(messages, "lap_mesgs")):
        if source is not None and source.get("sport") is not None:
            return source.get("sport"), source.get("sub_sport")
    return None, None


def _enum_number(value: Any, lookup: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return lookup(value) if isinstance(value, str) else None


def _read_records(
    records: list[tuple[datetime, Message]], start: datetime, samples: SampleCollector, foot: bool
) -> list[RoutePoint]:
    """Column by column (one list comprehension per field): a 3-hour file has 10,800 records."""
    rows = [(offset, record) for ts, record in records if (offset := (ts - start).total_seconds()) >= 0]
    offsets = [offset for offset, _ in rows]
    seconds = [int(offset) for offset in offsets]
    messages = [record for _, record in rows]
    for sample_type, keys, factor, digits in RECORD_FIELDS:
        values = _column(messages, keys)
        if sample_type is SampleType.HEART_RATE:
            values = [None if v == 0 else v for v in values]  # 0 bpm: sensor dropout
        if digits is not None:
            values = [None if v is None else round(v * factor, digits) for v in values]
        samples.add_column(sample_type, seconds, values)
    cadence = _column(messages, ("cadence",))
    if foot:
        fraction = _column(messages, ("fractional_cadence",))
        cadence = [
            None if c is None else round((c + (f or 0.0)) * 2, 1)
            for c, f in zip(cadence, fraction, strict=True)
        ]
    samples.add_column(SampleType.RUNNING_CADENCE if foot else SampleType.CADENCE, seconds, cadence)
    altitudes = _column(messages, ("enhanced_altitude", "altitude"))
    return [
        RoutePoint(
            offset, lat * SEMICIRCLE_DEGREES, lon * SEMICIRCLE_DEGREES, None if alt is None else round(alt, 2)
        )
        for offset, lat, lon, alt in zip(
            offsets,
            _column(messages, ("position_lat",)),
            _column(messages, ("position_long",)),
            altitudes,
            strict=True,
        )
        if lat is not None and lon is not None and abs(lat) <= 2**30 and abs(lon) < 2**31
    ]


def _column(messages: list[Message], keys: tuple[str, ...]) -> list[float | None]:
    """One field of every message: the first of `keys` present, as a finite number or None."""
    column = [m.get(keys[0]) for m in messages]
    for key in keys[1:]:
        column = [v if v is not None else m.get(key) for v, m in zip(column, messages, strict=True)]
    return [v if type(v) is int or (type(v) is float and math.isfinite(v)) else None for v in column]


def _rr_intervals(messages: Messages) -> list[float | None]:
    intervals: list[float | None] = []
    for message in messages.get("hrv_mesgs", []):
        times = message.get("time") if isinstance(message, dict) else None
        for value in times if isinstance(times, list) else [times]:
            seconds = number(value)
            intervals.append(round(seconds * 1000) if seconds is not None and 0.1 <= seconds <= 5 else None)
    return intervals


def _laps(messages: Messages, start: datetime, foot: bool) -> list[Lap]:
    laps = []
    for message in messages.get("lap_mesgs", []):
        lap_start = _time(message, "start_time") or _time(message)
        duration = _get(message, "total_elapsed_time", "total_timer_time")
        if lap_start is None or duration is None:
            continue
        speed = _get(message, "enhanced_avg_speed", "avg_speed")
        cadence = _get(message, "avg_cadence")
        if cadence is not None and foot:
            cadence = (cadence + (_get(message, "avg_fractional_cadence") or 0.0)) * 2
        laps.append(
            Lap(
                start_offset_s=(lap_start - start).total_seconds(),
                duration_s=duration,
                distance_m=_get(message, "total_distance"),
                hr_avg=whole(_get(message, "avg_heart_rate")),
                hr_max=whole(_get(message, "max_heart_rate")),
                speed_avg_kmh=None if speed is None else round(speed * 3.6, 3),
                cadence_avg=whole(cadence),
                power_avg=whole(_get(message, "avg_power")),
            )
        )
    laps.sort(key=lambda lap: lap.start_offset_s)
    return laps


def _pauses(messages: Messages, start: datetime) -> list[Pause]:
    events = [(ts, m.get("event_type")) for m in _timer_events(messages) if (ts := _time(m)) is not None]
    events.sort(key=lambda pair: pair[0])
    pauses: list[Pause] = []
    stopped_at: datetime | None = None
    for ts, event_type in events:
        if event_type in TIMER_STOPS and stopped_at is None:
            stopped_at = ts
        elif event_type == "start" and stopped_at is not None:
            if ts > stopped_at:
                pauses.append(Pause((stopped_at - start).total_seconds(), (ts - stopped_at).total_seconds()))
            stopped_at = None
    return pauses


def _timer_events(messages: Messages) -> list[Message]:
    return [m for m in messages.get("event_mesgs", []) if isinstance(m, dict) and m.get("event") == "timer"]


def _utc_offset(activity: Message | None) -> int:
    utc = _time(activity)
    local = activity.get("local_timestamp") if activity else None
    if utc is None or local is None:
        return 0
    local_s: float | None
    if isinstance(local, datetime):
        local_s = (local.replace(tzinfo=UTC) - FIT_EPOCH).total_seconds()
    else:
        local_s = number(local)
    if local_s is None:
        return 0
    return utc_offset_minutes(local_s - (utc - FIT_EPOCH).total_seconds())


def _device(messages: Messages) -> Device:
    file_id = _first(messages, "file_id_mesgs") or {}
    creator = next(
        (m for m in messages.get("device_info_mesgs", []) if m.get("device_index") in ("creator", 0)), {}
    )
    name = next((s for s in (file_id.get("product_name"), creator.get("product_name")) if _text(s)), None)
    if name is None:
        source = file_id if file_id.get("manufacturer") is not None else creator
        name = _maker_and_product(source)
    serial = next(
        (s for s in (file_id.get("serial_number"), creator.get("serial_number")) if number(s)), None
    )
    device_id = f"{int(serial):08X}" if isinstance(serial, int) and serial > 0 else None
    return Device(name=name.strip() if name else None, device_id=device_id)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _maker_and_product(message: Message) -> str | None:
    maker = message.get("manufacturer")
    maker_name = maker.replace("_", " ").title() if isinstance(maker, str) and maker.strip() else None
    product = next(
        (message[k] for k in ("garmin_product", "favero_product", "product") if message.get(k) is not None),
        None,
    )
    product_name = product if _text(product) else (str(product) if number(product) is not None else None)
    parts = [part for part in (maker_name, product_name) if part]
    return " ".join(parts) if parts else None
