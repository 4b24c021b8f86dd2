from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from apps.catalog.models import Stock
from apps.jobs.reconciler import periodic_enqueue
from apps.orders import models
from apps.orders.services import order_mark_paid, orders_expire
from apps.orders.status import OrderStatus
from tests.factories.catalog import stocked_variant
from tests.factories.orders import placed_order

PLACED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_unpaid_orders_past_their_expiry_are_cancelled_and_their_stock_returns(
    settings,
):
    settings.ORDERS_PAYMENT_WINDOW = timedelta(minutes=30)
    variant = stocked_variant(on_hand=5)
    old = placed_order(items=[(variant, 2)], now=PLACED)
    fresh = placed_order(items=[(variant, 1)], now=PLACED + timedelta(minutes=10))

    expired = orders_expire(now=PLACED + timedelta(minutes=30))

    assert expired == [old.pk]
    assert models.Order.objects.get(pk=old.pk).status == OrderStatus.CANCELLED
    assert models.Order.objects.get(pk=fresh.pk).status == OrderStatus.PENDING_PAYMENT
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 1
    change = models.OrderStatusChange.objects.filter(order=old).latest("id")
    assert (change.to_status, change.actor_id, change.reason) == (
        OrderStatus.CANCELLED,
        None,
        "expired",
    )


@pytest.mark.django_db
def test_expiry_run_twice_returns_stock_once():
    variant = stocked_variant(on_hand=5)
    order = placed_order(items=[(variant, 2)], now=PLACED)
    later = PLACED + timedelta(hours=1)

    first = orders_expire(now=later)
    second = orders_expire(now=later)

    assert (first, second) == ([order.pk], [])
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 0


@pytest.mark.django_db
def test_paid_orders_never_expire():
    variant = stocked_variant(on_hand=5)
    order = placed_order(items=[(variant, 2)], now=PLACED)
    order_mark_paid(order_id=order.pk)

    assert orders_expire(now=PLACED + timedelta(days=1)) == []
    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert Stock.objects.get(pk=variant.pk).quantity_on_hand == 3


@pytest.mark.django_db
def test_the_expire_orders_command_runs_the_expiry(capsys):
    order = placed_order(now=PLACED)

    call_command("expire_orders")

    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert capsys.readouterr().out == "Expired 1 order(s).\n"


@pytest.mark.django_db
def test_the_job_beat_expires_unpaid_orders_on_its_own(
    django_capture_on_commit_callbacks,
):
    variant = stocked_variant(on_hand=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order(items=[(variant, 2)])
    later = timezone.now() + settings.ORDERS_PAYMENT_WINDOW + timedelta(seconds=1)

    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        periodic_enqueue(now=timezone.now())  # what `jobs_beat` does each round

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity_on_hand, stock.quantity_reserved) == (5, 0)
    assert "orders_expire" in settings.JOBS_PERIODIC
