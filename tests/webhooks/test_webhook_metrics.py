"""Each webhook delivery is counted by provider and by what became of it."""

from __future__ import annotations

import pytest

from tests.factories.orders import placed_order
from tests.factories.payments import payment_for, stripe_payload, stripe_signed
from tests.support.metrics import sample

pytestmark = pytest.mark.django_db
URL = "/webhooks/stripe/"
COUNTER = "fashionistar_webhooks_total"


def _post(client, body: bytes, signature: str):
    headers = {"Stripe-Signature": signature}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def _count(result: str) -> float:
    return sample(COUNTER, provider="stripe", result=result)


def test_a_delivery_and_its_duplicate_are_counted_as_accepted_then_duplicate(client):
    body, signature = stripe_signed(
        stripe_payload("payment_intent.succeeded", payment_for(placed_order()))
    )
    accepted, duplicate = _count("accepted"), _count("duplicate")

    _post(client, body, signature)
    _post(client, body, signature)

    assert _count("accepted") == accepted + 1
    assert _count("duplicate") == duplicate + 1


def test_a_bad_signature_is_counted_as_refused(client):
    body, _ = stripe_signed(
        stripe_payload("payment_intent.succeeded", payment_for(placed_order()))
    )
    refused = _count("refused")

    response = _post(client, body, "t=1,v1=forged")

    assert response.status_code == 400
    assert _count("refused") == refused + 1


def test_a_capture_is_counted_by_provider_and_currency_once_committed(
    client, django_capture_on_commit_callbacks
):
    payment = payment_for(placed_order())
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))
    labels = {"provider": "stripe", "currency": payment.currency}
    captured = sample("fashionistar_payments_captured_total", **labels)
    amount = sample("fashionistar_payments_captured_amount_total", **labels)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, body, signature)

    assert sample("fashionistar_payments_captured_total", **labels) == captured + 1
    assert sample("fashionistar_payments_captured_amount_total", **labels) == (
        amount + float(payment.amount)
    )
