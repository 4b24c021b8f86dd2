"""Status changes after placement: cancel, pay, fulfil, refund.

Each change locks the order row, checks the status machine
(`apps.orders.status`), moves the stock that goes with it and writes the
audit row, all in one transaction: a refused or failed change leaves
nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.catalog import stock
from apps.core import idempotency
from apps.orders import carriers, events, locks, models
from apps.orders.errors import (
    IllegalTransitionError,
    OrderBusyError,
    OrderNotFoundError,
    OrderValidationError,
)
from apps.orders.status import OrderStatus, transition_allowed
from apps.orders.transactions import conflict_retried

CANCEL_OPERATION = "order_cancel"


@conflict_retried
@transaction.atomic
def order_cancel(
    *, order_id: int, actor_id: int, idempotency_key: str | None = None
) -> models.Order:
    """Cancel an unpaid order and return its reserved units to sale.

    The customer may cancel their own order, staff any order. Another
    customer's order is reported exactly like a missing one.

    Args:
        order_id: The order to cancel.
        actor_id: The signed-in user asking (the customer, or staff).
        idempotency_key: Optional. A retry with the same key (within
            `settings.IDEMPOTENCY_RETENTION`) returns the cancelled order
            instead of ILLEGAL_TRANSITION.

    Raises:
        OrderNotFoundError: ORDER_NOT_FOUND (missing, or not the actor's).
        IllegalTransitionError: ILLEGAL_TRANSITION unless PENDING_PAYMENT.
        OrderBusyError: STOCK_BUSY when stock rows stayed locked too long.
        IdempotencyError: IDEMPOTENCY_KEY_REUSED, INVALID_IDEMPOTENCY_KEY.
    """
    claim = idempotency.idempotency_claim(
        scope=None
        if idempotency_key is None
        else idempotency.IdempotencyScope(
            operation=CANCEL_OPERATION, owner=f"user:{actor_id}", key=idempotency_key
        ),
        request={"order_id": order_id},
    )
    if claim.replay is not None:
        return models.Order.objects.get(pk=claim.replay["order_id"])
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    order = locks.orders_for_update([order_id]).first()
    if order is None or actor is None:
        raise OrderNotFoundError
    if not actor.is_staff and order.customer_id != actor.pk:
        raise OrderNotFoundError
    reason = "cancelled by staff" if actor.is_staff else "cancelled by customer"
    transition_apply(order, OrderStatus.CANCELLED, actor_id=actor.pk, reason=reason)
    reservation_release(order)
    claim.complete({"order_id": order.pk})
    return order


@conflict_retried
@transaction.atomic
def order_mark_paid(
    *, order_id: int, actor_id: int | None = None, now: datetime | None = None
) -> models.Order:
    """Record that an unpaid order was paid: its reserved units become sold.

    Called by the payments domain once a capture succeeds. Enqueues the
    order confirmation email in the same transaction (OrderPaid).

    Raises:
        OrderNotFoundError: ORDER_NOT_FOUND.
        IllegalTransitionError: ILLEGAL_TRANSITION unless PENDING_PAYMENT.
        OrderBusyError: STOCK_BUSY when stock rows stayed locked too long.
    """
    order = _locked(order_id)
    transition_apply(order, OrderStatus.PAID, actor_id=actor_id, reason="paid", now=now)
    order.paid_at = now or timezone.now()
    order.save(update_fields=["paid_at", "updated_at"])
    _stock_move(stock.stock_commit, order)
    events.order_paid_publish(events.OrderPaid(order_id=order.pk))
    return order


@conflict_retried
@transaction.atomic
def order_fulfil(
    *,
    order_id: int,
    tracking_number: str,
    carrier: str,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> models.Order:
    """Record that a paid order was handed to a carrier; email the customer.

    The "shipped" email (with the tracking link, when the carrier has one:
    `apps.orders.carriers`) is enqueued in the same transaction. Fulfilling
    a FULFILLED order again with the same shipment returns it unchanged,
    so a retry is safe; a different shipment is ILLEGAL_TRANSITION.

    Args:
        order_id: The paid order.
        tracking_number: The carrier's reference; spaces are dropped and
            letters capitalised before the check.
        carrier: The carrier's name; known ones are stored under their
            canonical spelling (`royal mail` -> `Royal Mail`).
        actor_id: The staff member recording it; None for the system.
        now: When it shipped (tests); defaults to the current time.

    Raises:
        OrderValidationError: INVALID_TRACKING_NUMBER, INVALID_CARRIER.
        OrderNotFoundError: ORDER_NOT_FOUND.
        IllegalTransitionError: ILLEGAL_TRANSITION unless PAID.
    """
    tracking_number = carriers.tracking_number_normalised(tracking_number)
    carrier = carriers.carrier_normalised(carrier)
    problems = carriers.shipment_problems(
        tracking_number=tracking_number, carrier=carrier
    )
    if problems:
        raise OrderValidationError(problems)
    order = _locked(order_id)
    if order.status == OrderStatus.FULFILLED and (
        order.tracking_number,
        order.carrier,
    ) == (tracking_number, carrier):
        return order
    now = now or timezone.now()
    transition_apply(
        order, OrderStatus.FULFILLED, actor_id=actor_id, reason="fulfilled", now=now
    )
    order.tracking_number = tracking_number
    order.carrier = carrier
    order.fulfilled_at = now
    order.save(
        update_fields=["tracking_number", "carrier", "fulfilled_at", "updated_at"]
    )
    events.order_fulfilled_publish(events.OrderFulfilled(order_id=order.pk))
    return order


@conflict_retried
@transaction.atomic
def order_refund(
    *, order_id: int, actor_id: int | None = None, now: datetime | None = None
) -> models.Order:
    """Record that a paid order was refunded in full; its units go back on sale.

    Called by the payments domain once the provider reports the refund.

    Raises:
        OrderNotFoundError: ORDER_NOT_FOUND.
        IllegalTransitionError: ILLEGAL_TRANSITION unless PAID.
        OrderBusyError: STOCK_BUSY when stock rows stayed locked too long.
    """
    order = _locked(order_id)
    transition_apply(
        order, OrderStatus.REFUNDED, actor_id=actor_id, reason="refunded", now=now
    )
    _stock_move(stock.stock_restock, order)
    events.order_refunded_publish(events.OrderRefunded(order_id=order.pk))
    return order


def _locked(order_id: int) -> models.Order:
    order = locks.orders_for_update([order_id]).first()
    if order is None:
        raise OrderNotFoundError
    return order


def transition_apply(
    order: models.Order,
    target: OrderStatus,
    *,
    actor_id: int | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Move a locked order to `target` and audit it; refuse illegal moves.

    Raises:
        IllegalTransitionError: ILLEGAL_TRANSITION; nothing was changed.
    """
    if not transition_allowed(order.status, target):
        raise IllegalTransitionError(current=order.status, target=target)
    previous = order.status
    order.status = target
    order.save(update_fields=["status", "updated_at"])
    models.OrderStatusChange.objects.create(
        order=order,
        from_status=previous,
        to_status=target,
        actor_id=actor_id,
        reason=reason,
        created_at=now or timezone.now(),
    )


def _stock_lines(order: models.Order) -> list[stock.StockLine]:
    return [
        stock.StockLine(variant_id=variant_id, quantity=quantity)
        for variant_id, quantity in order.lines.filter(
            variant_id__isnull=False
        ).values_list("variant_id", "quantity")
    ]


def reservation_release(order: models.Order) -> None:
    """Return a cancelled order's reserved units. Inside the transaction."""
    _stock_move(stock.stock_release, order)


def _stock_move(move: Callable[..., None], order: models.Order) -> None:
    """Apply a stock change to the order's lines; busy rows are STOCK_BUSY."""
    try:
        move(lines=_stock_lines(order))
    except stock.StockBusyError as exc:
        raise OrderBusyError from exc
