"""The live sales report, read from the daily roll-ups: O(days), not O(orders).

Every figure is a database aggregate over roll-up rows (grouped by bucket
with date truncation); Python only fills the buckets that had no sales with
zeros and divides for the average order value.

Every amount is quantized to two places as it leaves the database: SQLite
sums decimals as floats ("49.9000000000000", "80"), PostgreSQL as numerics
("49.90"), and clients get the same string from both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from apps.accounts.models import User
from apps.core.money import CURRENCIES, quantize_money

# Re-exported: callers catch report.ReportError.
from apps.reports.errors import ReportError as ReportError
from apps.reports.errors import ReportErrorCode
from apps.reports.models import DailyCategorySales, DailySales, DailyVariantSales

MAX_RANGE_DAYS = 2 * 366
# The most buckets a report may have per grouping: a sensible chart.
MAX_BUCKETS = {"DAY": 366, "WEEK": 106, "MONTH": 25}
TOP = 10
ZERO = Decimal("0.00")


class Grouping(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True, slots=True, kw_only=True)
class Bucket:
    bucket: date  # first day of the day, ISO week (Monday) or month
    orders_count: int
    gross_revenue: Decimal
    net_revenue: Decimal
    units_sold: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductSales:
    product_id: int | None
    product_name: str
    units_sold: int
    revenue: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantSales:
    variant_id: int | None
    product_id: int | None
    product_name: str
    size: str
    colour: str
    units_sold: int
    revenue: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class CategorySales:
    category_id: int | None
    revenue: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesReport:
    start: date
    end: date
    group_by: Grouping
    currency: str
    category_id: int | None
    orders_count: int
    gross_revenue: Decimal
    refunds: Decimal
    net_revenue: Decimal
    average_order_value: Decimal
    units_sold: int
    series: list[Bucket]
    top_products: list[ProductSales]
    top_variants: list[VariantSales]
    top_categories: list[CategorySales]


def sales_report(
    *,
    viewer: User,
    start: date,
    end: date,
    group_by: Grouping,
    currency: str | None = None,
    category_id: int | None = None,
) -> SalesReport:
    """The shop's sales from `start` to `end` (inclusive, shop-local dates).

    Only PAID, FULFILLED and REFUNDED orders count, on the day they were
    paid. With `category_id`, figures are that category's lines (its orders
    count once each). No customer data is read.

    Raises:
        ReportError: NOT_PERMITTED (not staff), INVALID_RANGE (end before
            start), RANGE_TOO_LONG (over two years), TOO_MANY_BUCKETS (e.g.
            grouping two years by day), UNKNOWN_CURRENCY.
    """
    currency = report_validate(viewer, start, end, group_by, currency)
    days = {"currency": currency, "day__gte": start, "day__lte": end}
    if category_id is None:
        totals_rows: QuerySet[Any] = DailySales.objects.filter(**days)
    else:
        totals_rows = DailyCategorySales.objects.filter(**days, category_id=category_id)
    totals = _sums(totals_rows)
    variants = DailyVariantSales.objects.filter(**days)
    if category_id is not None:
        variants = variants.filter(category_id=category_id)
    categories = DailyCategorySales.objects.filter(**days)
    if category_id is not None:
        categories = categories.filter(category_id=category_id)
    orders = int(totals["orders"])
    gross, refunds = quantize_money(totals["gross"]), quantize_money(totals["refunds"])
    return SalesReport(
        start=start,
        end=end,
        group_by=group_by,
        currency=currency,
        category_id=category_id,
        orders_count=orders,
        gross_revenue=gross,
        refunds=refunds,
        net_revenue=gross - refunds,
        average_order_value=quantize_money(gross / orders) if orders else ZERO,
        units_sold=int(totals["units"]),
        series=_series(totals_rows, start, end, group_by),
        top_products=_top_products(variants),
        top_variants=_top_variants(variants),
        top_categories=[
            CategorySales(
                category_id=row["category_id"], revenue=quantize_money(row["gross"])
            )
            for row in categories.values("category_id")
            .annotate(gross=Sum("gross"))
            .order_by("-gross", "category_id")[:TOP]
        ],
    )


def _top_products(rows: QuerySet[DailyVariantSales]) -> list[ProductSales]:
    """The ten products with the most revenue (a deleted one has no id or name)."""
    return [
        ProductSales(
            product_id=row["product_id"],
            product_name=described.get("product_name", ""),
            units_sold=row["units"],
            revenue=quantize_money(row["gross"]),
        )
        for row, described in _top(rows, "product_id")
    ]


def _top_variants(rows: QuerySet[DailyVariantSales]) -> list[VariantSales]:
    """The ten sizes and colours with the most revenue."""
    return [
        VariantSales(
            variant_id=row["variant_id"],
            product_id=described.get("product_id"),
            product_name=described.get("product_name", ""),
            size=described.get("size", ""),
            colour=described.get("colour", ""),
            units_sold=row["units"],
            revenue=quantize_money(row["gross"]),
        )
        for row, described in _top(rows, "variant_id")
    ]


def _top(
    rows: QuerySet[DailyVariantSales], key: str
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The ten `key` ids with the most revenue, each with how it was last sold.

    Grouped by the integer id alone (grouping a year of rows by name, size
    and colour cost most of the report's time), described afterwards for
    those ten only, in one more query.
    """
    top = list(
        rows.values(key)
        .annotate(units=Sum("units"), gross=Sum("gross"))
        .order_by("-gross", key)[:TOP]
    )
    latest = rows.filter(
        **{f"{key}__in": [row[key] for row in top if row[key] is not None]}
    ).order_by(key, "-day")
    if connection.vendor == "postgresql":
        latest = latest.distinct(key)  # one row per id; elsewhere the first wins
    described: dict[int, dict[str, Any]] = {}
    for row in latest.values(key, "product_id", "product_name", "size", "colour"):
        described.setdefault(row[key], row)
    return [(row, described.get(row[key], {})) for row in top]


