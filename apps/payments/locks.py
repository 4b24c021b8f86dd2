"""Row locks for payment writes, taken after the order's (apps.orders.locks).

Lock order everywhere: the order, then its payments in pk order, then the
webhook event row, so concurrent writers of one order take turns instead of
deadlocking. On SQLite `select_for_update` is a no-op, which is correct
there: SQLite lets one writer in at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from apps.payments import models

# A payment that may still take the customer's money.
OPEN_STATUSES = (models.PaymentStatus.PENDING, models.PaymentStatus.AUTHORIZED)


def payments_for_update(ids: Iterable[int]) -> QuerySet[models.Payment]:
    """Payments with these ids, locked FOR UPDATE in pk order when read."""
    return (
        models.Payment.objects.select_for_update()
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )


def open_payments_for_update(order_id: int) -> QuerySet[models.Payment]:
    """The order's open payments (at most one), locked FOR UPDATE in pk order.

    Call while holding the order's lock: that is what makes "at most one"
    hold between the read and the write.
    """
    return (
        models.Payment.objects.select_for_update()
        .filter(order_id=order_id, status__in=OPEN_STATUSES)
        .order_by("pk")
    )


def webhook_event_for_update(pk: int) -> models.WebhookEvent:
    """The stored provider event `pk`, locked FOR UPDATE."""
    return models.WebhookEvent.objects.select_for_update().get(pk=pk)
