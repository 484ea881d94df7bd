"""Weekly training plans: which days, which sports, which workouts, when, how long."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from openaccesslink.sim.common import sub_rng
from openaccesslink.sim.profile import ARCHETYPES, Profile


class Sport(StrEnum):
    RUN = "RUN"  # road running, GPS
    RIDE = "RIDE"  # road cycling, GPS and power
    INDOOR_RIDE = "INDOOR_RIDE"  # trainer with power, no route
    SWIM = "SWIM"  # pool, no route, wrist HR optional
    STRENGTH = "STRENGTH"  # gym, no route


class Workout(StrEnum):
    EASY = "EASY"
    LONG = "LONG"
    TEMPO = "TEMPO"
    INTERVALS = "INTERVALS"
    SETS = "SETS"  # strength sets or swim repeats


@dataclass(frozen=True)
class SessionPlan:
    day: date  # local date
    start_s: int  # preferred local start, seconds after midnight
    sport: Sport
    workout: Workout
    moving_s: int  # planned moving time (pauses come on top)
    strap: bool  # wears the H10 chest strap: RR intervals recorded
    key: str  # seed key of this session's own randomness


_MINUTES: dict[tuple[Sport, Workout], tuple[int, int]] = {
    (Sport.RUN, Workout.EASY): (30, 55),
    (Sport.RUN, Workout.TEMPO): (40, 55),
    (Sport.RUN, Workout.INTERVALS): (45, 60),
    (Sport.RUN, Workout.LONG): (65, 95),
    (Sport.RIDE, Workout.EASY): (50, 85),
    (Sport.RIDE, Workout.TEMPO): (55, 80),
    (Sport.RIDE, Workout.INTERVALS): (60, 80),
    (Sport.RIDE, Workout.LONG): (80, 120),
    (Sport.INDOOR_RIDE, Workout.EASY): (40, 60),
    (Sport.INDOOR_RIDE, Workout.TEMPO): (40, 60),
    (Sport.INDOOR_RIDE, Workout.INTERVALS): (45, 70),
    (Sport.SWIM, Workout.SETS): (35, 55),
    (Sport.STRENGTH, Workout.SETS): (35, 65),
}

_SLOTS = {"morning": (6.25, 7.25), "lunch": (11.5, 12.25), "evening": (17.0, 19.5), "weekend": (8.5, 11.0)}


def day_sessions(profile: Profile, day: date) -> list[SessionPlan]:
    """The sessions planned on one local date."""
    monday = day - timedelta(days=day.weekday())
    return [s for s in week_plan(profile, monday) if s.day == day]


@lru_cache(maxsize=256)
def week_plan(profile: Profile, monday: date) -> tuple[SessionPlan, ...]:
    """3-6 sessions of the profile's sports, a long one at the weekend, rest days in between."""
    rng = sub_rng(profile.key, "week", monday.isoformat())
    count = profile.sessions_per_week - (1 if rng.random() < 0.2 else 0)
    long_day = rng.choice([5, 6])
    days = {long_day}
    others = [d for d in range(7) if d != long_day]
    rng.shuffle(others)
    # Spread sessions: prefer days whose neighbours are free.
    others.sort(key=lambda d: sum(1 for c in days if abs(c - d) == 1) + rng.random())
    for d in others:
        if len(days) >= count:
            break
        days.add(d)
    plans = [_session(profile, rng, monday + timedelta(days=d), d == long_day) for d in sorted(days)]
    return tuple(plans)


def _session(profile: Profile, rng: random.Random, day: date, is_long_day: bool) -> SessionPlan:
    weights = ARCHETYPES[profile.archetype]
    sport = Sport(rng.choices(list(weights), weights=list(weights.values()))[0])
    if is_long_day:
        main = max((s for s in weights if s in ("RUN", "RIDE")), key=lambda s: weights[s], default=None)
        if main is not None:
            sport = Sport(main)
    workout = _workout(rng, sport, is_long_day)
    low, high = _MINUTES[(sport, workout)]
    minutes = rng.uniform(low, high) * (0.85 + 0.3 * profile.fitness)
    slot = "weekend" if day.weekday() >= 5 else profile.session_slot
    if rng.random() < 0.2 and slot != "weekend":
        slot = rng.choice(["morning", "lunch", "evening"])
    start_h = rng.uniform(*_SLOTS[slot])
    return SessionPlan(
        day=day,
        start_s=int(start_h * 3600) + rng.randrange(60),
        sport=sport,
        workout=workout,
        moving_s=int(minutes * 60),
        strap=profile.uses_hr_strap and sport is not Sport.SWIM and rng.random() < 0.85,
        key=f"{profile.key}:session:{day.isoformat()}",
    )


def _workout(rng: random.Random, sport: Sport, is_long_day: bool) -> Workout:
    if sport in (Sport.SWIM, Sport.STRENGTH):
        return Workout.SETS
    if is_long_day and sport in (Sport.RUN, Sport.RIDE):
        return Workout.LONG
    r = rng.random()
    if sport is Sport.INDOOR_RIDE:
        return Workout.INTERVALS if r < 0.5 else Workout.TEMPO if r < 0.7 else Workout.EASY
    return Workout.INTERVALS if r < 0.25 else Workout.TEMPO if r < 0.4 else Workout.EASY
