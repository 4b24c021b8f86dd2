"""What holding stock costs: a verified email, a cap cancelling cannot reset,
a pace per customer, and a bound on lines (docs/orders.md, "Holding stock")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog import stock
from apps.catalog.models import Stock
from apps.core.models import IdempotencyRecord
from apps.orders import models
from apps.orders.errors import (
    OrderErrorCode,
    OrderThrottledError,
    OrderValidationError,
)
from apps.orders.services import LineInput, order_cancel, order_place, orders_expire
from apps.orders.status import OrderStatus
from tests.factories.catalog import stocked_variant
from tests.factories.orders import address, customer, lines, staff

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _place(buyer, items, *, key="key-1", now=NOW):
    return order_place(
        customer_id=buyer.pk,
        lines=items,
        shipping_address=address(),
        idempotency_key=key,
        now=now,
    )


def _problems(excinfo) -> list[tuple[str, str | None]]:
    return [(d.code, d.field) for d in excinfo.value.details]


def _row_counts() -> dict[str, int]:
    return {
        "orders": models.Order.objects.count(),
        "lines": models.OrderLine.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "reserved": sum(Stock.objects.values_list("quantity_reserved", flat=True)),
    }


def test_an_unverified_customer_cannot_reserve_stock_and_nothing_is_written():
    buyer = customer(email_verified_at=None)
    variant = stocked_variant(on_hand=5)
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((variant, 1)))

    assert _problems(excinfo) == [(OrderErrorCode.EMAIL_NOT_VERIFIED, "customer_id")]
    assert excinfo.value.message == (
        "Verify your email address before ordering: follow the link we emailed you."
    )
    assert _row_counts() == before


def test_a_verified_customer_reserves_stock():
    variant = stocked_variant(on_hand=5)

    _place(customer(email_verified_at=NOW), lines((variant, 2)))

    assert Stock.objects.get(variant=variant).quantity_reserved == 2


def test_staff_reserve_stock_without_a_verified_email():
    variant = stocked_variant(on_hand=5)

    _place(staff(email_verified_at=None), lines((variant, 2)))

    assert Stock.objects.get(variant=variant).quantity_reserved == 2


def test_five_unverified_accounts_cannot_take_the_last_five_units():
    variant = stocked_variant(on_hand=5)

    for n in range(5):
        with pytest.raises(OrderValidationError):
            _place(customer(email_verified_at=None), lines((variant, 1)), key=f"k{n}")

    assert Stock.objects.get(variant=variant).quantity_reserved == 0


def test_without_required_verification_an_unverified_customer_has_the_stricter_cap(
    settings,
):
    settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL = False
    settings.ORDERS_MAX_OPEN_UNITS_UNVERIFIED = 5
    buyer = customer(email_verified_at=None)
    _place(buyer, lines((stocked_variant(), 5)), key="first")
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((stocked_variant(), 1)), key="second")

    assert _problems(excinfo) == [(OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED, "lines")]
    assert excinfo.value.message.endswith(" Verify your email address to hold more.")
    assert _row_counts() == before


def test_without_required_verification_a_verified_customer_keeps_the_full_cap(
    settings,
):
    settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL = False
    settings.ORDERS_MAX_OPEN_UNITS_UNVERIFIED = 5

    order = _place(customer(), lines((stocked_variant(), 6)))

    assert order.lines.get().quantity == 6


def test_cancelling_and_re_reserving_does_not_renew_a_hold(settings):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    first = _place(buyer, lines((variant, 5)), key="first")
    order_cancel(order_id=first.pk, actor_id=buyer.pk)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((variant, 5)), key="again", now=NOW + timedelta(minutes=1))

    assert _problems(excinfo) == [(OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED, "lines")]
    assert Stock.objects.get(variant=variant).quantity_reserved == 0


def test_an_expired_hold_counts_until_the_cooldown_after_its_window_passes(settings):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    settings.ORDERS_PAYMENT_WINDOW = timedelta(minutes=30)
    settings.ORDERS_HOLD_COOLDOWN = timedelta(minutes=30)
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    _place(buyer, lines((variant, 5)), key="first")
    orders_expire(now=NOW + timedelta(minutes=31))

    with pytest.raises(OrderValidationError):
        _place(buyer, lines((variant, 5)), key="early", now=NOW + timedelta(minutes=59))
    order = _place(buyer, lines((variant, 5)), key="late", now=NOW + timedelta(hours=1))

    assert order.lines.get().quantity == 5


def test_an_order_cancelled_by_staff_does_not_count_against_the_customer(settings):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    first = _place(buyer, lines((variant, 5)), key="first")
    order_cancel(order_id=first.pk, actor_id=staff().pk)

    order = _place(buyer, lines((variant, 5)), key="again")

    assert order.lines.get().quantity == 5


def test_an_order_over_the_pace_is_throttled_and_writes_nothing(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 2
    settings.ORDERS_PLACE_RATE_PERIOD = timedelta(hours=1)
    buyer = customer()
    _place(buyer, lines((stocked_variant(), 1)), key="one")
    _place(buyer, lines((stocked_variant(), 1)), key="two")
    before = _row_counts()

    with pytest.raises(OrderThrottledError) as excinfo:
        _place(buyer, lines((stocked_variant(), 1)), key="three")

    # One order refills in 30 minutes (2 per hour).
    assert 1790 <= excinfo.value.retry_after_seconds <= 1800
    assert excinfo.value.code == OrderErrorCode.THROTTLED
    assert excinfo.value.message == (
        f"Too many orders placed recently. "
        f"Try again in {excinfo.value.retry_after_seconds} seconds."
    )
    assert _row_counts() == before


def test_the_pace_is_per_customer(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 1
    _place(customer(), lines((stocked_variant(), 1)))

    order = _place(customer(), lines((stocked_variant(), 1)))

    assert order.pk is not None


def test_a_refused_order_does_not_use_up_the_pace(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 1
    buyer = customer()
    variant = stocked_variant(on_hand=1)
    with pytest.raises(OrderValidationError):
        _place(buyer, lines((variant, 2)), key="too-many")

    order = _place(buyer, lines((variant, 1)), key="fits")

    assert order.pk is not None


def test_a_replayed_order_does_not_use_up_the_pace(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 2
    buyer = customer()
    items = lines((stocked_variant(), 1))
    first = _place(buyer, items, key="same")

    assert _place(buyer, items, key="same").pk == first.pk
    assert _place(buyer, lines((stocked_variant(), 1)), key="other").pk != first.pk


def test_more_lines_than_the_cap_is_one_error_before_anything_is_read(settings):
    settings.ORDERS_MAX_LINES = 50
    buyer = customer()
    many = [LineInput(variant_id=n, quantity=0) for n in range(1, 15_001)]

    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(OrderValidationError) as excinfo,
    ):
        _place(buyer, many)

    assert _problems(excinfo) == [(OrderErrorCode.TOO_MANY_LINES, "lines")]
    # Only the service's transaction (a savepoint in the test's) opens and
    # closes: no table is read.
    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "SAVEPOINT",
        "ROLLBACK",
        "RELEASE",
    ]
    assert excinfo.value.message == (
        "An order may have at most 50 lines; this one has 15000."
    )


def test_an_order_of_exactly_the_line_cap_is_placed(settings):
    settings.ORDERS_MAX_LINES = 3

    order = _place(
        customer(),
        lines((stocked_variant(), 1), (stocked_variant(), 1), (stocked_variant(), 1)),
    )

    assert order.lines.count() == 3


def test_an_order_that_loses_its_stock_while_writing_gives_its_pace_back(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 1
    buyer = customer()
    last = stocked_variant(on_hand=1)
    # Read while the unit was free, as a request's loaders would have.
    stale = stock.sale_variants_by_ids([last.pk])
    _place(customer(), lines((last, 1)), key="rival")

    with pytest.raises(OrderValidationError) as excinfo:
        order_place(
            customer_id=buyer.pk,
            lines=lines((last, 1)),
            shipping_address=address(),
            idempotency_key="lost",
            catalog=stale,
            now=NOW,
        )
    order = _place(buyer, lines((stocked_variant(), 1)), key="next")

    assert _problems(excinfo) == [
        (OrderErrorCode.INSUFFICIENT_STOCK, "lines.0.quantity")
    ]
    assert order.pk is not None


def test_paid_orders_do_not_count_against_the_cap(settings):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    buyer = customer()
    paid = _place(buyer, lines((stocked_variant(), 5)), key="paid")
    models.Order.objects.filter(pk=paid.pk).update(status=OrderStatus.PAID)

    order = _place(buyer, lines((stocked_variant(), 5)), key="next")

    assert order.lines.get().quantity == 5
