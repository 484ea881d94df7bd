"""The public entry point: users, and what their watches sync, day after day.

Every value derives from `seed` (user i's from "seed:i", so a user does not change
when more users are asked for); nothing reads the clock. Items come in the order the
watch would sync them (`synced_at`, aware UTC). For each local day D of the range:

- morning sync after waking on D: sleep(D), nightly_recharge(D), sleepwise_bedtime
  (the night ending on D), skin_temperature(D) and body_temperature (that night),
  then day D-1 completed: its final activity, continuous_heart_rate(D-1),
  sleepwise_alertness (the waking period of D-1), skin_contacts(D-1);
  physical_information now and then; a partial activity summary of D so far;
- a sync a few minutes after each exercise: the exercise, a partial activity of D;
- a sync after each ECG or SpO2 test; sometimes an evening sync (partial activity).

Day `end_date` is completed at the morning sync of the day after, so the last items
have a `synced_at` on end_date + 1. Filter on `synced_at` to see the data as it stood
at some moment: partial summaries then stand in for the day's unfinished activity.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from openaccesslink.formats.model import ExerciseData
from openaccesslink.sim import activity, biosensing, sleepwise
from openaccesslink.sim.common import DAY_S, at, sub_rng
from openaccesslink.sim.daily import Day, PlacedExercise, build_day, place_sessions
from openaccesslink.sim.exercise import build_exercise, sample_offsets
from openaccesslink.sim.night import History, Night, NightTiming, build_night, night_timing
from openaccesslink.sim.profile import DEFAULT_HOME, Profile, make_profile, physical_information
from openaccesslink.sim.week import day_sessions

FAMILIES = (
    "exercise",
    "activity",
    "physical_information",
    "sleep",
    "nightly_recharge",
    "continuous_heart_rate",
    "sleepwise_alertness",
    "sleepwise_bedtime",
    "skin_temperature",
    "skin_contacts",
    "ecg",
    "spo2",
    "body_temperature",
)
# The OpenAPI component schema each dict family's payload follows.
SCHEMAS = {
    "activity": "activity-summary-with-all-samples",
    "physical_information": "physical-information",
    "sleep": "sleep",
    "nightly_recharge": "nightly-recharge",
    "continuous_heart_rate": "continuous-heartrate",
    "sleepwise_alertness": "alertness",
    "sleepwise_bedtime": "circadian-bedtime",
    "skin_temperature": "skin-temperature",
    "skin_contacts": "skin-contact-period",
    "ecg": "ecg-test-result",
    "spo2": "spo2-test-result",
    "body_temperature": "body-temperature-period",
}


class SimItem(NamedTuple):
    family: str  # one of FAMILIES
    synced_at: datetime  # aware UTC: when the watch would have synced it
    payload: ExerciseData | dict[str, Any]  # ExerciseData for "exercise", a JSON-ready dict otherwise


@dataclass(frozen=True)
class SimUser:
    profile: Profile
    first_day: date
    last_day: date

    @property
    def items(self) -> Iterator[SimItem]:
        """This user's items in sync order; every access starts a fresh, identical iterator."""
        return _user_items(self.profile, self.first_day, self.last_day)


def simulate(
    seed: int,
    users: int,
    days: int,
    end_date: date,
    home: tuple[float, float] = DEFAULT_HOME,
    *,
    utc_offset_minutes: int = 120,
    observes_dst: bool = True,
) -> Iterator[SimUser]:
    """`users` users, each with `days` local days of data ending on `end_date` (inclusive).

    Homes lie within a few km of `home` (lat, lon). The UTC offset is `utc_offset_minutes`,
    plus an hour in EU summer time when `observes_dst` (Finland: +120 / +180).
    """
    for index in range(users):
        yield simulate_user(
            seed,
            index,
            days,
            end_date,
            home,
            utc_offset_minutes=utc_offset_minutes,
            observes_dst=observes_dst,
        )


def simulate_user(
    seed: int,
    index: int,
    days: int,
    end_date: date,
    home: tuple[float, float] = DEFAULT_HOME,
    *,
    utc_offset_minutes: int = 120,
    observes_dst: bool = True,
) -> SimUser:
    if days < 1:
        raise ValueError("days must be at least 1")
    profile = make_profile(seed, index, end_date, home, utc_offset_minutes, observes_dst)
    return SimUser(profile, end_date - timedelta(days=days - 1), end_date)


@dataclass
class _State:
    history: History
    baselines: biosensing.Baselines
    timings: list[NightTiming]
    weight: float
    next_weigh_in: date
    load: float  # training load (TRIMP) of the previous day


