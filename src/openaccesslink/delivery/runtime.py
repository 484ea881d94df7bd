"""Webhooks inside the server process: the PING for the API and the in-process dispatcher.

`create_app` makes one DeliveryRuntime; the lifespan starts the dispatcher when
WEBHOOK_DISPATCHER is true (the default, for `make run`) and stops it on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib

from openaccesslink.core.clock import Clock
from openaccesslink.core.settings import Settings
from openaccesslink.db.engine import Database
from openaccesslink.delivery import signer
from openaccesslink.delivery.dispatcher import Dispatcher
from openaccesslink.delivery.guard import UrlGuard
from openaccesslink.delivery.http11 import Http11Sender
from openaccesslink.delivery.retry import RetryPolicy
from openaccesslink.delivery.sender import AiohttpSender, Sender
from openaccesslink.domains.webhooks import PING, PingResult


def new_sender(settings: Settings) -> Sender:
    guard = UrlGuard.from_settings(settings)
    if settings.webhook_http_client == "aiohttp":
        return AiohttpSender(guard, settings.webhook_timeout_seconds, settings.webhook_max_in_flight)
    return Http11Sender(guard, settings.webhook_timeout_seconds, settings.webhook_max_in_flight)


def ping_body(clock: Clock) -> bytes:
    """The doc's webhookPing: {"timestamp": ..., "event": "PING"}."""
    return signer.encode({"timestamp": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "event": PING})


class DeliveryRuntime:
    def __init__(self, settings: Settings, clock: Clock, db: Database, sender: Sender | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.guard = UrlGuard.from_settings(settings)
        self.policy = RetryPolicy.from_settings(settings)
        self._sender = sender
        self.dispatcher: Dispatcher | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def sender(self) -> Sender:
        if self._sender is None:
            self._sender = new_sender(self.settings)
        return self._sender

    async def ping(self, url: str, secret: str) -> PingResult:
        """Signed PING; ok only for the answer a delivery would count as success (200)."""
        refused = await self.guard.url_refusal(url)
        if refused:
            return PingResult(False, refused=refused)
        body = ping_body(self.clock)
        outcome = await self.sender.post(url, body, signer.headers(PING, body, secret))
        return PingResult(self.policy.succeeded(outcome.status), outcome.status, outcome.error)

    async def start(self) -> None:
        if self.settings.webhook_dispatcher and self._task is None:
            self.dispatcher = Dispatcher(self.db, self.settings, self.clock, self.sender)
            self._task = asyncio.create_task(self.dispatcher.run())

    async def stop(self) -> None:
        if self.dispatcher is not None and self._task is not None:
            self.dispatcher.stop()
            with contextlib.suppress(Exception):
                await self._task
        self._task = None
        self.dispatcher = None
        if self._sender is not None:
            await self._sender.close()
