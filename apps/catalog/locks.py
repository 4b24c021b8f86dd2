"""Row locks on catalog tables, always taken in primary-key order.

Every writer that locks several stock rows goes through here, so any two
transactions lock them in the same order and cannot deadlock on them
(Saleor's lock_objects.py). On SQLite `select_for_update` is a no-op, which
is correct there: SQLite lets one writer in at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection
from django.db.models import QuerySet

from apps.catalog import models


def stocks_for_update(variant_ids: Iterable[int]) -> QuerySet[models.Stock]:
    """Stock rows of these variants, locked FOR UPDATE in pk order when read."""
    return (
        models.Stock.objects.select_for_update()
        .filter(variant_id__in=sorted(set(variant_ids)))
        .order_by("pk")
    )


def lock_timeout_set(timeout: timedelta) -> None:
    """Make lock waits in the current transaction fail after `timeout`.

    PostgreSQL `SET LOCAL lock_timeout`: it ends with the transaction, so it
    never leaks into a pooled connection. A no-op elsewhere.
    """
    if connection.vendor != "postgresql":
        return
    milliseconds = max(1, int(timeout.total_seconds() * 1000))
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = {milliseconds}")  # an int
