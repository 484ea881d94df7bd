"""A small HTTP/1.1 client for webhook POSTs: keep-alive pool, guarded DNS, TLS, llhttp parsing.

Webhook delivery needs one thing from HTTP: POST these bytes, tell me the status code. Doing
only that, on asyncio protocols with the llhttp parser (httptools, which uvicorn uses too),
costs about a third of the CPU of a general-purpose client per request, which is most of a
delivery's cost. The response body is parsed for framing (Content-Length, chunked, until
close) and dropped. Redirects are not followed; 1xx interim answers are skipped.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from urllib.parse import unquote, urlsplit

import httptools

from openaccesslink.delivery.guard import Refused, UrlGuard
from openaccesslink.delivery.sender import Outcome

IDLE_SECONDS = 4.0  # below the usual 5 s keep-alive of receivers: reuse never races their close
DNS_SECONDS = 10.0


class _Stale(ConnectionError):
    """A kept-alive connection was closed by the peer before answering: try a fresh one."""


@dataclass(frozen=True)
class _Target:
    key: tuple[str, str, int]  # scheme, host, port: the pool
    host: str  # for DNS / connect (IPv6 without brackets)
    port: int
    tls: bool
    head: bytes  # "POST path HTTP/1.1" and the Host (and Authorization) lines

    @classmethod
    def parse(cls, url: str) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        host = parts.hostname
        shown = f"[{host}]" if ":" in host else host
        if parts.port:
            shown = f"{shown}:{parts.port}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"POST {target} HTTP/1.1", f"Host: {shown}"]
        if parts.username is not None:
            creds = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            lines.append("Authorization: Basic " + base64.b64encode(creds).decode())
        head = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        return cls((parts.scheme, host, port), host, port, tls, head)


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False
        self.idle_since = 0.0
        self._parser: httptools.HttpResponseParser | None = None
        self._waiter: asyncio.Future[tuple[int, bool]] | None = None
        self._answered = False  # a byte of the answer arrived
        self._status: int | None = None  # headers of the final answer complete

    # ---- one exchange ----

    def send(self, data: bytes) -> asyncio.Future[tuple[int, bool]]:
        assert self.transport is not None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter = asyncio.get_running_loop().create_future()
        self._answered = False
        self._status = None
        self.transport.write(data)
        return self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # ---- asyncio.Protocol ----

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not asyncio.Transport

    def data_received(self, data: bytes) -> None:
        self._answered = True
        if self._parser is None:  # nothing asked: a confused peer
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._settle(error=ConnectionError(f"bad HTTP answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._status is not None:  # a body delimited by the close
            self._settle(result=(self._status, False))
        elif self.reused and not self._answered:
            self._settle(error=_Stale("kept-alive connection closed"))
        else:
            self._settle(error=ConnectionError("connection closed before an answer"))

    # ---- llhttp callbacks ----

    def on_headers_complete(self) -> None:
        assert self._parser is not None
        status = self._parser.get_status_code()
        if not 100 <= status < 200:
            self._status = status

    def on_message_complete(self) -> None:
        assert self._parser is not None
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # interim (100 Continue, 103): the real answer follows
            return
        self._settle(result=(status, self._parser.should_keep_alive()))

    def _settle(self, result: tuple[int, bool] | None = None, error: Exception | None = None) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if error is not None:
            waiter.set_exception(error)
        else:
            assert result is not None
            waiter.set_result(result)


class Http11Sender:
    """The default webhook Sender (see Sender in sender.py)."""

    def __init__(self, guard: UrlGuard, timeout_seconds: float, max_connections: int = 256) -> None:
        self._guard = guard
        self._timeout = timeout_seconds
        self._max_idle = max(max_connections, 1)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._targets: dict[str, _Target] = {}
        self._dns: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        start = time.perf_counter()
        try:
            target = self._target(url)
            lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            data = b"".join(
                (target.head, f"{lines}Content-Length: {len(body)}\r\n\r\n".encode("latin-1"), body)
            )
            async with asyncio.timeout(self._timeout):
                status = await self._exchange(target, data)
        except TimeoutError:
            return Outcome(None, _ms(start), "timeout")
        except Refused as exc:
            return Outcome(None, _ms(start), f"refused: {exc}"[:200])
        except (OSError, ValueError, ssl.SSLError, UnicodeError) as exc:
            return Outcome(None, _ms(start), f"{type(exc).__name__}: {exc}"[:200])
        return Outcome(status, _ms(start))

    async def close(self) -> None:
        for pool in self._idle.values():
            for conn in pool:
                conn.close()
        self._idle.clear()

    # ---- internals ----

    def _target(self, url: str) -> _Target:
        target = self._targets.get(url)
        if target is None:
            if len(self._targets) > 10_000:
                self._targets.clear()
            target = self._targets[url] = _Target.parse(url)
        return target

    async def _exchange(self, target: _Target, data: bytes) -> int:
        conn = self._take_idle(target.key)
        if conn is not None:
            try:
                return await self._roundtrip(target, conn, data)
            except _Stale:
                pass  # the receiver dropped the idle connection: once more on a fresh one
        return await self._roundtrip(target, await self._connect(target), data)

    async def _roundtrip(self, target: _Target, conn: _Connection, data: bytes) -> int:
        try:
            status, keep_alive = await conn.send(data)
        except BaseException:  # errors, timeouts (cancellation): the connection is spent
            conn.close()
            raise
        if keep_alive and not conn.closed:
            self._give_back(target.key, conn)
        else:
            conn.close()
        return status

    def _take_idle(self, key: tuple[str, str, int]) -> _Connection | None:
        pool = self._idle.get(key)
        now = time.monotonic()
        while pool:
            conn = pool.pop()
            if not conn.closed and now - conn.idle_since < IDLE_SECONDS:
                conn.reused = True
                return conn
            conn.close()
        return None

    def _give_back(self, key: tuple[str, str, int], conn: _Connection) -> None:
        pool = self._idle.setdefault(key, [])
        if len(pool) >= self._max_idle:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        pool.append(conn)

    async def _connect(self, target: _Target) -> _Connection:
        loop = asyncio.get_running_loop()
        tls = None
        if target.tls:
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        last: OSError | None = None
        for address in await self._addresses(target.host, target.port):
            try:
                _transport, conn = await loop.create_connection(
                    _Connection,
                    address,
                    target.port,
                    ssl=tls,
                    server_hostname=target.host if tls else None,
                )
            except OSError as exc:
                last = exc
                continue
            return conn
        raise last or OSError(f"no address for {target.host}")

    async def _addresses(self, host: str, port: int) -> list[str]:
        """Resolved and guarded (every address must be allowed), cached for a few seconds."""
        literal = _literal(host)
        if literal is not None:
            reason = self._guard.refusal(literal)
            if reason:
                raise Refused(f"{reason} address {literal}")
            return [host]
        refused = self._guard.host_refusal(host)
        if refused:
            raise Refused(f"{host}: {refused}")
        cached = self._dns.get((host, port))
        now = time.monotonic()
        if cached is not None and now - cached[0] < DNS_SECONDS:
            return cached[1]
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses: list[str] = []
        for info in infos:
            address = str(info[4][0])
            parsed = _literal(address)
            reason = self._guard.refusal(parsed) if parsed is not None else "unparsable"
            if reason:
                raise Refused(f"{host} resolves to a {reason} address ({address})")
            if address not in addresses:
                addresses.append(address)
        if len(self._dns) > 10_000:
            self._dns.clear()
        self._dns[(host, port)] = (now, addresses)
        return addresses


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        addr = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
