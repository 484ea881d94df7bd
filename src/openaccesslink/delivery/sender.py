"""How a signed POST leaves the building: the Sender protocol and the aiohttp implementation."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp

from openaccesslink.delivery.guard import GuardedResolver, UrlGuard

READ_LIMIT = 64 * 1024  # of a receiver's answer; the rest is dropped with the connection


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no HTTP answer
    latency_ms: float
    error: str | None = None


class Sender(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome: ...

    async def close(self) -> None: ...


class AiohttpSender:
    """One connection pool per process; redirects are not followed (3xx is a failure)."""

    def __init__(self, guard: UrlGuard, timeout_seconds: float, max_connections: int = 256) -> None:
        self._guard = guard
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._refusals: dict[str, str | None] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, resolver=GuardedResolver(self._guard), ttl_dns_cache=10
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                auto_decompress=False,
            )
        return self._session

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        start = time.perf_counter()
        refused = self._refusal(url)
        if refused:
            return Outcome(None, 0.0, f"refused: {refused}")
        try:
            async with self._client().post(
                url, data=body, headers=dict(headers), allow_redirects=False
            ) as resp:
                await resp.content.read(READ_LIMIT)
                status = resp.status
        except TimeoutError:
            return Outcome(None, _ms(start), "timeout")
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Outcome(None, _ms(start), _describe(exc))
        return Outcome(status, _ms(start))

    def _refusal(self, url: str) -> str | None:
        """IP-literal hosts skip the resolver, so the guard looks at them here (cached per URL)."""
        try:
            return self._refusals[url]
        except KeyError:
            if len(self._refusals) > 10_000:
                self._refusals.clear()
            found = self._refusals[url] = self._guard.host_refusal(urlsplit(url).hostname or "")
            return found

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ or exc
    text = f"{type(exc).__name__}: {cause}" if str(cause) else type(exc).__name__
    return text[:200]
