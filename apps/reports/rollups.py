"""Computing the daily roll-ups of one day, in the database.

A day's rows are recomputed from that day's orders whenever one of them
changes (paid, refunded) or on a rebuild: recomputing is idempotent and does
not depend on the order events arrive in, so the incremental roll-ups and a
rebuild from scratch are the same rows by construction (and a test checks it
after a random history). It costs one day's orders, never the whole history.

Refunds of an order: its total when REFUNDED, otherwise what its payments
have refunded (partial refunds). A line's share of a partial refund is in
proportion to its total.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate

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


def _orders_of(day: date) -> QuerySet[Order]:
    start, end = day_bounds(day)
    return Order.objects.filter(status__in=COUNTED, paid_at__gte=start, paid_at__lt=end)


def rollup_day(day: date) -> None:
    """Recompute every roll-up row of `day` from that day's orders."""
    orders = _orders_of(day)
    lines = OrderLine.objects.filter(order__in=orders)
    with transaction.atomic():
        DailySales.objects.filter(day=day).delete()
        DailyVariantSales.objects.filter(day=day).delete()
        DailyCategorySales.objects.filter(day=day).delete()
        units = dict(
            lines.values("order__currency")
            .annotate(units=Sum("quantity"))
            .values_list("order__currency", "units")
        )
        DailySales.objects.bulk_create(
            DailySales(day=day, units=units.get(row["currency"], 0), **row)
            for row in orders.values("currency").annotate(
                orders=Count("pk"), gross=Sum("total"), refunds=Sum(_order_refund())
            )
        )
        line_totals = {
            "orders": Count("order_id", distinct=True),
            "units": Sum("quantity"),
            "gross": Sum("line_total"),
            "refunds": Sum(_line_refund()),
        }
        DailyVariantSales.objects.bulk_create(
            DailyVariantSales(
                day=day,
                currency=row["order__currency"],
                variant_id=row["variant_id"],
                product_id=row["variant__product_id"],
                category_id=row["variant__product__category_id"],
                product_name=row["product_name"],
                size=row["size"],
                colour=row["colour"],
                **_totals(row),
            )
            for row in lines.values(
                "order__currency",
                "variant_id",
                "variant__product_id",
                "variant__product__category_id",
                "product_name",
                "size",
                "colour",
            ).annotate(**line_totals)
        )
        DailyCategorySales.objects.bulk_create(
            DailyCategorySales(
                day=day,
                currency=row["order__currency"],
                category_id=row["variant__product__category_id"],
                **_totals(row),
            )
            for row in lines.values(
                "order__currency", "variant__product__category_id"
            ).annotate(**line_totals)
        )


def _totals(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("orders", "units", "gross", "refunds")}


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
    """Recompute the roll-ups of `days`, or of every day with paid orders."""
    if days is None:
        DailySales.objects.all().delete()
        DailyVariantSales.objects.all().delete()
        DailyCategorySales.objects.all().delete()
        days = (
            Order.objects.filter(status__in=COUNTED, paid_at__isnull=False)
            .annotate(day=TruncDate("paid_at", tzinfo=shop_zone()))
            .values_list("day", flat=True)
            .distinct()
        )
    count = 0
    for day in sorted(set(days)):
        rollup_day(day)
        count += 1
    return count
