"""Server spans for HTTP requests, from the OpenTelemetry ASGI instrumentation.

The ASGI package rather than opentelemetry-instrumentation-django: the Django
one is a synchronous middleware (no `async_capable`), so in this async stack
Django would run every request through it, and the handlers after it, with a
thread hop each way. The span is named by the method until Django has
resolved the URL; config/middleware.py then renames it by the URL pattern
(`POST graphql/`), so names stay few however many paths are requested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.semconv.attributes.http_attributes import HTTP_ROUTE
from opentelemetry.trace import Span

from config.body_limit import ASGIApp


def _span_details(scope: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    # Never the raw path in the name: ids and typos would make every name new.
    return str(scope.get("method") or "HTTP"), {}


def server_spans(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so that each HTTP request is a server span (W3C context honoured)."""
    wrapped: ASGIApp = OpenTelemetryMiddleware(
        app,
        default_span_details=_span_details,
        # A span per body chunk sent or received says nothing and costs much.
        exclude_spans=["receive", "send"],
    )
    return wrapped


def span_route(span: Span, method: str, route: str) -> None:
    """Name the server span by its URL pattern once Django has matched one."""
    span.update_name(f"{method} {route}")
    span.set_attribute(HTTP_ROUTE, route)
