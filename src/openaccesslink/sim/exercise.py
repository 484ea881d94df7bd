"""One planned session -> ExerciseData with 1 Hz samples that hang together.

Sample grid and pauses: the 1 Hz samples cover MOVING time only. Sample k is written at
wall-clock offset k + (total duration of the pauses before it); a pause sits between two
samples and is recorded as a Pause whose `start_offset_s` is the wall-clock offset right
after the last sample before it. So `duration_s` (start to finish, wall clock) equals the
number of samples plus the pause durations. Route points, laps and pauses use wall-clock
offsets; `sample_offsets()` gives the offset of every sample.

Speed sample k is the mean speed over the second that ends at sample k; the distance
sample is its running integral (0 at the first sample); the summary distance is the last
distance sample; route point k lies that far along a loop around home.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from openaccesslink.formats.model import (
    Device,
    ExerciseData,
    Lap,
    Pause,
    RoutePoint,
    SampleSeries,
    SampleType,
)
from openaccesslink.sim import signals
from openaccesslink.sim.common import clamp, sub_rng
from openaccesslink.sim.effort import Segment, design, effort_series, segment_starts
from openaccesslink.sim.profile import Profile
from openaccesslink.sim.route import Loop, make_terrain
from openaccesslink.sim.week import SessionPlan, Sport, Workout

# sport -> (AccessLink/FIT sport name, Polar Flow detailed sport, FIT sport, FIT sub sport)
SPORTS: dict[Sport, tuple[str, str, int, int]] = {
    Sport.RUN: (
        "RUNNING",
        "ROAD_RUNNING",
        1,
        2,
    ),  # sub sport street, as the doc's FIT table maps road running
    Sport.RIDE: ("CYCLING", "ROAD_BIKING", 2, 7),  # road
    Sport.INDOOR_RIDE: ("CYCLING", "INDOOR_CYCLING", 2, 6),  # indoor_cycling
    Sport.SWIM: ("SWIMMING", "POOL_SWIMMING", 5, 17),  # lap_swimming
    Sport.STRENGTH: ("TRAINING", "STRENGTH_TRAINING", 10, 20),  # strength_training
}
AUTO_LAP_M = {Sport.RUN: 1000.0, Sport.RIDE: 5000.0, Sport.INDOOR_RIDE: 5000.0}


@dataclass
class _Motion:
    speed: list[float] = field(default_factory=list)
    distance: list[float] = field(default_factory=list)
    altitude: list[float] = field(default_factory=list)
    cadence: list[int] = field(default_factory=list)
    power: list[int] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)


def build_exercise(
    profile: Profile, plan: SessionPlan, start_utc: datetime, utc_offset_min: int
) -> ExerciseData:
    rng = sub_rng(plan.key, "signals")
    segments = design(plan.sport, plan.workout, plan.moving_s, rng)  # the first draws: see plan_segments
    effort = effort_series(segments, rng)
    n = len(effort)
    pauses = _pauses(plan.sport, n, rng)
    hr = signals.heart_rate(profile, effort, pauses, rng)
    has_hr = plan.sport is not Sport.SWIM or rng.random() < 0.6
    motion = _motion(profile, plan.sport, segments, effort, rng)
    wall = _wall(n, pauses)
    sport, detailed, fit_sport, fit_sub = SPORTS[plan.sport]
    ex = ExerciseData(
        start_time_utc=start_utc,
        utc_offset_minutes=utc_offset_min,
        duration_s=float(wall[n]),
        sport=sport,
        detailed_sport=detailed,
        fit_sport=fit_sport,
        fit_sub_sport=fit_sub,
        device=Device(profile.device_model, profile.device_id),
        pauses=[Pause(float(wall[p - 1] + 1), float(d)) for p, d in sorted(pauses.items())],
    )
    _add_samples(ex, hr if has_hr else None, motion, plan, effort, rng)
    if motion.lats:
        alts = motion.altitude
        ex.route = list(map(RoutePoint, wall[:n], motion.lats, motion.lons, alts))
    ex.laps = _laps(_lap_bounds(plan, segments, motion, n), wall, hr if has_hr else None, motion)
    _summarise(ex, profile, plan, hr if has_hr else None, motion, n, start_utc)
    return ex


def plan_segments(plan: SessionPlan) -> list[Segment]:
    """The workout structure build_exercise gives this plan (warm-up, intervals, ...), in moving time."""
    return design(plan.sport, plan.workout, plan.moving_s, sub_rng(plan.key, "signals"))


def sample_offsets(ex: ExerciseData) -> list[float]:
    """Wall-clock offset (s since the start) of each 1 Hz sample, pauses skipped."""
    out: list[float] = []
    for _first, count, wall in moving_runs(ex):
        out += range(wall, wall + count)
    return out


def moving_runs(ex: ExerciseData) -> list[tuple[int, int, int]]:
    """(first sample, number of samples, wall-clock offset of the first) of each stretch between pauses."""
    n = max((len(s.values) for s in ex.samples.values() if s.recording_rate == 1), default=0)
    runs, first, shift = [], 0, 0
    for pause in sorted(ex.pauses, key=lambda p: p.start_offset_s):
        end = int(pause.start_offset_s) - shift  # first sample after the pause
        runs.append((first, end - first, first + shift))
        first, shift = end, shift + int(pause.duration_s)
    runs.append((first, n - first, first + shift))
    return [r for r in runs if r[1] > 0]


# Off until the sample grid here follows the importers' convention (formats/model.py: sample i at
# i x recording_rate seconds of wall-clock time, pauses included); this module writes samples for
# moving time only, which would misalign exported FIT/TCX records with the route after a pause.
SIMULATE_PAUSES = False


def _pauses(sport: Sport, n: int, rng: random.Random) -> dict[int, int]:
    """Moving-time index -> pause length (s): traffic lights and drink stops outdoors."""
    if not SIMULATE_PAUSES or sport not in (Sport.RUN, Sport.RIDE) or n < 900:
        return {}
    r = rng.random()
    count = 2 if r < 0.1 else 1 if r < 0.4 else 0
    points = sorted(rng.sample(range(n // 5, n * 9 // 10), count))
    return {p: rng.randint(15, 60) if rng.random() < 0.6 else rng.randint(60, 240) for p in points}


def _wall(n: int, pauses: dict[int, int]) -> list[int]:
    """Wall-clock offset of samples 0..n-1, and at index n the total duration."""
    out: list[int] = []
    first, shift = 0, 0
    for p in sorted(pauses):
        out += range(first + shift, p + shift)
        first, shift = p, shift + pauses[p]
    out += range(first + shift, n + 1 + shift)
    return out


def _motion(
    profile: Profile, sport: Sport, segments: list[Segment], effort: list[float], rng: random.Random
) -> _Motion:
    m = _Motion()
    if sport is Sport.STRENGTH:
        return m
    if sport is Sport.SWIM:
        resting = [seg.kind == "rest" for seg in segments for _ in range(seg.duration_s)]
        m.speed = signals.smooth(signals.swim_speeds(profile, effort, resting), 2.0, 0.04, rng, 100)
    elif sport is Sport.INDOOR_RIDE:
        m.power = signals.ride_powers(profile, effort, rng)
        m.speed = signals.smooth(signals.ride_speeds(profile, m.power), 5.0, 0.01, rng, 10)
    else:
        _outdoor(profile, sport, effort, rng, m)
    m.distance = signals.cumulative_m(m.speed)
    if sport is Sport.RUN:
        m.cadence = signals.run_cadence(m.speed)
    elif sport in (Sport.RIDE, Sport.INDOOR_RIDE):
        m.cadence = signals.ride_cadence(m.power, signals.max_power(profile))
    if sport in (Sport.RUN, Sport.RIDE):
        loop_m = max(m.distance[-1], 1.0)
        loop = Loop(rng, profile.home_lat, profile.home_lon, loop_m)
        m.lats, m.lons = loop.points(m.distance)
    return m


def _outdoor(profile: Profile, sport: Sport, effort: list[float], rng: random.Random, m: _Motion) -> None:
    """Speed on the terrain of a loop as long as the flat-ground distance.

    The terrain is laid along that first estimate of the loop; the altitude samples are
    read from it there, which places them within a percent or two of the loop position
    the final speeds reach (the loop is closed, so the finish is at the start altitude).
    """
    if sport is Sport.RUN:
        flat = signals.run_speeds(profile, effort)
    else:
        m.power = signals.ride_powers(profile, effort, rng)
        flat = signals.ride_speeds(profile, m.power)
    first = signals.cumulative_m(flat)
    loop_m = max(first[-1], 1.0)
    m.altitude, grades = make_terrain(rng, profile.home_altitude_m, loop_m).along(first, loop_m)
    if sport is Sport.RUN:
        m.speed = signals.graded_run(flat, grades, rng)
    else:
        m.speed = signals.smooth(signals.graded_ride_speeds(profile, m.power, grades), 6.0, 0.01, rng, 10)


def _add_samples(
    ex: ExerciseData,
    hr: list[int] | None,
    m: _Motion,
    plan: SessionPlan,
    effort: list[float],
    rng: random.Random,
) -> None:
    def put(kind: SampleType, values: list[float] | list[int]) -> None:
        if values:
            ex.samples[kind] = SampleSeries(kind, 1, list(values))

    if hr is not None:
        put(SampleType.HEART_RATE, hr)
    put(SampleType.SPEED, m.speed)
    put(SampleType.RUNNING_CADENCE if plan.sport is Sport.RUN else SampleType.CADENCE, m.cadence)
    put(SampleType.ALTITUDE, m.altitude)
    put(SampleType.POWER, m.power)
    put(SampleType.DISTANCE, m.distance)
    if hr is not None and plan.strap and plan.sport is not Sport.SWIM:
        rr = signals.rr_intervals(hr, effort, rng)
        ex.samples[SampleType.RR_INTERVAL] = SampleSeries(SampleType.RR_INTERVAL, None, rr)


def _lap_bounds(plan: SessionPlan, segments: list[Segment], m: _Motion, n: int) -> list[int]:
    """Moving-time indices where laps start: per interval, per swim repeat, or every 1 km / 5 km."""
    if plan.sport is Sport.STRENGTH:
        return []
    if plan.workout in (Workout.INTERVALS, Workout.SETS):
        starts = segment_starts(segments)
        return [s for s, seg in zip(starts, segments, strict=True) if seg.kind != "rest"]
    step = AUTO_LAP_M[plan.sport]
    bounds = [0]
    mark = step
    while mark <= m.distance[-1]:
        bounds.append(bisect_left(m.distance, mark) + 1)  # the lap ends with the sample reaching the mark
        mark += step
    if n - bounds[-1] < 10 and len(bounds) > 1:
        bounds.pop()
    return [b for b in bounds if b < n]


def _laps(bounds: list[int], wall: list[int], hr: list[int] | None, m: _Motion) -> list[Lap]:
    n = len(wall) - 1
    laps = []
    for i, a in enumerate(bounds):
        b = bounds[i + 1] if i + 1 < len(bounds) else n
        lap = Lap(float(wall[a]), float(wall[b] - wall[a]))
        if hr:
            part = hr[a:b]
            lap.hr_avg, lap.hr_max = round(sum(part) / len(part)), max(part)
        if m.distance:
            lap.distance_m = round(m.distance[b - 1] - (m.distance[a - 1] if a else 0.0), 2)
            lap.speed_avg_kmh = round(lap.distance_m / (b - a) * 3.6, 2)
        if m.cadence:
            lap.cadence_avg = round(sum(m.cadence[a:b]) / (b - a))
        if m.power:
            lap.power_avg = round(sum(m.power[a:b]) / (b - a))
        laps.append(lap)
    return laps


def _summarise(
    ex: ExerciseData,
    profile: Profile,
    plan: SessionPlan,
    hr: list[int] | None,
    m: _Motion,
    n: int,
    start_utc: datetime,
) -> None:
    minutes = n / 60
    age = profile.age_on(start_utc.date())
    if m.distance:
        ex.distance_m = m.distance[-1]
    if hr:
        mean_hr = sum(hr) / n
        ex.hr_avg, ex.hr_max = round(mean_hr), max(hr)
        ex.calories = round(signals.keytel_kcal(profile, mean_hr, minutes, age))
        ex.training_load = round(signals.trimp(profile, hr), 1)
        intensity = clamp((mean_hr - profile.resting_hr) / profile.hr_reserve, 0.05, 1.0)
    else:
        ex.calories = round(7.0 * profile.weight_kg * minutes / 60)
        intensity = 0.6
    ex.fat_percentage = round(clamp(78 - 75 * intensity, 8, 70))
    ex.protein_percentage = 3 if minutes < 75 else 5
    ex.carbohydrate_percentage = 100 - ex.fat_percentage - ex.protein_percentage
    avg_kmh = (ex.distance_m or 0.0) / n * 3.6 if n else 0.0
    if plan.sport is Sport.RUN and hr and n >= 720 and avg_kmh >= 6.0:
        ex.running_index = running_index(profile, avg_kmh, ex.hr_avg or 0)


def running_index(profile: Profile, avg_kmh: float, hr_avg: float) -> int:
    """VO2 of the pace (ACSM) divided by the share of HR reserve used: an estimate of VO2max."""
    vo2 = 0.2 * avg_kmh / 0.06
    share = clamp((hr_avg - profile.resting_hr) / profile.hr_reserve, 0.2, 1.0)
    return round(clamp(3.5 + vo2 / share, 20, 95))
