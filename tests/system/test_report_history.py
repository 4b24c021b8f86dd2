"""The sales report against a seeded year of orders, on PostgreSQL.

`seed_demo --orders N` writes a year of history (paid, fulfilled, cancelled,
partly and fully refunded orders) and rebuilds the roll-ups. Every figure of
the report is checked against an independent computation over the orders
themselves, to the cent, in a time zone with daylight saving. N is 100,000
(REPORT_HISTORY_ORDERS overrides it for a quicker local run).
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test.utils import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.orders.models import Order, OrderLine
from apps.payments.models import Payment
from apps.reports.report import Grouping, sales_report

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ORDERS = int(os.environ.get("REPORT_HISTORY_ORDERS", "100000"))
ZONE = "Europe/London"
COUNTED = {"PAID", "FULFILLED", "REFUNDED"}


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """Seed once for the module (committed), and remove it afterwards."""
    with django_db_blocker.unblock(), override_settings(SHOP_TIME_ZONE=ZONE):
        call_command(
            "seed_demo", "--products", "300", "--orders", str(ORDERS), "--no-progress"
        )
        yield _independent()
        # Leave the database as empty as the next module expects it.
        call_command("flush", interactive=False, verbosity=0)


def _independent() -> dict[str, object]:
    """Sales by shop-local day, product and category, straight from the orders."""
    zone = ZoneInfo(ZONE)
    refunded = dict(
        Payment.objects.values("order_id")
        .annotate(total=Sum("refunded_amount"))
        .values_list("order_id", "total")
    )
    days: dict[date, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    order_day: dict[int, tuple[date, Decimal, Decimal]] = {}
    for pk, status, total, currency, paid_at in Order.objects.values_list(
        "pk", "status", "total", "currency", "paid_at"
    ):
        if status not in COUNTED or currency != "USD" or paid_at is None:
            continue
        day = paid_at.astimezone(zone).date()
        refund = total if status == "REFUNDED" else refunded.get(pk, Decimal(0))
        bucket = days[day]
        bucket[0] += 1
        bucket[2] += total
        bucket[3] += refund
        order_day[pk] = (day, total, refund)
    products: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for (
        order_id,
        quantity,
        line_total,
        product_id,
        name,
    ) in OrderLine.objects.values_list(
        "order_id", "quantity", "line_total", "variant__product_id", "product_name"
    ):
        if order_id in order_day:
            days[order_day[order_id][0]][1] += quantity
            products[(product_id, name)] += line_total
    return {"days": days, "products": products}


def _staff() -> User:
    return User(email="boss@example.com", is_staff=True, is_active=True)


def _year() -> tuple[date, date]:
    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    return today - timedelta(days=365), today


@pytest.mark.django_db
@override_settings(SHOP_TIME_ZONE=ZONE)
def test_a_year_by_day_matches_the_orders_to_the_cent(history):
    start, end = _year()
    report = sales_report(
        viewer=_staff(), start=start, end=end, group_by=Grouping.DAY, currency="USD"
    )

    expected = history["days"]
    assert len(report.series) == 366
    for bucket in report.series:
        orders, units, gross, refunds = expected.get(
            bucket.bucket, [0, 0, Decimal(0), Decimal(0)]
        )
        assert (bucket.orders_count, bucket.units_sold) == (orders, units), (
            bucket.bucket
        )
        assert bucket.gross_revenue == gross, bucket.bucket
        assert bucket.net_revenue == gross - refunds, bucket.bucket
    assert report.orders_count == sum(int(v[0]) for v in expected.values())
    assert report.gross_revenue == sum((v[2] for v in expected.values()), Decimal(0))
    assert report.refunds == sum((v[3] for v in expected.values()), Decimal(0))
    assert report.orders_count > ORDERS * 0.8  # the history is mostly paid


@pytest.mark.django_db
@override_settings(SHOP_TIME_ZONE=ZONE)
def test_months_and_top_products_match_the_orders(history):
    start, end = _year()
    report = sales_report(
        viewer=_staff(), start=start, end=end, group_by=Grouping.MONTH, currency="USD"
    )

    months: dict[date, Decimal] = defaultdict(Decimal)
    for day, (_, _, gross, _) in history["days"].items():
        if start <= day <= end:
            months[day.replace(day=1)] += gross
    assert {
        b.bucket: b.gross_revenue for b in report.series if b.gross_revenue
    } == dict(months)
    top = sorted(history["products"].items(), key=lambda item: (-item[1], item[0][1]))[
        :10
    ]
    assert [(p.product_name, p.revenue) for p in report.top_products] == [
        (name, revenue) for (_, name), revenue in top
    ]
