"""Athlete profiles drawn from a seed: body, physiology, device, home, habits."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openaccesslink.sim.common import clamp, sub_rng, utc_offset_minutes

DEFAULT_HOME = (64.91, 25.50)  # Kempele, next to Oulu, Finland

# Watches and what they measure. Elixir biosensing (wrist ECG, SpO2, sleep skin temperature)
# is only on the newest models.
DEVICE_MODELS: dict[str, bool] = {
    "Polar Vantage V3": True,
    "Polar Grit X2 Pro": True,
    "Polar Pacer Pro": False,
    "Polar Ignite 3": False,
}
DEVICE_WEIGHTS = [30, 25, 25, 20]
HR_STRAP = "Polar H10"

ARCHETYPES: dict[str, dict[str, float]] = {
    "runner": {"RUN": 0.85, "STRENGTH": 0.15},
    "cyclist": {"RIDE": 0.6, "INDOOR_RIDE": 0.25, "RUN": 0.05, "STRENGTH": 0.1},
    "triathlete": {"RUN": 0.35, "RIDE": 0.3, "INDOOR_RIDE": 0.1, "SWIM": 0.25},
    "gym": {"STRENGTH": 0.55, "RUN": 0.2, "INDOOR_RIDE": 0.25},
    "casual": {"RUN": 0.5, "RIDE": 0.2, "STRENGTH": 0.2, "SWIM": 0.1},
}

_FIRST = {
    "MALE": ["Mikko", "Juha", "Antti", "Ville", "Janne", "Lauri", "Eero", "Aleksi", "Otto", "Matti"],
    "FEMALE": ["Anna", "Laura", "Sanna", "Emilia", "Aino", "Kaisa", "Noora", "Heidi", "Elina", "Sofia"],
}
_LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen"]


@dataclass(frozen=True)
class Profile:
    """One simulated user. Times of day are seconds after local midnight."""

    index: int
    key: str  # seed key every other generator of this user derives from
    first_name: str
    last_name: str
    sex: str  # "MALE" | "FEMALE", as AccessLink writes it
    birthdate: date
    weight_kg: float
    height_cm: float
    resting_hr: int
    max_hr: int
    vo2max: int
    fitness: float  # 0 (untrained) .. 1 (very fit)
    device_model: str
    device_id: str  # 8 upper-case hex characters
    uses_hr_strap: bool  # owns a Polar H10 and wears it for most sessions (gives RR intervals)
    home_lat: float
    home_lon: float
    home_altitude_m: float
    tz_standard_minutes: int
    observes_dst: bool
    archetype: str
    sessions_per_week: int
    session_slot: str  # "morning" | "lunch" | "evening"
    sleep_onset_s: int  # habitual sleep onset, seconds after the local midnight that starts the night
    sleep_need_s: int
    sleep_goal_s: int
    daily_steps: int  # typical steps outside training
    activity_goal: float  # weighted active minutes that make 100 % daily activity
    rmssd_ms: float  # typical night HRV
    breathing_rate: float  # typical night breathing rate
    skin_temp_c: float  # typical sleep-time wrist skin temperature
    ecg_per_day: float  # chance of a wrist ECG test on a given day
    spo2_per_day: float
    cycle_phase_day: int  # menstrual-cycle phase (used for skin temperature; 0 for men)

    @property
    def has_biosensing(self) -> bool:
        return DEVICE_MODELS[self.device_model]

    @property
    def hr_reserve(self) -> int:
        return self.max_hr - self.resting_hr

    @property
    def aerobic_threshold(self) -> int:
        return round(self.resting_hr + 0.6 * self.hr_reserve)

    @property
    def anaerobic_threshold(self) -> int:
        return round(self.resting_hr + 0.85 * self.hr_reserve)

    def age_on(self, day: date) -> int:
        years = day.year - self.birthdate.year
        return years - ((day.month, day.day) < (self.birthdate.month, self.birthdate.day))

    def utc_offset(self, day: date) -> int:
        return utc_offset_minutes(day, self.tz_standard_minutes, self.observes_dst)

    def bmr_kcal(self, day: date) -> float:
        """Basal metabolic rate per day (Mifflin-St Jeor)."""
        base = 10 * self.weight_kg + 6.25 * self.height_cm - 5 * self.age_on(day)
        return base + (5 if self.sex == "MALE" else -161)


def make_profile(
    seed: int,
    index: int,
    reference_day: date,
    home: tuple[float, float] = DEFAULT_HOME,
    tz_standard_minutes: int = 120,
    observes_dst: bool = True,
) -> Profile:
    """The profile of user `index` of `seed`; independent of how many users are simulated."""
    key = f"{seed}:{index}"
    rng = sub_rng(key, "profile")
    sex = "MALE" if rng.random() < 0.55 else "FEMALE"
    age = rng.randint(20, 62)
    birthdate = reference_day - timedelta(days=age * 365 + rng.randint(30, 330))
    fitness = clamp(rng.betavariate(2.2, 2.0), 0.05, 0.98)
    height, weight = _body(rng, sex, fitness)
    max_hr = round(clamp(208 - 0.7 * age + rng.gauss(0, 5), 160, 205))
    resting = round(clamp(68 - 22 * fitness + rng.gauss(0, 4), 38, 80))
    vo2 = _vo2max(rng, sex, age, fitness)
    model = rng.choices(list(DEVICE_MODELS), weights=DEVICE_WEIGHTS)[0]
    archetype = rng.choice(list(ARCHETYPES))
    return Profile(
        index=index,
        key=key,
        first_name=rng.choice(_FIRST[sex]),
        last_name=rng.choice(_LAST),
        sex=sex,
        birthdate=birthdate,
        weight_kg=weight,
        height_cm=height,
        resting_hr=resting,
        max_hr=max_hr,
        vo2max=vo2,
        fitness=fitness,
        device_model=model,
        device_id=f"{rng.getrandbits(32):08X}",
        uses_hr_strap=rng.random() < 0.35,
        home_lat=round(home[0] + rng.uniform(-0.03, 0.03), 6),
        home_lon=round(home[1] + rng.uniform(-0.06, 0.06), 6),
        home_altitude_m=round(rng.uniform(8, 60), 1),
        tz_standard_minutes=tz_standard_minutes,
        observes_dst=observes_dst,
        archetype=archetype,
        sessions_per_week=_sessions_per_week(rng, archetype, fitness),
        session_slot=rng.choices(["morning", "lunch", "evening"], weights=[3, 1, 5])[0],
        sleep_onset_s=round(clamp(rng.gauss(23.0, 0.5), 21.75, 24.5) * 3600),
        sleep_need_s=round(clamp(rng.gauss(7.6, 0.5), 6.5, 9.0) * 3600),
        sleep_goal_s=int(rng.choice([7, 7.5, 8, 8, 8.5]) * 3600),
        daily_steps=round(rng.uniform(4000, 9000)),
        activity_goal=rng.uniform(260, 380),
        rmssd_ms=round(clamp(rng.gauss(85 - 0.9 * age + 25 * fitness, 10), 15, 130), 1),
        breathing_rate=round(rng.uniform(12.5, 16.0), 1),
        skin_temp_c=round(rng.uniform(33.6, 34.9), 2),
        ecg_per_day=rng.choice([0.0, 0.05, 0.15]),
        spo2_per_day=rng.choice([0.0, 0.08, 0.2]),
        cycle_phase_day=rng.randrange(28) if sex == "FEMALE" else 0,
    )


def _body(rng: random.Random, sex: str, fitness: float) -> tuple[float, float]:
    height = rng.gauss(180, 7) if sex == "MALE" else rng.gauss(166, 6)
    bmi = clamp(rng.gauss(25.5 - 3.5 * fitness, 2.2), 18.5, 34)
    return round(height, 1), round(bmi * (height / 100) ** 2, 1)


def _vo2max(rng: random.Random, sex: str, age: int, fitness: float) -> int:
    base = 36 + 28 * fitness - 0.2 * (age - 25)
    if sex == "FEMALE":
        base *= 0.9
    return round(clamp(base + rng.gauss(0, 2.5), 25, 78))


def _sessions_per_week(rng: random.Random, archetype: str, fitness: float) -> int:
    extra = 1 if archetype in ("triathlete", "cyclist") else 0
    return int(clamp(math.floor(2 + 3 * fitness + rng.random()) + extra, 3, 6))


def physical_information(
    profile: Profile, weight_kg: float, created: datetime, measured: bool
) -> dict[str, Any]:
    """A `physical-information` body without the server's id, transaction id and user link."""
    return {
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "weight": weight_kg,
        "height": profile.height_cm,
        "maximum-heart-rate": profile.max_hr,
        "resting-heart-rate": profile.resting_hr,
        "aerobic-threshold": profile.aerobic_threshold,
        "anaerobic-threshold": profile.anaerobic_threshold,
        "vo2-max": profile.vo2max,
        "weight-source": "SOURCE_MEASURED" if measured else "SOURCE_USER",
    }
