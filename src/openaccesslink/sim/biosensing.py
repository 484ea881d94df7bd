"""Elixir biosensing: sleep-time skin temperature, skin contact, wrist ECG and SpO2 tests.

Only watches with the Elixir sensor (Vantage V3, Grit X2 Pro) produce these. Times are
UTC without a suffix, as the examples show; test times are epoch seconds.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from openaccesslink.sim.common import DAY_S, at, clamp, iso_utc_naive, local_midnight_utc, mean
from openaccesslink.sim.daily import Day
from openaccesslink.sim.night import Night
from openaccesslink.sim.profile import Profile

ECG_HZ = 130
ECG_SECONDS = 30


@dataclass
class Baselines:
    skin_temp: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    ecg_hrv: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    spo2: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    spo2_hrv: deque[float] = field(default_factory=lambda: deque(maxlen=28))


def body_temperature(rng: random.Random, profile: Profile, night: Night, synced: datetime) -> dict[str, Any]:
    """Wrist skin temperature every 5 minutes through the night: cool at bedtime, warmer later."""
    t = night.timing
    ordinal = t.day.toordinal()
    luteal = 0.3 if profile.sex == "FEMALE" and (ordinal + profile.cycle_phase_day) % 28 >= 14 else 0.0
    level = profile.skin_temp_c + luteal + rng.gauss(0, 0.12)
    samples = []
    for s in range(0, t.span_s, 300):
        value = level - 0.35 + 0.6 * (1 - math.exp(-s / 2400)) + rng.uniform(-0.05, 0.05)
        samples.append(
            {"temperature_celsius": round(value, 2), "recording_time_delta_milliseconds": s * 1000}
        )
    start = at(t.day, night.offset_min, t.onset_s)
    return {
        "source_device_id": profile.device_id,
        "measurement_type": "TM_SKIN_TEMPERATURE",
        "sensor_location": "SL_DISTAL",
        "start_time": iso_utc_naive(start),
        "end_time": iso_utc_naive(start + timedelta(seconds=t.span_s)),
        "modified_time": iso_utc_naive(synced),
        "samples": samples,
    }


def skin_temperature(period: dict[str, Any], night: Night, baselines: Baselines) -> dict[str, Any]:
    """The night's mean of the body-temperature samples, against the last 28 nights."""
    value = round(mean([s["temperature_celsius"] for s in period["samples"]]), 2)
    usual = mean(list(baselines.skin_temp)) if baselines.skin_temp else value
    baselines.skin_temp.append(value)
    return {
        "sleep_time_skin_temperature_celsius": value,
        "deviation_from_baseline_celsius": round(value - usual, 2),
        "sleep_date": night.timing.day.isoformat(),
    }


def skin_contacts(profile: Profile, day: Day, synced: datetime) -> dict[str, Any]:
    """The local day as one period: on the wrist from midnight, off during each removal."""
    start = local_midnight_utc(day.day, day.offset_min)
    changes = [{"skin_contact": True, "recording_time_delta_milliseconds": 0}]
    for a, b in day.removals:
        changes.append({"skin_contact": False, "recording_time_delta_milliseconds": a * 1000})
        changes.append({"skin_contact": True, "recording_time_delta_milliseconds": b * 1000})
    return {
        "source_device_id": profile.device_id,
        "start_time": iso_utc_naive(start),
        "end_time": iso_utc_naive(start + timedelta(seconds=DAY_S)),
        "modified_time": iso_utc_naive(synced),
        "skin_contact_changes": changes,
    }


def ecg_test(
    rng: random.Random, profile: Profile, when: datetime, offset_min: int, b: Baselines
) -> dict[str, Any]:
    """A 30-second wrist ECG while sitting: synthetic PQRST beats at 130 Hz."""
    hr = profile.resting_hr + 6 + rng.uniform(-3, 3)
    rmssd = profile.rmssd_ms * 0.7 * rng.uniform(0.8, 1.2)
    rr = _rr_series(rng, 60000 / hr, rmssd, ECG_SECONDS * 1000)
    hrv = _rmssd(rr)
    level = _deviation(
        hrv, b.ecg_hrv, "ECG_HRV_LEVEL_NO_BASELINE", "ECG_HRV_LEVEL_{}_USUAL", "ECG_HRV_LEVEL_USUAL"
    )
    b.ecg_hrv.append(hrv)
    systolic = rng.uniform(160, 240)
    return {
        "source_device_id": profile.device_id,
        "test_time": int(when.timestamp()),
        "time_zone_offset": offset_min,
        "average_heart_rate_bpm": round(60000 / mean(rr)),
        "heart_rate_variability_ms": round(hrv, 1),
        "heart_rate_variability_level": level,
        "rri_ms": round(mean(rr), 1),
        "pulse_transit_time_systolic_ms": round(systolic, 1),
        "pulse_transit_time_diastolic_ms": round(systolic + rng.uniform(25, 70), 1),
        "pulse_transit_time_quality_index": round(rng.uniform(60, 100), 1),
        "samples": _ecg_samples(rng, rr),
        "quality_measurements": [
            {
                "recording_time_delta_ms": k * 1000,
                "quality_level": "ECG_QUALITY_HIGH" if rng.random() > 0.05 else "ECG_QUALITY_LOW",
            }
            for k in range(ECG_SECONDS)
        ],
    }


