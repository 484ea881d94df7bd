"""Deterministic simulator of Polar wearable data (pure Python: no I/O, no clock).

    for user in simulate(seed=1, users=10, days=30, end_date=date(2026, 11, 1)):
        user.profile                      # Profile: body, physiology, device, home
        for family, synced_at, payload in user.items:
            ...                           # ExerciseData for "exercise", dicts otherwise

Conventions the consumer relies on:

- Order: items come in sync order, `synced_at` aware UTC (see `generate`). A local day is
  completed at the next morning's sync; earlier "activity" items of the day are partial.
- Dicts follow the OpenAPI component schema in `SCHEMAS[family]` and leave out what the
  server assigns: `polar_user` / `polar-user`, `id`, `transaction-id`.
- Dates are the user's local dates. Sleep times carry the local offset; activity start and
  end times are the device's local time; SleepWise and biosensing times are UTC without a
  suffix, as the examples show; ECG/SpO2 `test_time` is epoch seconds.
- Continuous heart rate is a list of {heart_rate, sample_time} (the doc's shape), every
  5 minutes at the device's own phase, with no samples while the watch is off the wrist.
- Exercises: 1 Hz samples cover moving time only; pauses are `Pause`s on the wall clock;
  `sample_offsets(ex)` gives every sample's wall-clock offset (see `exercise`).
"""

from openaccesslink.sim.exercise import sample_offsets
from openaccesslink.sim.generate import FAMILIES, SCHEMAS, SimItem, SimUser, simulate, simulate_user
from openaccesslink.sim.profile import DEFAULT_HOME, Profile

__all__ = [
    "DEFAULT_HOME",
    "FAMILIES",
    "SCHEMAS",
    "Profile",
    "SimItem",
    "SimUser",
    "sample_offsets",
    "simulate",
    "simulate_user",
]
