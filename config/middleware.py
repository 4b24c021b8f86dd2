"""Request id, JSON access log and request metrics, outermost in the middleware stack."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from opentelemetry import context, propagate, trace

from apps.core import metrics, pool_metrics
from apps.core.request_context import bind_request_id, reset_request_id
from config.tracing import span_route
from schema.http.availability import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_unavailable,
    unavailable_body,
)

logger = logging.getLogger("fashionistar.access")

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
        pool_metrics.sampler_ensure()
        # With tracing on, the ASGI instrumentation has opened the server span
        # (config/tracing.py). With it off, the caller's W3C trace context is
        # still carried into the logs and into the jobs this request enqueues.
        span = trace.get_current_span()
        attached = None
        if not span.get_span_context().is_valid:
            attached = context.attach(propagate.extract(request.headers))
        try:
            response = await self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration = time.perf_counter() - started
            route, method = _route(request), _method(request)
            if span.is_recording():
                span_route(span, method, route)
            metrics.http_request_duration.labels(
                route, method, f"{status // 100}xx"
            ).observe(duration)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round(duration * 1000, 2),
                },
            )
            if attached is not None:
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


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _route(request: HttpRequest) -> str:
    """The URL pattern that served the request, or `unmatched` (a 404)."""
    route = getattr(request.resolver_match, "route", None)
    return str(route) if route else "unmatched"


def _method(request: HttpRequest) -> str:
    # Any string may arrive as a method; only the standard ones become labels.
    method = str(request.method)
    return method if method in _METHODS else "OTHER"
