"""Admission control: a queue in front of Django instead of failures under load.

Each request takes a work slot (apps/core/admission.py) before Django sees
it; past `WEB_MAX_ACTIVE_REQUESTS` in flight it waits in line. Beyond the
stated bound (`WEB_QUEUE_MAX` waiting, or `WEB_QUEUE_TIMEOUT` seconds in line)
it gets 503 with Retry-After and the code OVERLOADED, logged and counted as
overload, never as "database unavailable". Health probes skip the line, so an
orchestrator still sees a busy process as alive and can read its load.

Hand-written because it is a few lines over a semaphore and must share its
slots with the password-hash pool (`paused`); no ASGI package does that.
"""

from __future__ import annotations

import json

from apps.core import metrics
from apps.core.admission import Overloaded, work_slots
from config.body_limit import ASGIApp, Receive, Scope, Send

OVERLOADED = "OVERLOADED"
MESSAGE = "The service is busy; retry shortly."
# Paths that never wait: probes must answer while the line is long.
_UNQUEUED = ("/health/",)


class Admission:
    """Wrap an ASGI app: requests beyond the active limit queue, then 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_UNQUEUED):
            await self.app(scope, receive, send)
            return
        try:
            async with work_slots().slot():
                await self.app(scope, receive, send)
        except Overloaded as refusal:
            metrics.http_requests_refused.labels("overloaded").inc()
            await _refuse(send, refusal)


async def _refuse(send: Send, refusal: Overloaded) -> None:
    # The GraphQL error shape, used by every JSON error of this API.
    body = json.dumps(
        {"errors": [{"message": MESSAGE, "extensions": {"code": OVERLOADED}}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(refusal.retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
