"""Request id and JSON access log, outermost in the middleware stack."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from opentelemetry import context, propagate, trace

from apps.core.request_context import bind_request_id, reset_request_id
from schema.http.availability import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_unavailable,
    unavailable_body,
)

logger = logging.getLogger("fashionistar.access")
tracer = trace.get_tracer("fashionistar.http")

# A client-supplied id is echoed into logs and headers, so keep it tame.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

Handler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def request_id_from(request: HttpRequest) -> str:
    """Return the caller's X-Request-ID when well-formed, else a new one."""
    supplied = request.headers.get("X-Request-ID", "")
    if _VALID_REQUEST_ID.match(supplied):
        return supplied
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Bind a request id, echo it in `X-Request-ID`, log one line per request."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request)
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        # A server span continuing the caller's W3C trace when it sent one;
        # jobs enqueued by this request carry it on (apps/jobs/outbox.py).
        span = tracer.start_span(
            f"{request.method} {request.path}",
            context=propagate.extract(request.headers),
            kind=trace.SpanKind.SERVER,
            attributes={
                "http.request.method": str(request.method),
                "request.id": request_id,
            },
        )
        attached = context.attach(trace.set_span_in_context(span))
        try:
            response = await self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            span.set_attribute("http.response.status_code", status)
            span.end()
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            context.detach(attached)
            reset_request_id(token)

    async def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """Answer 503 JSON, not 500, when a view fails on an unreachable database.

        Django calls this hook of every installed middleware for an exception
        a view raises; this one is installed everywhere, so it covers admin
        and any plain Django view. GraphQL and django-ninja answer their own.
        """
        if not is_database_unavailable(exception):
            return None
        log_unavailable(exception, where=request.path)
        response = JsonResponse(unavailable_body(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
