"""What the watch reports about a day: the activity summary and continuous heart rate.

Activity summaries follow `activity-summary-with-all-samples`: hourly step samples
(interval 1 h, every hour listed, so they add up to the day's steps), activity-zone
changes (SLEEP/SEDENTARY/LIGHT/MODERATE/VIGOROUS with the local time each begins) and
inactivity stamps (every full hour of uninterrupted sitting). Start and end times are
the device's local time, as the doc says of daily activity. A summary made at a sync
during the day covers the day up to the sync.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from typing import Any

from openaccesslink.sim.common import DAY_S, hhmmss, iso_duration, iso_local, sub_rng
from openaccesslink.sim.daily import ACTIVE_ZONES, Block, Day, PlacedExercise
from openaccesslink.sim.night import Night
from openaccesslink.sim.profile import Profile

_WEIGHT = {"LIGHT": 1.0, "MODERATE": 2.0, "VIGOROUS": 3.5}


def activity_summary(profile: Profile, day: Day, cutoff_s: int = DAY_S) -> dict[str, Any]:
    """The day's activity as the watch knows it at local time `cutoff_s` (DAY_S: the whole day)."""
    final = cutoff_s >= DAY_S
    cutoff_s = min(cutoff_s, DAY_S)
    blocks = [b for b in day.blocks if b.start_s < cutoff_s]
    cum = _cumulative_steps(blocks)
    steps = math.floor(cum(cutoff_s))
    seconds = {zone: 0.0 for zone in ("SLEEP", "SEDENTARY", *ACTIVE_ZONES)}
    kcal = dist = 0.0
    for b in blocks:
        share = (min(b.end_s, cutoff_s) - b.start_s) / (b.end_s - b.start_s)
        seconds[b.zone] += share * (b.end_s - b.start_s)
        kcal += share * b.kcal
        dist += share * b.dist_m
    weighted = sum(_WEIGHT[z] * seconds[z] / 60 for z in ACTIVE_ZONES)
    stamps = _inactivity_stamps(blocks, cutoff_s)
    bmr = profile.bmr_kcal(day.day) * cutoff_s / DAY_S
    d = day.day
    return {
        "start_time": iso_local(d, 0),
        "end_time": iso_local(d, DAY_S - 1 if final else cutoff_s),
        "active_duration": iso_duration(sum(seconds[z] for z in ACTIVE_ZONES)),
        "inactive_duration": iso_duration(seconds["SEDENTARY"]),
        "daily_activity": round(100 * weighted / profile.activity_goal, 1),
        "calories": round(bmr + kcal),
        "active_calories": round(kcal),
        "steps": steps,
        "inactivity_alert_count": len(stamps),
        "distance_from_steps": round(dist, 2),
        "samples": {
            "date": d.isoformat(),
            "steps": {
                "interval_ms": 3_600_000,
                "total_steps": steps,
                "samples": [
                    {"steps": hourly, "timestamp": label}
                    for hourly, label in zip(_hourly_steps(cum, cutoff_s), _hour_labels(d), strict=False)
                ],
            },
            "activity_zones": {
                "samples": [{"zone": z, "timestamp": iso} for t, z, iso in day.zone_changes if t < cutoff_s],
            },
            "inactivity_stamps": [{"stamp": iso_local(d, t, with_seconds=False)} for t in stamps],
        },
    }


def _cumulative_steps(blocks: list[Block]) -> Callable[[float], float]:
    starts = [b.start_s for b in blocks]
    prefix = [0.0]
    for b in blocks:
        prefix.append(prefix[-1] + b.steps)

    def cum(t: float) -> float:
        k = bisect_right(starts, t) - 1
        if k < 0:
            return 0.0
        b = blocks[k]
        return prefix[k] + b.steps * min(1.0, (t - b.start_s) / (b.end_s - b.start_s))

    return cum


def _hourly_steps(cum: Callable[[float], float], cutoff_s: int) -> list[int]:
    marks = [math.floor(cum(min(h * 3600, cutoff_s))) for h in range(math.ceil(cutoff_s / 3600) + 1)]
    return [b - a for a, b in zip(marks, marks[1:], strict=False)]