def report_validate(
    viewer: User, start: date, end: date, group_by: Grouping, currency: str | None
) -> str:
    """Check a report request; return its currency code (see sales_report)."""
    if not (viewer.is_active and viewer.is_staff):
        raise ReportError(
            ReportErrorCode.NOT_PERMITTED, "Only staff may see sales reports."
        )
    if end < start:
        raise ReportError(
            ReportErrorCode.INVALID_RANGE, "`to` is before `from`.", field="to"
        )
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ReportError(
            ReportErrorCode.RANGE_TOO_LONG,
            "A report covers at most two years.",
            field="to",
        )
    buckets = len(bucket_starts(start, end, group_by))
    if buckets > MAX_BUCKETS[group_by]:
        raise ReportError(
            ReportErrorCode.TOO_MANY_BUCKETS,
            f"{buckets} {group_by.lower()}s is too many for one report "
            f"(at most {MAX_BUCKETS[group_by]}): group by a longer period.",
            field="group_by",
        )
    code = (currency or settings.SHOP_CURRENCY).upper()
    if code not in CURRENCIES:
        raise ReportError(
            ReportErrorCode.UNKNOWN_CURRENCY,
            f"The shop sells in {', '.join(CURRENCIES)}.",
            field="currency",
        )
    return code


def _sums(rows: QuerySet[Any]) -> dict[str, Any]:
    return rows.aggregate(
        orders=Coalesce(Sum("orders"), 0),
        units=Coalesce(Sum("units"), 0),
        gross=Coalesce(Sum("gross"), ZERO),
        refunds=Coalesce(Sum("refunds"), ZERO),
    )


def bucket_start(day: date, group_by: Grouping) -> date:
    if group_by == Grouping.WEEK:
        return day - timedelta(days=day.weekday())
    if group_by == Grouping.MONTH:
        return day.replace(day=1)
    return day


def bucket_starts(start: date, end: date, group_by: Grouping) -> list[date]:
    """Every bucket from the one holding `start` to the one holding `end`."""
    buckets = []
    current = bucket_start(start, group_by)
    while current <= end:
        buckets.append(current)
        if group_by == Grouping.DAY:
            current += timedelta(days=1)
        elif group_by == Grouping.WEEK:
            current += timedelta(weeks=1)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return buckets


def _series(
    rows: QuerySet[Any], start: date, end: date, group_by: Grouping
) -> list[Bucket]:
    """Sums per bucket, every bucket present (zero-filled)."""
    if group_by == Grouping.DAY:
        grouped = rows.values(bucket=F("day"))
    else:
        trunc = TruncWeek if group_by == Grouping.WEEK else TruncMonth
        grouped = rows.annotate(bucket=trunc("day")).values("bucket")
    found = {
        _as_date(row["bucket"]): row
        for row in grouped.annotate(
            orders_sum=Sum("orders"),
            units_sum=Sum("units"),
            gross_sum=Sum("gross"),
            refunds_sum=Sum("refunds"),
        )
    }
    series = []
    for first in bucket_starts(start, end, group_by):
        row = found.get(first)
        gross = quantize_money(row["gross_sum"]) if row else ZERO
        refunds = quantize_money(row["refunds_sum"]) if row else ZERO
        series.append(
            Bucket(
                bucket=first,
                orders_count=row["orders_sum"] if row else 0,
                gross_revenue=gross,
                net_revenue=gross - refunds,
                units_sold=row["units_sum"] if row else 0,
            )
        )
    return series


def _as_date(value: date | datetime) -> date:
    # TruncWeek/TruncMonth of a DateField give dates; some backends datetimes.
    return value.date() if isinstance(value, datetime) else value
