"""Workout structure: warm-up, steady parts or intervals, cool-down, as an effort profile.

Effort is a fraction of the heart-rate (and VO2) reserve the athlete aims at, 0..1, one
value per second of moving time. Heart rate follows it with a lag; speed and power
follow it almost at once.
"""

from __future__ import annotations

import math
import operator
import random
from dataclasses import dataclass

from openaccesslink.sim.week import Sport, Workout


@dataclass(frozen=True)
class Segment:
    kind: str  # warmup | steady | work | recovery | rest | cooldown
    duration_s: int
    effort_from: float
    effort_to: float


def design(sport: Sport, workout: Workout, moving_s: int, rng: random.Random) -> list[Segment]:
    """Segments whose durations add up to exactly `moving_s`."""
    if sport is Sport.STRENGTH:
        return _sets(rng, moving_s, warm=(0.35, 0.45), work=(0.5, 0.68), rest=0.3, work_s=(40, 75))
    if sport is Sport.SWIM:
        return _sets(rng, moving_s, warm=(0.42, 0.55), work=(0.68, 0.8), rest=0.32, work_s=(150, 400))
    warm_s = int(min(720, moving_s * 0.18))
    cool_s = int(min(480, moving_s * 0.1))
    steady = rng.uniform(0.6, 0.66) if workout is Workout.LONG else rng.uniform(0.62, 0.71)
    head = [Segment("warmup", warm_s, 0.42, 0.6)]
    tail = [Segment("cooldown", cool_s, 0.55, 0.42)]
    main_s = moving_s - warm_s - cool_s
    if workout is Workout.INTERVALS:
        main = _intervals(rng, sport, main_s, steady)
    elif workout is Workout.TEMPO:
        tempo_s = int(main_s * rng.uniform(0.4, 0.55))
        easy_s = (main_s - tempo_s) // 2
        tempo = rng.uniform(0.79, 0.85)
        main = [
            Segment("steady", easy_s, steady, steady),
            Segment("work", tempo_s, tempo, tempo),
            Segment("steady", main_s - tempo_s - easy_s, steady, steady),
        ]
    else:
        main = [Segment("steady", main_s, 0.6, steady)]
    return head + main + tail


def _intervals(rng: random.Random, sport: Sport, main_s: int, steady: float) -> list[Segment]:
    choices = [120, 180, 240, 300] if sport is Sport.RUN else [180, 240, 300, 420, 480]
    work_s = rng.choice(choices)
    rec_s = int(work_s * rng.uniform(0.5, 0.9))
    hard = rng.uniform(0.88, 0.94)
    easy = rng.uniform(0.44, 0.5)
    out: list[Segment] = []
    used = 0
    while used + work_s + rec_s <= main_s and len(out) < 24:
        out += [Segment("work", work_s, hard, hard), Segment("recovery", rec_s, easy, easy)]
        used += work_s + rec_s
    if main_s - used > 0:
        out.append(Segment("steady", main_s - used, easy, steady))
    return out


def _sets(
    rng: random.Random,
    moving_s: int,
    warm: tuple[float, float],
    work: tuple[float, float],
    rest: float,
    work_s: tuple[int, int],
) -> list[Segment]:
    warm_s = min(rng.randint(300, 480), moving_s // 4)
    cool_s = min(rng.randint(180, 300), moving_s // 6)
    out = [Segment("warmup", warm_s, warm[0], warm[1])]
    left = moving_s - warm_s - cool_s
    rest_s = rng.randint(20, 40) if work_s[0] > 100 else rng.randint(60, 120)
    while left > 0:
        w = min(left, rng.randint(*work_s))
        e = rng.uniform(*work)
        out.append(Segment("work", w, e, e))
        left -= w
        if left > 0:
            r = min(left, rest_s)
            out.append(Segment("rest", r, rest, rest))
            left -= r
    out.append(Segment("cooldown", cool_s, warm[1], warm[0]))
    return [s for s in out if s.duration_s > 0]


def effort_series(segments: list[Segment], rng: random.Random) -> list[float]:
    """One effort value per second: the segment ramps plus a slow, smooth wobble (+-0.03)."""
    base: list[float] = []
    for seg in segments:
        n = seg.duration_s
        a, step = seg.effort_from, (seg.effort_to - seg.effort_from) / max(1, n)
        base.extend([a + step * k for k in range(n)])
    period = rng.randint(90, 240)
    phase = rng.uniform(0, math.tau)
    one = [0.03 * math.sin(math.tau * i / period + phase) for i in range(period)]
    wobble = one * (len(base) // period + 1)
    return list(map(operator.add, base, wobble))


def segment_starts(segments: list[Segment]) -> list[int]:
    """Moving-time index at which each segment starts."""
    starts, t = [], 0
    for seg in segments:
        starts.append(t)
        t += seg.duration_s
    return starts
