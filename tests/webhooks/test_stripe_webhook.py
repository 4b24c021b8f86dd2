"""POST /webhooks/stripe/: verified with the stripe library, stored, queued."""

from __future__ import annotations

import logging
import time

import pytest
import time_machine

import webhooks.payments as payments_module
from apps.orders.status import OrderStatus
from apps.payments.models import (
    PaymentEvent,
    PaymentStatus,
    WebhookEvent,
    WebhookStatus,
)
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for, stripe_payload, stripe_signed

pytestmark = pytest.mark.django_db
URL = "/webhooks/stripe/"


def post(client, body: bytes, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


@pytest.fixture
def payment():
    return payment_for(placed_order())


def test_a_signed_capture_is_stored_and_pays_the_order(
    client, payment, django_capture_on_commit_callbacks
):
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature)

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    event = WebhookEvent.objects.get()
    assert event.body == body.decode()
    assert event.status == WebhookStatus.APPLIED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.order.status == OrderStatus.PAID


def test_the_response_comes_before_processing(client, payment):
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    response = post(client, body, signature)  # the job is queued, not run

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookStatus.RECEIVED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda body, sig: (body.replace(b"succeeded", b"xucceeded"), sig),
            id="tampered-body",
        ),
        pytest.param(
            lambda body, sig: (body, sig.replace("v1=", "v1=0")),
            id="tampered-signature",
        ),
        pytest.param(lambda body, sig: (body, None), id="missing-header"),
        pytest.param(lambda body, sig: (body, "garbage"), id="malformed-header"),
        pytest.param(lambda body, sig: (body, "t=1,v0=abc"), id="wrong-scheme"),
    ],
)
def test_an_unverifiable_delivery_is_refused_and_nothing_is_stored(
    client, payment, tamper
):
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    response = post(client, *tamper(body, signature))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert not WebhookEvent.objects.exists()


def test_a_wrong_secret_is_refused(client, payment):
    body, signature = stripe_signed(
        stripe_payload("payment_intent.succeeded", payment), secret="whsec_other"
    )

    assert post(client, body, signature).status_code == 400


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-301, False), (-299, True), (299, True), (301, False)]
)
def test_the_timestamp_must_be_within_300_seconds_either_way(
    client, payment, offset, accepted
):
    # The clock stands still: on a loaded machine a second between signing and
    # checking would otherwise move +301 inside the window.
    with time_machine.travel(time.time(), tick=False):
        body, signature = stripe_signed(
            stripe_payload("payment_intent.succeeded", payment),
            timestamp=int(time.time()) + offset,
        )

        response = post(client, body, signature)

    assert (response.status_code == 200) is accepted
    assert WebhookEvent.objects.exists() is accepted


def test_a_body_that_is_not_utf8_is_refused_not_crashed_on(client):
    body = b'{"id": "evt_1", "type": "x\xff"}'
    signature = f"t={int(time.time())},v1={'0' * 64}"

    response = post(client, body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"


def test_any_of_the_rotating_secrets_verifies(client, payment, settings):
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new", "whsec_old"]
    body, signature = stripe_signed(
        stripe_payload("payment_intent.succeeded", payment), secret="whsec_old"
    )

    assert post(client, body, signature).status_code == 200


def test_without_a_configured_secret_everything_is_refused(client, payment, settings):
    settings.STRIPE_WEBHOOK_SECRETS = []
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    assert post(client, body, signature).status_code == 400


def test_a_redelivery_is_acknowledged_and_changes_nothing(
    client, payment, django_capture_on_commit_callbacks
):
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, body, signature)
        again = post(client, body, signature)

    assert first.json()["status"] == "accepted"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert WebhookEvent.objects.count() == 1
    assert PaymentEvent.objects.count() == 1


def test_an_unhandled_type_is_stored_and_ignored(client):
    body, signature = stripe_signed(
        {"id": "evt_x", "type": "customer.created", "data": {"object": {}}}
    )

    response = post(client, body, signature)

    assert response.json() == {"status": "ignored", "event_id": "evt_x"}
    assert WebhookEvent.objects.get().status == WebhookStatus.IGNORED


def test_a_handled_type_with_unreadable_fields_is_kept_for_staff(client):
    body, signature = stripe_signed(
        {
            "id": "evt_y",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": 5}},
        }
    )

    response = post(client, body, signature)

    assert response.json() == {"status": "invalid", "event_id": "evt_y"}
    event = WebhookEvent.objects.get()
    assert event.status == WebhookStatus.INVALID
    assert "data.object.id" in event.note


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        '{"id": "evt_1", "type": "a\\u0000b"}',
        '{"id": "evt_1", "type": "\\ud800"}',
        '{"id": 1e999}',
        "[" * 100 + "]" * 100,
    ],
    ids=["broken", "not-an-object", "nul", "surrogate", "infinity", "deep"],
)
def test_a_signed_body_that_is_not_a_storable_event_is_refused(client, text):
    body, signature = stripe_signed(text)

    response = post(client, body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_PAYLOAD"
    assert not WebhookEvent.objects.exists()


def test_a_body_larger_than_any_event_is_refused(client, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1000
    body, signature = stripe_signed({"id": "evt_big", "type": "x", "pad": "x" * 2000})

    response = post(client, body, signature)

    assert response.status_code == 413


def test_ids_longer_than_we_store_are_kept_as_invalid_not_crashed_on(client):
    body, signature = stripe_signed(
        {
            "id": "evt_long",
            "type": "payment_intent.succeeded",
            "data": {
                "object": {
                    "id": "pi_" + "x" * 150,
                    "amount_received": 100,
                    "currency": "usd",
                }
            },
        }
    )

    response = post(client, body, signature)

    assert response.json()["status"] == "invalid"


def test_refusals_are_logged_at_most_once_per_interval(client, caplog, monkeypatch):
    monkeypatch.setattr(
        payments_module, "_refusals", payments_module._RateLimitedLog(60)
    )
    body = b'{"id": "evt_1"}'

    with caplog.at_level(logging.WARNING, logger="fashionistar.webhooks"):
        for _ in range(5):
            post(client, body, "t=1,v1=bad")

    (line,) = [r for r in caplog.records if r.getMessage() == "webhook refused"]
    assert line.provider == "stripe"
