"""SleepWise: daytime alertness after each night and the circadian bedtime of each night.

All times are UTC ('YYYY-MM-DDTHH:MM:SS', as the examples show), with the sleep's
UTC offset alongside. Results are histories: made once the period is over.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from openaccesslink.sim import hypnogram as hyp
from openaccesslink.sim.common import DAY_S, at, clamp, iso_utc, iso_utc_naive, mean
from openaccesslink.sim.night import Night, NightTiming
from openaccesslink.sim.profile import Profile

_LEVELS = ["ALERTNESS_LEVEL_MINIMAL", "ALERTNESS_LEVEL_VERY_LOW", "ALERTNESS_LEVEL_LOW"]
_LEVELS += ["ALERTNESS_LEVEL_HIGH", "ALERTNESS_LEVEL_VERY_HIGH"]
_INERTIA = {
    hyp.DEEP: "SLEEP_INERTIA_HEAVY",
    hyp.LIGHT: "SLEEP_INERTIA_MODERATE",
    hyp.LIGHTER: "SLEEP_INERTIA_MILD",
    hyp.REM: "SLEEP_INERTIA_MILD",
    hyp.UNKNOWN: "SLEEP_INERTIA_MILD",
}


def alertness(rng: random.Random, night: Night, next_onset_s: int) -> dict[str, Any]:
    """The waking period after `night`, up to falling asleep `next_onset_s` after that day's midnight."""
    t, day, off = night.timing, night.timing.day, night.offset_min
    score = float(night.sleep["sleep_score"])
    grade = round(clamp(score / 10 - 0.6 + rng.gauss(0, 0.5), 0.0, 10.0), 1)
    wake_stage = night.hypnogram.runs[-1][0]
    wake, end = at(day, off, t.wake_s), at(day, off, next_onset_s)
    return {
        "grade": grade,
        "grade_validity_seconds": int((end - wake).total_seconds()),
        "grade_type": "GRADE_TYPE_PRIMARY",
        "grade_classification": _classification(grade),
        "validity": "VALIDITY_VALID",
        "sleep_inertia": _INERTIA.get(wake_stage, "SLEEP_INERTIA_NO_INERTIA"),
        "sleep_type": "SLEEP_TYPE_PRIMARY",
        "result_type": "ALERTNESS_TYPE_HISTORY",
        "period_start_time": iso_utc_naive(wake),
        "period_end_time": iso_utc_naive(end),
        "sleep_period_start_time": iso_utc_naive(at(day, off, t.onset_s)),
        "sleep_period_end_time": iso_utc_naive(wake),
        "sleep_timezone_offset_minutes": off,
        "hourly_data": _hourly(day, off, t.wake_s, next_onset_s, grade),
    }


def _classification(grade: float) -> str:
    name = "WEAK" if grade < 4 else "FAIR" if grade < 6 else "STRONG" if grade < 8 else "EXCELLENT"
    return f"GRADE_CLASSIFICATION_{name}"


def _hourly(day: date, off: int, wake_s: int, end_s: int, grade: float) -> list[dict[str, str]]:
    """Slots aligned to whole UTC hours (the first and last are partial)."""
    out = []
    start = wake_s
    shift = 60 * off  # local seconds - UTC seconds
    while start < end_s:
        stop = min(end_s, ((start - shift) // 3600 + 1) * 3600 + shift)
        level = _level(((start + stop) / 2) / 3600, (start - wake_s) / 3600, grade)
        out.append(
            {
                "validity": "VALIDITY_VALID",
                "alertness_level": _LEVELS[level],
                "start_time": iso_utc(day, off, start),
                "end_time": iso_utc(day, off, stop),
            }
        )
        start = stop
    return out


def _level(local_hour: float, awake_h: float, grade: float) -> int:
    """Circadian curve (post-lunch dip, evening decline) minus sleep inertia and time awake."""
    c = 0.72 - 0.15 * math.exp(-(((local_hour - 14.5) / 1.5) ** 2)) - 0.08 * max(0.0, local_hour - 20)
    c += (grade - 7) / 15 - 0.25 * math.exp(-awake_h / 0.6) - 0.012 * awake_h
    return int(clamp(c * 5, 0, 4))


def circadian_bedtime(
    profile: Profile, timing: NightTiming, offset_min: int, earlier: Sequence[NightTiming]
) -> dict[str, Any]:
    """The circadian sleep period of the night `timing`, estimated from the nights before it."""
    recent = list(earlier)[-7:]
    onsets = [n.onset_s for n in recent] or [profile.sleep_onset_s - DAY_S]
    spans = [n.span_s for n in recent] or [profile.sleep_need_s]
    onset, span = round(mean([float(o) for o in onsets])), round(mean([float(s) for s in spans]))
    spread = math.sqrt(mean([(o - onset) ** 2 for o in onsets]))
    quality = "CLEARLY_RECOGNIZABLE" if spread < 1800 else "COMPROMISED" if spread < 3600 else "WEAK"
    preferred = profile.sleep_onset_s - DAY_S
    day = timing.day

    def utc(seconds: int) -> str:
        return iso_utc_naive(at(day, offset_min, seconds))

    return {
        "validity": "VALIDITY_VALID" if len(recent) >= 3 else "VALIDITY_ESTIMATE",
        "quality": f"CIRCADIAN_BEDTIME_QUALITY_{quality if len(recent) >= 3 else 'WEAK'}",
        "result_type": "CIRCADIAN_BEDTIME_TYPE_HISTORY",
        "period_start_time": utc(onset),
        "period_end_time": utc(onset + span),
        "preferred_sleep_period_start_time": utc(preferred),
        "preferred_sleep_period_end_time": utc(preferred + profile.sleep_goal_s),
        "sleep_gate_start_time": utc(onset - 900),
        "sleep_gate_end_time": utc(onset + 900),
        "sleep_timezone_offset_minutes": offset_min,
    }
