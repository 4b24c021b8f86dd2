"""Every Prometheus metric the service exposes, named and labelled in one place.

prometheus-client picks its storage when it is first imported: with
`PROMETHEUS_MULTIPROC_DIR` set (deploy/serve, deploy/worker, `make run`) each
process writes its samples to files there, and `/metrics` sums every Granian
worker and job worker on the host. Without it (tests, one-off commands) the
samples live in this process.

Label values are bounded by construction: routes are URL patterns, tasks are
task paths, codes come from the error-code vocabularies, currencies from the
catalog's list. Never a user id, a raw path or a client-chosen name.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from prometheus_client import Counter, Gauge, Histogram

PREFIX = "fashionistar"

# Seconds; the blueprint's targets (p95 under 0.1 s, jobs started within
# 2 s) fall on bucket edges, so alerts compare like with like.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)

# --- HTTP ---------------------------------------------------------------------
http_request_duration = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern.",
    ["route", "method", "status_class"],
    buckets=LATENCY_BUCKETS,
)
http_requests_refused = Counter(
    f"{PREFIX}_http_requests_refused_total",
    "Requests answered before Django: admission queue full or timed out, body limits.",
    ["reason"],
)

# --- GraphQL ------------------------------------------------------------------
graphql_operations = Counter(
    f"{PREFIX}_graphql_operations_total",
    "Executed operations by trusted name (else `other`), root field, type, outcome.",
    ["operation", "root_field", "type", "outcome"],
)
graphql_errors = Counter(
    f"{PREFIX}_graphql_errors_total",
    "Errors in GraphQL responses by `extensions.code`.",
    ["code"],
)
graphql_response_cache = Counter(
    f"{PREFIX}_graphql_response_cache_total",
    "Anonymous queries answered from the response cache (hit) or executed (miss).",
    ["result"],
)

# --- Database pool (per process; summed over live processes) -------------------
db_pool_connections = Gauge(
    f"{PREFIX}_db_pool_connections",
    "Connections the pool holds, by state (in_use, idle).",
    ["state"],
    multiprocess_mode="livesum",
)
db_pool_max = Gauge(
    f"{PREFIX}_db_pool_max_connections",
    "The most connections the pools may open.",
    multiprocess_mode="livesum",
)
db_pool_waiting = Gauge(
    f"{PREFIX}_db_pool_waiting",
    "Requests waiting for a pooled connection.",
    multiprocess_mode="livesum",
)
db_pool_timeouts = Counter(
    f"{PREFIX}_db_pool_timeouts_total",
    "Connection requests the pool refused (timed out or queue full).",
)

# --- Jobs ---------------------------------------------------------------------
# Queue depth and the age of the oldest waiting job are read from the outbox
# at scrape time (apps.jobs.metrics), not counted here.
job_duration = Histogram(
    f"{PREFIX}_job_duration_seconds",
    "Time a job's task ran, by task and outcome (succeeded, retry, dead).",
    ["task", "outcome"],
    buckets=JOB_BUCKETS,
)
job_retries = Counter(
    f"{PREFIX}_job_retries_total",
    "Failed attempts that will be tried again.",
    ["task"],
)
job_dead = Counter(
    f"{PREFIX}_job_dead_total",
    "Jobs that failed for good (permanent error or attempts exhausted).",
    ["task"],
)

# --- Webhooks -----------------------------------------------------------------
webhooks_received = Counter(
    f"{PREFIX}_webhooks_total",
    "Provider webhook deliveries by result: accepted, duplicate, ignored, "
    "invalid, refused (bad signature or payload), too_large, unavailable.",
    ["provider", "result"],
)

# --- Business -----------------------------------------------------------------
orders_placed = Counter(f"{PREFIX}_orders_placed_total", "Orders placed.", ["currency"])
orders_placed_amount = Counter(
    f"{PREFIX}_orders_placed_amount_total",
    "Sum of placed orders' totals, in the currency's units.",
    ["currency"],
)
payments_captured = Counter(
    f"{PREFIX}_payments_captured_total", "Payments captured.", ["provider", "currency"]
)
payments_captured_amount = Counter(
    f"{PREFIX}_payments_captured_amount_total",
    "Sum of captured payments, in the currency's units.",
    ["provider", "currency"],
)
payments_refunded = Counter(
    f"{PREFIX}_payments_refunded_total",
    "Refunds applied (partial or full).",
    ["provider", "currency"],
)
payments_refunded_amount = Counter(
    f"{PREFIX}_payments_refunded_amount_total",
    "Sum of refunded amounts, in the currency's units.",
    ["provider", "currency"],
)


def order_placed(currency: str, total: Decimal) -> None:
    """Count an order placed in the current transaction."""

    def count() -> None:
        orders_placed.labels(currency).inc()
        orders_placed_amount.labels(currency).inc(float(total))

    # Counted once the transaction commits: a rollback counts nothing.
    transaction.on_commit(count)


def payment_captured(provider: str, currency: str, amount: Decimal) -> None:
    """Count a capture applied in the current transaction."""

    def count() -> None:
        payments_captured.labels(provider, currency).inc()
        payments_captured_amount.labels(provider, currency).inc(float(amount))

    # Counted once the transaction commits: a rollback counts nothing.
    transaction.on_commit(count)


def payment_refunded(provider: str, currency: str, amount: Decimal) -> None:
    """Count a refund of `amount` applied in the current transaction."""

    def count() -> None:
        payments_refunded.labels(provider, currency).inc()
        payments_refunded_amount.labels(provider, currency).inc(float(amount))

    # Counted once the transaction commits: a rollback counts nothing.
    transaction.on_commit(count)
