"""The simulator: deterministic, schema-valid, and physiologically consistent. Pure: no server."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openaccesslink.formats.model import ExerciseData, SampleType
from openaccesslink.sim import FAMILIES, SCHEMAS, SimItem, sample_offsets, simulate, simulate_user
from openaccesslink.sim.effort import segment_starts
from openaccesslink.sim.exercise import build_exercise, plan_segments
from openaccesslink.sim.profile import Profile, make_profile
from openaccesslink.sim.route import haversine_m
from openaccesslink.sim.week import SessionPlan, Sport, Workout
from openaccesslink.wire import openapi

END = date(2026, 4, 2)  # the range crosses the EU summer-time switch of 2026-03-29
SIM_DIR = Path(__file__).resolve().parents[1] / "src" / "openaccesslink" / "sim"


def digest(seed: int, users: int, days: int, end: date = END) -> str:
    h = hashlib.sha256()
    for user in simulate(seed, users, days, end):
        h.update(repr(user.profile).encode())
        for item in user.items:
            h.update(_encode(item).encode())
    return h.hexdigest()


def _encode(item: SimItem) -> str:
    payload = dataclasses.asdict(item.payload) if isinstance(item.payload, ExerciseData) else item.payload
    return json.dumps([item.family, item.synced_at.isoformat(), payload], default=str, sort_keys=True)


@pytest.fixture(scope="module")
def world() -> list[tuple[Profile, list[SimItem]]]:
    """Eight users over twelve days: every family occurs (checked below)."""
    return [(user.profile, list(user.items)) for user in simulate(11, 8, 12, END)]


def by_family(items: list[SimItem], family: str) -> list[Any]:
    return [item.payload for item in items if item.family == family]


# --- determinism and purity ----------------------------------------------------------------


def test_same_seed_same_output_and_another_seed_differs() -> None:
    first = digest(5, 2, 3)
    assert first == digest(5, 2, 3)
    assert first != digest(6, 2, 3)


def test_same_seed_same_output_in_another_process_with_another_hash_seed() -> None:
    code = "from tests.test_sim import digest; print(digest(5, 1, 2))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = SIM_DIR.parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=root
    )
    assert out.stdout.strip() == digest(5, 1, 2)


def test_a_user_does_not_depend_on_how_many_are_simulated() -> None:
    one = list(simulate(9, 3, 2, END))[2]
    other = simulate_user(9, 2, 2, END)
    assert one.profile == other.profile
    assert [_encode(i) for i in one.items] == [_encode(i) for i in other.items]


def test_items_can_be_iterated_again() -> None:
    user = simulate_user(3, 0, 2, END)
    assert [_encode(i) for i in user.items] == [_encode(i) for i in user.items]


def test_consumers_may_change_what_they_receive() -> None:
    """Later items are built from the simulator's own state, not from payloads already handed out."""
    untouched = [_encode(i) for i in simulate_user(4, 1, 3, END).items if i.family != "exercise"]
    changed = []
    for item in simulate_user(4, 1, 3, END).items:
        if isinstance(item.payload, ExerciseData):
            item.payload.samples.clear()
            item.payload.route.clear()
        else:
            item.payload["polar_user"] = "https://example.test/v3/users/1"
            changed.append(
                _encode(item._replace(payload={k: v for k, v in item.payload.items() if k != "polar_user"}))
            )
    assert changed == untouched


def test_the_simulator_never_reads_the_clock() -> None:
    clock = r"\.now\(|\.today\(|utcnow|time\.time|monotonic|perf_counter|process_time"
    forbidden = re.compile(clock + r"|\bimport time\b|\bfrom time\b")
    for path in SIM_DIR.glob("*.py"):
        assert not forbidden.search(path.read_text()), path.name


# --- the stream ----------------------------------------------------------------------------


def test_every_family_occurs_in_sync_order_with_aware_utc_times(
    world: list[tuple[Profile, list[SimItem]]],
) -> None:
    seen = set()
    for _profile, items in world:
        times = [item.synced_at for item in items]
        assert times == sorted(times)
        assert all(t.utcoffset() == timedelta(0) for t in times)
        seen |= {item.family for item in items}
        assert {item.family for item in items} <= set(FAMILIES)
    assert seen == set(FAMILIES)


