"""The order status machine: which status may follow which (docs/orders.md)."""

from __future__ import annotations

from django.db import models


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "PENDING_PAYMENT", "Pending payment"
    PAID = "PAID", "Paid"
    FULFILLED = "FULFILLED", "Fulfilled"
    CANCELLED = "CANCELLED", "Cancelled"
    REFUNDED = "REFUNDED", "Refunded"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.REFUNDED}),
    OrderStatus.FULFILLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# Statuses in which the order's units are reserved, not yet sold.
HOLDS_RESERVATION = frozenset({OrderStatus.PENDING_PAYMENT})


def transition_allowed(current: str, target: str) -> bool:
    """Return whether an order in `current` may move to `target`."""
    return OrderStatus(target) in TRANSITIONS[OrderStatus(current)]