def _user_items(profile: Profile, first: date, last: date) -> Iterator[SimItem]:
    rng = sub_rng(profile.key, "user")
    state = _State(
        History.prior(profile), biosensing.Baselines(), [], profile.weight_kg, first, rng.uniform(0, 80)
    )
    prev: tuple[Day, Night] | None = None
    d = first
    while d <= last + timedelta(days=1):
        timing = night_timing(profile, d)
        night = build_night(profile, timing, state.load, state.history)
        rng = sub_rng(profile.key, "sync", d.isoformat())
        morning = at(d, night.offset_min, timing.wake_s + rng.randint(300, 2400))
        batch: list[SimItem] = []
        if prev is not None:
            batch += _finish_day(rng, profile, *prev, night, morning)
        if d > last:
            yield from batch
            return
        batch += _morning(rng, profile, state, night, morning)
        day = _day(profile, d, timing, state)
        batch += _daytime(rng, profile, state, day, morning)
        state.timings.append(timing)
        state.load = sum(pe.data.training_load or 0.0 for pe in day.exercises)
        batch.sort(key=lambda item: item.synced_at)
        yield from batch
        prev = (day, night)
        d += timedelta(days=1)


def _finish_day(
    rng: random.Random, profile: Profile, day: Day, night: Night, next_night: Night, when: datetime
) -> list[SimItem]:
    items = [
        SimItem("activity", when, activity.activity_summary(profile, day)),
        SimItem(
            "continuous_heart_rate", when, activity.continuous_heart_rate(profile, day, night, next_night)
        ),
        SimItem("sleepwise_alertness", when, sleepwise.alertness(rng, night, day.next_onset_s)),
    ]
    if profile.has_biosensing:
        items.append(SimItem("skin_contacts", when, biosensing.skin_contacts(profile, day, when)))
    return items


def _morning(
    rng: random.Random, profile: Profile, state: _State, night: Night, when: datetime
) -> list[SimItem]:
    d = night.timing.day
    items = [
        SimItem("sleep", when, night.sleep),
        SimItem("nightly_recharge", when, night.recharge),
        SimItem(
            "sleepwise_bedtime",
            when,
            sleepwise.circadian_bedtime(profile, night.timing, night.offset_min, state.timings),
        ),
    ]
    if profile.has_biosensing:
        period = biosensing.body_temperature(rng, profile, night, when)
        items.append(
            SimItem("skin_temperature", when, biosensing.skin_temperature(period, night, state.baselines))
        )
        items.append(SimItem("body_temperature", when, period))
    if d >= state.next_weigh_in:
        measured = rng.random() < 0.6
        if state.timings:  # not the first record: the weight has moved a little
            state.weight = round(state.weight + rng.uniform(-0.7, 0.6), 1)
        items.append(
            SimItem("physical_information", when, physical_information(profile, state.weight, when, measured))
        )
        state.next_weigh_in = d + timedelta(days=rng.randint(7, 14))
    return items


def _day(profile: Profile, d: date, timing: NightTiming, state: _State) -> Day:
    next_timing = night_timing(profile, d + timedelta(days=1))
    offset = profile.utc_offset(d)
    placed = place_sessions(day_sessions(profile, d), timing.wake_s, next_timing.onset_s + DAY_S)
    exercises = []
    for plan, start_s in placed:
        data = build_exercise(profile, plan, at(d, offset, start_s), offset)
        exercises.append(PlacedExercise(start_s, plan.sport, data, sample_offsets(data)))
    return build_day(profile, d, timing, next_timing, exercises)


def _daytime(
    rng: random.Random, profile: Profile, state: _State, day: Day, morning: datetime
) -> list[SimItem]:
    d, off = day.day, day.offset_min
    midnight = at(d, off, 0)

    def local_s(when: datetime) -> int:
        return int((when - midnight).total_seconds())

    items = [SimItem("activity", morning, activity.activity_summary(profile, day, local_s(morning)))]
    last = local_s(morning)
    for pe in day.exercises:
        when = at(d, off, pe.end_s + rng.randint(120, 1200))
        items.append(SimItem("exercise", when, pe.data))
        last = local_s(when)
        if last < DAY_S:
            items.append(SimItem("activity", when, activity.activity_summary(profile, day, last)))
    items += _tests(rng, profile, state, day, local_s(morning))
    latest = min(day.next_onset_s - 900, DAY_S - 600)
    if rng.random() < 0.5 and latest - last > 1800:
        when = at(d, off, rng.randint(last + 600, latest))
        items.append(SimItem("activity", when, activity.activity_summary(profile, day, local_s(when))))
    return items


def _tests(rng: random.Random, profile: Profile, state: _State, day: Day, morning_s: int) -> list[SimItem]:
    """Spot tests some mornings (ECG, SpO2), moved after an exercise if they would clash."""
    if not profile.has_biosensing:
        return []
    items = []
    t = morning_s + rng.randint(600, 2400)
    for family, chance in (("ecg", profile.ecg_per_day), ("spo2", profile.spo2_per_day)):
        if rng.random() >= chance:
            continue
        for pe in day.exercises:
            if pe.start_s - 120 <= t < pe.end_s:
                t = pe.end_s + 900
        if t >= day.next_onset_s - 900 or t >= DAY_S - 300:
            continue
        when = at(day.day, day.offset_min, t)
        make = biosensing.ecg_test if family == "ecg" else biosensing.spo2_test
        payload = make(rng, profile, when, day.offset_min, state.baselines)
        items.append(SimItem(family, when + timedelta(seconds=rng.randint(60, 300)), payload))
        t += rng.randint(300, 900)
    return items
