"""Traces leave the real server and worker as OTLP protobuf, and join up.

A private OTLP/HTTP receiver (tests/support/otlp.py) decodes what the
exporters send, as a collector would. The server and the worker are
configured only through the standard OTEL_* variables.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from apps.payments.providers.stripe import event_payload as stripe_payload
from tests.factories.accounts import UserFactory, signed_in
from tests.factories.orders import ADDRESS_INPUT, placed_order
from tests.factories.payments import payment_for, stripe_signed
from tests.support.live_server import LiveServer, live_server
from tests.support.otlp import (
    CLIENT,
    SERVER,
    ReceivedSpan,
    Receiver,
    otlp_receiver,
    tracing_environment,
)
from tests.support.redis import available, private_redis
from tests.support.workers import job_environment, worker

pytestmark = [pytest.mark.system, pytest.mark.slow]

PRODUCTS = "query Products { products(first: 3) { edges { node { name } } } }"
ORDER = """mutation PlaceOrder($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { number } errors { code } } }"""
ORDER_EMAIL_TASK = "apps.orders.tasks.order_received_email_send_task"


def _server_span(spans: list[ReceivedSpan], route: str) -> ReceivedSpan | None:
    return next((s for s in spans if s.kind == SERVER and s.name == route), None)


def _sql(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    return [
        s
        for s in spans
        if "db.statement" in s.attributes or "db.query.text" in s.attributes
    ]


def _in_trace_of(route: str, spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    server = _server_span(spans, route)
    return [] if server is None else [s for s in spans if s.trace_id == server.trace_id]


@dataclass(frozen=True)
class Traced:
    """A server exporting to a receiver; each request is its own trace."""

    server: LiveServer
    receiver: Receiver

    def post(
        self, body: dict[str, object]
    ) -> tuple[httpx.Response, list[ReceivedSpan]]:
        """POST to /graphql/ as a caller that starts a trace; return its spans."""
        trace_id = secrets.token_hex(16)
        response = httpx.post(
            f"{self.server.url}/graphql/",
            json=body,
            headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
            timeout=30,
        )
        self.receiver.wait_for(
            lambda spans: bool(_sql([s for s in spans if s.trace_id == trace_id]))
        )
        time.sleep(0.3)  # the rest of the batch
        return response, [s for s in self.receiver.snapshot() if s.trace_id == trace_id]


@pytest.fixture(scope="module")
def traced(django_db_setup) -> Iterator[Traced]:
    """One tracing server for the tests that only read what a request yields."""
    with (
        otlp_receiver() as receiver,
        live_server(env=tracing_environment(receiver)) as server,
    ):
        yield Traced(server=server, receiver=receiver)


def test_a_products_query_is_one_trace_of_server_graphql_and_sql_spans(
    traced, transactional_db
):
    response, trace = traced.post({"query": PRODUCTS})

    assert response.status_code == 200, response.text
    server_span = _server_span(trace, "POST graphql/")
    assert server_span is not None
    assert server_span.attributes["http.route"] == "graphql/"
    operation = next(s for s in trace if s.name == "query Products")
    assert operation.parent_span_id == server_span.span_id
    assert operation.attributes["graphql.operation.type"] == "query"
    assert operation.attributes["graphql.operation.name"] == "Products"
    assert len(operation.attributes["graphql.document.hash"]) == 64
    assert operation.attributes["graphql.cost.requestedQueryCost"] > 0
    assert "graphql.document" not in operation.attributes
    assert all(s.resource["service.name"] == "fashionistar" for s in trace)
    statements = _sql(trace)
    assert statements
    assert all(s.parent_span_id == operation.span_id for s in statements)


def test_the_access_log_line_carries_the_server_spans_trace_and_span_ids(
    traced, transactional_db
):
    since = traced.server.log_size()

    _, trace = traced.post({"query": PRODUCTS})

    server_span = _server_span(trace, "POST graphql/")
    assert server_span is not None
    lines = [
        json.loads(line)
        for line in traced.server.log(since=since).splitlines()
        if line.startswith("{")
    ]
    (access,) = [
        line
        for line in lines
        if line.get("logger") == "fashionistar.access"
        and line.get("path") == "/graphql/"
    ]
    assert access["trace_id"] == server_span.trace_id
    assert access["span_id"] == server_span.span_id


def test_spans_carry_no_query_parameters(traced, transactional_db):
    secret_search = f"needle-{uuid.uuid4().hex}"
    query = (
        "query ($q: String) { products(first: 1, filter: {search: $q}) "
        "{ edges { node { name } } } }"
    )

    response, trace = traced.post({"query": query, "variables": {"q": secret_search}})

    assert "errors" not in response.json(), response.text
    assert _sql(trace)
    assert all(secret_search not in repr(s.attributes) for s in trace)


def test_resolver_spans_are_off_by_default(traced, transactional_db):
    _, trace = traced.post({"query": PRODUCTS})

    assert not [s for s in trace if s.name.startswith("GraphQL Resolving")]


def test_resolver_spans_are_on_when_asked_and_carry_no_arguments(transactional_db):
    with (
        otlp_receiver() as receiver,
        live_server(
            env={"GRAPHQL_TRACE_RESOLVERS": "true", **tracing_environment(receiver)}
        ) as server,
    ):
        _, trace = Traced(server=server, receiver=receiver).post({"query": PRODUCTS})

    resolving = [s for s in trace if s.name.startswith("GraphQL Resolving")]
    assert {s.name for s in resolving} >= {"GraphQL Resolving: products"}
    assert all(
        not key.startswith("graphql.param") for s in resolving for key in s.attributes
    )


def test_under_opentelemetry_instrument_the_trace_is_the_same_and_not_doubled(
    transactional_db,
):
    instrument = str(Path(sys.executable).with_name("opentelemetry-instrument"))
    with otlp_receiver() as receiver:
        # The wrapper configures the SDK before the app can set its defaults:
        # these are the ones docs/operations.md says to give it.
        env = tracing_environment(
            receiver,
            OTEL_SERVICE_NAME="fashionistar",
            OTEL_METRICS_EXPORTER="none",
            OTEL_LOGS_EXPORTER="none",
        )
        with live_server(env=env, wrapper=[instrument]) as server:
            httpx.post(f"{server.url}/graphql/", json={"query": PRODUCTS}, timeout=30)
            spans = receiver.wait_for(
                lambda spans: bool(_sql(_in_trace_of("POST graphql/", spans)))
            )
            time.sleep(0.5)  # a doubled span would arrive in the same batch
            spans = receiver.snapshot()

    trace = _in_trace_of("POST graphql/", spans)
    assert [s.name for s in trace if s.kind == SERVER] == ["POST graphql/"]
    assert [s.name for s in trace].count("query Products") == 1
    assert _sql(trace)
    # Instrumenting twice nests each span in a copy of itself.
    by_id = {s.span_id: s for s in trace}
    assert not [
        s
        for s in trace
        if s.parent_span_id in by_id and by_id[s.parent_span_id].name == s.name
    ]
    assert {s.resource["service.name"] for s in trace} == {"fashionistar"}


@pytest.mark.skipif(available() is not None, reason=str(available()))
def test_an_order_is_one_trace_from_request_to_the_workers_email_job(
    transactional_db, variant_gid, mail_dir
):
    token = signed_in(UserFactory.create()).access_token
    with (
        otlp_receiver() as receiver,
        private_redis() as redis,
    ):
        env = {
            **tracing_environment(receiver),
            "TASKS_BACKEND": "redis",
            "REDIS_URL": redis.url,
            "EMAIL_URL": f"filemail://{mail_dir}",
        }
        with (
            live_server(env=env) as server,
            worker("worker", "--queue", "emails", env=job_environment(**env)),
        ):
            response = httpx.post(
                f"{server.url}/graphql/",
                json={
                    "query": ORDER,
                    "variables": {
                        "input": {
                            "lines": [{"variantId": variant_gid, "quantity": 1}],
                            "shippingAddress": ADDRESS_INPUT,
                            "idempotencyKey": uuid.uuid4().hex,
                        }
                    },
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert response.json()["data"]["orderCreate"]["errors"] == [], response.text

            def complete(spans: list[ReceivedSpan]) -> bool:
                trace = _order_trace(spans)
                return any(s.name == f"job {ORDER_EMAIL_TASK}" for s in trace)

            spans = receiver.wait_for(complete, timeout=60)

    trace = _order_trace(spans)
    names = {s.name for s in trace}
    assert "POST graphql/" in names
    assert "mutation PlaceOrder" in names
    assert _sql(trace)
    redis_spans = [s for s in trace if s.attributes.get("db.system") == "redis"]
    assert redis_spans
    assert all(s.kind == CLIENT for s in redis_spans)
    job = next(s for s in trace if s.name == f"job {ORDER_EMAIL_TASK}")
    request = _server_span(trace, "POST graphql/")
    assert request is not None
    assert job.resource["process.pid"] != request.resource["process.pid"]


def _order_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    operation = next((s for s in spans if s.name == "mutation PlaceOrder"), None)
    return (
        []
        if operation is None
        else [s for s in spans if s.trace_id == operation.trace_id]
    )


@pytest.mark.postgres
def test_a_webhook_delivery_is_its_own_trace_down_to_the_payment_change(
    transactional_db,
):
    payment = payment_for(placed_order())
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))
    with otlp_receiver() as receiver:
        env = {**tracing_environment(receiver), "TASKS_BACKEND": "database"}
        with (
            live_server(env=env) as server,
            worker("worker", env=job_environment(**env)),
        ):
            response = httpx.post(
                f"{server.url}/webhooks/stripe/",
                content=body,
                headers={
                    "Stripe-Signature": signature,
                    "Content-Type": "application/json",
                },
                timeout=30,
            )
            assert response.status_code == 200, response.text

            def changed(spans: list[ReceivedSpan]) -> bool:
                trace = _in_trace_of("POST webhooks/stripe/", spans)
                return any(s.name == "payment transition" for s in trace)

            spans = receiver.wait_for(changed, timeout=60)

    trace = _in_trace_of("POST webhooks/stripe/", spans)
    transition = next(s for s in trace if s.name == "payment transition")
    assert transition.attributes["payment.to_status"] == "CAPTURED"
    assert any(s.parent_span_id == transition.span_id for s in _sql(trace))
    assert not any(s.name.startswith(("query", "mutation")) for s in trace)
