"""A request-body cap and read deadline, enforced while the body streams in.

Django's ASGIHandler spools the whole body to a temporary file before any view
or middleware runs, so a cap inside Django comes too late to save the disk and
the bandwidth. This wrapper stops at the first byte over the limit, answers 413
with a JSON body, and never calls Django for that request.

Granian bounds only the header read (deploy/serve); once the headers are in, a
client may trickle its body forever. So the body also has a deadline, after
Apache's mod_reqtimeout: `REQUEST_BODY_TIMEOUT` seconds, plus one second for
every `REQUEST_BODY_MIN_RATE` bytes received, never more than
`REQUEST_BODY_TIMEOUT_MAX`. A slow but steady phone keeps earning time; one
byte every 5 s does not, and gets 408 and a closed connection.

It is hand-written because no maintained ASGI package does only this
(Starlette's and Granian's limits need their own stacks); it is tested against
the real server in tests/system/test_body_limit.py and test_slow_clients.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.core import metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyDeadline:
    """How long a body may take: `base` s, +1 s per `min_rate` bytes, <= `ceiling`."""

    base: float
    min_rate: int
    ceiling: float

    @classmethod
    def from_settings(cls) -> BodyDeadline:
        return cls(
            base=float(settings.REQUEST_BODY_TIMEOUT),
            min_rate=int(settings.REQUEST_BODY_MIN_RATE),
            ceiling=float(settings.REQUEST_BODY_TIMEOUT_MAX),
        )

    def seconds(self, received: int) -> float:
        """Return the seconds allowed from the first read, given bytes received."""
        return min(self.base + received / self.min_rate, self.ceiling)


class BodyLimits:
    """Wrap an ASGI app: bodies over the cap get 413, bodies too slow get 408."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int | None = None,
        deadline: BodyDeadline | None = None,
    ) -> None:
        self.app = app
        self._max_bytes = max_bytes
        self._deadline = deadline

    @property
    def max_bytes(self) -> int:
        return self._max_bytes or int(settings.MAX_REQUEST_BODY_BYTES)

    @property
    def deadline(self) -> BodyDeadline:
        return self._deadline or BodyDeadline.from_settings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit_for(scope)
        if self._declared_length(scope) > max_bytes:
            await self._reject(send, 413, f"Request body exceeds {max_bytes} bytes.")
            return
        deadline = self.deadline
        started = asyncio.get_running_loop().time()
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                async with asyncio.timeout_at(started + deadline.seconds(size)):
                    message = await receive()
            except TimeoutError:
                await self._reject(send, 408, _too_slow(deadline))
                return
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await self._reject(
                    send, 413, f"Request body exceeds {max_bytes} bytes."
                )
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _limit_for(self, scope: Scope) -> int:
        """The cap for this request: an image upload to /graphql/ may be larger.

        A GraphQL multipart request (staff image uploads) may carry one image
        of MEDIA_UPLOAD_MAX_BYTES plus its operations; everything else keeps
        MAX_REQUEST_BODY_BYTES.
        """
        if scope.get("path") == "/graphql/" and _content_type(scope).startswith(
            b"multipart/form-data"
        ):
            return max(self.max_bytes, int(settings.MEDIA_UPLOAD_MAX_BYTES) + 65_536)
        return self.max_bytes

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0

    @staticmethod
    async def _reject(send: Send, status: int, message: str) -> None:
        code = {408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE"}[status]
        metrics.http_requests_refused.labels(code.lower()).inc()
        body = json.dumps(
            {"errors": [{"message": message, "extensions": {"code": code}}]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    # The rest of the body is never read: the connection ends here.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_type(scope: Scope) -> bytes:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bytes(value).lower()
    return b""


def _too_slow(deadline: BodyDeadline) -> str:
    return (
        f"Request body not received in time: {deadline.base:g} s, plus 1 s per "
        f"{deadline.min_rate} bytes received, at most {deadline.ceiling:g} s."
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a receive() that yields the buffered body once, then the original."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
