"""A day of a user as a timeline of blocks: sleep, sitting, pottering, walking, training.

Times are seconds after local midnight of the day. Exercise blocks come from the
session's own samples (one block per minute of moving time, its zone from the heart
rate, its steps from the running cadence), so the day's steps, zones, calories and
continuous heart rate agree with the exercises. Pauses are light activity.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from openaccesslink.formats.model import ExerciseData, SampleType
from openaccesslink.sim.common import DAY_S, iso_local, sub_rng
from openaccesslink.sim.exercise import moving_runs
from openaccesslink.sim.night import NightTiming
from openaccesslink.sim.profile import Profile
from openaccesslink.sim.week import SessionPlan, Sport

ZONE_INDEX = {"SLEEP": 0, "SEDENTARY": 1, "LIGHT": 2, "MODERATE": 3, "VIGOROUS": 4}  # doc appendix
ACTIVE_ZONES = ("LIGHT", "MODERATE", "VIGOROUS")

# zone -> (MET, steps per minute, minutes (min, max), heart rate above resting)
_FREE = {
    "SEDENTARY": (1.3, 1.5, (15, 50), 10),
    "LIGHT": (2.3, 15.0, (3, 20), 22),
    "MODERATE": (3.5, 100.0, (4, 18), 38),
}


class Block(NamedTuple):
    start_s: int
    end_s: int
    zone: str  # SLEEP | SEDENTARY | LIGHT | MODERATE | VIGOROUS
    steps: float
    kcal: float  # active kcal, above the basal rate
    dist_m: float
    hr_above_rest: float  # typical heart rate over resting, for continuous HR outside exercises


@dataclass(frozen=True)
class PlacedExercise:
    start_s: int
    sport: Sport
    data: ExerciseData
    offsets: list[float]  # wall-clock offset of each sample
    end_s: int = field(init=False)
    hr: tuple[float, ...] = field(init=False)  # a copy: the consumer may change `data` after it syncs

    def __post_init__(self) -> None:
        object.__setattr__(self, "end_s", self.start_s + int(self.data.duration_s))
        object.__setattr__(self, "hr", tuple(_values(self.data, SampleType.HEART_RATE)))


@dataclass
class Day:
    day: date
    offset_min: int
    night: NightTiming  # the sleep that ends this morning
    next_onset_s: int  # falling asleep in the evening (may be after midnight: > 86400)
    blocks: list[Block]
    exercises: list[PlacedExercise]
    removals: list[tuple[int, int]]  # watch off the wrist (shower, charging)

    @cached_property
    def zone_changes(self) -> list[tuple[int, str, str]]:
        """(start second, zone, local ISO time) of every change of activity zone."""
        out: list[tuple[int, str, str]] = []
        for b in self.blocks:
            if not out or out[-1][1] != b.zone:
                out.append((b.start_s, b.zone, iso_local(self.day, b.start_s)))
        return out


def place_sessions(plans: list[SessionPlan], wake_s: int, next_onset_s: int) -> list[tuple[SessionPlan, int]]:
    """Local start second of each planned session, moved into the waking hours, never overlapping."""
    free_from = wake_s + 2400
    out = []
    for plan in sorted(plans, key=lambda p: p.start_s):
        length = plan.moving_s + 600  # room for pauses
        start = min(max(plan.start_s, free_from), next_onset_s - 5400 - length)
        if start >= free_from:
            out.append((plan, start))
            free_from = start + length + 1800
    return out


def build_day(
    profile: Profile,
    day: date,
    night: NightTiming,
    next_night: NightTiming,
    exercises: list[PlacedExercise],
) -> Day:
    rng = sub_rng(profile.key, "day", day.isoformat())
    wake, onset = night.wake_s, next_night.onset_s + DAY_S
    blocks: list[Block] = []
    if night.onset_s > 0:  # went to bed after midnight
        blocks += _free(rng, profile, day, 0, night.onset_s)
    blocks.append(_sleep(max(0, night.onset_s), wake))
    t = wake
    for pe in exercises:
        blocks += _free(rng, profile, day, t, pe.start_s)
        blocks += exercise_blocks(profile, pe)
        t = pe.end_s
    blocks += _free(rng, profile, day, t, min(onset, DAY_S))
    if onset < DAY_S:
        blocks.append(_sleep(onset, DAY_S))
    removals = _removals(rng, wake, onset, exercises)
    return Day(
        day,
        profile.utc_offset(day),
        night,
        onset,
        [b for b in blocks if b.end_s > b.start_s],
        exercises,
        removals,
    )


def _sleep(start: int, end: int) -> Block:
    return Block(start, end, "SLEEP", 0.0, 0.0, 0.0, 0.0)


def _free(rng: random.Random, profile: Profile, day: date, t0: int, t1: int) -> list[Block]:
    """Everyday life between fixed points: sitting, light chores, walks (commutes on weekdays)."""
    out = []
    workday = day.weekday() < 5
    walk = profile.daily_steps / 6500
    stride = 0.415 * profile.height_cm / 100
    t = t0
    previous = ""
    while t < t1:
        h = t / 3600
        sitting = 0.7 * (1.6 if h >= 21 else 1.0) * (0.3 if previous == "SEDENTARY" else 1.0)
        weights = [sitting, 0.3 * (1.0 if workday else 1.3), 0.08 * walk]
        if workday and (7.5 <= h < 9 or 16 <= h < 17.5):
            weights[2] *= 2.5
        r = rng.random() * sum(weights)
        zone = "SEDENTARY" if r < weights[0] else "LIGHT" if r < weights[0] + weights[1] else "MODERATE"
        met, spm, (lo, hi), bump = _FREE[zone]
        end = min(t1, t + int(rng.uniform(lo, hi) * 60))
        minutes = (end - t) / 60
        steps = spm * minutes * rng.uniform(0.7, 1.3) * (walk if zone != "SEDENTARY" else 1.0)
        kcal = (met - 1) * profile.weight_kg * minutes / 60
        out.append(Block(t, end, zone, steps, kcal, steps * stride, bump + rng.uniform(-3, 3)))
        t, previous = end, zone
    return out


def exercise_blocks(profile: Profile, pe: PlacedExercise) -> list[Block]:
    """One block per minute of moving time (split at pauses), pauses as light activity."""
    ex = pe.data
    hr = _values(ex, SampleType.HEART_RATE)
    cadence = _values(ex, SampleType.RUNNING_CADENCE)
    dist = _values(ex, SampleType.DISTANCE) if pe.sport is Sport.RUN else []
    runs = moving_runs(ex)
    n = sum(count for _, count, _ in runs)
    bmr_per_s = profile.bmr_kcal(pe.data.start_time_utc.date()) / DAY_S
    kcal_per_s = max(0.0, (ex.calories or 0) - bmr_per_s * n) / max(1, n)
    other_spm = 10.0 if pe.sport is Sport.STRENGTH else 0.0
    out: list[Block] = []
    for i, (first, count, wall) in enumerate(runs):
        if i:  # the pause before this stretch: standing, a few steps
            p0 = out[-1].end_s
            p1 = pe.start_s + wall
            out.append(Block(p0, p1, "LIGHT", (p1 - p0) / 60 * 15, 0.0, 0.0, 0.3 * profile.hr_reserve))
        for a in range(first, first + count, 60):
            b = min(a + 60, first + count)
            start = pe.start_s + wall + a - first
            zone, bump = _zone(profile, hr[a:b] if hr else None)
            steps = sum(cadence[a:b]) / 60 if cadence else other_spm * (b - a) / 60
            d = dist[b - 1] - (dist[a - 1] if a else 0.0) if dist else 0.0
            out.append(Block(start, start + b - a, zone, steps, kcal_per_s * (b - a), d, bump))
    return out


def _values(ex: ExerciseData, kind: SampleType) -> list[float]:
    series = ex.samples.get(kind)
    return [v for v in series.values if v is not None] if series else []


def _zone(profile: Profile, hr: list[float] | None) -> tuple[str, float]:
    if not hr:
        return "MODERATE", 0.5 * profile.hr_reserve
    above = sum(hr) / len(hr) - profile.resting_hr
    share = above / profile.hr_reserve
    zone = "VIGOROUS" if share >= 0.6 else "MODERATE" if share >= 0.3 else "LIGHT"
    return zone, above


def _removals(
    rng: random.Random, wake: int, onset: int, exercises: list[PlacedExercise]
) -> list[tuple[int, int]]:
    """Watch off the wrist: a morning shower some days, charging some evenings."""
    busy = [(pe.start_s - 300, pe.end_s + 300) for pe in exercises]
    out = []
    if rng.random() < 0.4:
        out.append(_free_slot(wake + rng.randint(900, 2400), rng.randint(480, 1200), busy))
    if rng.random() < 0.25:
        out.append(_free_slot(onset - rng.randint(7200, 10800), rng.randint(1800, 4500), busy))
    return sorted((a, b) for a, b in out if wake < a and b < min(onset, DAY_S))


def _free_slot(start: int, length: int, busy: list[tuple[int, int]]) -> tuple[int, int]:
    for a, b in busy:
        if start < b and a < start + length:
            start = b
    return start, start + length
