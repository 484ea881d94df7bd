"""1 Hz physiology and motion of one session, from its effort profile.

- Heart rate: first-order lag (time constant 30 s) towards resting + effort x reserve,
  with slow cardiac drift; it recovers towards an easy level during pauses.
- Running speed: effort x VO2 reserve through the running cost (0.19 ml/kg/m, an
  economical runner), slower uphill, faster downhill, a few seconds of inertia.
- Cycling power: effort x VO2 reserve through the ACSM cycling cost; speed solves
  P = v (Crr m g + m g grade + 0.5 rho CdA v^2) exactly (the cubic's positive root),
  with a few seconds of inertia.
- Cadence follows speed (running, 150-190 spm) or the share of maximal power (cycling,
  70-100 rpm).
- RR intervals: one per beat, 60000 / HR with beat-to-beat variability that shrinks
  at high effort; an occasional None marks a dropout of the chest strap.
"""

from __future__ import annotations

import math
import operator
import random
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, repeat

from openaccesslink.sim.profile import Profile

HR_TAU_S = 30.0
G = 9.81


def heart_rate(
    profile: Profile, effort: list[float], pauses: dict[int, int], rng: random.Random
) -> list[int]:
    rest, hrr, top = profile.resting_hr, profile.hr_reserve, profile.max_hr
    alpha = 1 - math.exp(-1 / HR_TAU_S)
    drift = 5.0 / 3600  # bpm per second at full effort
    a, b = rest + 0.08 * hrr, 0.92 * hrr
    easy = rest + 0.2 * hrr
    h = rest + 0.18 * hrr
    smooth: list[float] = []
    append = smooth.append
    rnd = rng.random
    cuts = [0, *sorted(p for p in pauses if 0 < p < len(effort)), len(effort)]
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        if lo in pauses:  # the heart recovers while the watch is paused
            h = easy + (h - easy) * math.exp(-pauses[lo] / 60)
        gain = b + drift * lo
        for e in effort[lo:hi]:
            h += (a + gain * e - h) * alpha
            append(h + 2 * rnd() - 0.5)  # +-1 bpm of noise, truncated below
            gain += drift
    noisy = list(map(int, smooth))
    return noisy if max(noisy, default=0) <= top else [v if v < top else top for v in noisy]


def rr_intervals(hr: list[int], effort: list[float], rng: random.Random) -> list[float | None]:
    """One RR interval (ms) per beat over the moving time, None for a strap dropout.

    Each beat lasts 60000 / HR of the second it starts in, +- a variability that shrinks
    when working hard.
    """
    n = len(hr)
    base = [60000.0 / h for h in hr]
    spread = [b * 0.07 * (1.05 - e) for b, e in zip(base, effort, strict=True)]
    gaps = sorted(int(rng.uniform(0, n)) for _ in range(rng.choice([0, 0, 1, 1, 2, 3])))
    beats: list[float] = []
    append = beats.append
    dropouts: list[int] = []  # positions in `beats` where the strap lost contact
    rnd = rng.random
    t, i = 0.0, 0  # t: ms into the current second i
    for stop in [*gaps, n]:
        while i < stop:
            rr = base[i] + spread[i] * (rnd() - 0.5)
            append(rr)
            t += rr
            while t >= 1000.0:
                t -= 1000.0
                i += 1
        if stop < n and not (dropouts and dropouts[-1] == len(beats)):
            dropouts.append(len(beats))
            i += 2 + int(8 * rnd())
    out: list[float | None] = list(map(round, beats))
    for k in reversed(dropouts):
        out.insert(k, None)
    return out


