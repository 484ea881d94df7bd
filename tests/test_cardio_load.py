"""Cardio load: the arithmetic against hand-computed numbers and as properties, then over HTTP
(one entry per day, periods, late syncs, errors), validated against Polar's 2026 OpenAPI file.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openaccesslink.api.v3.cardio import months_before
from openaccesslink.core.settings import Settings
from openaccesslink.domains import cardio_load as cl
from openaccesslink.formats.model import ExerciseData, SampleSeries, SampleType
from tests.conftest import Live
from tests.test_daily import NOW, TODAY, User, days_back, error_400, ingest_simulated, new_user, valid

MAN = cl.Physiology(resting_hr=60, max_hr=180, sex="MALE")
WOMAN = cl.Physiology(resting_hr=60, max_hr=180, sex="FEMALE")
TH = cl.Thresholds()

# Hand-computed: HR 150 with rest 60 and max 180 is x = 90 / 120 = 0.75.
#   men:   0.75 * 0.64 * e^(1.92 * 0.75) = 0.48 * e^1.44   = 0.48 * 4.2206958 = 2.0259340 per minute
#   women: 0.75 * 0.86 * e^(1.67 * 0.75) = 0.645 * e^1.2525 = 0.645 * 3.4990798 = 2.2569065 per minute
MAN_150_PER_MIN = 2.0259340
WOMAN_150_PER_MIN = 2.2569065


# ---- TRIMP -----------------------------------------------------------------------------------


def test_trimp_by_hand() -> None:
    assert cl.trimp([150] * 60, 1, MAN) == pytest.approx(MAN_150_PER_MIN, abs=1e-6)
    assert cl.trimp([150] * 60, 1, WOMAN) == pytest.approx(WOMAN_150_PER_MIN, abs=1e-6)
    # 10 minutes sampled every 5 s is 120 samples of 1/12 minute
    assert cl.trimp([150] * 120, 5, MAN) == pytest.approx(10 * MAN_150_PER_MIN, abs=1e-5)
    # HR 120: x = 0.5, men 0.5 * 0.64 * e^0.96 = 0.32 * 2.6116965 = 0.8357429 per minute
    assert cl.trimp([120] * 30 + [150] * 30, 1, MAN) == pytest.approx(
        (0.8357429 + MAN_150_PER_MIN) / 2, abs=1e-6
    )
    # at or below rest adds nothing; gaps are skipped
    assert cl.trimp([60, 40, None] * 20, 1, MAN) == 0.0
    assert cl.trimp([150, None] * 60, 1, MAN) == pytest.approx(MAN_150_PER_MIN, abs=1e-6)
    # unknown sex uses the men's coefficients; a reserve of 0 has no load
    assert cl.trimp([150] * 60, 1, cl.Physiology(60, 180, None)) == cl.trimp([150] * 60, 1, MAN)
    assert cl.trimp([150] * 60, 1, cl.Physiology(180, 180, "MALE")) == 0.0


def _exercise(
    hr: list[float | None] | None, duration_s: float = 600, hr_avg: int | None = None
) -> ExerciseData:
    data = ExerciseData(datetime(2026, 10, 1, 6, tzinfo=UTC), 120, duration_s, "RUNNING", hr_avg=hr_avg)
    if hr is not None:
        data.samples[SampleType.HEART_RATE] = SampleSeries(SampleType.HEART_RATE, 1, hr)
    return data


def test_session_trimp_from_samples_else_average_else_none() -> None:
    assert cl.session_trimp(_exercise([150] * 600), MAN) == pytest.approx(10 * MAN_150_PER_MIN, abs=1e-5)
    assert cl.session_trimp(_exercise(None, 600, hr_avg=150), WOMAN) == pytest.approx(
        10 * WOMAN_150_PER_MIN, abs=1e-5
    )
    assert cl.session_trimp(_exercise(None, 600), MAN) is None
    assert cl.session_trimp(_exercise([None, None], 600, hr_avg=150), MAN) == pytest.approx(
        10 * MAN_150_PER_MIN, abs=1e-5
    )


@given(
    hr=st.lists(st.integers(30, 230), min_size=1, max_size=300),
    rest=st.integers(35, 90),
    reserve=st.integers(60, 150),
    sex=st.sampled_from(["MALE", "FEMALE", None]),
    rate=st.integers(1, 10),
)
def test_trimp_properties(hr: list[int], rest: int, reserve: int, sex: str | None, rate: int) -> None:
    who = cl.Physiology(rest, rest + reserve, sex)
    value = cl.trimp(hr, rate, who)
    assert value >= 0
    assert cl.trimp(hr + hr, rate, who) == pytest.approx(2 * value)  # additive over time
    assert cl.trimp(hr, 2 * rate, who) == pytest.approx(2 * value)  # proportional to duration
    assert cl.trimp([h + 5 for h in hr], rate, who) >= value  # harder is more
    top = cl.trimp([rest + reserve] * len(hr), rate, who)
    assert value <= top or max(hr) > rest + reserve  # below max HR, never more than all-out


# ---- status, levels, windows -----------------------------------------------------------------


def test_status_thresholds_and_their_edges() -> None:
    assert cl.status(1.0, 0.0, TH) == cl.NOT_AVAILABLE
    assert cl.status(0.0, 1.0, TH) == cl.DETRAINING
    assert cl.status(0.799, 1.0, TH) == cl.DETRAINING
    assert cl.status(0.8, 1.0, TH) == cl.MAINTAINING
    assert cl.status(0.999, 1.0, TH) == cl.MAINTAINING
    assert cl.status(1.0, 1.0, TH) == cl.PRODUCTIVE
    assert cl.status(1.5, 1.0, TH) == cl.PRODUCTIVE
    assert cl.status(1.501, 1.0, TH) == cl.OVERREACHING
    strict = cl.Thresholds.from_settings(
        Settings(cardio_detraining_below=0.5, cardio_productive_from=0.9, cardio_overreaching_above=1.2)
    )
    assert [cl.status(r, 1.0, strict) for r in (0.4, 0.6, 1.0, 1.3)] == [
        cl.DETRAINING,
        cl.MAINTAINING,
        cl.PRODUCTIVE,
        cl.OVERREACHING,
    ]
    with pytest.raises(ValueError):
        cl.Thresholds(1.2, 1.0, 1.5)
    with pytest.raises(ValueError):
        cl.Thresholds(level_multipliers=(1.0, 2.0))


def test_levels_are_multiples_of_the_mean_session() -> None:
    assert cl.levels([30.0, 60.0, 90.0], TH) == pytest.approx(
        {"very_low": 24.0, "low": 42.0, "medium": 60.0, "high": 78.0, "very-high": 96.0}
    )
    assert cl.levels([], TH) == {"very_low": 0.0, "low": 0.0, "medium": 0.0, "high": 0.0, "very-high": 0.0}


D0 = date(2026, 9, 1)


def _on(offset: int) -> date:
    return D0 + timedelta(days=offset)


def test_one_session_through_strain_and_tolerance_windows() -> None:
    """70 of load on D0 only: strain 70/7 = 10 for 7 days, tolerance 70/28 = 2.5 for 28 days."""
    days = {d.day: d for d in cl.compute(_on(-1), _on(120), {D0: [70.0]}, _on(200), TH)}
    before = days[_on(-1)]
    assert (before.status, before.strain, before.tolerance, before.ratio) == (cl.NOT_AVAILABLE, 0, 0, 0)
    first = days[D0]
    assert (first.cardio_load, first.strain, first.tolerance) == pytest.approx((70.0, 10.0, 2.5))
    assert first.ratio == pytest.approx(4.0) and first.status == cl.OVERREACHING
    assert first.levels["medium"] == pytest.approx(70.0) and first.levels["very_low"] == pytest.approx(28.0)
    sixth = days[_on(6)]
    assert (sixth.cardio_load, sixth.strain, sixth.ratio) == pytest.approx((0.0, 10.0, 4.0))
    seventh = days[_on(7)]
    assert (seventh.strain, seventh.tolerance, seventh.status) == (0.0, 2.5, cl.DETRAINING)
    assert days[_on(27)].tolerance == 2.5 and days[_on(28)].status == cl.NOT_AVAILABLE
    assert days[_on(89)].levels["medium"] == pytest.approx(70.0)  # 90 days of levels, D0 included
    assert days[_on(90)].levels["medium"] == 0.0


def test_steady_training_is_productive_and_a_week_off_detrains() -> None:
    sessions: dict[date, list[float]] = {_on(i): [50.0] for i in range(40)}
    days = {d.day: d for d in cl.compute(_on(27), _on(50), sessions, _on(60), TH)}
    steady = days[_on(39)]
    assert (steady.strain, steady.tolerance, steady.ratio, steady.status) == pytest.approx(
        (50.0, 50.0, 1.0, cl.PRODUCTIVE)
    )
    # D0+42: the last 7 days hold D36..D39 = 4 x 50; the last 28 hold 25 x 50
    later = days[_on(42)]
    assert later.strain == pytest.approx(200 / 7) and later.tolerance == pytest.approx(1250 / 28)
    assert later.ratio == pytest.approx((200 / 7) / (1250 / 28))  # 0.64
    assert later.status == cl.DETRAINING
    # D0+40: 6 x 50 in 7 days, 27 x 50 in 28: ratio (300/7)/(1350/28) = 0.889
    assert days[_on(40)].status == cl.MAINTAINING


def test_two_sessions_in_a_day_add_up_and_the_future_is_not_available() -> None:
    days = cl.compute(_on(0), _on(2), {D0: [20.0, 15.5]}, _on(1), TH)
    assert [d.status for d in days] == [cl.OVERREACHING, cl.OVERREACHING, cl.NOT_AVAILABLE]
    assert days[0].cardio_load == 35.5 and days[0].levels["medium"] == pytest.approx(17.75)
    assert days[2] == cl.CardioDay(_on(2), cl.NOT_AVAILABLE, 0.0, 0.0, 0.0, 0.0, cl.levels([], TH))


@given(
    loads=st.dictionaries(
        st.integers(-120, 40), st.lists(st.floats(0, 500, allow_nan=False), max_size=3), max_size=60
    )
)
def test_windows_properties(loads: dict[int, list[float]]) -> None:
    sessions = {_on(k): v for k, v in loads.items()}
    days = cl.compute(_on(0), _on(30), sessions, _on(30), TH)
    assert [d.day for d in days] == [_on(i) for i in range(31)]  # one entry per day
    for d in days:
        assert d.cardio_load == pytest.approx(sum(sessions.get(d.day, [])))
        assert d.strain >= 0 and d.tolerance >= 0
        assert 0 <= d.ratio <= 4 + 1e-9  # 7 days are a quarter of 28
        if d.tolerance > 0:
            assert d.ratio == pytest.approx(d.strain / d.tolerance)
            assert d.status == cl.status(d.strain, d.tolerance, TH) != cl.NOT_AVAILABLE
        else:
            assert d.status == cl.NOT_AVAILABLE and d.strain == 0
        values = [d.levels[n] for n in cl.LEVEL_NAMES]
        assert values == sorted(values) and all(v >= 0 for v in values)


def test_months_before() -> None:
    assert months_before(date(2026, 11, 1), 1) == date(2026, 10, 1)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 2) == date(2025, 11, 15)
    assert months_before(date(2028, 8, 31), 6) == date(2028, 2, 29)


# ---- over HTTP -------------------------------------------------------------------------------


def hr_exercise(start: datetime, minutes: int, hr: int, offset_minutes: int = 120) -> dict[str, Any]:
    n = minutes * 60
    return {
        "start_time": start.isoformat(),
        "utc_offset_minutes": offset_minutes,
        "duration_s": n,
        "sport": "RUNNING",
        "samples": [{"sample_type": 0, "recording_rate": 1, "values": [hr] * n}],
    }


def physical(rest: int = 60, maximum: int = 180) -> dict[str, Any]:
    return {"created": "2026-09-01T07:00:00.000Z", "maximum-heart-rate": maximum, "resting-heart-rate": rest}


def cardio(user: User, path: str = "/v3/users/cardio-load", **params: str) -> list[dict[str, Any]]:
    r = user.get(path, **params)
    assert r.status_code == 200, r.text
    valid("cardio-load-schema", r.json())
    return list(r.json())


def by_date(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["date"]: e for e in entries}


def test_cardio_load_of_a_session_by_hand(live: Live) -> None:
    user = new_user(live, sex="MALE")
    user.sync("physical-information", physical())
    day = days_back(3)
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)  # 08:00 local (+02:00)
    user.sync("exercises", hr_exercise(start, 10, 150))
    entries = cardio(user)
    assert [e["date"] for e in entries] == [days_back(k).isoformat() for k in range(27, -1, -1)]
    load = 10 * MAN_150_PER_MIN  # 20.259
    assert by_date(entries)[day.isoformat()] == {
        "date": day.isoformat(),
        "cardio_load_status": "OVERREACHING",
        "cardio_load": 20.3,
        "strain": round(load / 7, 1),  # 2.9
        "tolerance": round(load / 28, 1),  # 0.7
        "cardio_load_ratio": 4.0,
        "cardio_load_level": {
            "very_low": round(0.4 * load, 1),  # 8.1
            "low": round(0.7 * load, 1),  # 14.2
            "medium": 20.3,
            "high": round(1.3 * load, 1),  # 26.3
            "very-high": round(1.6 * load, 1),  # 32.4
        },
    }
    assert {e["cardio_load_status"] for e in entries if e["date"] < day.isoformat()} == {
        "LOAD_STATUS_NOT_AVAILABLE"
    }
    after = by_date(entries)[TODAY.isoformat()]
    assert after["cardio_load"] == 0.0 and after["strain"] == 2.9 and after["cardio_load_ratio"] == 4.0

    # a woman's session of the same heart rate weighs more (0.86 e^1.67x against 0.64 e^1.92x)
    her = new_user(live, sex="FEMALE")
    her.sync("physical-information", physical())
    her.sync("exercises", hr_exercise(start, 10, 150))
    assert by_date(cardio(her))[day.isoformat()]["cardio_load"] == round(10 * WOMAN_150_PER_MIN, 1)  # 22.6


def test_resting_heart_rate_defaults_to_60_and_the_local_date_counts(live: Live) -> None:
    user = new_user(live, sex="MALE")
    user.sync("physical-information", {"created": "2026-09-01T07:00:00.000Z", "maximum-heart-rate": 180})
    # 23:30 UTC is 01:30 the next day at +02:00: the load belongs to that local date
    late = datetime(2026, 10, 27, 23, 30, tzinfo=UTC)
    user.sync("exercises", hr_exercise(late, 10, 150))
    entries = by_date(
        cardio(user, "/v3/users/cardio-load/date", **{"from": "2026-10-27", "to": "2026-10-28"})
    )
    assert entries["2026-10-27"]["cardio_load"] == 0.0
    assert entries["2026-10-28"]["cardio_load"] == 20.3  # rest 60 by default: the same x = 0.75


def test_a_late_sync_of_an_old_exercise_changes_the_following_days(live: Live) -> None:
    user = new_user(live, sex="MALE")
    user.sync("physical-information", physical())
    daily = 10 * MAN_150_PER_MIN  # 10 minutes at 150 every day of days_back(20..1): 20.259 a day
    loads = {k: daily for k in range(20, 0, -1)}
    for k in loads:
        d = days_back(k)
        user.sync("exercises", hr_exercise(datetime(d.year, d.month, d.day, 6, tzinfo=UTC), 10, 150))
    span = {"from": days_back(14).isoformat(), "to": TODAY.isoformat()}
    before = by_date(cardio(user, "/v3/users/cardio-load/date", **span))
    assert before[days_back(1).isoformat()]["strain"] == 20.3  # 7 x 20.259 / 7
    assert before[days_back(1).isoformat()]["tolerance"] == 14.5  # 20 x 20.259 / 28
    assert before[TODAY.isoformat()]["strain"] == round(6 * daily / 7, 1)  # 17.4

    live.clock.advance(hours=1)
    old = days_back(5)  # a second session that day, 30 minutes at 150, synced only now
    user.sync("exercises", hr_exercise(datetime(old.year, old.month, old.day, 16, tzinfo=UTC), 30, 150))
    loads[5] += 30 * MAN_150_PER_MIN
    after = by_date(cardio(user, "/v3/users/cardio-load/date", **span))
    for k in range(14, -1, -1):
        day = days_back(k).isoformat()
        if k > 5:
            assert after[day] == before[day], day  # the days before it are as they were
            continue
        strain = sum(loads.get(j, 0.0) for j in range(k, k + 7)) / 7
        tolerance = sum(loads.get(j, 0.0) for j in range(k, k + 28)) / 28
        assert (after[day]["strain"], after[day]["tolerance"]) == (round(strain, 1), round(tolerance, 1)), day
        assert after[day] != before[day], day
    assert after[old.isoformat()]["cardio_load"] == round(40 * MAN_150_PER_MIN, 1)  # 81.0


def test_periods_dates_and_errors(live: Live) -> None:
    user = new_user(live)
    assert [e["date"] for e in cardio(user, "/v3/users/cardio-load/period/days/1")] == [TODAY.isoformat()]
    assert len(cardio(user, "/v3/users/cardio-load/period/days/180")) == 180
    month = cardio(user, "/v3/users/cardio-load/period/months/1")
    assert (month[0]["date"], month[-1]["date"], len(month)) == ("2026-10-02", "2026-11-01", 31)
    six = cardio(user, "/v3/users/cardio-load/period/months/6/")
    assert (six[0]["date"], len(six)) == ("2026-05-02", 184)
    for bad in ("days/0", "days/181", "days/x", "days/-1", "months/0", "months/7", "months/1.5"):
        error_400(user.get(f"/v3/users/cardio-load/period/{bad}"))
    one = cardio(user, "/v3/users/cardio-load/2026-10-15")
    assert [e["date"] for e in one] == ["2026-10-15"] and one[0][
        "cardio_load_status"
    ] == "LOAD_STATUS_NOT_AVAILABLE"
    error_400(user.get("/v3/users/cardio-load/2026-10-32"), "date")
    ranged = cardio(user, "/v3/users/cardio-load/date", **{"from": "2026-10-03", "to": "2026-10-31"})
    assert len(ranged) == 29  # 28 days between from and to: 29 dates
    error_400(user.get("/v3/users/cardio-load/date", **{"from": "2026-10-02", "to": "2026-10-31"}), "28 days")
    error_400(user.get("/v3/users/cardio-load/date", **{"from": "2026-10-20", "to": "2026-10-02"}), "after")
    error_400(user.get("/v3/users/cardio-load/date", **{"from": "2026-10-20"}), "to is required")
    future = by_date(cardio(user, "/v3/users/cardio-load/date", **{"from": "2026-10-30", "to": "2026-11-05"}))
    assert len(future) == 7 and future["2026-11-05"]["cardio_load_status"] == "LOAD_STATUS_NOT_AVAILABLE"


def test_the_window_moves_with_the_clock(live: Live) -> None:
    user = new_user(live, sex="MALE")
    user.sync("physical-information", physical())
    user.sync("exercises", hr_exercise(datetime(2026, 10, 30, 6, tzinfo=UTC), 10, 150))
    first = cardio(user)
    assert (first[0]["date"], first[-1]["date"]) == ("2026-10-05", "2026-11-01")
    assert by_date(first)["2026-10-30"]["cardio_load"] == 20.3
    live.clock.set(NOW + timedelta(days=27))
    later = cardio(user)
    assert (later[0]["date"], later[-1]["date"]) == ("2026-11-01", "2026-11-28")
    assert later[0]["tolerance"] == 0.7 and later[-1]["cardio_load_status"] == "LOAD_STATUS_NOT_AVAILABLE"
    live.clock.set(NOW + timedelta(days=89 + 1))
    # the session is outside the 90 days of levels for the newest day, inside for the oldest
    assert cardio(user, "/v3/users/cardio-load/2027-01-27")[0]["cardio_load_level"]["medium"] == 20.3
    assert cardio(user, "/v3/users/cardio-load/2027-01-28")[0]["cardio_load_level"]["medium"] == 0.0
    live.clock.set(NOW)


def test_a_session_synced_after_now_is_not_counted_yet(live: Live) -> None:
    user = new_user(live, NOW + timedelta(hours=3), sex="MALE")
    user.sync("exercises", hr_exercise(datetime(2026, 10, 31, 6, tzinfo=UTC), 10, 150))
    live.clock.set(NOW)
    assert by_date(cardio(user))["2026-10-31"]["cardio_load"] == 0.0
    live.clock.set(NOW + timedelta(hours=3))
    assert by_date(cardio(user))["2026-10-31"]["cardio_load"] > 0


def test_ratio_rounds_and_is_bounded_on_a_mixed_month(live: Live) -> None:
    user = new_user(live, sex="FEMALE")
    user.sync("physical-information", physical(rest=50, maximum=190))
    for k, (minutes, hr) in enumerate([(30, 140), (45, 160), (20, 175), (60, 120), (15, 185)]):
        d = days_back(3 * k + 1)
        user.sync("exercises", hr_exercise(datetime(d.year, d.month, d.day, 7, tzinfo=UTC), minutes, hr))
    entries = cardio(user)
    for e in entries:
        assert 0 <= e["cardio_load_ratio"] <= 4
        if e["tolerance"] > 0:
            assert e["cardio_load_ratio"] == pytest.approx(e["strain"] / e["tolerance"], abs=0.1)
        levels = list(e["cardio_load_level"].values())
        assert levels == sorted(levels)
    x = (175 - 50) / 140
    expected = 20 * x * 0.86 * math.exp(1.67 * x)
    assert by_date(entries)[days_back(7).isoformat()]["cardio_load"] == round(expected, 1)


@settings(
    max_examples=3,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(0, 100_000))
def test_simulated_training_load_is_what_the_server_computes(live: Live, seed: int) -> None:
    """The simulator writes Banister's TRIMP of each session (`training_load`, to 0.1) from the
    profile's resting and maximum heart rate: the server must find the same from the synced
    exercises and physical information."""
    user, sim = ingest_simulated(live, seed, 40, days_back(1))
    per_day: dict[str, list[float]] = {}
    for item in sim.items:
        if item.family == "exercise":
            assert isinstance(item.payload, ExerciseData)
            if item.payload.training_load is not None:
                day = item.payload.start_time_local.date().isoformat()
                per_day.setdefault(day, []).append(item.payload.training_load)
    entries = cardio(user)
    for e in entries:
        expected = per_day.get(e["date"], [])
        assert e["cardio_load"] == pytest.approx(sum(expected), abs=0.05 * len(expected) + 0.051), e
        seven = [
            t
            for k in range(7)
            for t in per_day.get((date.fromisoformat(e["date"]) - timedelta(days=k)).isoformat(), [])
        ]
        assert e["strain"] == pytest.approx(sum(seven) / 7, abs=0.05 * len(seven) / 7 + 0.051), e
    if any(d >= days_back(27).isoformat() for d in per_day):
        last = entries[-1]
        assert last["cardio_load_status"] != "LOAD_STATUS_NOT_AVAILABLE"
        recent = [t for d, ts in per_day.items() if d >= days_back(89).isoformat() for t in ts]
        assert last["cardio_load_level"]["medium"] == pytest.approx(sum(recent) / len(recent), abs=0.11)