def _rr_series(rng: random.Random, mean_rr: float, rmssd: float, total_ms: float) -> list[float]:
    out, t = [], 0.0
    prev = mean_rr
    while t < total_ms:
        rr = mean_rr + 0.5 * (prev - mean_rr) + rng.gauss(0, rmssd / 1.6)
        out.append(rr)
        prev, t = rr, t + rr
    return out


def _rmssd(rr: list[float]) -> float:
    diffs = [(b - a) ** 2 for a, b in zip(rr, rr[1:], strict=False)]
    return math.sqrt(mean(diffs)) if diffs else 0.0


# (offset from the R peak in s, amplitude mV, width s) of the P, Q, R, S and T waves
_WAVES = ((-0.2, 0.12, 0.025), (-0.03, -0.1, 0.008), (0.0, 1.1, 0.01), (0.03, -0.25, 0.01), (0.25, 0.3, 0.04))
_BEAT_FROM, _BEAT_TO = -0.45, 0.6  # the part of a beat the template covers, s around the R peak
_TEMPLATE_HZ = 1000


def _beat_template() -> list[float]:
    """One heartbeat in mV at 1 kHz from _BEAT_FROM to _BEAT_TO."""
    steps = int((_BEAT_TO - _BEAT_FROM) * _TEMPLATE_HZ)
    out = []
    for i in range(steps):
        d = _BEAT_FROM + i / _TEMPLATE_HZ
        out.append(sum(a * math.exp(-(((d - c) / w) ** 2)) for c, a, w in _WAVES))
    return out


_TEMPLATE = _beat_template()


def _ecg_samples(rng: random.Random, rr: list[float]) -> list[dict[str, Any]]:
    peaks, t = [], 0.3
    for interval in rr:
        peaks.append(t)
        t += interval / 1000
    out = []
    k = 0
    last = len(_TEMPLATE) - 1
    rnd, sin = rng.random, math.sin
    for i in range(ECG_HZ * ECG_SECONDS):
        s = i / ECG_HZ
        while k + 1 < len(peaks) and peaks[k + 1] - s < s - peaks[k]:
            k += 1
        j = int((s - peaks[k] - _BEAT_FROM) * _TEMPLATE_HZ)
        v = _TEMPLATE[j] if 0 <= j <= last else 0.0
        v += 0.04 * sin(1.9 * s) + 0.03 * rnd() - 0.015
        out.append(
            {"recording_time_delta_ms": i * 1000 // ECG_HZ, "amplitude_mv": (v * 1000 + 0.5) // 1 / 1000}
        )
    return out


def spo2_test(
    rng: random.Random, profile: Profile, when: datetime, offset_min: int, b: Baselines
) -> dict[str, Any]:
    r = rng.random()
    status = "SPO2_TEST_PASSED"
    if r > 0.9:
        status = rng.choice(
            [
                "SPO2_TEST_INCONCLUSIVE_TOO_LOW_QUALITY_IN_SAMPLES",
                "SPO2_TEST_INCONCLUSIVE_TOO_LOW_OVERALL_QUALITY",
                "SPO2_TEST_INCONCLUSIVE_TOO_MANY_MISSING_SAMPLES",
            ]
        )
    hrv = round(profile.rmssd_ms * 0.7 * rng.uniform(0.75, 1.25), 1)
    out: dict[str, Any] = {
        "source_device_id": profile.device_id,
        "test_time": int(when.timestamp()),
        "time_zone_offset": offset_min,
        "test_status": status,
        "spo2_class": "SPO2_CLASS_UNKNOWN",
        "spo2_value_deviation_from_baseline": "DEVIATION_NO_BASELINE",
        "spo2_quality_average_percent": round(rng.uniform(80, 99) if r <= 0.9 else rng.uniform(30, 65), 1),
        "average_heart_rate_bpm": round(profile.resting_hr + 6 + rng.uniform(-3, 3)),
        "heart_rate_variability_ms": hrv,
        "spo2_hrv_deviation_from_baseline": _deviation(hrv, b.spo2_hrv, *_DEV),
        "altitude_meters": profile.home_altitude_m,
    }
    b.spo2_hrv.append(hrv)
    if status == "SPO2_TEST_PASSED":
        value = int(clamp(round(rng.gauss(97, 1.2)), 90, 100))
        out["blood_oxygen_percent"] = value
        out["spo2_class"] = (
            "SPO2_CLASS_NORMAL" if value >= 95 else "SPO2_CLASS_LOW" if value >= 90 else "SPO2_CLASS_VERY_LOW"
        )
        out["spo2_value_deviation_from_baseline"] = _deviation(float(value), b.spo2, *_DEV, spread=1.0)
        b.spo2.append(float(value))
    return out


_DEV = ("DEVIATION_NO_BASELINE", "DEVIATION_{}_USUAL", "DEVIATION_USUAL")


def _deviation(
    value: float, history: deque[float], none: str, pattern: str, usual: str, spread: float = 0.0
) -> str:
    """Against the earlier values: no baseline before 3 of them, else below/usual/above (1 SD)."""
    if len(history) < 3:
        return none
    m = mean(list(history))
    sd = max(spread, math.sqrt(mean([(v - m) ** 2 for v in history])), 0.05 * abs(m))
    if value < m - sd:
        return pattern.format("BELOW")
    if value > m + sd:
        return pattern.format("ABOVE")
    return usual
