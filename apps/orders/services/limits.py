"""What one customer may reserve: lines per order, units held, pace.

Stock held by an unpaid order is stock nobody else can buy, so holding it
has to cost something: a verified email, a cap on units that cancelling
does not reset, and a limit on how fast orders are placed (docs/orders.md,
"Holding stock").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum

from apps.accounts.models import User
from apps.core import ratelimit
from apps.orders import models
from apps.orders.errors import (
    ErrorDetail,
    OrderErrorCode,
    OrderThrottledError,
    OrderValidationError,
)
from apps.orders.status import OrderStatus


def order_line_count_check(*, count: int) -> None:
    """Refuse an order of more than `settings.ORDERS_MAX_LINES` lines.

    One error for the whole list, before any line is looked at: checking
    15,000 lines one by one would answer 15,000 errors. Interfaces call it
    before converting the lines; `order_place` calls it again.

    Raises:
        OrderValidationError: TOO_MANY_LINES, field `lines`.
    """
    cap = settings.ORDERS_MAX_LINES
    if count > cap:
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.TOO_MANY_LINES,
                    message=f"An order may have at most {cap} lines; "
                    f"this one has {count}.",
                    field="lines",
                )
            ]
        )


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a customer may hold, and the email their orders go to."""

    units_cap: int
    email: str


def customer_allowance(customer_id: int) -> Allowance | None:
    """Return the customer's cap on held units and email; None: no such customer.

    Staff count as verified (an operator created them, nobody self-registers
    as staff).

    Raises:
        OrderValidationError: EMAIL_NOT_VERIFIED while
            `settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL` is on.
    """
    row = (
        User.objects.filter(pk=customer_id, is_active=True)
        .values_list("is_staff", "email_verified_at", "email")
        .first()
    )
    if row is None:
        return None
    is_staff, verified_at, email = row
    if is_staff or verified_at is not None:
        return Allowance(settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER, email)
    if settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL:
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.EMAIL_NOT_VERIFIED,
                    message="Verify your email address before ordering: "
                    "follow the link we emailed you.",
                    field="customer_id",
                )
            ]
        )
    return Allowance(settings.ORDERS_MAX_OPEN_UNITS_UNVERIFIED, email)


def held_units(customer_id: int | None, *, now: datetime, email: str = "") -> int:
    """Units the customer holds, or held recently without paying.

    Every unpaid order counts from its placement until its payment window
    and `settings.ORDERS_HOLD_COOLDOWN` have passed, whether still waiting,
    expired, or cancelled by the customer: cancelling and re-reserving
    cannot renew a hold. An order cancelled by someone else (staff) does
    not count against the customer. A guest (no `customer_id`) is counted
    by the email of their orders.
    """
    buyer = (
        Q(order__customer_id=customer_id)
        if customer_id is not None
        else Q(order__customer__isnull=True, order__email=email)
    )
    cancelled_by_another = models.OrderStatusChange.objects.filter(
        Q(order_id=OuterRef("order_id"))
        & Q(to_status=OrderStatus.CANCELLED)
        & Q(actor_id__isnull=False)
    )
    if customer_id is not None:
        cancelled_by_another = cancelled_by_another.exclude(actor_id=customer_id)
    units: int | None = (
        models.OrderLine.objects.filter(
            buyer,
            order__status__in=(OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED),
            # expires_at is placement + ORDERS_PAYMENT_WINDOW.
            order__expires_at__gt=now - settings.ORDERS_HOLD_COOLDOWN,
        )
        .exclude(Exists(cancelled_by_another))
        .aggregate(units=Sum("quantity"))["units"]
    )
    return units or 0


def held_units_problems(
    customer_id: int | None, adding: int, *, cap: int, now: datetime, email: str = ""
) -> list[ErrorDetail]:
    """Return OPEN_UNITS_LIMIT_EXCEEDED if `adding` units would pass `cap`."""
    if held_units(customer_id, now=now, email=email) + adding <= cap:
        return []
    counted = settings.ORDERS_PAYMENT_WINDOW + settings.ORDERS_HOLD_COOLDOWN
    message = (
        f"At most {cap} units may be held in unpaid orders; an order you "
        f"cancelled or let expire counts for {counted.total_seconds() // 60:.0f} "
        "minutes after you placed it. Pay for an open order or try again later."
    )
    if customer_id is None:
        message += " Sign in with a verified account to hold more."
    elif cap < settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER:
        message += " Verify your email address to hold more."
    return [
        ErrorDetail(
            code=OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED,
            message=message,
            field="lines",
        )
    ]


def placement_take(buyer: str) -> None:
    """Count one order against the customer's pace, atomically (one script).

    Raises:
        OrderThrottledError: THROTTLED, with the seconds until one more
            order fits; nothing was taken.
    """
    level = ratelimit.take(_placement_bucket(), buyer)
    if not level.allowed:
        raise OrderThrottledError(retry_after_seconds=level.retry_after_seconds)


def placement_refund(buyer: str) -> None:
    """Give back what `placement_take` took, for an order not written."""
    ratelimit.refund(_placement_bucket(), buyer, 1)


def _placement_bucket() -> ratelimit.Bucket:
    # A burst of ORDERS_PLACE_RATE_COUNT, refilled evenly over the period.
    return ratelimit.Bucket.per(
        "orders.place",
        settings.ORDERS_PLACE_RATE_COUNT,
        settings.ORDERS_PLACE_RATE_PERIOD.total_seconds(),
    )


def buyer_key(customer_id: int | None, email: str) -> str:
    """Who an order's pace is counted against: the account, else the email."""
    return f"customer:{customer_id}" if customer_id is not None else f"email:{email}"


def guest_units_cap() -> int:
    """What a guest may hold: an unverified email, so the unverified cap."""
    cap: int = settings.ORDERS_MAX_OPEN_UNITS_UNVERIFIED
    return cap