def test_one_sleep_recharge_and_final_day_per_date(world: list[tuple[Profile, list[SimItem]]]) -> None:
    dates = {(END - timedelta(days=k)).isoformat() for k in range(12)}
    for _profile, items in world:
        assert sorted(s["date"] for s in by_family(items, "sleep")) == sorted(dates)
        assert sorted(r["date"] for r in by_family(items, "nightly_recharge")) == sorted(dates)
        assert sorted(c["date"] for c in by_family(items, "continuous_heart_rate")) == sorted(dates)
        finals = [a for a in by_family(items, "activity") if a["end_time"].endswith("T23:59:59")]
        assert sorted(a["samples"]["date"] for a in finals) == sorted(dates)
        assert (
            len(by_family(items, "sleepwise_alertness")) == len(by_family(items, "sleepwise_bedtime")) == 12
        )


def test_local_times_follow_finnish_summer_time(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for _profile, items in world:
        for s in by_family(items, "sleep"):
            summer = date.fromisoformat(s["date"]) >= date(2026, 3, 29)  # one offset per local date: the wake
            assert s["sleep_end_time"].endswith("+03:00" if summer else "+02:00")
        for ex in by_family(items, "exercise"):
            assert ex.utc_offset_minutes == (180 if ex.start_time_local.date() >= date(2026, 3, 29) else 120)


# --- daily dicts against Polar's schemas and documented ranges ------------------------------


def test_every_dict_matches_its_openapi_schema(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for _profile, items in world:
        for item in items:
            if item.family != "exercise":
                assert openapi.errors(SCHEMAS[item.family], item.payload) == [], item.family


def test_no_server_assigned_fields() -> None:
    user = simulate_user(2, 0, 2, END)
    for item in user.items:
        if isinstance(item.payload, dict):
            assert not {"polar_user", "polar-user", "id", "transaction-id"} & set(item.payload), item.family


def test_sleep_values_in_documented_ranges(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        for s in by_family(items, "sleep"):
            assert 1 <= s["sleep_score"] <= 100
            assert 1.0 <= s["continuity"] <= 5.0 and 1 <= s["continuity_class"] <= 5
            assert 1 <= s["sleep_charge"] <= 5 and 0 <= s["sleep_rating"] <= 5
            for key in ("group_duration_score", "group_solidity_score", "group_regeneration_score"):
                assert 1.0 <= s[key] <= 100.0
            assert 3 <= s["sleep_cycles"] <= 8
            assert s["device_id"] == profile.device_id
            span = _span_s(s)
            assert 5 * 3600 <= span <= 10 * 3600
            assert (
                s["short_interruption_duration"] + s["long_interruption_duration"]
                == s["total_interruption_duration"]
            )
            parts = (
                "light_sleep",
                "deep_sleep",
                "rem_sleep",
                "unrecognized_sleep_stage",
                "total_interruption_duration",
            )
            assert sum(s[k] for k in parts) == span
            assert 0.08 < s["deep_sleep"] / span < 0.35 and 0.1 < s["rem_sleep"] / span < 0.35


def _span_s(sleep: dict[str, Any]) -> int:
    start = datetime.fromisoformat(sleep["sleep_start_time"])
    end = datetime.fromisoformat(sleep["sleep_end_time"])
    return int((end - start).total_seconds())


def _clock_series(keys: list[str], start: datetime) -> list[datetime]:
    """'HH:MM' keys of a night in order -> local datetimes (they may pass midnight)."""
    out, day = [], start.date()
    for key in keys:
        h, m = map(int, key.split(":"))
        t = datetime(day.year, day.month, day.day, h, m, tzinfo=start.tzinfo)
        if out and t < out[-1]:
            day += timedelta(days=1)
            t += timedelta(days=1)
        out.append(t)
    return out


def test_hypnogram_covers_the_sleep_and_matches_the_stage_totals(
    world: list[tuple[Profile, list[SimItem]]],
) -> None:
    for _profile, items in world:
        for s in by_family(items, "sleep"):
            start = datetime.fromisoformat(s["sleep_start_time"])
            end = datetime.fromisoformat(s["sleep_end_time"])
            keys = list(s["hypnogram"])
            assert keys[0] == start.strftime("%H:%M")
            stages = list(s["hypnogram"].values())
            assert set(stages) <= {0, 1, 2, 3, 4, 5} and stages[-1] != 0
            assert all(a != b for a, b in zip(stages, stages[1:], strict=False))
            times = [*_clock_series(keys, start.replace(second=0)), end.replace(second=0)]
            durations = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
            assert all(d >= 60 for d in durations)  # whole minutes: >= two 30 s epochs
            assert sum(durations) == _span_s(s)
            totals: dict[int, float] = defaultdict(float)
            for stage, d in zip(stages, durations, strict=True):
                totals[stage] += d
            assert totals[2] + totals[3] == s["light_sleep"] and totals[4] == s["deep_sleep"]
            assert totals[1] == s["rem_sleep"] and totals[5] == s["unrecognized_sleep_stage"]
            assert totals[0] == s["total_interruption_duration"]
            # more deep sleep in the first half, more REM in the second
            half = start + (end - start) / 2
            first = {st_: 0.0 for st_ in (1, 4)}
            second = {st_: 0.0 for st_ in (1, 4)}
            for t, stage, d in zip(times, stages, durations, strict=False):
                if stage in first:
                    (first if t.replace(tzinfo=start.tzinfo) < half else second)[stage] += d
            assert first[4] > second[4] and second[1] > first[1]
            hr_times = _clock_series(list(s["heart_rate_samples"]), start)
            assert all((b - a) == timedelta(minutes=5) for a, b in zip(hr_times, hr_times[1:], strict=False))


def test_nightly_recharge_in_documented_ranges(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        for r in by_family(items, "nightly_recharge"):
            assert -10.0 <= r["ans_charge"] <= 10.0
            assert 1 <= r["nightly_recharge_status"] <= 6 and 1 <= r["ans_charge_status"] <= 5
            assert profile.resting_hr - 10 <= r["heart_rate_avg"] <= profile.resting_hr + 15
            assert abs(r["beat_to_beat_avg"] - 60000 / r["heart_rate_avg"]) / r["beat_to_beat_avg"] < 0.05
            assert 5 <= r["heart_rate_variability_avg"] <= 200 and 8 <= r["breathing_rate_avg"] <= 22
            assert len(r["hrv_samples"]) > 30 and len(r["breathing_samples"]) > 30


def test_sleepwise_periods_hang_together(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for _profile, items in world:
        for a in by_family(items, "sleepwise_alertness"):
            assert 0 <= a["grade"] <= 10
            hours = a["hourly_data"]
            assert hours[0]["start_time"] == a["period_start_time"] == a["sleep_period_end_time"]
            assert hours[-1]["end_time"] == a["period_end_time"]
            assert all(x["end_time"] == y["start_time"] for x, y in zip(hours, hours[1:], strict=False))
            assert all(h["end_time"].endswith(":00:00") for h in hours[:-1])
        for b in by_family(items, "sleepwise_bedtime"):
            start = datetime.fromisoformat(b["period_start_time"])
            gate = (
                datetime.fromisoformat(b["sleep_gate_start_time"]),
                datetime.fromisoformat(b["sleep_gate_end_time"]),
            )
            assert gate[0] < start < gate[1] < datetime.fromisoformat(b["period_end_time"])


def test_biosensing_in_plausible_ranges(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        if not profile.has_biosensing:
            assert not {i.family for i in items} & {"ecg", "spo2", "skin_temperature", "skin_contacts"}
            continue
        periods = {p["start_time"]: p for p in by_family(items, "body_temperature")}
        for t in by_family(items, "skin_temperature"):
            assert 30.0 <= t["sleep_time_skin_temperature_celsius"] <= 38.0
            assert abs(t["deviation_from_baseline_celsius"]) < 2.0
        for p in periods.values():
            temps = [s["temperature_celsius"] for s in p["samples"]]
            assert all(30.0 <= v <= 38.0 for v in temps)
            deltas = [s["recording_time_delta_milliseconds"] for s in p["samples"]]
            assert deltas == sorted(deltas) and deltas[0] == 0
        for c in by_family(items, "skin_contacts"):
            changes = c["skin_contact_changes"]
            assert [x["skin_contact"] for x in changes] == [k % 2 == 0 for k in range(len(changes))]
            deltas = [x["recording_time_delta_milliseconds"] for x in changes]
            assert deltas == sorted(deltas) and deltas[-1] < 86_400_000
        for e in by_family(items, "ecg"):
            assert 35 <= e["average_heart_rate_bpm"] <= 120 and 0 < e["heart_rate_variability_ms"] < 250
            assert abs(e["rri_ms"] - 60000 / e["average_heart_rate_bpm"]) / e["rri_ms"] < 0.05
            assert len(e["samples"]) == 3900 and max(s["amplitude_mv"] for s in e["samples"]) > 0.8
        for o in by_family(items, "spo2"):
            if o["test_status"] == "SPO2_TEST_PASSED":
                assert 70 <= o["blood_oxygen_percent"] <= 100
            assert 0 <= o["spo2_quality_average_percent"] <= 100


def test_physical_information_plausible(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        infos = by_family(items, "physical_information")
        assert infos
        for p in infos:
            assert 40 <= p["weight"] <= 150 and p["height"] == profile.height_cm
            assert (
                p["resting-heart-rate"]
                < p["aerobic-threshold"]
                < p["anaerobic-threshold"]
                < p["maximum-heart-rate"]
            )
            assert 20 <= p["vo2-max"] <= 90
            assert p["maximum-heart-rate"] == profile.max_hr


# --- exercises -------------------------------------------------------------------------------


def check_exercise(profile: Profile, ex: ExerciseData) -> None:
    s = ex.samples
    one_hz = [series for series in s.values() if series.recording_rate == 1]
    n = len(one_hz[0].values)
    assert all(len(series.values) == n for series in one_hz)
    assert n == ex.duration_s - sum(p.duration_s for p in ex.pauses)
    offsets = sample_offsets(ex)
    assert len(offsets) == n and offsets[-1] < ex.duration_s
    assert ex.start_time_utc.utcoffset() == timedelta(0)
    hr = s.get(SampleType.HEART_RATE)
    if hr is not None:
        values = hr.values
        assert all(profile.resting_hr - 5 <= v <= profile.max_hr + 5 for v in values if v is not None)
        assert ex.hr_avg == round(sum(v for v in values if v is not None) / n)
        assert ex.hr_max == max(v for v in values if v is not None)
    if SampleType.DISTANCE in s:
        _check_motion(ex, n)
    rr = s.get(SampleType.RR_INTERVAL)
    if rr is not None:
        assert hr is not None and ex.sport != "SWIMMING" and rr.recording_rate is None
        beats = [v for v in rr.values if v is not None]
        assert ex.hr_avg is not None
        assert abs(sum(beats) / len(beats) - 60000 / ex.hr_avg) / (60000 / ex.hr_avg) < 0.05
    speed = s.get(SampleType.SPEED)
    avg_kmh = (ex.distance_m or 0) / n * 3.6
    ri_due = ex.sport == "RUNNING" and hr is not None and n >= 720 and avg_kmh >= 6.0
    assert (ex.running_index is not None) == ri_due
    if ex.running_index is not None:
        assert abs(ex.running_index - profile.vo2max) < 15
    if ex.sport == "RUNNING":
        cadence = s[SampleType.RUNNING_CADENCE].values
        assert speed is not None and all(150 <= c <= 190 for c in cadence if c is not None)
    if ex.sport == "CYCLING":
        assert all(70 <= c <= 100 for c in s[SampleType.CADENCE].values if c is not None)
        assert SampleType.POWER in s
    assert ex.has_route == (ex.detailed_sport in ("ROAD_RUNNING", "ROAD_BIKING"))
    if ex.laps:
        assert sum(lap.duration_s for lap in ex.laps) == ex.duration_s
        if ex.distance_m is not None:
            assert abs(sum(lap.distance_m or 0 for lap in ex.laps) - ex.distance_m) < 0.1
    assert (ex.fat_percentage or 0) + (ex.carbohydrate_percentage or 0) + (ex.protein_percentage or 0) == 100
    assert ex.calories and ex.calories > 0


def _check_motion(ex: ExerciseData, n: int) -> None:
    speed = [v or 0.0 for v in ex.samples[SampleType.SPEED].values]
    dist = [v or 0.0 for v in ex.samples[SampleType.DISTANCE].values]
    integral = 0.0
    for k in range(1, n):  # speed sample k: the mean over the second that ends at sample k
        integral += speed[k] / 3.6
        assert abs(dist[k] - integral) <= 0.01 * integral + 0.01
    assert dist[-1] == ex.distance_m
    if ex.route:
        assert len(ex.route) == n
        assert (
            haversine_m(
                ex.route[0].latitude, ex.route[0].longitude, ex.route[-1].latitude, ex.route[-1].longitude
            )
            < 5
        )
        for k in range(1, n):
            a, b = ex.route[k - 1], ex.route[k]
            step = haversine_m(a.latitude, a.longitude, b.latitude, b.longitude)
            assert abs(step - speed[k] / 3.6) <= 0.02 * speed[k] / 3.6 + 0.05, k
        assert [p.offset_s for p in ex.route] == sample_offsets(ex)
        alt = ex.samples[SampleType.ALTITUDE].values
        assert abs((alt[0] or 0) - (alt[-1] or 0)) < 1.0  # a closed loop ends where it started


def test_every_simulated_exercise_hangs_together(world: list[tuple[Profile, list[SimItem]]]) -> None:
    sports = set()
    for profile, items in world:
        for ex in by_family(items, "exercise"):
            check_exercise(profile, ex)
            sports.add((ex.sport, ex.detailed_sport, ex.fit_sport, ex.fit_sub_sport))
    assert sports <= {
        ("RUNNING", "ROAD_RUNNING", 1, 2),
        ("CYCLING", "ROAD_BIKING", 2, 7),
        ("CYCLING", "INDOOR_CYCLING", 2, 6),
        ("SWIMMING", "POOL_SWIMMING", 5, 17),
        ("TRAINING", "STRENGTH_TRAINING", 10, 20),
    }
    assert len(sports) >= 4


PROFILE = make_profile(1, 0, END)


@pytest.mark.parametrize("sport", [Sport.RUN, Sport.RIDE, Sport.INDOOR_RIDE, Sport.SWIM])
def test_heart_rate_lags_the_first_hard_interval(sport: Sport) -> None:
    workout = Workout.SETS if sport is Sport.SWIM else Workout.INTERVALS
    for k in range(4):
        plan = SessionPlan(END, 36000, sport, workout, 3000, True, f"lag-{sport}-{k}")
        ex = build_exercise(PROFILE, plan, datetime(2026, 4, 2, 7, tzinfo=UTC), 180)
        hr = ex.samples.get(SampleType.HEART_RATE)
        if hr is None:  # wrist HR under water is optional
            continue
        segments = plan_segments(plan)
        first = next(
            s for s, seg in zip(segment_starts(segments), segments, strict=True) if seg.kind == "work"
        )
        assert (hr.values[first] or 0) < (hr.values[first + 60] or 0) - 5
        check_exercise(PROFILE, ex)
        offsets = sample_offsets(ex)
        laps = [
            offsets[s]
            for s, seg in zip(segment_starts(segments), segments, strict=True)
            if seg.kind != "rest"
        ]
        assert [lap.start_offset_s for lap in ex.laps] == laps  # a lap per interval


# --- days ------------------------------------------------------------------------------------


def _local_s(day: str, stamp: str) -> int:
    t = datetime.fromisoformat(stamp)
    d = date.fromisoformat(day)
    return int((t - datetime(d.year, d.month, d.day)).total_seconds())


def hourly_zone_seconds(summary: dict[str, Any]) -> list[dict[str, int]]:
    """Seconds per zone in each hour, from the zone-change samples (the transactional view)."""
    day = summary["samples"]["date"]
    end = _local_s(day, summary["end_time"]) + (1 if summary["end_time"].endswith("23:59:59") else 0)
    changes = [
        (_local_s(day, z["timestamp"]), z["zone"]) for z in summary["samples"]["activity_zones"]["samples"]
    ]
    hours: list[dict[str, int]] = [defaultdict(int) for _ in range(24)]
    for (t0, zone), (t1, _) in zip(changes, [*changes[1:], (end, "")], strict=True):
        t = t0
        while t < t1:
            stop = min(t1, (t // 3600 + 1) * 3600)
            hours[t // 3600][zone] += stop - t
            t = stop
    return hours


def test_activity_days_add_up(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        exercises = by_family(items, "exercise")
        per_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in by_family(items, "activity"):
            per_day[a["samples"]["date"]].append(a)
        for day, summaries in per_day.items():
            steps = [a["steps"] for a in summaries]
            assert steps == sorted(steps)  # partial syncs first, the final one last
            final = summaries[-1]
            assert final["end_time"] == f"{day}T23:59:59" and final["start_time"] == f"{day}T00:00:00"
            for a in summaries:
                hourly = a["samples"]["steps"]
                assert sum(s["steps"] for s in hourly["samples"]) == a["steps"] == hourly["total_steps"]
                assert a["inactivity_alert_count"] == len(a["samples"]["inactivity_stamps"])
                assert a["calories"] > a["active_calories"] >= 0
                zones = hourly_zone_seconds(a)
                assert all(sum(h.values()) <= 3600 for h in zones)
            assert len(final["samples"]["steps"]["samples"]) == 24
            zones = hourly_zone_seconds(final)
            assert all(sum(h.values()) == 3600 for h in zones)
            sleep = next(s for s in by_family(items, "sleep") if s["date"] == day)
            onset = max(
                0,
                _local_s(
                    day, datetime.fromisoformat(sleep["sleep_start_time"]).replace(tzinfo=None).isoformat()
                ),
            )
            wake = _local_s(
                day, datetime.fromisoformat(sleep["sleep_end_time"]).replace(tzinfo=None).isoformat()
            )
            for h in range(-(-onset // 3600), wake // 3600):  # hours spent asleep: all zone SLEEP (index 0)
                assert zones[h]["SLEEP"] == 3600
                assert final["samples"]["steps"]["samples"][h]["steps"] == 0
            _check_exercise_hours(profile, day, final, zones, [e for e in exercises if _local_day(e) == day])


def _local_day(ex: ExerciseData) -> str:
    return ex.start_time_local.date().isoformat()


def _check_exercise_hours(
    profile: Profile,
    day: str,
    final: dict[str, Any],
    zones: list[dict[str, int]],
    exercises: list[ExerciseData],
) -> None:
    hourly_steps = [s["steps"] for s in final["samples"]["steps"]["samples"]]
    for ex in exercises:
        start = _local_s(day, ex.start_time_local.isoformat())
        moving = ex.duration_s - sum(p.duration_s for p in ex.pauses)
        for h in range(start // 3600, int(start + ex.duration_s - 1) // 3600 + 1):
            overlap = min((h + 1) * 3600, start + ex.duration_s) - max(h * 3600, start)
            active = zones[h]["MODERATE"] + zones[h]["VIGOROUS"] + zones[h]["LIGHT"]
            assert active >= overlap - (ex.duration_s - moving) - 60
            if ex.sport == "RUNNING":
                assert hourly_steps[h] >= 140 * (overlap - (ex.duration_s - moving)) / 60


def test_continuous_heart_rate_follows_sleep_and_training(world: list[tuple[Profile, list[SimItem]]]) -> None:
    for profile, items in world:
        sleeps = {s["date"]: s for s in by_family(items, "sleep")}
        contacts = {c["start_time"]: c for c in by_family(items, "skin_contacts")}
        for c in by_family(items, "continuous_heart_rate"):
            samples = c["heart_rate_samples"]
            seconds = [_local_s(c["date"], f"{c['date']}T{s['sample_time']}") for s in samples]
            assert all((b - a) % 300 == 0 and b > a for a, b in zip(seconds, seconds[1:], strict=False))
            assert 258 <= len(samples) <= 288
            if profile.has_biosensing:  # no samples exactly while the watch was off the wrist
                grid = [seconds[0] % 300 + 300 * k for k in range(288)]
                period = next(p for p in contacts.values() if _day_of(p, profile) == c["date"])
                off = _off_wrist(period)
                assert seconds == [t for t in grid if not any(a <= t < b for a, b in off)]
            wake = datetime.fromisoformat(sleeps[c["date"]]["sleep_end_time"]).replace(tzinfo=None)
            wake_s = _local_s(c["date"], wake.isoformat())
            asleep = [
                s["heart_rate"] for s, t in zip(samples, seconds, strict=True) if 3600 * 3 <= t < wake_s
            ]
            awake = [
                s["heart_rate"] for s, t in zip(samples, seconds, strict=True) if 12 * 3600 <= t < 20 * 3600
            ]
            if asleep and awake:
                assert sum(asleep) / len(asleep) < sum(awake) / len(awake)
        for ex in by_family(items, "exercise"):
            if SampleType.HEART_RATE not in ex.samples:
                continue
            day = _local_day(ex)
            chr_day = next(x for x in by_family(items, "continuous_heart_rate") if x["date"] == day)
            start = _local_s(day, ex.start_time_local.isoformat())
            during = [
                s["heart_rate"]
                for s in chr_day["heart_rate_samples"]
                if start + 300 <= _local_s(day, f"{day}T{s['sample_time']}") < start + ex.duration_s - 300
            ]
            if during:
                assert sum(during) / len(during) > profile.resting_hr + 0.2 * profile.hr_reserve


def _day_of(period: dict[str, Any], profile: Profile) -> str:
    """The local date of a day-long skin-contact period (its start is local midnight in UTC)."""
    start = datetime.fromisoformat(period["start_time"]) + timedelta(hours=12)
    return start.date().isoformat()


def _off_wrist(period: dict[str, Any]) -> list[tuple[int, int]]:
    changes = period["skin_contact_changes"]
    off = [c["recording_time_delta_milliseconds"] // 1000 for c in changes if not c["skin_contact"]]
    on = [c["recording_time_delta_milliseconds"] // 1000 for c in changes[1:] if c["skin_contact"]]
    return list(zip(off, on, strict=True))


# --- property tests over seeds -----------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), days=st.integers(min_value=1, max_value=3))
def test_any_seed_gives_consistent_data(seed: int, days: int) -> None:
    user = simulate_user(seed, 0, days, END)
    items = list(user.items)
    assert [i.synced_at for i in items] == sorted(i.synced_at for i in items)
    for item in items:
        if isinstance(item.payload, ExerciseData):
            check_exercise(user.profile, item.payload)
        elif item.family in ("sleep", "nightly_recharge", "activity", "sleepwise_alertness"):
            assert openapi.errors(SCHEMAS[item.family], item.payload) == []
    assert len(by_family(items, "sleep")) == days


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seed_gives_a_plausible_profile(seed: int) -> None:
    p = make_profile(seed, 0, END)
    assert 20 <= p.age_on(END) <= 63 and p.sex in ("MALE", "FEMALE")
    assert 38 <= p.resting_hr < p.aerobic_threshold < p.anaerobic_threshold < p.max_hr <= 205
    assert re.fullmatch(r"[0-9A-F]{8}", p.device_id)
    assert 3 <= p.sessions_per_week <= 6
