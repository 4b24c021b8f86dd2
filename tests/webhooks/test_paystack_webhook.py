"""POST /webhooks/paystack/: HMAC-SHA512 of the raw body, then as Stripe."""

from __future__ import annotations

import json

import pytest

from apps.payments.models import PaymentStatus, Provider, WebhookEvent, WebhookStatus
from apps.payments.providers.paystack import sign as paystack_sign
from tests.factories.orders import placed_order
from tests.factories.payments import (
    PAYSTACK_SECRET,
    payment_for,
    paystack_payload,
    paystack_signed,
)

pytestmark = pytest.mark.django_db
URL = "/webhooks/paystack/"


def post(client, body: bytes, signature: str | None):
    headers = {"x-paystack-signature": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


@pytest.fixture
def payment():
    return payment_for(placed_order(), provider=Provider.PAYSTACK)


def test_a_signed_charge_success_captures_the_payment(
    client, payment, django_capture_on_commit_callbacks
):
    body, signature = paystack_signed(
        paystack_payload("charge.success", payment, object_id=77)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature)

    assert response.json() == {"status": "accepted", "event_id": "charge.success:77"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED


def test_the_signature_covers_the_raw_bytes_not_reserialised_json(client, payment):
    payload = paystack_payload("charge.success", payment)
    body = json.dumps(payload, indent=2).encode()  # same JSON, other bytes
    signature = paystack_sign(json.dumps(payload).encode(), PAYSTACK_SECRET)

    assert post(client, body, signature).status_code == 400
    assert post(client, body, paystack_sign(body, PAYSTACK_SECRET)).status_code == 200


@pytest.mark.parametrize(
    "signature",
    [None, "", "00" * 64, "not hex at all", "é" * 10],
    ids=["missing", "empty", "zeros", "garbage", "non-ascii"],
)
def test_a_bad_or_missing_signature_is_refused(client, payment, signature):
    body, _ = paystack_signed(paystack_payload("charge.success", payment))

    response = post(client, body, signature)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_replayed_event_is_a_duplicate_for_ever(
    client, payment, django_capture_on_commit_callbacks
):
    body, signature = paystack_signed(paystack_payload("charge.success", payment))

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post(client, body, signature).json()["status"] for _ in range(3)]

    assert statuses == ["accepted", "duplicate", "duplicate"]
    assert WebhookEvent.objects.get().status == WebhookStatus.APPLIED


def test_an_event_without_a_data_id_cannot_be_named_and_is_refused(client):
    body, signature = paystack_signed({"event": "charge.success", "data": {}})

    response = post(client, body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_PAYLOAD"
