"""Payment reads, scoped by the viewer: a payment is visible with its order.

Each sync selector has an `a`-prefixed async twin.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.payments.models import Payment, PaymentStatus

type Viewer = User | AnonymousUser

# Which of an order's payments is "its payment": the open one, else the one
# holding its money, else a refunded one, else the latest failed/cancelled.
_RANK = {
    PaymentStatus.PENDING: 0,
    PaymentStatus.AUTHORIZED: 0,
    PaymentStatus.CAPTURED: 1,
    PaymentStatus.PARTIALLY_REFUNDED: 1,
    PaymentStatus.REFUNDED: 2,
    PaymentStatus.FAILED: 3,
    PaymentStatus.CANCELLED: 3,
}


def _visible(viewer: Viewer) -> QuerySet[Payment]:
    """Payments the viewer may read: staff all, a customer their orders'."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Payment.objects.none()
    if viewer.is_staff:
        return Payment.objects.all()
    return Payment.objects.filter(order__customer_id=viewer.pk)


def payments_by_ids(*, viewer: Viewer, ids: list[int]) -> dict[int, Payment]:
    """Return the payments among `ids` that the viewer may read, by id.

    One query for a batch; another customer's payment is absent, exactly
    like a missing one, so ids cannot be probed.
    """
    return {payment.pk: payment for payment in _visible(viewer).filter(pk__in=ids)}


async def apayments_by_ids(*, viewer: Viewer, ids: list[int]) -> dict[int, Payment]:
    """Async twin of `payments_by_ids`."""
    return await sync_to_async(payments_by_ids)(viewer=viewer, ids=ids)


def payments_current_by_order_ids(order_ids: list[int]) -> dict[int, Payment]:
    """Return each order's current payment, by order id (absent: none yet).

    The open payment if there is one, else the one holding the order's
    money, else a refunded one, else the latest attempt. One query for a
    batch. Callers have already checked that the viewer may read the orders.
    """
    current: dict[int, Payment] = {}
    # Newest first: for equal rank the first one seen is kept.
    for payment in Payment.objects.filter(order_id__in=order_ids).order_by("-pk"):
        kept = current.get(payment.order_id)
        if (
            kept is None
            or _RANK[PaymentStatus(payment.status)] < _RANK[PaymentStatus(kept.status)]
        ):
            current[payment.order_id] = payment
    return current


async def apayments_current_by_order_ids(order_ids: list[int]) -> dict[int, Payment]:
    """Async twin of `payments_current_by_order_ids`."""
    return await sync_to_async(payments_current_by_order_ids)(order_ids)


def payment_by_reference(reference: str) -> Payment | None:
    """Return the payment with this provider reference, with its order, or None.

    For the simulated provider's checkout page, which knows only the
    reference it put in the URL (references are unique per provider, and
    the simulated ones carry random tokens).
    """
    return (
        Payment.objects.select_related("order")
        .filter(reference=reference)
        .order_by("pk")
        .first()
    )
