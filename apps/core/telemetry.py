"""OpenTelemetry tracing, configured only by the standard `OTEL_*` variables.

Tracing is on unless `OTEL_TRACES_EXPORTER=none` (the default here, since
`make run` has no collector) or `OTEL_SDK_DISABLED=true`. When on, the setup
is the one `opentelemetry-instrument` performs, called from code: the SDK
configured from the environment (exporter, endpoint, protocol, sampler,
resource) and every instrumentation package this project installs (psycopg,
redis, httpx, requests); config/asgi.py wraps the app for the server spans.
Under `opentelemetry-instrument` that has already happened and is not redone.

When off, nothing is instrumented and no span is recorded, so it costs
nothing; a caller's `traceparent` is still carried into logs and jobs
(config/middleware.py), as the API's no-op tracer passes it through.
"""

from __future__ import annotations

import logging
import os

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

SERVICE_NAME = "fashionistar"
logger = logging.getLogger(__name__)

# Our defaults where the SDK's differ: HTTP/protobuf (one port, no gRPC in
# the path), no OTel metrics or logs (metrics are Prometheus', logs JSON on
# stdout), and host and process in the resource. Each is only a default:
# the variable, when set, wins.
_DEFAULTS = {
    "OTEL_SERVICE_NAME": SERVICE_NAME,
    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    "OTEL_METRICS_EXPORTER": "none",
    "OTEL_LOGS_EXPORTER": "none",
    # Which host and process sent a span: a job's span comes from a worker.
    "OTEL_EXPERIMENTAL_RESOURCE_DETECTORS": "otel,host,process",
}


def tracing_enabled() -> bool:
    """Whether spans are recorded and exported in this process."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = os.environ.get("OTEL_TRACES_EXPORTER", "none")
    return exporters.strip().lower() not in {"", "none"}


def tracing_setup() -> None:
    """Configure the SDK and the instrumentations once per process, if enabled."""
    if not tracing_enabled():
        return
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return  # opentelemetry-instrument, or an earlier call, did it
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    # Imported here: its import walks the installed entry points.
    from opentelemetry.instrumentation.auto_instrumentation import initialize

    initialize(swallow_exceptions=False)
    logger.info(
        "tracing on",
        extra={
            "exporter": os.environ["OTEL_TRACES_EXPORTER"],
            "endpoint": os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
            "sampler": os.environ.get("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
        },
    )


def current_trace_ids() -> tuple[str | None, str | None]:
    """Return the current trace and span ids as hex, or (None, None)."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"
