"""The OpenAPI document at /openapi.json says what the webhook endpoints do.

Real responses, in-process through Django's WSGI handler (the same thread,
so the test database), are validated against the published document with
schemathesis: status code, content type, body schema and headers. A
schemathesis run generates requests from the document on top of that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from werkzeug.test import Client, TestResponse

from apps.payments.models import Provider
from apps.payments.providers.simulated import signed
from tests.factories.orders import placed_order
from tests.factories.payments import (
    PAYSTACK_SECRET,
    STRIPE_SECRET,
    payment_for,
    paystack_payload,
    stripe_payload,
)

pytestmark = pytest.mark.django_db

HEADERS = {"stripe": "Stripe-Signature", "paystack": "X-Paystack-Signature"}


@pytest.fixture
def app() -> Iterator[Any]:
    # As Django's test client does: a request must not close the test's
    # connection, which holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def document(app) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def post(app, provider: str, body: bytes, headers: dict[str, str]) -> TestResponse:
    return Client(app).post(
        f"/webhooks/{provider}/",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )


def answer(response: TestResponse) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.get_data())
    return body


def signed_capture(provider: str) -> tuple[bytes, dict[str, str]]:
    payment = payment_for(placed_order(), provider=Provider(provider))
    if provider == "stripe":
        payload = stripe_payload("payment_intent.succeeded", payment)
        return signed(Provider.STRIPE, payload, secret=STRIPE_SECRET)
    payload = paystack_payload("charge.success", payment)
    return signed(Provider.PAYSTACK, payload, secret=PAYSTACK_SECRET)


def validate(document, provider: str, response: TestResponse | httpx.Response) -> None:
    operation = document[f"/webhooks/{provider}/"]["POST"]
    operation.validate_response(response)  # raises, listing every mismatch


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_each_operation_declares_its_signature_header_and_raw_json_body(
    client, provider
):
    operation = client.get("/openapi.json").json()["paths"][f"/webhooks/{provider}/"][
        "post"
    ]

    (header,) = operation["parameters"]
    assert (header["name"], header["in"], header["required"]) == (
        HEADERS[provider],
        "header",
        True,
    )
    body = operation["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == ["application/json"]
    assert "raw JSON bytes" in body["description"]
    assert set(operation["responses"]) == {"200", "400", "413", "503"}
    assert "Retry-After" in operation["responses"]["503"]["headers"]


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_an_accepted_and_a_duplicate_delivery_match_the_document(
    app, document, provider
):
    body, headers = signed_capture(provider)

    first = post(app, provider, body, headers)
    again = post(app, provider, body, headers)

    assert (first.status_code, answer(first)["status"]) == (200, "accepted")
    assert (again.status_code, answer(again)["status"]) == (200, "duplicate")
    validate(document, provider, first)
    validate(document, provider, again)


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_an_ignored_and_an_unreadable_event_match_the_document(app, document, provider):
    secret = STRIPE_SECRET if provider == "stripe" else PAYSTACK_SECRET
    if provider == "stripe":
        ignored = {"id": "evt_x", "type": "customer.created", "data": {}}
        unreadable = {"id": "evt_y", "type": "payment_intent.succeeded", "data": {}}
    else:
        ignored = {"event": "transfer.success", "data": {"id": 1}}
        unreadable = {"event": "charge.success", "data": {"id": 2}}

    answers = [
        post(app, provider, *signed(Provider(provider), payload, secret=secret))
        for payload in (ignored, unreadable)
    ]

    assert [answer(a)["status"] for a in answers] == ["ignored", "invalid"]
    for response in answers:
        validate(document, provider, response)


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_refusals_match_the_document(app, document, provider):
    secret = STRIPE_SECRET if provider == "stripe" else PAYSTACK_SECRET
    bad_signature = post(
        app, provider, b'{"id": "evt_1"}', {HEADERS[provider]: "t=1,v1=00"}
    )
    not_json = post(
        app, provider, *signed(Provider(provider), "not json", secret=secret)
    )
    too_large = post(app, provider, json.dumps({"pad": "x" * 300_000}).encode(), {})

    assert [r.status_code for r in (bad_signature, not_json, too_large)] == [
        400,
        400,
        413,
    ]
    assert [
        answer(r)["error"]["code"] for r in (bad_signature, not_json, too_large)
    ] == [
        "INVALID_SIGNATURE",
        "INVALID_PAYLOAD",
        "PAYLOAD_TOO_LARGE",
    ]
    for response in (bad_signature, not_json, too_large):
        validate(document, provider, response)


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_generated_requests_get_only_documented_answers(document, provider):
    operation = document[f"/webhooks/{provider}/"]["POST"]

    # Generated requests cannot carry a valid signature: every one is
    # refused, and the refusal must be one the document declares.
    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answered_as_documented(case: Any) -> None:
        response = case.call()
        assert response.status_code == 400
        case.validate_response(
            response, excluded_checks=[schemathesis.checks.positive_data_acceptance]
        )

    answered_as_documented()


@pytest.mark.parametrize("provider", ["stripe", "paystack"])
async def test_a_body_over_the_server_wide_cap_matches_the_document(document, provider):
    from config.asgi import application  # the app as served: cap in front

    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            f"/webhooks/{provider}/",
            content=b"x" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 413
    validate(document, provider, response)
