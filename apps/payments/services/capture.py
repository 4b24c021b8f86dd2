"""Capturing an authorized payment: the provider call, made once per payment."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.orders import locks as order_locks
from apps.payments import locks as payment_locks
from apps.payments import providers
from apps.payments.models import Payment, PaymentEvent, PaymentStatus


def payment_capture(*, payment_id: int) -> bool:
    """Ask the provider to capture an AUTHORIZED payment; return whether asked.

    Holds the order and payment locks (that order) while calling, so two runs
    take turns; the idempotency key is derived from the payment, never the
    attempt, so a run repeated after a crash reaches the same capture and
    the provider charges once. The capture itself is recorded when the
    provider's `payment_intent.succeeded` arrives.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return False
    with transaction.atomic():
        order_locks.orders_for_update([payment.order_id]).get()
        payment = payment_locks.payments_for_update([payment_id]).get()
        if payment.status != PaymentStatus.AUTHORIZED:
            return False
        providers.gateway(payment.provider).capture(
            reference=payment.reference,
            idempotency_key=f"capture:{payment.pk}",
        )
        PaymentEvent.objects.create(
            payment=payment,
            from_status=payment.status,
            to_status=payment.status,
            amount=payment.amount,
            note="capture requested",
            created_at=timezone.now(),
        )
    return True
