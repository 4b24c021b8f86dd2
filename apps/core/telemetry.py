"""OpenTelemetry tracing: one trace per request, continued into its jobs.

The SDK's tracer provider gives every request a real trace id (taken from an
incoming W3C `traceparent` header when there is one), which log lines carry
as `trace_id` and jobs carry in their stored trace context. Spans are only
exported when `OTEL_TRACES_EXPORTER=console` (OTLP needs its exporter
package, which this project does not ship yet).
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

SERVICE_NAME = "fashionistar"


def tracing_setup() -> None:
    """Install the SDK tracer provider once per process (idempotent)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if os.environ.get("OTEL_TRACES_EXPORTER") == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def current_trace_ids() -> tuple[str | None, str | None]:
    """Return the current trace and span ids as hex, or (None, None)."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"
