"""One pure-ASGI middleware: trailing slashes, correlation ids, body size, rate-limit headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openaccesslink.core.errors import PayloadTooLarge


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_upload_bytes: int,
        error_body: Callable[[str, int, str, str], dict[str, Any]],
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.error_body = error_body  # (corr_id, status, error type, message) -> body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            # /path and /path/ are the same resource, served without a redirect
            scope = dict(scope, path=path.rstrip("/") or "/", raw_path=None)
        state = scope.setdefault("state", {})
        corr_id = str(uuid.uuid4())
        state["corr_id"] = corr_id

        limit = self.max_upload_bytes if path.startswith("/ingest/") else self.max_body_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._too_large(scope, send, limit)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"Request body exceeds {limit} bytes")
            return message

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                verdict = state.get("ratelimit")
                if verdict is not None:
                    headers.extend((k.lower().encode(), v.encode()) for k, v in verdict.headers().items())
                headers.append((b"x-correlation-id", corr_id.encode()))
                message = dict(message, headers=headers)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except PayloadTooLarge:
            if not started:
                await self._too_large(scope, send, limit)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        body = orjson.dumps(
            self.error_body(
                scope["state"]["corr_id"],
                413,
                "PayloadTooLargeException",
                f"Request body exceeds {self.max_body_bytes} bytes",
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
