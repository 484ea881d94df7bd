"""Dynamic rate limits: the formula, both windows, headers on every response, 429, moved by the Clock."""

from __future__ import annotations

from datetime import timedelta

import httpx

from openaccesslink.core.clock import FakeClock
from openaccesslink.core.settings import Settings
from openaccesslink.domains.ratelimit import RateLimiter
from tests.conftest import Live
from tests.flows import link


def _header(r: httpx.Response, name: str) -> tuple[int, int]:
    short, long = r.headers[name].split(",")
    return int(short), int(long)


def test_headers_429_and_short_window_reset_over_http(live: Live) -> None:
    linked = link(live.base_url)  # the first request fixes today's limits: 0 users registered then
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    with httpx.Client(headers=linked.bearer) as http:
        r = http.get(me)
        used_short, used_long = _header(r, "RateLimit-Usage")
        assert _header(r, "RateLimit-Limit") == (500, 5000)
        assert _header(r, "RateLimit-Reset") == (900, 86400)
        for _ in range(500 - used_short):
            r = http.get(me)
        assert r.status_code == 200 and _header(r, "RateLimit-Usage")[0] == 500
        refused = http.get(me)
        assert refused.status_code == 429
        assert refused.json()["error"]["error_type"] == "TooManyRequestsException"
        assert _header(refused, "RateLimit-Usage") == (500, used_long + 500 - used_short + 1)
        live.clock.advance(minutes=14, seconds=59)
        assert http.get(me).status_code == 429
        live.clock.advance(seconds=1)
        again = http.get(me)
        assert again.status_code == 200 and _header(again, "RateLimit-Usage")[0] == 1
        # the 24-hour window began with the first request and keeps counting
        assert _header(again, "RateLimit-Reset")[1] == 86400 - 15 * 60
        # limits are recomputed daily from the registered users: one user now
        live.clock.advance(days=1)
        daily = http.get(me)
        assert _header(daily, "RateLimit-Limit") == (520, 5100)


def test_partner_endpoints_are_unauthorised_without_credentials(live: Live) -> None:
    r = httpx.get(f"{live.base_url}/v3/users/1")
    assert r.status_code == 401 and "RateLimit-Limit" not in r.headers


def _limiter(**overrides: int) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    settings = Settings(
        rate_limit_short_base=3,
        rate_limit_short_per_user=1,
        rate_limit_long_base=5,
        rate_limit_long_per_user=2,
        **overrides,
    )  # type: ignore[arg-type]
    return RateLimiter(settings, clock), clock


async def _users(n: int) -> int:
    return n


async def test_short_refusals_count_toward_long_and_windows_are_fixed() -> None:
    limiter, clock = _limiter()
    verdicts = [await limiter.hit(1, lambda: _users(0)) for _ in range(6)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False, False]
    assert verdicts[-1].usage == (3, 6) and verdicts[-1].limit == (3, 5)
    clock.advance(timedelta(minutes=15))
    v = await limiter.hit(1, lambda: _users(0))
    assert not v.allowed and v.usage[1] == 7  # the long limit of 5 is spent
    clock.advance(timedelta(hours=23, minutes=45))
    v = await limiter.hit(1, lambda: _users(2))
    assert v.allowed and v.usage == (1, 1) and v.limit == (5, 9)


async def test_formula_scales_with_users() -> None:
    limiter, _ = _limiter()
    assert limiter.limits_for(0) == (3, 5)
    assert limiter.limits_for(10) == (13, 25)
    real = RateLimiter(Settings(), FakeClock())
    assert real.limits_for(100) == (500 + 100 * 20, 5000 + 100 * 100)
