"""Small hand-written records in the shapes of Polar's OpenAPI schemas, one per family."""

from __future__ import annotations

from typing import Any


def records(day: str = "2026-10-30") -> dict[str, dict[str, Any]]:
    return {
        "activities": {
            "start_time": f"{day}T00:00:00",
            "end_time": f"{day}T23:59:59",
            "active_duration": "PT2H10M",
            "inactive_duration": "PT11H",
            "daily_activity": 87.5,
            "calories": 2310,
            "active_calories": 640,
            "steps": 10450,
            "inactivity_alert_count": 1,
            "distance_from_steps": 7800.0,
            "samples": {
                "date": day,
                "steps": {
                    "interval_ms": 3600000,
                    "total_steps": 10450,
                    "samples": [{"steps": 450, "timestamp": f"{day}T08:00:00"}],
                },
            },
        },
        "physical-information": {
            "created": f"{day}T07:00:00.000Z",
            "weight": 61.5,
            "height": 168,
            "maximum-heart-rate": 190,
            "resting-heart-rate": 52,
            "vo2-max": 48,
        },
        "sleep": {
            "date": day,
            "sleep_start_time": f"{day}T00:10:00+02:00",
            "sleep_end_time": f"{day}T07:40:00+02:00",
            "device_id": "1111AAAA",
            "continuity": 3.4,
            "continuity_class": 3,
            "light_sleep": 14000,
            "deep_sleep": 5400,
            "rem_sleep": 6000,
            "unrecognized_sleep_stage": 0,
            "sleep_score": 82,
            "total_interruption_duration": 1600,
            "sleep_charge": 4,
            "sleep_rating": 4,
            "sleep_goal": 28800,
            "short_interruption_duration": 500,
            "long_interruption_duration": 1100,
            "sleep_cycles": 5,
            "group_duration_score": 90,
            "group_solidity_score": 80,
            "group_regeneration_score": 70,
            "hypnogram": {"00:10": 2, "00:40": 4, "01:30": 1},
            "heart_rate_samples": {"00:10": 58},
        },
        "nightly-recharge": {
            "date": day,
            "heart_rate_avg": 54,
            "beat_to_beat_avg": 1100,
            "heart_rate_variability_avg": 45,
            "breathing_rate_avg": 14.2,
            "nightly_recharge_status": 4,
            "ans_charge": 3.5,
            "ans_charge_status": 4,
            "hrv_samples": {"00:40": 44},
            "breathing_samples": {"00:40": 14.1},
        },
        "continuous-heart-rate": {
            "date": day,
            "heart_rate_samples": [
                {"heart_rate": 61, "sample_time": "00:00:00"},
                {"heart_rate": 59, "sample_time": "00:05:00"},
            ],
        },
        "sleepwise/alertness": {
            "grade": 7.5,
            "grade_validity_seconds": 57600,
            "grade_type": "GRADE_TYPE_PRIMARY",
            "grade_classification": "GRADE_CLASSIFICATION_STRONG",
            "validity": "VALIDITY_ESTIMATE",
            "sleep_inertia": "SLEEP_INERTIA_MILD",
            "sleep_type": "SLEEP_TYPE_PRIMARY",
            "result_type": "ALERTNESS_TYPE_HISTORY",
            "period_start_time": f"{day}T07:40:00",
            "period_end_time": f"{day}T23:40:00",
            "sleep_period_start_time": f"{day}T00:10:00",
            "sleep_period_end_time": f"{day}T07:40:00",
            "sleep_timezone_offset_minutes": 120,
            "hourly_data": [],
        },
        "sleepwise/circadian-bedtime": {
            "validity": "VALIDITY_ESTIMATE",
            "quality": "CIRCADIAN_BEDTIME_QUALITY_CLEARLY_RECOGNIZABLE",
            "result_type": "CIRCADIAN_BEDTIME_TYPE_HISTORY",
            "period_start_time": f"{day}T18:00:00",
            "period_end_time": f"{day}T23:59:00",
            "preferred_sleep_period_start_time": f"{day}T23:00:00",
            "preferred_sleep_period_end_time": f"{day}T23:59:00",
            "sleep_gate_start_time": f"{day}T22:45:00",
            "sleep_gate_end_time": f"{day}T23:15:00",
            "sleep_timezone_offset_minutes": 120,
        },
        "biosensing/skin-temperature": {
            "sleep_time_skin_temperature_celsius": 34.1,
            "deviation_from_baseline_celsius": -0.2,
            "sleep_date": day,
        },
        "biosensing/skin-contacts": {
            "source_device_id": "1111AAAA",
            "start_time": f"{day}T00:00:00",
            "end_time": f"{day}T08:00:00",
            "modified_time": f"{day}T08:05:00",
            "skin_contact_changes": [],
        },
        "biosensing/ecg": {
            "source_device_id": "1111AAAA",
            "test_time": 1793340000,
            "time_zone_offset": 120,
            "average_heart_rate_bpm": 62,
            "heart_rate_variability_ms": 41.0,
            "heart_rate_variability_level": "ECG_HRV_LEVEL_USUAL",
            "rri_ms": 960.0,
            "samples": [],
            "quality_measurements": [],
        },
        "biosensing/spo2": {
            "source_device_id": "1111AAAA",
            "test_time": 1793340600,
            "time_zone_offset": 120,
            "test_status": "SPO2_TEST_PASSED",
            "blood_oxygen_percent": 97,
            "spo2_class": "SPO2_CLASS_NORMAL",
            "average_heart_rate_bpm": 60,
        },
        "biosensing/body-temperature": {
            "source_device_id": "1111AAAA",
            "measurement_type": "TM_SKIN_TEMPERATURE",
            "sensor_location": "SL_PROXIMAL",
            "start_time": f"{day}T00:00:00",
            "end_time": f"{day}T07:00:00",
            "modified_time": f"{day}T07:05:00",
            "samples": [],
        },
    }


def exercise_json(start: str = "2026-10-30T06:00:00Z", minutes: int = 10) -> dict[str, Any]:
    n = minutes * 60
    hr = [100 + (i * 50) // n for i in range(n)]
    speed = [10.0 for _ in range(n)]
    return {
        "start_time": start,
        "utc_offset_minutes": 120,
        "duration_s": n,
        "sport": "RUNNING",
        "detailed_sport": "RUNNING",
        "device": {"name": "Polar Vantage V3", "device_id": "1111AAAA"},
        "distance_m": n * 10 / 3.6,
        "calories": 120,
        "samples": [
            {"sample_type": 0, "recording_rate": 1, "values": hr},
            {"sample_type": 1, "recording_rate": 1, "values": speed},
            {"sample_type": 11, "recording_rate": None, "values": [600, 610, None, 590]},
        ],
        "route": [
            {"offset_s": i, "latitude": 64.9 + i * 1e-5, "longitude": 25.5, "altitude": 20.0}
            for i in range(0, n, 10)
        ],
        "laps": [{"start_offset_s": 0, "duration_s": n, "distance_m": n * 10 / 3.6}],
    }
