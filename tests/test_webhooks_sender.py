"""The webhook HTTP senders against real sockets: framing, keep-alive, stale connections, timeouts,
the URL guard. Both implementations (the default http11 and aiohttp) must agree."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from openaccesslink.core.settings import Settings
from openaccesslink.delivery import signer
from openaccesslink.delivery.runtime import new_sender
from openaccesslink.delivery.sender import Sender
from tests.webhook_receiver import Receiver

CLIENTS = ["http11", "aiohttp"]
BODY = b'{"event":"SLEEP","user_id":1}'


def _sender(client: str, **settings: object) -> Sender:
    return new_sender(Settings(webhook_http_client=client, **settings))  # type: ignore[arg-type]


class RawServer:
    """Answers every request on a connection with `answer(n)` (n counts requests overall);
    closes the connection after each answer when `close_after` is true."""

    def __init__(self, answer: Callable[[int], bytes | None], close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.requests: list[bytes] = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook?x=1"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(rest) < length:
                    rest += conn.recv(65536)
                with self._lock:
                    self.requests.append(head + b"\r\n\r\n" + rest[:length])
                    n = len(self.requests)
                buf = rest[length:]
                reply = self.answer(n)
                if reply is None:  # hang: never answer
                    threading.Event().wait(30)
                    return
                conn.sendall(reply)
                if self.close_after:
                    return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(answer: Callable[[int], bytes | None], close_after: bool = False) -> RawServer:
        server = RawServer(answer, close_after)
        servers.append(server)
        return server

    yield make
    for s in servers:
        s.close()


@pytest.mark.parametrize("client", CLIENTS)
async def test_posts_the_signed_body_and_reads_the_status(client: str) -> None:
    sender = _sender(client)
    with Receiver(lambda r: 200 if r.verified("k") else 401) as receiver:
        try:
            headers = signer.headers("SLEEP", BODY, "k")
            for _ in range(3):  # the connection is kept alive and reused
                outcome = await sender.post(receiver.url + "?a=b", BODY, headers)
                assert outcome.status == 200 and outcome.error is None and outcome.latency_ms > 0
            bad = await sender.post(receiver.url, BODY, signer.headers("SLEEP", BODY, "other"))
            assert bad.status == 401
        finally:
            await sender.close()
    got = receiver.events()
    assert got[0].path == "/acl_webhook?a=b" and got[0].body == BODY
    assert got[0].headers["content-type"] == "application/json"
    assert got[0].headers["content-length"] == str(len(BODY))
    assert got[0].headers["host"] == f"127.0.0.1:{receiver.port}"


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200),
        (b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n", 302),
        (b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy", 503),
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204),
    ],
)
async def test_framing_of_answers(
    client: str, reply: bytes, status: int, raw: Callable[..., RawServer]
) -> None:
    server = raw(lambda _n: reply)
    sender = _sender(client)
    try:
        for _ in range(2):
            outcome = await sender.post(server.url, BODY, {"Content-Type": "application/json"})
            assert outcome.status == status, outcome
    finally:
        await sender.close()
    assert len(server.requests) == 2


@pytest.mark.parametrize("client", CLIENTS)
async def test_a_body_delimited_by_the_close(client: str, raw: Callable[..., RawServer]) -> None:
    server = raw(lambda _n: b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfine", close_after=True)
    sender = _sender(client)
    try:
        for _ in range(2):
            assert (await sender.post(server.url, BODY, {})).status == 200
    finally:
        await sender.close()
    assert server.connections == 2


async def test_a_kept_alive_connection_the_receiver_dropped_is_replaced(
    raw: Callable[..., RawServer],
) -> None:
    # the server promises keep-alive but closes: the next post finds a dead connection
    server = raw(lambda _n: b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", close_after=True)
    sender = _sender("http11")
    try:
        for _ in range(3):
            outcome = await sender.post(server.url, BODY, {})
            assert outcome.status == 200, outcome
    finally:
        await sender.close()
    assert len(server.requests) == 3


@pytest.mark.parametrize("client", CLIENTS)
async def test_timeouts_garbage_and_refused_connections(client: str, raw: Callable[..., RawServer]) -> None:
    sender = _sender(client, webhook_timeout_seconds=0.5)
    try:
        hang = raw(lambda _n: None)
        outcome = await sender.post(hang.url, BODY, {})
        assert outcome.status is None and outcome.error == "timeout" and outcome.latency_ms >= 450

        garbage = raw(lambda _n: b"SPDY/9 what\r\n\r\n")
        outcome = await sender.post(garbage.url, BODY, {})
        assert outcome.status is None and outcome.error

        with Receiver() as gone:
            url = gone.url
        outcome = await sender.post(url, BODY, {})
        assert outcome.status is None and outcome.error
    finally:
        await sender.close()


@pytest.mark.parametrize("client", CLIENTS)
async def test_the_guard_applies_to_every_post(client: str) -> None:
    sender = _sender(client, webhook_allow_loopback=False)
    try:
        for url in ("http://127.0.0.1:9/x", "http://localhost:9/x", "http://10.0.0.1/x", "http://[::1]:9/"):
            outcome = await sender.post(url, BODY, {})
            assert outcome.status is None and outcome.error and "refused" in outcome.error, (url, outcome)
        outcome = await sender.post("http://169.254.169.254/latest", BODY, {})
        assert outcome.error and "refused" in outcome.error
    finally:
        await sender.close()


async def test_basic_credentials_in_the_url(raw: Callable[..., RawServer]) -> None:
    server = raw(lambda _n: b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    sender = _sender("http11")
    try:
        url = f"http://us%40er:p%3Ass@127.0.0.1:{server.port}/hook"
        assert (await sender.post(url, BODY, {})).status == 200
    finally:
        await sender.close()
    assert b"Authorization: Basic dXNAZXI6cDpzcw==" in server.requests[0]  # us@er:p:ss
