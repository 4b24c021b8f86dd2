"""Daily roll-ups: kept up to date by jobs, identical to a rebuild, exact."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from apps.orders.models import Order
from apps.orders.services import order_cancel
from apps.orders.status import OrderStatus
from apps.payments.models import Provider
from apps.reports.models import DailyCategorySales, DailySales, DailyVariantSales
from apps.reports.rollups import paid_day
from tests.apps.payments.test_processing import deliver
from tests.factories.accounts import UserFactory
from tests.factories.catalog import stocked_variant
from tests.factories.orders import buyer_of, placed_order
from tests.factories.payments import payment_for

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # across a DST change in Europe


def _rows() -> dict[str, list[tuple[object, ...]]]:
    def dump(model, *keys: str) -> list[tuple[object, ...]]:
        fields = ("day", "currency", *keys, "orders", "units", "gross", "refunds")
        return sorted(model.objects.values_list(*fields), key=repr)

    return {
        "daily": dump(DailySales),
        "variant": dump(
            DailyVariantSales, "variant_id", "product_name", "size", "colour"
        ),
        "category": dump(DailyCategorySales, "category_id"),
    }


def _history(rng: random.Random, capture) -> None:
    """Place, pay, refund (in full and in part) and cancel orders at random times."""
    variants = [stocked_variant(on_hand=500) for _ in range(4)]
    clock = START
    for _ in range(25):
        clock += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59))
        with time_machine.travel(clock, tick=False), capture(execute=True):
            items = [
                (variant, rng.randint(1, 3))
                for variant in rng.sample(variants, rng.randint(1, 3))
            ]
            order = placed_order(buyer=UserFactory.create(), items=items)
            fate = rng.random()
            if fate < 0.15:
                order_cancel(order_id=order.pk, actor_id=buyer_of(order).pk)
                continue
            if fate < 0.25:
                continue  # never paid
            payment = payment_for(order, provider=Provider.PAYSTACK)
            deliver(payment, "charge.success")
        if fate < 0.55:
            continue
        later = clock + timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 23))
        with time_machine.travel(later, tick=False), capture(execute=True):
            if fate < 0.8:
                deliver(payment, "refund.processed", amount=Decimal("1.00"))
            else:
                deliver(payment, "refund.processed")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Africa/Lagos"])
def test_incremental_rollups_equal_a_rebuild_from_scratch(
    seed, zone, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_TIME_ZONE = zone
    _history(random.Random(seed), django_capture_on_commit_callbacks)
    incremental = _rows()

    call_command("sales_rollups_rebuild", stdout=None)

    assert incremental["daily"], "the history paid some orders"
    assert _rows() == incremental


def test_daily_totals_match_the_orders_to_the_cent(
    settings, django_capture_on_commit_callbacks
):
    settings.SHOP_TIME_ZONE = "Europe/London"
    _history(random.Random(7), django_capture_on_commit_callbacks)

    expected: dict[tuple[object, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    )
    for order in Order.objects.filter(
        status__in=[OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.REFUNDED]
    ):
        assert order.paid_at is not None
        bucket = expected[(paid_day(order.paid_at), order.currency)]
        refunded = sum((p.refunded_amount for p in order.payments.all()), Decimal(0))
        bucket[0] += 1
        bucket[1] += sum(line.quantity for line in order.lines.all())
        bucket[2] += order.total
        bucket[3] += order.total if order.status == OrderStatus.REFUNDED else refunded

    actual = {
        (row.day, row.currency): [
            Decimal(row.orders),
            Decimal(row.units),
            row.gross,
            row.refunds,
        ]
        for row in DailySales.objects.all()
    }
    assert actual == dict(expected)


def test_a_refund_days_later_updates_the_day_the_order_was_paid(
    settings, django_capture_on_commit_callbacks
):
    settings.SHOP_TIME_ZONE = "UTC"
    variant = stocked_variant(on_hand=10)
    with (
        time_machine.travel(START, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        payment = payment_for(
            placed_order(items=[(variant, 2)]), provider=Provider.PAYSTACK
        )
        deliver(payment, "charge.success")
    with (
        time_machine.travel(START + timedelta(days=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        deliver(payment, "refund.processed")

    (row,) = DailySales.objects.all()
    assert row.day == START.date()
    assert row.refunds == row.gross == payment.amount
