"""When to try again, when to give up on a delivery, when to deactivate a webhook.

Polar publishes no schedule; the default backs off over days (5 s, 5 min, 30 min, 2 h, 5 h,
10 h, 14 h, 20 h, 24 h) and then keeps trying daily. A webhook without one successful
delivery for 7 days is deactivated (doc); its pending deliveries wait for /activate. A
delivery older than `give_up_after` on a webhook that stays active (others get through)
is marked failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from openaccesslink.core.settings import Settings


@dataclass(frozen=True)
class RetryPolicy:
    schedule: tuple[float, ...]
    deactivate_after: timedelta
    give_up_after: timedelta
    accept_any_2xx: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            schedule=tuple(settings.webhook_retry_schedule) or (86_400.0,),
            deactivate_after=timedelta(seconds=settings.webhook_deactivate_after_seconds),
            give_up_after=timedelta(seconds=settings.webhook_give_up_after_seconds),
            accept_any_2xx=settings.webhook_accept_any_2xx,
        )

    def succeeded(self, status: int | None) -> bool:
        if status is None:
            return False
        return 200 <= status < 300 if self.accept_any_2xx else status == 200

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1-based); the last step repeats."""
        step = self.schedule[min(max(attempts, 1), len(self.schedule)) - 1]
        return timedelta(seconds=step)

    def gives_up(self, created_at: datetime, now: datetime) -> bool:
        return now - created_at >= self.give_up_after

    def deactivates(self, failing_since: datetime, now: datetime) -> bool:
        return now - failing_since >= self.deactivate_after
