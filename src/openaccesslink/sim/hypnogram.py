"""Sleep architecture: ~90-minute cycles, more deep sleep early in the night, more REM late.

Stages use the AccessLink hypnogram codes: 0 WAKE, 1 REM, 2 LIGHTER NON-REM (N1),
3 LIGHT NON-REM (N2), 4 DEEP NON-REM (N3), 5 UNKNOWN. Every stage run lasts a whole
number of minutes (two or more 30 s epochs), so the 'HH:MM' keys of the hypnogram map
never collide. A one-minute wake is a short interruption (< 90 s); two minutes or more
is a long one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

WAKE, REM, LIGHTER, LIGHT, DEEP, UNKNOWN = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Hypnogram:
    runs: tuple[tuple[int, int], ...]  # (stage, minutes), consecutive stages differ
    cycles: int

    def seconds_in(self, *stages: int) -> int:
        return 60 * sum(m for s, m in self.runs if s in stages)

    def wakes(self) -> list[int]:
        """Minutes of each interruption (wake run)."""
        return [m for s, m in self.runs if s == WAKE]

    @cached_property
    def by_minute(self) -> list[int]:
        """The stage of every minute of the night."""
        return [stage for stage, minutes in self.runs for _ in range(minutes)]

    def starts(self) -> list[tuple[int, int]]:
        """(offset in seconds from sleep start, stage) of every stage change."""
        out, t = [], 0
        for stage, minutes in self.runs:
            out.append((t, stage))
            t += 60 * minutes
        return out


def build(rng: random.Random, span_min: int) -> Hypnogram:
    """A night of `span_min` minutes from falling asleep to waking up."""
    count = max(3, round(span_min / rng.uniform(86, 98)))
    raw = [rng.uniform(80, 105) for _ in range(count)]
    scale = span_min / sum(raw)
    lengths = [max(30, int(x * scale)) for x in raw]
    lengths[-1] += span_min - sum(lengths)
    runs: list[tuple[int, int]] = []
    for i, length in enumerate(lengths):
        runs += _cycle(rng, i, length, last=i == count - 1)
    if rng.random() < 0.15:
        runs = _unknown_patch(rng, runs)
    return Hypnogram(tuple(_fit(_merge(runs), span_min)), count)


def _cycle(rng: random.Random, i: int, length: int, last: bool) -> list[tuple[int, int]]:
    n1 = rng.randint(3, 7) if i == 0 else rng.randint(1, 3)
    deep = round(length * max(0.0, 0.42 - 0.12 * i) * rng.uniform(0.75, 1.2))
    rem = round(length * min(0.4, 0.08 + 0.085 * i) * rng.uniform(0.8, 1.2))
    wake = 0
    if not last:
        r = rng.random()
        wake = 1 if r < 0.45 else rng.randint(2, 7) if r < 0.65 else 0
    n2 = length - n1 - deep - rem - wake
    if n2 < 4:  # a short cycle: give up deep sleep first
        deep = max(0, deep + n2 - 4)
        n2 = length - n1 - deep - rem - wake
    before = max(1, int(n2 * rng.uniform(0.45, 0.7)))
    after = n2 - before
    runs = [(LIGHTER, n1), (LIGHT, before), (DEEP, deep)]
    if after >= 6 and rng.random() < 0.3:  # a brief arousal in the middle of the cycle
        runs += [(LIGHT, after // 2), (WAKE, 1), (LIGHT, after - after // 2 - 1)]
    else:
        runs.append((LIGHT, after))
    runs += [(REM, rem), (WAKE, wake)]
    return [(s, m) for s, m in runs if m > 0]


def _unknown_patch(rng: random.Random, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Bad skin contact: part of one light-sleep run becomes UNKNOWN."""
    light = [k for k, (s, m) in enumerate(runs) if s == LIGHT and m >= 6]
    if not light:
        return runs
    k = rng.choice(light)
    minutes = runs[k][1]
    patch = rng.randint(2, minutes - 2)
    return [*runs[:k], (UNKNOWN, patch), (LIGHT, minutes - patch), *runs[k + 1 :]]


def _merge(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for stage, minutes in runs:
        if out and out[-1][0] == stage:
            out[-1] = (stage, out[-1][1] + minutes)
        else:
            out.append((stage, minutes))
    return out


def _fit(runs: list[tuple[int, int]], span_min: int) -> list[tuple[int, int]]:
    """Make the runs add up to exactly `span_min`, never ending on a wake run."""
    while runs and runs[-1][0] == WAKE:
        runs.pop()
    diff = span_min - sum(m for _, m in runs)
    while diff < 0:
        stage, minutes = runs[-1]
        take = min(-diff, minutes - 1) if len(runs) == 1 else min(-diff, minutes)
        runs[-1] = (stage, minutes - take)
        diff += take
        if runs[-1][1] == 0:
            runs.pop()
    if diff > 0:
        stage, minutes = runs[-1]
        runs[-1] = (stage, minutes + diff)
    while runs and runs[-1][0] == WAKE:  # trimming may expose a wake run: fold it into REM
        _, minutes = runs.pop()
        runs[-1] = (runs[-1][0], runs[-1][1] + minutes)
    return _merge(runs)
