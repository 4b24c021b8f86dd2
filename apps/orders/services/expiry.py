"""Expiry of unpaid orders: their reserved stock goes back on sale."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import transaction

from apps.orders import models
from apps.orders.errors import OrderBusyError
from apps.orders.locks import orders_for_update
from apps.orders.services.transitions import reservation_release, transition_apply
from apps.orders.status import OrderStatus
from apps.orders.transactions import with_conflict_retries

logger = logging.getLogger(__name__)


def orders_expire(*, now: datetime, limit: int = 1000) -> list[int]:
    """Cancel unpaid orders whose `expires_at` has passed; return their ids.

    One transaction per order, so an order whose stock is busy is skipped
    (and picked up by the next run) without holding up the others. Safe to
    run concurrently with itself, payment and cancellation: each order is
    re-checked under its row lock, so its stock is released exactly once.
    """
    candidates = list(
        models.Order.objects.filter(
            status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    expired = []
    for order_id in candidates:
        try:
            if with_conflict_retries(partial(_expire_one, order_id, now=now)):
                expired.append(order_id)
        except OrderBusyError:
            logger.warning(
                "order expiry skipped: stock busy", extra={"order": order_id}
            )
    return expired


def _expire_one(order_id: int, *, now: datetime) -> bool:
    with transaction.atomic():
        # The filter is re-evaluated after a lock wait (PostgreSQL's read
        # committed re-check), so an order paid or cancelled meanwhile drops out.
        order = (
            orders_for_update([order_id])
            .filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
            .first()
        )
        if order is None:
            return False
        transition_apply(
            order, OrderStatus.CANCELLED, actor_id=None, reason="expired", now=now
        )
        reservation_release(order)
        return True
