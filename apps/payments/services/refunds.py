"""Refunds staff ask for: the provider call, made once per refund."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.jobs.outbox import job_enqueue
from apps.orders import locks as order_locks
from apps.payments import locks as payment_locks
from apps.payments import providers, tasks
from apps.payments.errors import PaymentError, PaymentErrorCode
from apps.payments.models import Payment, PaymentEvent, PaymentStatus

REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


def payment_refund_request(
    *, payment_id: int, amount: Decimal | None = None
) -> Decimal:
    """Queue a refund of `amount` (default: all that is left); return it.

    The refund runs as a job on the critical queue. Its idempotency key is
    the payment and the refunded total it aims at, so a job run twice, or a
    click repeated before the provider's refund event arrives, refunds once.

    Raises:
        PaymentError: PAYMENT_NOT_FOUND; ORDER_NOT_PAYABLE when the payment
            is not captured or the amount is not within what is left.
    """
    with transaction.atomic():
        payment = payment_locks.payments_for_update([payment_id]).first()
        if payment is None:
            raise PaymentError(
                PaymentErrorCode.PAYMENT_NOT_FOUND, "No payment has this ID."
            )
        left = payment.amount - payment.refunded_amount
        amount = left if amount is None else amount
        if payment.status not in REFUNDABLE or not Decimal(0) < amount <= left:
            raise PaymentError(
                PaymentErrorCode.ORDER_NOT_PAYABLE,
                f"Only a captured payment can be refunded, up to {left} {payment.currency}.",
            )
        target = payment.refunded_amount + amount
        job_enqueue(
            tasks.payment_refund_task,
            key=f"payment-refund:{payment.pk}:{target}",
            payment_id=payment.pk,
            target=str(target),
        )
    return amount


def payment_refund(*, payment_id: int, target: str) -> bool:
    """Ask the provider to bring the refunded total to `target`; once per key.

    Returns False when the payment's refunds already reach `target` (a later
    run after the provider's refund event was applied).
    """
    total = Decimal(target)
    payment = Payment.objects.get(pk=payment_id)
    with transaction.atomic():
        order_locks.orders_for_update([payment.order_id]).get()
        payment = payment_locks.payments_for_update([payment_id]).get()
        if payment.refunded_amount >= total:
            return False
        providers.gateway(payment.provider).refund(
            reference=payment.reference,
            amount=total - payment.refunded_amount,
            idempotency_key=f"refund:{payment.pk}:{total}",
        )
        PaymentEvent.objects.create(
            payment=payment,
            from_status=payment.status,
            to_status=payment.status,
            amount=total - payment.refunded_amount,
            note="refund requested",
            created_at=timezone.now(),
        )
    return True
