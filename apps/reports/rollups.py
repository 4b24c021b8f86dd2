"""Computing the daily roll-ups of one day, in the database.

A day's rows are recomputed from that day's orders whenever one of them
changes (paid, refunded) or on a rebuild: recomputing is idempotent and does
not depend on the order events arrive in, so the incremental roll-ups and a
rebuild from scratch are the same rows by construction (and a test checks it
after a random history). It costs one day's orders, never the whole history.
Each table's rows are one INSERT ... SELECT grouped by day, computed in the
database, so a rebuild of a year is three statements, not three per day.

Refunds of an order: its total when REFUNDED, otherwise what its payments
have refunded (partial refunds). A line's share of a partial refund is in
proportion to its total.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Round, TruncDate
from django.db.models.lookups import In

from apps.core.bulk import insert_select
from apps.orders.models import Order, OrderLine
from apps.orders.status import OrderStatus
from apps.payments.models import Payment
from apps.reports.models import DailyCategorySales, DailySales, DailyVariantSales

logger = logging.getLogger(__name__)

# Orders that count in sales, by the time they were paid.
COUNTED = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.REFUNDED)
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.SHOP_TIME_ZONE)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a shop-local day starts and ends (DST-safe)."""
    zone = shop_zone()
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


def paid_day(paid_at: datetime) -> date:
    return paid_at.astimezone(shop_zone()).date()


def _paid_refunds(prefix: str = "") -> Coalesce:
    """What the order's payments have refunded (the order at `prefix`)."""
    refunded = (
        Payment.objects.filter(
            order=OuterRef(f"{prefix}pk" if not prefix else f"{prefix}id")
        )
        .values("order")
        .annotate(total=Sum("refunded_amount"))
        .values("total")
    )
    return Coalesce(Subquery(refunded, output_field=MONEY), ZERO)


def _order_refund() -> Case:
    return Case(
        When(status=OrderStatus.REFUNDED, then=F("total")),
        default=_paid_refunds(),
        output_field=MONEY,
    )


def _line_refund() -> Case:
    share = ExpressionWrapper(
        F("line_total") * _paid_refunds("order__") / NullIf(F("order__total"), ZERO),
        output_field=MONEY,
    )
    return Case(
        When(order__status=OrderStatus.REFUNDED, then=F("line_total")),
        default=Coalesce(share, ZERO),
        output_field=MONEY,
    )


def _paid_on(path: str = "paid_at") -> TruncDate:
    """The shop-local day of the instant at `path`."""
    return TruncDate(path, tzinfo=shop_zone())


def _counted(days: Collection[date] | None, order: str = "") -> Q:
    """Orders that count, paid on `days` (any day when None).

    `order` is the path to the order from the rows filtered ("order__" for
    lines): filtering lines through their join beats an IN (orders) subquery.
    """
    counted = Q(**{f"{order}status__in": COUNTED, f"{order}paid_at__isnull": False})
    if days is None:
        return counted
    # The range lets the paid_at index narrow the scan; In picks the days.
    start, end = day_bounds(min(days))[0], day_bounds(max(days))[1]
    paid_at = f"{order}paid_at"
    return counted & Q(
        In(_paid_on(paid_at), list(days)),
        **{f"{paid_at}__gte": start, f"{paid_at}__lt": end},
    )


def _order_units() -> Subquery:
    """The units of the order in the outer query."""
    return Subquery(
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(units=Sum("quantity"))
        .values("units")
    )


def _cents(total: Sum) -> Round:
    """A money sum rounded to the cent in the database, as the columns store it.

    PostgreSQL rounds half away from zero; SQLite sums decimals as floats and
    would otherwise store their binary noise.
    """
    return Round(total, 2, output_field=MONEY)


_TOTALS = ("orders", "units", "gross", "refunds")


def _write(days: Collection[date] | None) -> None:
    """Insert the roll-up rows of `days` (every day when None), in the database.

    One INSERT ... SELECT per table, grouped by day: nothing travels through
    Python, and a year takes three statements.
    """
    orders = Order.objects.filter(_counted(days))
    insert_select(
        DailySales,
        ("day", "currency", *_TOTALS),
        orders.annotate(day=_paid_on())
        .values("day", "currency")
        .annotate(
            orders=Count("pk"),
            units=Coalesce(Sum(_order_units()), 0),
            gross=_cents(Sum("total")),
            refunds=_cents(Sum(_order_refund())),
        ),
    )
    lines = OrderLine.objects.filter(_counted(days, "order__")).annotate(
        day=_paid_on("order__paid_at"),
        currency=F("order__currency"),
        product_id=F("variant__product_id"),
        category_id=F("variant__product__category_id"),
    )
    line_totals = {
        "orders": Count("order_id", distinct=True),
        "units": Sum("quantity"),
        "gross": _cents(Sum("line_total")),
        "refunds": _cents(Sum(_line_refund())),
    }
    variant = (
        "variant_id",
        "product_id",
        "category_id",
        "product_name",
        "size",
        "colour",
    )
    insert_select(
        DailyVariantSales,
        ("day", "currency", *variant, *_TOTALS),
        lines.values("day", "currency", *variant).annotate(**line_totals),
    )
    insert_select(
        DailyCategorySales,
        ("day", "currency", "category_id", *_TOTALS),
        lines.values("day", "currency", "category_id").annotate(**line_totals),
    )


def rollup_day(day: date) -> None:
    """Recompute every roll-up row of `day` from that day's orders."""
    rollups_rebuild([day])


def rollup_order(order_id: int) -> date | None:
    """Recompute the day an order was paid on (after it changed); return it."""
    paid_at = (
        Order.objects.filter(pk=order_id).values_list("paid_at", flat=True).first()
    )
    if paid_at is None:
        return None  # never paid: it was never in a roll-up
    day = paid_day(paid_at)
    rollup_day(day)
    return day


def rollups_rebuild(days: Iterable[date] | None = None) -> int:
    """Recompute the roll-ups of `days`, or of every day with paid orders.

    Returns how many days were recomputed. One transaction: a report never
    reads a day between its old rows going and its new ones arriving.
    """
    chosen = None if days is None else sorted(set(days))
    if chosen == []:
        return 0
    with transaction.atomic():
        _no_jit()
        for model in (DailySales, DailyVariantSales, DailyCategorySales):
            rows = model.objects.all()
            (rows if chosen is None else rows.filter(day__in=chosen)).delete()
        _write(chosen)
        if chosen is None:
            return DailySales.objects.values("day").distinct().count()
    return len(chosen)


def _no_jit() -> None:
    """Switch PostgreSQL's JIT off for the rest of this transaction.

    A year's rebuild is costed high enough to be JIT-compiled, and compiling
    saves nothing here: it adds 2 to 3 s to a rebuild of about 5 s (100,000
    orders, 2 cores). A single day is never costed that high.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
