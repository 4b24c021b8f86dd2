"""Metrics and tracing switches (docs/operations.md).

Tracing itself is configured by the standard OTEL_* variables only
(apps/core/telemetry.py); these are the app's own.
"""

from config import env

# A bearer token that lets a non-loopback caller (Prometheus in another pod)
# read /metrics; empty means loopback callers only. Everyone else gets 404.
METRICS_TOKEN = env.env.str("METRICS_TOKEN", default="")
# One span per GraphQL resolver: detailed, and costly (off by default).
GRAPHQL_TRACE_RESOLVERS = env.env.bool("GRAPHQL_TRACE_RESOLVERS", default=False)
