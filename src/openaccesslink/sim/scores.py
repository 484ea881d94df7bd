"""Sleep Plus Stages numbers derived from a hypnogram.

Sleep score (1-100) = duration theme (sleep time against the goal), solidity theme (long
interruptions, continuity, actual sleep share) and regeneration theme (REM and deep
shares), as Polar describes its six components. Continuity 1.0-5.0 falls with the number
and length of interruptions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from openaccesslink.sim import hypnogram as hyp
from openaccesslink.sim.common import clamp, mean


def sleep_scores(
    rng: random.Random, hypno: hyp.Hypnogram, span_s: int, goal_s: int, earlier: Iterable[float]
) -> dict[str, int | float]:
    wakes = hypno.wakes()
    short = 60 * sum(m for m in wakes if m * 60 < 90)
    long = 60 * sum(m for m in wakes if m * 60 >= 90)
    n_long = sum(1 for m in wakes if m * 60 >= 90)
    deep, rem = hypno.seconds_in(hyp.DEEP), hypno.seconds_in(hyp.REM)
    actual = span_s - short - long
    n_short = len(wakes) - n_long
    raw = 4.9 - 0.22 * n_short - 0.45 * n_long - long / 1800 + rng.gauss(0, 0.25)
    continuity = round(clamp(raw, 1.0, 5.0), 1)
    duration = _duration_score(actual, goal_s)
    solidity = mean(
        [
            clamp(100 - long / 60 * 4, 1, 100),
            (continuity - 1) / 4 * 100,
            clamp((actual / span_s - 0.88) / 0.11 * 100, 1, 100),
        ]
    )
    regeneration = mean([clamp(rem / actual / 0.28 * 100, 1, 100), clamp(deep / actual / 0.24 * 100, 1, 100)])
    score = round(clamp(0.35 * duration + 0.35 * solidity + 0.3 * regeneration, 1, 100))
    rating = 0 if rng.random() < 0.6 else int(clamp(round(score / 20 + rng.uniform(-0.8, 0.8)), 1, 5))
    return {
        "continuity": continuity,
        "continuity_class": continuity_class(continuity),
        "light_sleep": hypno.seconds_in(hyp.LIGHTER, hyp.LIGHT),
        "deep_sleep": deep,
        "rem_sleep": rem,
        "unrecognized_sleep_stage": hypno.seconds_in(hyp.UNKNOWN),
        "sleep_score": score,
        "total_interruption_duration": short + long,
        "sleep_charge": sleep_charge(score, earlier),
        "sleep_rating": rating,
        "short_interruption_duration": short,
        "long_interruption_duration": long,
        "sleep_cycles": hypno.cycles,
        "group_duration_score": round(clamp(duration, 1, 100), 1),
        "group_solidity_score": round(clamp(solidity, 1, 100), 1),
        "group_regeneration_score": round(clamp(regeneration, 1, 100), 1),
    }


def _duration_score(actual_s: float, goal_s: int) -> float:
    """100 within [goal - 15 min, goal + 45 min]; 40 points less per hour outside it."""
    if actual_s < goal_s - 900:
        return clamp(100 - (goal_s - 900 - actual_s) / 3600 * 40, 1, 100)
    if actual_s > goal_s + 2700:
        return clamp(100 - (actual_s - goal_s - 2700) / 3600 * 40, 1, 100)
    return 100.0


def continuity_class(continuity: float) -> int:
    """5 very continuous .. 1 fragmented."""
    c = continuity
    return 1 if c < 2.0 else 2 if c < 2.8 else 3 if c < 3.5 else 4 if c < 4.2 else 5


def sleep_charge(score: float, earlier: Iterable[float]) -> int:
    """Sleep score against the earlier nights' average: 1 much below .. 5 much above usual."""
    diff = score - mean(list(earlier))
    return 1 if diff < -12 else 2 if diff < -4 else 3 if diff <= 4 else 4 if diff <= 12 else 5
