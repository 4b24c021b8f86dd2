"""Real concurrency on PostgreSQL: threads with their own connections."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.db import connection, transaction

from apps.catalog.models import Stock
from apps.orders import models
from apps.orders.errors import (
    OrderBusyError,
    OrderErrorCode,
    OrderThrottledError,
    OrderValidationError,
)
from apps.orders.services import order_place, orders_expire
from apps.orders.status import OrderStatus
from tests.apps.core.threads import race
from tests.factories.catalog import stocked_variant
from tests.factories.orders import address, customer, lines, placed_order

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _reserved(variant) -> int:
    return Stock.objects.get(pk=variant.pk).quantity_reserved


def test_racing_buyers_never_oversell_the_last_units(transactional_db):
    variant = stocked_variant(on_hand=5)
    buyers = [customer() for _ in range(8)]

    outcome = race(
        8,
        lambda i: (
            order_place(
                customer_id=buyers[i].pk,
                lines=lines((variant, 1)),
                shipping_address=address(),
                idempotency_key=f"buy-{i}",
            ).pk
        ),
    )

    assert len(outcome.results) == 5
    assert len(outcome.errors) == 3
    for error in outcome.errors.values():
        assert isinstance(error, OrderValidationError)
        assert error.code == OrderErrorCode.INSUFFICIENT_STOCK
    sold = sum(
        models.OrderLine.objects.filter(variant=variant).values_list(
            "quantity", flat=True
        )
    )
    assert _reserved(variant) == sold == 5
    assert Stock.objects.get(pk=variant.pk).quantity_on_hand == 5


def test_orders_with_the_same_lines_in_opposite_order_both_complete(
    transactional_db,
):
    a, b = stocked_variant(on_hand=100), stocked_variant(on_hand=100)
    buyers = [customer(), customer()]
    rounds = 10

    def place(round_number: int, i: int) -> int:
        return order_place(
            customer_id=buyers[i].pk,
            lines=lines((a, 1), (b, 1)) if i == 0 else lines((b, 1), (a, 1)),
            shipping_address=address(),
            idempotency_key=f"round-{round_number}-{i}",
        ).pk

    for round_number in range(rounds):
        outcome = race(2, partial(place, round_number))
        assert outcome.errors == {}
        assert len(outcome.results) == 2

    assert _reserved(a) == _reserved(b) == 2 * rounds


def test_a_long_held_stock_row_makes_placement_fail_fast_with_stock_busy(
    transactional_db, settings
):
    settings.STOCK_LOCK_TIMEOUT = timedelta(milliseconds=200)
    variant = stocked_variant(on_hand=5)
    buyer = customer()
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(Stock.objects.select_for_update().filter(pk=variant.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(OrderBusyError) as excinfo:
            order_place(
                customer_id=buyer.pk,
                lines=lines((variant, 1)),
                shipping_address=address(),
                idempotency_key="busy",
            )
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)

    assert excinfo.value.code == OrderErrorCode.STOCK_BUSY
    assert 0.2 <= elapsed < 1.5
    assert models.Order.objects.count() == 0
    assert _reserved(variant) == 0
    # The key was not used up: the retry succeeds once the row is free.
    order = order_place(
        customer_id=buyer.pk,
        lines=lines((variant, 1)),
        shipping_address=address(),
        idempotency_key="busy",
    )
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_racing_requests_with_one_idempotency_key_create_one_order(
    transactional_db,
):
    variant = stocked_variant(on_hand=10)
    buyer = customer()
    key = uuid.uuid4().hex

    outcome = race(
        4,
        lambda _: (
            order_place(
                customer_id=buyer.pk,
                lines=lines((variant, 2)),
                shipping_address=address(),
                idempotency_key=key,
            ).pk
        ),
    )

    assert outcome.errors == {}
    assert len(set(outcome.results.values())) == 1
    assert models.Order.objects.count() == 1
    assert _reserved(variant) == 2


def test_concurrent_expiry_runs_return_stock_exactly_once(transactional_db):
    placed = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    variant = stocked_variant(on_hand=20)
    stale = [placed_order(items=[(variant, 2)], now=placed) for _ in range(6)]
    live = placed_order(items=[(variant, 1)])  # placed now: not expired

    outcome = race(3, lambda _: orders_expire(now=placed + timedelta(hours=1)))

    assert outcome.errors == {}
    expired = [pk for ids in outcome.results.values() for pk in ids]
    assert sorted(expired) == sorted(order.pk for order in stale)
    assert _reserved(variant) == 1
    assert models.Order.objects.get(pk=live.pk).status == OrderStatus.PENDING_PAYMENT
    assert (
        models.OrderStatusChange.objects.filter(to_status=OrderStatus.CANCELLED).count()
        == 6
    )


def test_racing_orders_of_one_customer_place_no_more_than_the_pace_allows(
    transactional_db, settings
):
    settings.ORDERS_PLACE_RATE_COUNT = 3
    buyer = customer()
    variant = stocked_variant(on_hand=100)

    outcome = race(
        8,
        lambda i: (
            order_place(
                customer_id=buyer.pk,
                lines=lines((variant, 1)),
                shipping_address=address(),
                idempotency_key=f"pace-{i}",
            ).pk
        ),
    )

    assert len(outcome.results) == 3
    assert len(outcome.errors) == 5
    assert all(isinstance(e, OrderThrottledError) for e in outcome.errors.values())
    assert models.Order.objects.filter(customer=buyer).count() == 3
    assert _reserved(variant) == 3
