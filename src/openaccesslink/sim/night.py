"""Nights: when the user sleeps, the Sleep Plus Stages result and the Nightly Recharge.

A night belongs to the date of the morning it ends on (AccessLink's sleep "date").
Times are seconds after local midnight of that date; a negative onset is the evening
before. Heart rate falls towards a nadir in the first third of the night and rises
towards the morning, higher in REM and when awake; HRV is highest in deep sleep.
A hard training day raises the next night's heart rate and lowers its HRV, which the
ANS charge (a z-score against the last 28 nights) picks up.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from openaccesslink.sim import hypnogram as hyp
from openaccesslink.sim.common import DAY_S, at, clamp, hhmm, iso_with_offset, mean, sub_rng
from openaccesslink.sim.profile import Profile
from openaccesslink.sim.scores import sleep_scores

RECHARGE_FROM_S, RECHARGE_TO_S = 30 * 60, 30 * 60 + 4 * 3600


@dataclass(frozen=True)
class NightTiming:
    day: date  # the sleep's date: the morning it ends on
    onset_s: int  # falling asleep, seconds after local midnight of `day` (negative: the evening before)
    wake_s: int

    @property
    def span_s(self) -> int:
        return self.wake_s - self.onset_s


@lru_cache(maxsize=1024)
def night_timing(profile: Profile, day: date) -> NightTiming:
    rng = sub_rng(profile.key, "night-timing", day.isoformat())
    weekend = day.weekday() in (5, 6)  # nights Fri->Sat and Sat->Sun
    onset = profile.sleep_onset_s - DAY_S + rng.gauss(0, 1500) + (2700 if weekend else 0)
    span_min = round(
        clamp(profile.sleep_need_s + rng.gauss(0, 2400) + (3000 if weekend else 0), 5 * 3600, 10 * 3600) / 60
    )
    onset_s = int(onset)
    return NightTiming(day, onset_s, onset_s + 60 * span_min)


@dataclass
class History:
    """What the watch remembers about earlier nights (28 days)."""

    hr: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    hrv: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    breathing: deque[float] = field(default_factory=lambda: deque(maxlen=28))
    score: deque[float] = field(default_factory=lambda: deque(maxlen=28))

    @classmethod
    def prior(cls, profile: Profile) -> History:
        h = cls()
        for k in range(3):  # a few typical nights so that the first results have a baseline
            h.hr.append(profile.resting_hr + 1.5 + (k - 1) * 1.5)
            h.hrv.append(profile.rmssd_ms * (1 + (k - 1) * 0.08))
            h.breathing.append(profile.breathing_rate + (k - 1) * 0.3)
            h.score.append(76.0 + (k - 1) * 5)
        return h


@dataclass
class Night:
    timing: NightTiming
    offset_min: int
    hypnogram: hyp.Hypnogram
    hr: list[tuple[int, int]]  # (seconds after onset, bpm), every 5 minutes
    sleep: dict[str, Any]
    recharge: dict[str, Any]

    def hr_at(self, seconds_after_onset: float) -> int:
        k = int(clamp((seconds_after_onset - 120) / 300 + 0.5, 0, len(self.hr) - 1))
        return self.hr[k][1]


def build_night(profile: Profile, timing: NightTiming, load: float, history: History) -> Night:
    """The night after a day with training load `load` (TRIMP); updates `history`."""
    rng = sub_rng(profile.key, "night", timing.day.isoformat())
    off = profile.utc_offset(timing.day)
    span = timing.span_s
    hypno = hyp.build(rng, span // 60)
    stress = rng.gauss(0, 1)
    nadir = profile.resting_hr - 3 + 0.02 * load + 1.5 * stress
    hr = _heart_rate(rng, hypno, span, profile.resting_hr + 9, nadir)
    hrv_level = profile.rmssd_ms * clamp(1 - 0.0015 * load - 0.07 * stress, 0.5, 1.3)
    hrv = _hrv(rng, hypno, span, hrv_level)
    breathing = _breathing(rng, hypno, span, profile.breathing_rate + 0.004 * load + 0.2 * stress)
    scores = sleep_scores(rng, hypno, span, profile.sleep_goal_s, history.score)
    start = at(timing.day, off, timing.onset_s)
    sleep = {
        "date": timing.day.isoformat(),
        "sleep_start_time": iso_with_offset(start, off),
        "sleep_end_time": iso_with_offset(start + timedelta(seconds=span), off),
        "device_id": profile.device_id,
        **scores,
        "sleep_goal": profile.sleep_goal_s,
        "hypnogram": {hhmm(timing.onset_s + t): stage for t, stage in hypno.starts()},
        "heart_rate_samples": {hhmm(timing.onset_s + t): v for t, v in hr},
    }
    recharge = _recharge(timing, hr, hrv, breathing, history, int(scores["sleep_charge"]))
    history.score.append(float(scores["sleep_score"]))
    return Night(timing, off, hypno, hr, sleep, recharge)


def _sample_times(span: int, first: int) -> range:
    return range(first, span, 300)


def _heart_rate(
    rng: random.Random, hypno: hyp.Hypnogram, span: int, start: float, nadir: float
) -> list[tuple[int, int]]:
    bump = {hyp.WAKE: 7.0, hyp.REM: 3.0, hyp.DEEP: -1.0}
    stages, rnd, exp = hypno.by_minute, rng.random, math.exp
    out = []
    for t in _sample_times(span, 120):
        base = nadir + (start - nadir) * exp(-t / 4200) + (10 * t / span - 6 if t > 0.6 * span else 0.0)
        out.append((t, round(base + bump.get(stages[t // 60], 0.0) + 3 * rnd() - 1.5)))
    return out


def _hrv(rng: random.Random, hypno: hyp.Hypnogram, span: int, level: float) -> list[tuple[int, int]]:
    factor = {hyp.WAKE: 0.75, hyp.REM: 0.85, hyp.DEEP: 1.2}
    stages, rnd, exp = hypno.by_minute, rng.random, math.exp
    out = []
    for t in _sample_times(span, 120):
        ramp = 0.85 + 0.15 * (1 - exp(-t / 3600))
        value = level * ramp * factor.get(stages[t // 60], 1.0) * (0.93 + 0.14 * rnd())
        out.append((t, round(value) if value > 5 else 5))
    return out


def _breathing(rng: random.Random, hypno: hyp.Hypnogram, span: int, level: float) -> list[tuple[int, float]]:
    shift = {hyp.WAKE: 1.0, hyp.REM: 0.7, hyp.DEEP: -0.6}
    stages, rnd = hypno.by_minute, rng.random
    return [
        (t, round(level + shift.get(stages[t // 60], 0.0) + 0.6 * rnd() - 0.3, 1))
        for t in _sample_times(span, 0)
    ]


def _window(samples: list[tuple[int, int]] | list[tuple[int, float]]) -> list[float]:
    return [float(v) for t, v in samples if RECHARGE_FROM_S <= t < RECHARGE_TO_S]


def _recharge(
    timing: NightTiming,
    hr: list[tuple[int, int]],
    hrv: list[tuple[int, int]],
    breathing: list[tuple[int, float]],
    history: History,
    sleep_charge: int,
) -> dict[str, Any]:
    hr_w, hrv_w, br_w = _window(hr), _window(hrv), _window(breathing)
    hr_avg, hrv_avg, br_avg = mean(hr_w), mean(hrv_w), mean(br_w)
    z_hr = (mean(list(history.hr)) - hr_avg) / max(2.0, _sd(history.hr))
    z_hrv = (hrv_avg - mean(list(history.hrv))) / max(0.1 * mean(list(history.hrv)), _sd(history.hrv))
    z_br = (mean(list(history.breathing)) - br_avg) / max(0.5, _sd(history.breathing))
    ans = round(clamp(1.6 * z_hrv + 1.2 * z_hr + 0.5 * z_br, -10, 10), 1)
    history.hr.append(hr_avg)
    history.hrv.append(hrv_avg)
    history.breathing.append(br_avg)
    return {
        "date": timing.day.isoformat(),
        "heart_rate_avg": round(hr_avg),
        "beat_to_beat_avg": round(mean([60000 / v for v in hr_w])),
        "heart_rate_variability_avg": round(hrv_avg),
        "breathing_rate_avg": round(br_avg, 1),
        "nightly_recharge_status": recharge_status(ans, sleep_charge),
        "ans_charge": ans,
        "ans_charge_status": ans_status(ans),
        "hrv_samples": {hhmm(timing.onset_s + t): v for t, v in hrv},
        "breathing_samples": {hhmm(timing.onset_s + t): v for t, v in breathing},
    }


def _sd(values: deque[float]) -> float:
    m = mean(list(values))
    return math.sqrt(sum((v - m) ** 2 for v in values) / max(1, len(values) - 1))


def ans_status(ans: float) -> int:
    return 1 if ans < -5 else 2 if ans < -1.5 else 3 if ans <= 1.5 else 4 if ans <= 5 else 5


def recharge_status(ans: float, sleep_charge: int) -> int:
    """1 very poor .. 6 very good, from the ANS charge and the sleep charge."""
    s = ans + 2.5 * (sleep_charge - 3)
    return 1 if s < -9 else 2 if s < -4.5 else 3 if s < -1.5 else 4 if s < 2 else 5 if s < 6 else 6
