"""Applying provider events to payments: once, in any order, under locks.

Each event is applied in one transaction holding, in this fixed order, the
order row, the payment row and the event row, so concurrent events of one
payment take turns and an event is applied at most once (its status says
whether it was). The outcome depends on the set of events, not on the order
they arrive in: a refund that arrives before its capture waits (DEFERRED)
and is applied right after the capture; a failure after a capture changes
nothing; refunds carry running totals, so a late one cannot undo a newer one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from opentelemetry import trace

from apps.core import metrics
from apps.jobs.outbox import job_enqueue
from apps.orders import events as order_events
from apps.orders import locks as order_locks
from apps.orders.services import order_mark_paid, order_refund
from apps.orders.status import OrderStatus
from apps.payments import locks as payment_locks
from apps.payments import providers, tasks
from apps.payments.models import (
    Payment,
    PaymentEvent,
    PaymentStatus,
    WebhookEvent,
    WebhookStatus,
)
from apps.payments.providers.base import Action, ProviderEvent

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

SETTLED = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
OPEN = (WebhookStatus.RECEIVED, WebhookStatus.DEFERRED, WebhookStatus.ORPHAN)
# Audit note of a capture refunded because another payment paid the order.
DUPLICATE_NOTE = "automatic refund: the order was already paid by payment"


def webhook_event_process(*, webhook_event_id: int) -> WebhookStatus:
    """Apply stored event `webhook_event_id`; return its status afterwards.

    Safe to run any number of times, concurrently included: an event that
    was already applied (or refused) is left as it is.
    """
    row = WebhookEvent.objects.get(pk=webhook_event_id)
    event = providers.get(row.provider).parse(row.payload)
    payment = Payment.objects.filter(
        provider=row.provider, reference=event.reference
    ).first()
    if payment is None:
        return _orphan(row)
    with transaction.atomic():
        order_locks.orders_for_update([payment.order_id]).get()
        payment = payment_locks.payments_for_update([payment.pk]).get()
        row = payment_locks.webhook_event_for_update(row.pk)
        if row.status not in OPEN:
            return WebhookStatus(row.status)
        status = _apply(payment, event, row)
        if status == WebhookStatus.APPLIED and payment.status in SETTLED:
            _apply_deferred(payment)
        return status


def _orphan(row: WebhookEvent) -> WebhookStatus:
    """Keep an event whose payment we do not know, and say so loudly."""
    WebhookEvent.objects.filter(pk=row.pk, status=WebhookStatus.RECEIVED).update(
        status=WebhookStatus.ORPHAN,
        note="No payment has this reference (yet).",
        processed_at=timezone.now(),
    )
    logger.warning(
        "payment event for an unknown payment kept",
        extra={
            "provider": row.provider,
            "event_id": row.event_id,
            "reference": row.reference,
        },
    )
    return WebhookStatus.ORPHAN


def _apply_deferred(payment: Payment) -> None:
    """Apply the events that waited for this payment to be captured."""
    waiting = WebhookEvent.objects.select_for_update().filter(
        provider=payment.provider,
        reference=payment.reference,
        status=WebhookStatus.DEFERRED,
    )
    for row in waiting.order_by("received_at", "pk"):
        _apply(payment, providers.get(row.provider).parse(row.payload), row)


def _apply(payment: Payment, event: ProviderEvent, row: WebhookEvent) -> WebhookStatus:
    """Apply `event` to the locked `payment`; record and return the outcome."""
    now = timezone.now()
    if event.currency and event.currency != payment.currency:
        status = _reject(
            payment, row, f"currency {event.currency} is not {payment.currency}", now
        )
    elif event.action is Action.CAPTURED:
        status = _capture(payment, event, row, now)
    elif event.action is Action.AUTHORIZED:
        status = _move(
            payment,
            PaymentStatus.AUTHORIZED,
            event,
            row,
            now,
            allowed=(PaymentStatus.PENDING,),
        )
        if status == WebhookStatus.APPLIED:  # held for manual capture: ask for it
            job_enqueue(
                tasks.payment_capture_task,
                key=f"payment-capture:{payment.pk}",
                payment_id=payment.pk,
            )
    elif event.action is Action.FAILED:
        status = _move(
            payment,
            PaymentStatus.FAILED,
            event,
            row,
            now,
            allowed=(PaymentStatus.PENDING, PaymentStatus.AUTHORIZED),
        )
    else:
        status = _refund(payment, event, row, now)
    _finish(row, status, now)
    return status


def _capture(
    payment: Payment, event: ProviderEvent, row: WebhookEvent, now: datetime
) -> WebhookStatus:
    if payment.status in SETTLED:
        return WebhookStatus.NO_CHANGE
    if event.amount != payment.amount:
        return _reject(
            payment, row, f"captured {event.amount}, expected {payment.amount}", now
        )
    _transition(payment, PaymentStatus.CAPTURED, event, row, now, amount=payment.amount)
    metrics.payment_captured(payment.provider, payment.currency, payment.amount)
    order = payment.order
    order.refresh_from_db(fields=["status"])
    paid_by = _other_capture(payment)
    if paid_by is not None:
        _refund_duplicate(payment, paid_by, now)
    elif order.status == OrderStatus.PENDING_PAYMENT:
        order_mark_paid(order_id=order.pk, now=now)
    else:
        _flag(payment, f"captured while the order was {order.status}: refund it")
    return WebhookStatus.APPLIED


def _other_capture(payment: Payment) -> Payment | None:
    """Another payment of the order that took its money, if any."""
    return (
        Payment.objects.filter(order_id=payment.order_id, status__in=SETTLED)
        .exclude(pk=payment.pk)
        .exclude(events__note__startswith=DUPLICATE_NOTE)
        .order_by("pk")
        .first()
    )


def _refund_duplicate(payment: Payment, paid_by: Payment, now: datetime) -> None:
    """Refund in full a capture for an order another payment already paid.

    A critical job does it, keyed by the payment and the full amount: the
    same key a staff refund of it in full would use, so it refunds once.
    """
    PaymentEvent.objects.create(
        payment=payment,
        from_status=payment.status,
        to_status=payment.status,
        amount=payment.amount,
        note=f"{DUPLICATE_NOTE} {paid_by.pk}",
        created_at=now,
    )
    job_enqueue(
        tasks.payment_refund_task,
        key=f"payment-refund:{payment.pk}:{payment.amount}",
        payment_id=payment.pk,
        target=str(payment.amount),
    )
    logger.warning(
        "second capture of a paid order: refunding it automatically",
        extra={"payment_id": payment.pk, "paid_by": paid_by.pk},
    )


def _refund(
    payment: Payment, event: ProviderEvent, row: WebhookEvent, now: datetime
) -> WebhookStatus:
    if payment.status not in SETTLED:
        return WebhookStatus.DEFERRED  # its capture has not arrived yet
    assert event.amount is not None
    total = (
        max(payment.refunded_amount, event.amount)
        if event.action is Action.REFUNDED  # a running total (Stripe)
        else payment.refunded_amount + event.amount  # one refund (Paystack)
    )
    if total > payment.amount:
        return _reject(payment, row, f"refunds of {total} exceed {payment.amount}", now)
    if total == payment.refunded_amount:
        return WebhookStatus.NO_CHANGE
    target = (
        PaymentStatus.REFUNDED
        if total == payment.amount
        else PaymentStatus.PARTIALLY_REFUNDED
    )
    metrics.payment_refunded(
        payment.provider, payment.currency, total - payment.refunded_amount
    )
    payment.refunded_amount = total
    _transition(payment, target, event, row, now, amount=total)
    if payment.events.filter(note__startswith=DUPLICATE_NOTE).exists():
        # The refund of a duplicate capture: the order keeps the payment it has.
        return WebhookStatus.APPLIED
    if target == PaymentStatus.PARTIALLY_REFUNDED:
        order_events.order_refunded_publish(
            order_events.OrderRefunded(order_id=payment.order_id, partial=True)
        )
    if target == PaymentStatus.REFUNDED:
        order = payment.order
        order.refresh_from_db(fields=["status"])
        if order.status == OrderStatus.PAID:
            order_refund(order_id=order.pk, now=now)
        else:
            _flag(payment, f"refunded while the order was {order.status}")
    return WebhookStatus.APPLIED


def _move(
    payment: Payment,
    target: PaymentStatus,
    event: ProviderEvent,
    row: WebhookEvent,
    now: datetime,
    *,
    allowed: tuple[PaymentStatus, ...],
) -> WebhookStatus:
    if payment.status not in allowed:
        return WebhookStatus.NO_CHANGE  # e.g. a failure reported after success
    _transition(payment, target, event, row, now, amount=event.amount or payment.amount)
    return WebhookStatus.APPLIED


def _transition(
    payment: Payment,
    target: PaymentStatus,
    event: ProviderEvent,
    row: WebhookEvent,
    now: datetime,
    *,
    amount: Decimal,
) -> None:
    previous = payment.status
    with tracer.start_as_current_span(
        "payment transition",
        attributes={
            "payment.id": payment.pk,
            "payment.provider": payment.provider,
            "payment.from_status": previous,
            "payment.to_status": target,
        },
    ):
        payment.status = target
        payment.save(update_fields=["status", "refunded_amount", "updated_at"])
        PaymentEvent.objects.create(
            payment=payment,
            from_status=previous,
            to_status=target,
            amount=amount,
            provider_transaction_id=event.transaction_id,
            webhook_event=row,
            note=event.event_type,
            created_at=now,
        )


def _reject(
    payment: Payment, row: WebhookEvent, reason: str, now: datetime
) -> WebhookStatus:
    """Refuse an event that disagrees with the payment; flag it for staff."""
    _flag(payment, f"refused {row.event_type}: {reason}")
    PaymentEvent.objects.create(
        payment=payment,
        from_status=payment.status,
        to_status=payment.status,
        amount=Decimal(0),
        webhook_event=row,
        note=f"refused: {reason}"[:200],
        created_at=now,
    )
    row.note = reason[:200]  # saved with the status by _apply
    logger.error(
        "payment event refused and flagged",
        extra={"payment_id": payment.pk, "event_id": row.event_id, "reason": reason},
    )
    return WebhookStatus.REJECTED


def _flag(payment: Payment, reason: str) -> None:
    payment.flagged_reason = reason[:200]
    payment.save(update_fields=["flagged_reason", "updated_at"])
    logger.error(
        "payment flagged for staff", extra={"payment_id": payment.pk, "reason": reason}
    )


def _finish(row: WebhookEvent, status: WebhookStatus, now: datetime) -> None:
    row.status = status
    row.processed_at = now
    row.save(update_fields=["status", "processed_at", "note"])
