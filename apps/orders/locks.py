"""Row locks for order writes. Lock order everywhere: customer, orders, stock.

Orders are locked in pk order before any stock row (stock comes last, via
`apps.catalog.locks`), so order writers cannot deadlock with each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.orders import models


def orders_for_update(ids: Iterable[int]) -> QuerySet[models.Order]:
    """Orders with these ids, locked FOR UPDATE in pk order when read."""
    return (
        models.Order.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )


def customer_lock(customer_id: int) -> bool:
    """Lock the customer's row: one order placement per customer at a time.

    Serialises the check of the customer's open unpaid units with the
    placement that adds to them. Returns whether the customer exists.
    """
    found = User.objects.select_for_update().filter(pk=customer_id, is_active=True)
    return bool(list(found.values_list("pk", flat=True)))


def email_lock(email: str) -> None:
    """Serialise a guest's placements by email, until the transaction ends.

    A guest has no row to lock, so PostgreSQL takes a transaction-scoped
    advisory lock on the email's hash. SQLite has one writer at a time
    already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"orders.guest:{email}"],
            )
