"""A real webhook receiver on loopback for the tests: records every POST, verifies signatures.

It answers with whatever `respond(received)` returns (200 by default), optionally after a
delay, and runs a threaded HTTP/1.1 server so keep-alive and concurrent posts work.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic() when the request arrived

    @property
    def event(self) -> str:
        return self.headers.get("polar-webhook-event", "")

    @property
    def signature(self) -> str:
        return self.headers.get("polar-webhook-signature", "")

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def verified(self, secret: str) -> bool:
        """What a receiver's own code does with the secret from the create response."""
        expected = hmac.new(secret.encode("utf-8"), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)


Responder = Callable[[Received], int]


class Receiver:
    def __init__(self, respond: Responder | None = None, delay: float = 0.0) -> None:
        self.respond: Responder = respond or (lambda _r: 200)
        self.delay = delay
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                got = Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                )
                receiver._add(got)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.respond(got)
                payload = b"" if status in (204, 304) or status < 200 else b"ok"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the sender gave up
                    self.send_response(status)
                    if status not in (204, 304):
                        self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # the listen backlog: dispatchers open many connections at once

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/acl_webhook"

    def _add(self, got: Received) -> None:
        with self._lock:
            self.received.append(got)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self, name: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.received if name is None or r.event == name]

    def deliveries(self) -> list[Received]:
        return [r for r in self.events() if r.event != "PING"]

    def wait(self, predicate: Callable[[Receiver], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def wait_count(self, n: int, event: str | None = None, timeout: float = 10.0) -> list[Received]:
        ok = self.wait(
            lambda r: len(r.events(event) if event else r.deliveries()) >= n,
            timeout,
        )
        got = self.events(event) if event else self.deliveries()
        assert ok, f"expected {n} {event or 'deliveries'}, got {len(got)}: {[g.event for g in got]}"
        return got


# ---- partner-side helpers ------------------------------------------------------------------

ALL_EVENTS = [
    "EXERCISE",
    "SLEEP",
    "CONTINUOUS_HEART_RATE",
    "SLEEP_WISE_CIRCADIAN_BEDTIME",
    "SLEEP_WISE_ALERTNESS",
    "ACTIVITY_SUMMARY",
]


def create_webhook(
    base_url: str, auth: tuple[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    import httpx

    r = httpx.post(
        f"{base_url}/v3/webhooks", json={"events": events or ALL_EVENTS, "url": url}, auth=auth, timeout=30
    )
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def delete_webhook(base_url: str, auth: tuple[str, str]) -> None:
    import httpx

    got = httpx.get(f"{base_url}/v3/webhooks", auth=auth).json()["data"]
    for hook in got if isinstance(got, list) else [got] if got else []:
        httpx.delete(f"{base_url}/v3/webhooks/{hook['id']}", auth=auth)
