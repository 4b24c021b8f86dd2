"""paymentInitialize through /graphql/, and the whole flow to a paid order."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from apps.orders.models import Order
from apps.orders.status import OrderStatus
from apps.payments.models import Payment, PaymentStatus, Provider
from apps.payments.providers.paystack import event_payload as paystack_payload
from apps.payments.providers.stripe import event_payload as stripe_payload
from tests.factories.accounts import UserFactory
from tests.factories.orders import placed_order as _placed_order
from tests.factories.payments import paystack_signed, stripe_signed
from tests.support.graphql import gid, post, token

INITIALIZE = """
mutation ($orderId: ID!, $provider: PaymentProvider!, $key: String) {
  paymentInitialize(orderId: $orderId, provider: $provider, idempotencyKey: $key) {
    payment { id provider reference status amount { amount currency } clientSecret authorizationUrl }
    errors { field code message }
  }
}
"""

pytestmark = pytest.mark.django_db


def placed_order():
    """An unpaid order of a customer who can sign in."""
    return _placed_order(buyer=UserFactory.create())


def initialize(
    client, order, *, provider="STRIPE", buyer=None, key=None
) -> dict[str, Any]:
    bearer = token(buyer or order.customer)
    body = post(
        client,
        INITIALIZE,
        {"orderId": gid("Order", order.pk), "provider": provider, "key": key},
        bearer=bearer,
    )
    result: dict[str, Any] = body["data"]["paymentInitialize"]
    return result


def test_a_customer_starts_a_stripe_payment_for_the_order_total(gql_client):
    order = placed_order()

    result = initialize(gql_client, order)

    assert result["errors"] == []
    payment = result["payment"]
    assert payment["provider"] == "STRIPE"
    assert payment["status"] == "PENDING"
    assert payment["amount"] == {"amount": str(order.total), "currency": order.currency}
    assert payment["reference"].startswith("pi_sim_")
    assert payment["clientSecret"].startswith(payment["reference"])
    assert payment["authorizationUrl"] is None


def test_paystack_payments_come_with_an_authorization_url(gql_client):
    result = initialize(gql_client, placed_order(), provider="PAYSTACK")

    assert result["payment"]["authorizationUrl"].startswith("http")
    assert result["payment"]["clientSecret"] is None


def test_asking_again_returns_the_same_open_payment(gql_client):
    order = placed_order()

    first = initialize(gql_client, order)["payment"]
    second = initialize(gql_client, order)["payment"]

    assert first == second
    assert Payment.objects.count() == 1


def test_another_customers_order_does_not_exist(gql_client):
    result = initialize(gql_client, placed_order(), buyer=UserFactory.create())

    assert [e["code"] for e in result["errors"]] == ["ORDER_NOT_FOUND"]
    assert result["payment"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"status": OrderStatus.CANCELLED},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["cancelled", "expired"],
)
def test_an_order_not_awaiting_payment_cannot_be_paid(gql_client, change):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(**change)

    result = initialize(gql_client, order)

    assert [e["code"] for e in result["errors"]] == ["ORDER_NOT_PAYABLE"]
    assert not Payment.objects.exists()


def test_one_idempotency_key_cannot_start_two_different_payments(gql_client):
    order = placed_order()
    key = uuid.uuid4().hex

    first = initialize(gql_client, order, key=key)
    again = initialize(gql_client, order, key=key)
    other = initialize(gql_client, order, provider="PAYSTACK", key=key)

    assert again["payment"] == first["payment"]
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


@pytest.mark.parametrize("provider", ["STRIPE", "PAYSTACK"])
def test_initialize_then_the_providers_webhook_pays_the_order_and_emails_once(
    gql_client, client, provider, django_capture_on_commit_callbacks
):
    order = placed_order()
    reference = initialize(gql_client, order, provider=provider)["payment"]["reference"]
    payment = Payment.objects.get(reference=reference)
    mail.outbox.clear()
    if payment.provider == Provider.STRIPE:
        body, signature = stripe_signed(
            stripe_payload("payment_intent.succeeded", payment)
        )
        headers = {"Stripe-Signature": signature}
    else:
        body, signature = paystack_signed(paystack_payload("charge.success", payment))
        headers = {"x-paystack-signature": signature}

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):  # the provider retries
            client.post(
                f"/webhooks/{payment.provider}/",
                data=body,
                content_type="application/json",
                headers=headers,
            )

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.CAPTURED, OrderStatus.PAID)
    assert [m.subject for m in mail.outbox] == [
        f"Your order {order.number} is confirmed"
    ]


def test_anonymous_callers_are_refused(gql_client):
    body = post(
        gql_client,
        INITIALIZE,
        {"orderId": gid("Order", placed_order().pk), "provider": "STRIPE"},
    )

    assert body["data"] is None or body["data"]["paymentInitialize"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def deliver_signed(client, payment: Payment, event_type: str) -> None:
    """Post the provider's signed event about `payment` to its webhook."""
    if payment.provider == Provider.STRIPE:
        body, signature = stripe_signed(stripe_payload(event_type, payment))
        headers = {"Stripe-Signature": signature}
    else:
        body, signature = paystack_signed(paystack_payload(event_type, payment))
        headers = {"x-paystack-signature": signature}
    response = client.post(
        f"/webhooks/{payment.provider}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content


def test_starting_a_payment_with_another_provider_cancels_the_open_one(gql_client):
    order = placed_order()
    stripe = initialize(gql_client, order, key=uuid.uuid4().hex)["payment"]

    paystack = initialize(gql_client, order, provider="PAYSTACK", key=uuid.uuid4().hex)[
        "payment"
    ]

    assert paystack["status"] == "PENDING"
    statuses = dict(
        Payment.objects.filter(order=order).values_list("reference", "status")
    )
    assert statuses == {
        stripe["reference"]: PaymentStatus.CANCELLED,
        paystack["reference"]: PaymentStatus.PENDING,
    }


def test_a_customer_paying_twice_for_one_order_is_refunded_the_second_time(
    gql_client, client, django_capture_on_commit_callbacks
):
    order = placed_order()
    first = initialize(gql_client, order, key=uuid.uuid4().hex)["payment"]
    second = initialize(gql_client, order, provider="PAYSTACK", key=uuid.uuid4().hex)[
        "payment"
    ]
    stripe = Payment.objects.get(reference=first["reference"])
    paystack = Payment.objects.get(reference=second["reference"])

    with django_capture_on_commit_callbacks(execute=True):
        deliver_signed(client, stripe, "payment_intent.succeeded")
        deliver_signed(client, paystack, "charge.success")
    with django_capture_on_commit_callbacks(execute=True):
        deliver_signed(client, paystack, "refund.processed")  # the provider's answer

    stripe.refresh_from_db()
    paystack.refresh_from_db()
    order.refresh_from_db()
    assert (stripe.status, paystack.status) == (
        PaymentStatus.CAPTURED,
        PaymentStatus.REFUNDED,
    )
    assert order.status == OrderStatus.PAID
    assert paystack.flagged_reason == ""
    notes = list(paystack.events.order_by("pk").values_list("note", flat=True))
    assert notes == [
        "charge.success",
        f"automatic refund: the order was already paid by payment {stripe.pk}",
        "refund requested",
        "refund.processed",
    ]
