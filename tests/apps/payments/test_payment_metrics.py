"""Captures and refunds are counted by provider and currency, with their amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.apps.payments.test_processing import deliver
from tests.factories.catalog import stocked_variant
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for
from tests.support.metrics import sample

pytestmark = pytest.mark.django_db


def test_a_partial_then_full_refund_counts_two_refunds_and_their_amounts(
    django_capture_on_commit_callbacks,
):
    payment = payment_for(placed_order(items=[(stocked_variant(on_hand=5), 2)]))
    labels = {"provider": "stripe", "currency": payment.currency}
    refunds = sample("fashionistar_payments_refunded_total", **labels)
    refunded = sample("fashionistar_payments_refunded_amount_total", **labels)
    half = (payment.amount / 2).quantize(Decimal("0.01"))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(payment, "payment_intent.succeeded")
        deliver(payment, "charge.refunded", amount=half)  # a running total (Stripe)
        deliver(payment, "charge.refunded", amount=payment.amount)

    assert sample("fashionistar_payments_refunded_total", **labels) == refunds + 2
    assert sample(
        "fashionistar_payments_refunded_amount_total", **labels
    ) == pytest.approx(refunded + float(payment.amount))
