"""Applying provider events: exactly once, and right whatever their order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.catalog.models import Stock
from apps.jobs.models import Job
from apps.orders.services import order_cancel
from apps.orders.status import OrderStatus
from apps.payments.models import (
    PaymentEvent,
    PaymentStatus,
    Provider,
    WebhookEvent,
    WebhookStatus,
)
from apps.payments.services import webhook_event_process, webhook_receive
from tests.factories.catalog import stocked_variant
from tests.factories.orders import placed_order
from tests.factories.payments import (
    payment_for,
    paystack_payload,
    paystack_signed,
    stripe_payload,
    stripe_signed,
)

pytestmark = pytest.mark.django_db


def deliver(payment, event_type: str, **kwargs) -> WebhookStatus:
    """Receive a signed event about `payment` and process it at once."""
    if payment.provider == Provider.PAYSTACK:
        body, signature = paystack_signed(
            paystack_payload(event_type, payment, **kwargs)
        )
    else:
        body, signature = stripe_signed(stripe_payload(event_type, payment, **kwargs))
    received = webhook_receive(Provider(payment.provider), body, signature)
    row = WebhookEvent.objects.get(
        provider=payment.provider, event_id=received.event_id
    )
    return webhook_event_process(webhook_event_id=row.pk)


@pytest.fixture
def variant():
    return stocked_variant(on_hand=10)


@pytest.fixture
def payment(variant):
    return payment_for(placed_order(items=[(variant, 2)]))


def stock_of(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.quantity_on_hand, row.quantity_reserved


def test_a_capture_pays_the_order_and_enqueues_its_confirmation(payment, variant):
    assert deliver(payment, "payment_intent.succeeded") == WebhookStatus.APPLIED

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.order.status == OrderStatus.PAID
    assert stock_of(variant) == (8, 0)
    audit = PaymentEvent.objects.get(payment=payment)
    assert (audit.from_status, audit.to_status) == (
        PaymentStatus.PENDING,
        PaymentStatus.CAPTURED,
    )
    assert audit.provider_transaction_id.startswith("ch_")
    assert audit.amount == payment.amount
    assert (
        Job.objects.filter(key=f"order-confirmation-email:{payment.order_id}").count()
        == 1
    )


def test_processing_an_event_twice_applies_it_once(payment):
    deliver(payment, "payment_intent.succeeded")
    row = WebhookEvent.objects.get()

    assert webhook_event_process(webhook_event_id=row.pk) == WebhookStatus.APPLIED
    assert PaymentEvent.objects.count() == 1


def test_a_second_capture_event_changes_nothing(payment):
    deliver(payment, "payment_intent.succeeded")

    assert deliver(payment, "payment_intent.succeeded") == WebhookStatus.NO_CHANGE
    assert PaymentEvent.objects.count() == 1


def test_a_refund_before_its_capture_waits_and_then_applies(payment, variant):
    assert deliver(payment, "charge.refunded") == WebhookStatus.DEFERRED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    deliver(payment, "payment_intent.succeeded")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == payment.amount
    assert payment.order.status == OrderStatus.REFUNDED
    assert stock_of(variant) == (10, 0)  # sold, then back on sale
    assert WebhookEvent.objects.filter(status=WebhookStatus.APPLIED).count() == 2


def test_a_failure_after_success_leaves_the_payment_captured(payment):
    deliver(payment, "payment_intent.succeeded")

    assert deliver(payment, "payment_intent.payment_failed") == WebhookStatus.NO_CHANGE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED


def test_a_success_after_a_failed_attempt_captures(payment):
    deliver(payment, "payment_intent.payment_failed")
    deliver(payment, "payment_intent.succeeded")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert [e.to_status for e in payment.events.order_by("pk")] == [
        "FAILED",
        "CAPTURED",
    ]


def test_stripe_refund_totals_never_go_backwards(payment):
    deliver(payment, "payment_intent.succeeded")
    half = (payment.amount / 2).quantize(Decimal("0.01"))

    deliver(payment, "charge.refunded", amount=payment.amount)
    assert deliver(payment, "charge.refunded", amount=half) == WebhookStatus.NO_CHANGE

    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (
        PaymentStatus.REFUNDED,
        payment.amount,
    )


def test_paystack_partial_refunds_add_up(variant):
    payment = payment_for(
        placed_order(items=[(variant, 2)]), provider=Provider.PAYSTACK
    )
    deliver(payment, "charge.success")
    first = Decimal("1.00")

    deliver(payment, "refund.processed", amount=first)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (
        PaymentStatus.PARTIALLY_REFUNDED,
        first,
    )
    assert payment.order.status == OrderStatus.PAID

    deliver(payment, "refund.processed", amount=payment.amount - first)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (
        PaymentStatus.REFUNDED,
        payment.amount,
    )
    assert payment.order.status == OrderStatus.REFUNDED


@pytest.mark.parametrize(
    "change",
    [{"amount": Decimal("0.01")}, {"currency": "EUR"}],
    ids=["amount", "currency"],
)
def test_a_capture_that_disagrees_with_the_order_is_refused_and_flagged(
    payment, change
):
    if change.get("currency") == payment.currency:
        change = {"currency": "GBP"}

    assert (
        deliver(payment, "payment_intent.succeeded", **change) == WebhookStatus.REJECTED
    )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.flagged_reason.startswith("refused payment_intent.succeeded")
    assert payment.order.status == OrderStatus.PENDING_PAYMENT


def test_an_event_for_an_unknown_payment_is_kept_as_an_orphan(payment):
    payment.reference = "pi_someone_else"
    status = deliver(payment, "payment_intent.succeeded")

    assert status == WebhookStatus.ORPHAN
    assert WebhookEvent.objects.get().reference == "pi_someone_else"


def test_a_capture_for_a_cancelled_order_is_recorded_and_flagged(payment):
    order_cancel(order_id=payment.order_id, actor_id=payment.order.customer_id)

    deliver(payment, "payment_intent.succeeded")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert "CANCELLED" in payment.flagged_reason
    assert payment.order.status == OrderStatus.CANCELLED
