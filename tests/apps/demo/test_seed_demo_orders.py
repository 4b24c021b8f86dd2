"""`seed_demo --orders N`: a year of order history, then the roll-ups rebuilt."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from apps.orders.models import Order
from apps.orders.status import OrderStatus
from apps.reports.models import DailySales
from apps.reports.rollups import COUNTED

pytestmark = pytest.mark.django_db

ORDERS = 60


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--products", "10", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_orders_are_seeded_with_the_catalog_and_counted_in_the_roll_ups():
    output = seed("--orders", str(ORDERS))

    counted = Order.objects.filter(status__in=COUNTED)
    assert Order.objects.count() == ORDERS
    assert f"{ORDERS} orders created" in output
    assert {OrderStatus.CANCELLED, OrderStatus.REFUNDED} & set(
        Order.objects.values_list("status", flat=True)
    )
    assert DailySales.objects.aggregate(n=Sum("orders"))["n"] == counted.count()
    assert DailySales.objects.aggregate(g=Sum("gross"))["g"].quantize(
        Decimal("0.01")
    ) == counted.aggregate(t=Sum("total"))["t"].quantize(Decimal("0.01"))


def test_a_second_run_adds_no_orders():
    seed("--orders", str(ORDERS))

    output = seed("--orders", str(ORDERS))

    assert Order.objects.count() == ORDERS
    assert f"0 orders created, {ORDERS} already present" in output


def test_rejects_a_negative_order_count():
    with pytest.raises(CommandError, match="--orders must be zero or more"):
        seed("--orders", "-1")
