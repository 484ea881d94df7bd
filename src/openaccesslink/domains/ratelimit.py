"""Dynamic per-partner rate limits (doc: Rate limiting; behaviour-notes).

short limit = base + users x per_user over 15 minutes, long = base + users x per_user
over 24 hours. Each window starts at the partner's first request and resets a fixed
time later. Requests refused by the short limit still count toward the long one.
Limits are recomputed once a day from the number of registered users.

State is kept in the process: with several worker processes each keeps its own
counters (documented in the README).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from openaccesslink.core.clock import Clock
from openaccesslink.core.settings import Settings


@dataclass
class _Window:
    started: datetime
    used: int = 0


@dataclass
class _Partner:
    short: _Window
    long: _Window
    short_limit: int
    long_limit: int
    computed_at: datetime


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    usage: tuple[int, int]
    limit: tuple[int, int]
    reset: tuple[int, int]

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Usage": f"{self.usage[0]},{self.usage[1]}",
            "RateLimit-Limit": f"{self.limit[0]},{self.limit[1]}",
            "RateLimit-Reset": f"{self.reset[0]},{self.reset[1]}",
        }


class RateLimiter:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._s = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._partners: dict[int, _Partner] = {}
        self._short = timedelta(seconds=settings.rate_limit_short_window_seconds)
        self._long = timedelta(seconds=settings.rate_limit_long_window_seconds)

    def limits_for(self, users: int) -> tuple[int, int]:
        s = self._s
        return (
            s.rate_limit_short_base + users * s.rate_limit_short_per_user,
            s.rate_limit_long_base + users * s.rate_limit_long_per_user,
        )

    def needs_recompute(self, client_pk: int) -> bool:
        p = self._partners.get(client_pk)
        recompute = timedelta(seconds=self._s.rate_limit_recompute_seconds)
        return p is None or self._clock.now() - p.computed_at >= recompute

    async def hit(self, client_pk: int, count_users: Callable[[], Awaitable[int]]) -> Verdict:
        if self.needs_recompute(client_pk):
            users = await count_users()
            self._set_limits(client_pk, users)
        return self._hit(client_pk)

    def _set_limits(self, client_pk: int, users: int) -> None:
        now = self._clock.now()
        short_limit, long_limit = self.limits_for(users)
        with self._lock:
            p = self._partners.get(client_pk)
            if p is None:
                self._partners[client_pk] = _Partner(_Window(now), _Window(now), short_limit, long_limit, now)
            else:
                p.short_limit, p.long_limit, p.computed_at = short_limit, long_limit, now

    def _hit(self, client_pk: int) -> Verdict:
        now = self._clock.now()
        with self._lock:
            p = self._partners[client_pk]
            for window, length in ((p.short, self._short), (p.long, self._long)):
                if now - window.started >= length or window.used == 0:
                    window.started, window.used = now, 0
            p.long.used += 1
            if p.long.used > p.long_limit or p.short.used >= p.short_limit:
                allowed = False  # refused requests still count toward the long window
            else:
                p.short.used += 1
                allowed = True
            return Verdict(
                allowed=allowed,
                usage=(p.short.used, p.long.used),
                limit=(p.short_limit, p.long_limit),
                reset=(
                    _seconds_left(p.short.started + self._short, now),
                    _seconds_left(p.long.started + self._long, now),
                ),
            )


def _seconds_left(deadline: datetime, now: datetime) -> int:
    return max(0, int((deadline - now).total_seconds() + 0.999))
