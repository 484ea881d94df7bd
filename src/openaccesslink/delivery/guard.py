"""Outbound URL guard: webhooks must not reach into the server's own network.

Refused unless a setting allows them: private, link-local, CGNAT, unspecified, multicast and
cloud-metadata addresses (WEBHOOK_ALLOW_PRIVATE), loopback (WEBHOOK_ALLOW_LOOPBACK, on in the
default sandbox configuration). Checked when a URL is registered and again at every connection
(the resolver below), so a name that later resolves elsewhere (DNS rebinding) is still refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from openaccesslink.core.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})


class Refused(OSError):
    """The address is not one webhooks may reach."""


def _address(text: str) -> IPAddress | None:
    try:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


@dataclass(frozen=True)
class UrlGuard:
    allow_loopback: bool = True
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> UrlGuard:
        return cls(settings.webhook_allow_loopback, settings.webhook_allow_private)

    def refusal(self, addr: IPAddress) -> str | None:
        """Why `addr` is refused, or None when it may be reached."""
        if addr in METADATA_ADDRESSES:
            return None if self.allow_private else "cloud-metadata"
        if addr.is_loopback:
            return None if self.allow_loopback else "loopback"
        if addr.is_global and not addr.is_multicast:
            return None
        if self.allow_private:
            return None
        if addr.is_link_local:
            return "link-local"
        if addr.is_unspecified:
            return "unspecified"
        if addr.is_multicast:
            return "multicast"
        return "private"

    def host_refusal(self, host: str) -> str | None:
        """For a host that is an IP literal or a known metadata name (no DNS needed)."""
        if host.lower().rstrip(".") in METADATA_NAMES and not self.allow_private:
            return "cloud-metadata"
        addr = _address(host)
        if addr is None:
            return None
        reason = self.refusal(addr)
        return f"{reason} address {addr}" if reason else None

    async def url_refusal(self, url: str) -> str | None:
        """Registration-time check: every address the host resolves to must be allowed."""
        host = urlsplit(url).hostname or ""
        literal = self.host_refusal(host)
        if literal or _address(host) is not None:
            return literal
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError:
            return None  # unresolvable: the PING fails and says so
        for info in infos:
            addr = _address(str(info[4][0]))
            reason = self.refusal(addr) if addr else None
            if reason:
                return f"{host} resolves to a {reason} address ({addr})"
        return None


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses names resolving to a refused address (checked per connect)."""

    def __init__(self, guard: UrlGuard) -> None:
        self._guard = guard
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._guard.host_refusal(host):
            raise Refused(f"refused: {host}: {self._guard.host_refusal(host)}")
        results = await self._inner.resolve(host, port, family)
        for result in results:
            addr = _address(result["host"])
            reason = self._guard.refusal(addr) if addr else "unparsable"
            if reason:
                raise Refused(f"refused: {host} resolves to a {reason} address ({result['host']})")
        return results

    async def close(self) -> None:
        await self._inner.close()