def smooth(values: list[float], tau_s: float, noise: float, rng: random.Random, scale: float) -> list[float]:
    """First-order lag (time constant `tau_s`) with multiplicative noise (+- noise/2), rounded to 1/scale."""
    a = 1 - math.exp(-1 / tau_s)
    s = values[0] if values else 0.0
    out: list[float] = []
    append = out.append
    for v, m in zip(values, _tiled_noise(rng, noise * scale, len(values), scale), strict=True):
        s += (v - s) * a
        append((s * m + 0.5) // 1 / scale)
    return out


def _tiled_noise(rng: random.Random, spread: float, n: int, center: float = 1.0) -> list[float]:
    """n multipliers center +- spread/2: 1009 random ones repeated (no one will spot the pattern)."""
    table = [center + spread * (rng.random() - 0.5) for _ in range(min(n, 1009))]
    return (table * (n // len(table) + 1))[:n] if table else []


def cumulative_m(speeds_kmh: list[float]) -> list[float]:
    """Distance (m) at each sample: 0 at the first, then + speed[k] / 3.6 per second."""
    return list(accumulate(map(operator.mul, speeds_kmh[1:], repeat(1 / 3.6)), initial=0.0))


def run_speeds(profile: Profile, effort: list[float]) -> list[float]:
    """Flat-ground running speed (km/h) at each effort."""
    k = (profile.vo2max - 3.5) * 0.06 / 0.19  # VO2 = 3.5 + 0.19 * v[m/min] (an economical runner)
    return [e * k for e in effort]


def graded_run(speeds: list[float], grades: list[float], rng: random.Random) -> list[float]:
    """Flat speeds slowed uphill (/(1 + 8 x grade)) and sped up downhill (x (1 - 3 x grade)),
    with 3 s of inertia and +-1.5 % noise, in 0.1 km/h."""
    factors = [1 / (1 + 8 * g) if g > 0 else 1 - 3 * g for g in grades]
    return smooth(list(map(operator.mul, speeds, factors)), 3.0, 0.03, rng, 10)


def ride_powers(profile: Profile, effort: list[float], rng: random.Random) -> list[int]:
    """Cycling power (W, whole) at each effort: VO2 = 7 + 11 * P / kg (ACSM leg cycling).

    Positive for every effort >= 0.2 because VO2max >= 25.
    """
    k = profile.weight_kg / 11.0
    c0, c1 = (3.5 - 7) * k, (profile.vo2max - 3.5) * k
    rnd = rng.random
    return list(map(int, [(c0 + c1 * e) * (0.94 + 0.12 * rnd()) + 0.5 for e in effort]))


def max_power(profile: Profile) -> int:
    """Power at VO2max (W)."""
    return round((profile.vo2max - 7) * profile.weight_kg / 11.0)


def ride_speeds(profile: Profile, powers: Sequence[float]) -> list[float]:
    """Flat-road speed (km/h) each power sustains (the cubic solved once per distinct power)."""
    mass = profile.weight_kg + 9
    k3, k1 = _K3, mass * G * _CRR
    table = {p: 3.6 * _cubic_root(p, k1, k3) for p in set(powers)}
    return [table[p] for p in powers]


def graded_ride_speeds(profile: Profile, powers: Sequence[float], grades: list[float]) -> list[float]:
    """Speed (km/h) the mean power of each 5 s sustains on its grade, at most 65 km/h (the rider brakes).

    The bike's inertia (see `smooth`) blends the 5 s steps.
    """
    mg = (profile.weight_kg + 9) * G
    k1 = mg * _CRR
    out: list[float] = []
    for i in range(0, len(powers), 5):
        chunk = powers[i : i + 5]
        v = 3.6 * _cubic_root(sum(chunk) / len(chunk), k1 + mg * grades[i + len(chunk) // 2], _K3)
        out += [v if v < 65.0 else 65.0] * len(chunk)
    return out


def _cubic_root(power: float, lin: float, k3: float) -> float:
    """The positive root v of k3 v^3 + lin v = power (lin < 0 downhill; one positive root either way)."""
    p, half_q = lin / k3, power / (2 * k3)
    disc = half_q * half_q + p * p * p / 27
    if disc >= 0:
        root = math.sqrt(disc)
        low = root - half_q
        return float((half_q + root) ** (1 / 3) - (low ** (1 / 3) if low >= 0 else -((-low) ** (1 / 3))))
    r = math.sqrt(-p / 3)
    return 2 * r * math.cos(math.acos(half_q / (r * r * r)) / 3)


_K3 = 0.5 * 1.2 * 0.32  # 0.5 * air density * CdA of a road cyclist
_CRR = 0.005


def swim_speeds(profile: Profile, effort: list[float], resting: list[bool]) -> list[float]:
    k = 0.75 + 0.35 * profile.fitness
    return [0.0 if r else (1.2 + 2.6 * e) * k for e, r in zip(effort, resting, strict=True)]


def run_cadence(speeds: list[float]) -> list[int]:
    """Steps per minute, rising with speed (and its noise), 150-190."""
    table = {v: min(190, max(150, int(126.6 + 3.2 * v))) for v in set(speeds)}
    return [table[v] for v in speeds]


def ride_cadence(powers: list[int], top: int) -> list[int]:
    """Crank revolutions per minute, rising with the share of maximal power (and its noise), 70-100."""
    raw = [70 + 25 * p // top for p in powers]
    return [c if c < 100 else 100 for c in raw]


def trimp(profile: Profile, hr: list[int]) -> float:
    """Banister's exponential TRIMP (training impulse), one term per second."""
    rest, hrr = profile.resting_hr, profile.hr_reserve
    c, b = (0.64, 1.92) if profile.sex == "MALE" else (0.86, 1.67)
    total = 0.0
    for h, count in Counter(hr).items():
        x = (h - rest) / hrr
        if x > 0:
            total += count * x * math.exp(b * x)
    return total * c / 60


def keytel_kcal(profile: Profile, hr_avg: float, minutes: float, age: int) -> float:
    """Energy from average heart rate (Keytel et al. 2005), kcal."""
    w = profile.weight_kg
    if profile.sex == "MALE":
        per_min = (-55.0969 + 0.6309 * hr_avg + 0.1988 * w + 0.2017 * age) / 4.184
    else:
        per_min = (-20.4022 + 0.4472 * hr_avg - 0.1263 * w + 0.074 * age) / 4.184
    return max(per_min, 1.2 * w / 60) * minutes
