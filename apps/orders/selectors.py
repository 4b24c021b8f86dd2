"""Order reads, always scoped by the viewer: a customer sees only their own.

Each sync selector has an `a`-prefixed async twin.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.pagination import Ordering, Page, Window, keyset_page
from apps.orders import models
from apps.orders.errors import OrderNotFoundError, OrderPermissionError
from apps.orders.rows import OrderLineRow, OrderRow, OrderStatusChangeRow

ORDER_COLUMNS = (
    "id",
    "number",
    "customer_id",
    "status",
    "currency",
    "subtotal",
    "discount_total",
    "shipping_total",
    "tax_total",
    "total",
    "voucher_code",
    "shipping_method_name",
    "shipping_address",
    "expires_at",
    "created_at",
    "updated_at",
    "tracking_number",
    "carrier",
    "fulfilled_at",
)
LINE_COLUMNS = (
    "id",
    "order_id",
    "variant_id",
    "product_name",
    "variant_sku",
    "size",
    "colour",
    "quantity",
    "unit_price",
    "line_total",
    "discount",
    "tax_rate",
    "tax",
)
CHANGE_COLUMNS = (
    "id",
    "order_id",
    "from_status",
    "to_status",
    "actor_id",
    "reason",
    "created_at",
)
# Newest first, ties broken by id.
NEWEST_FIRST = Ordering(field="created_at", descending=True)

type Viewer = User | AnonymousUser


def _visible(viewer: Viewer) -> QuerySet[models.Order]:
    """Orders the viewer may read: staff all, a customer their own, else none."""
    if not viewer.is_authenticated or not viewer.is_active:
        return models.Order.objects.none()
    if viewer.is_staff:
        return models.Order.objects.all()
    return models.Order.objects.filter(customer_id=viewer.pk)


def order_get(*, viewer: Viewer, order_id: int) -> OrderRow:
    """Return one order the viewer may read.

    Another customer's order is reported exactly like a missing one, so ids
    cannot be probed.

    Raises:
        OrderNotFoundError: ORDER_NOT_FOUND.
    """
    row = _visible(viewer).filter(pk=order_id).values(*ORDER_COLUMNS).first()
    if row is None:
        raise OrderNotFoundError
    return OrderRow(**row)


def orders_by_ids(*, viewer: Viewer, ids: list[int]) -> dict[int, OrderRow]:
    """Return the orders among `ids` that the viewer may read, by id.

    One query for a whole batch (node and order loaders); an order the
    viewer may not read is absent, exactly like a missing one.
    """
    rows = _visible(viewer).filter(pk__in=ids).values(*ORDER_COLUMNS)
    return {row["id"]: OrderRow(**row) for row in rows}


def guest_order_by_token(token: str) -> OrderRow | None:
    """A guest's order by its checkout's token; None for a customer's or none.

    The token is the guest's only credential, as it was for the checkout. A
    customer's order needs its customer signed in, token or not.
    """
    if not token or len(token) > 64:
        return None
    row = (
        models.Order.objects.filter(checkout_token=token, customer__isnull=True)
        .values(*ORDER_COLUMNS)
        .first()
    )
    return OrderRow(**row) if row is not None else None


def orders_for_customer(
    *, viewer: Viewer, status: str | None = None, window: Window
) -> Page[OrderRow]:
    """Return one page of the viewer's own orders, newest first.

    Raises:
        OrderPermissionError: NOT_PERMITTED for an anonymous viewer.
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    if not viewer.is_authenticated:
        raise OrderPermissionError("Sign in to see your orders.")
    qs = models.Order.objects.filter(customer_id=viewer.pk)
    if status is not None:
        qs = qs.filter(status=status)
    return _order_page(qs, window)


def orders_list(
    *,
    viewer: Viewer,
    window: Window,
    status: str | None = None,
    customer_id: int | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
) -> Page[OrderRow]:
    """Return one page of all customers' orders for staff, newest first.

    `created_from` is inclusive and `created_before` exclusive.

    Raises:
        OrderPermissionError: NOT_PERMITTED unless the viewer is staff.
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    if not (viewer.is_authenticated and viewer.is_active and viewer.is_staff):
        raise OrderPermissionError("Only staff may list all orders.")
    qs = models.Order.objects.all()
    if status is not None:
        qs = qs.filter(status=status)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if created_from is not None:
        qs = qs.filter(created_at__gte=created_from)
    if created_before is not None:
        qs = qs.filter(created_at__lt=created_before)
    return _order_page(qs, window)


def _order_page(qs: QuerySet[models.Order], window: Window) -> Page[OrderRow]:
    page: Page[dict[str, Any]] = keyset_page(
        qs.values(*ORDER_COLUMNS), NEWEST_FIRST, window
    )
    return Page(
        rows=[OrderRow(**row) for row in page.rows],
        positions=page.positions,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )


def lines_by_order_ids(ids: list[int]) -> dict[int, list[OrderLineRow]]:
    """Return each order's lines in the order they were placed.

    No viewer: callers pass ids of orders the viewer was already allowed
    to read (loaders behind `order_get` and the list selectors).
    """
    found: dict[int, list[OrderLineRow]] = defaultdict(list)
    rows = (
        models.OrderLine.objects.filter(order_id__in=ids)
        .order_by("order_id", "id")
        .values(*LINE_COLUMNS)
    )
    for row in rows:
        found[row["order_id"]].append(OrderLineRow(**row))
    return {pk: found.get(pk, []) for pk in ids}


def status_changes_by_order_ids(
    ids: list[int],
) -> dict[int, list[OrderStatusChangeRow]]:
    """Return each order's status history, oldest first (same trust as lines)."""
    found: dict[int, list[OrderStatusChangeRow]] = defaultdict(list)
    rows = (
        models.OrderStatusChange.objects.filter(order_id__in=ids)
        .order_by("order_id", "created_at", "id")
        .values(*CHANGE_COLUMNS)
    )
    for row in rows:
        found[row["order_id"]].append(OrderStatusChangeRow(**row))
    return {pk: found.get(pk, []) for pk in ids}


aorder_get = sync_to_async(order_get)
aorders_by_ids = sync_to_async(orders_by_ids)
aguest_order_by_token = sync_to_async(guest_order_by_token)
aorders_for_customer = sync_to_async(orders_for_customer)
aorders_list = sync_to_async(orders_list)
alines_by_order_ids = sync_to_async(lines_by_order_ids)
astatus_changes_by_order_ids = sync_to_async(status_changes_by_order_ids)