@cache
def _hour_labels(d: date) -> list[str]:
    return [iso_local(d, h * 3600, with_seconds=False) for h in range(24)]


def _inactivity_stamps(blocks: list[Block], cutoff_s: int) -> list[int]:
    """A stamp for every full hour of sitting without a break."""
    stamps: list[int] = []
    run_start: int | None = None
    for b in [*blocks, Block(cutoff_s, cutoff_s + 1, "END", 0, 0, 0, 0)]:
        if b.zone == "SEDENTARY":
            run_start = b.start_s if run_start is None else run_start
            continue
        if run_start is not None:
            end = min(b.start_s, cutoff_s)
            stamps += list(range(run_start + 3600, end + 1, 3600))
            run_start = None
    return stamps


def continuous_heart_rate(profile: Profile, day: Day, night: Night, next_night: Night) -> dict[str, Any]:
    """5-minute samples over the day, at the device's own phase, none while the watch is off.

    Asleep: the night's heart rate; exercising: the session's mean over the 5 minutes;
    otherwise resting + the activity's typical rise, elevated for a while after training.
    """
    rng = sub_rng(profile.key, "chr", day.day.isoformat())
    phase = _phase(profile.key)
    times = range(phase, DAY_S, 300)
    values = _awake_levels(profile, day, times)
    for nt, t0, t1 in (
        (night, night.timing.onset_s, night.timing.wake_s),
        (next_night, day.next_onset_s, DAY_S),
    ):
        for k in _indices(phase, t0, t1):
            values[k] = float(nt.hr_at(times[k] - t0))
    for pe in day.exercises:
        for k in _indices(phase, pe.start_s, pe.end_s):
            values[k] = _exercise_hr(profile, pe, times[k] - pe.start_s)
        for k in _indices(phase, pe.end_s, pe.end_s + 7200):
            values[k] += 18 * math.exp(-(times[k] - pe.end_s) / 1200)
    rnd = rng.random
    noisy = list(map(round, [v + 5 * rnd() - 2.5 for v in values]))
    off: set[int] = set()
    for a, b in day.removals:
        off.update(_indices(phase, a, b))
    labels = _labels(phase)
    samples = [{"heart_rate": noisy[k], "sample_time": labels[k]} for k in range(len(times)) if k not in off]
    return {"date": day.day.isoformat(), "heart_rate_samples": samples}


def _indices(phase: int, t0: int, t1: int) -> range:
    """Indices k of the sample times phase + 300 k that fall in [t0, t1) within the day."""
    first = max(0, -((phase - t0) // 300))
    last = min(DAY_S // 300, -((phase - t1) // 300))
    return range(first, max(first, last))


def _awake_levels(profile: Profile, day: Day, times: range) -> list[float]:
    out: list[float] = []
    blocks, i, last = day.blocks, 0, len(day.blocks) - 1
    rest = profile.resting_hr
    for t in times:
        while i < last and blocks[i + 1].start_s <= t:
            i += 1
        out.append(rest + blocks[i].hr_above_rest)
    return out


@lru_cache(maxsize=4096)
def _phase(key: str) -> int:
    """The device's own offset of the 5-minute grid (seconds)."""
    return sub_rng(key, "chr-phase").randrange(300)


@cache
def _labels(phase: int) -> tuple[str, ...]:
    return tuple(hhmmss(phase + 300 * k) for k in range(DAY_S // 300))


def _exercise_hr(profile: Profile, pe: PlacedExercise, offset: float) -> float:
    if not pe.hr:
        return profile.resting_hr + 0.55 * profile.hr_reserve
    lo = bisect_right(pe.offsets, offset - 150)
    hi = bisect_right(pe.offsets, offset + 150)
    window = pe.hr[lo:hi]
    return sum(window) / len(window) if window else profile.resting_hr + 0.3 * profile.hr_reserve
