from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from apps.catalog.models import Stock
from apps.core.idempotency import IdempotencyError, IdempotencyErrorCode
from apps.orders import models
from apps.orders.errors import (
    IllegalTransitionError,
    OrderErrorCode,
    OrderNotFoundError,
)
from apps.orders.services import (
    order_cancel,
    order_fulfil,
    order_mark_paid,
    order_refund,
)
from apps.orders.status import TRANSITIONS, OrderStatus, transition_allowed
from tests.factories.catalog import stocked_variant
from tests.factories.orders import customer, placed_order, staff

LATER = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
_fulfil = partial(order_fulfil, tracking_number="1Z999AA10123456784", carrier="UPS")


def _stock(variant) -> tuple[int, int]:
    row = Stock.objects.get(pk=variant.pk)
    return row.quantity_on_hand, row.quantity_reserved


def _history(order) -> list[tuple[str, str]]:
    return list(
        models.OrderStatusChange.objects.filter(order=order)
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def test_the_status_machine_allows_exactly_the_documented_moves():
    allowed = {
        (current, target)
        for current in OrderStatus
        for target in OrderStatus
        if transition_allowed(current, target)
    }

    assert allowed == {
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED),
        (OrderStatus.PAID, OrderStatus.FULFILLED),
        (OrderStatus.PAID, OrderStatus.REFUNDED),
    }
    assert set(TRANSITIONS) == set(OrderStatus)


@pytest.mark.django_db
def test_a_customer_cancels_their_unpaid_order_and_its_stock_returns():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    order = placed_order(buyer=buyer, items=[(variant, 3)])

    cancelled = order_cancel(order_id=order.pk, actor_id=buyer.pk)

    assert cancelled.status == OrderStatus.CANCELLED
    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _stock(variant) == (5, 0)
    change = models.OrderStatusChange.objects.filter(order=order).latest("id")
    assert (change.from_status, change.to_status) == (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CANCELLED,
    )
    assert (change.actor_id, change.reason) == (buyer.pk, "cancelled by customer")


@pytest.mark.django_db
def test_staff_cancel_any_customers_unpaid_order():
    admin = staff()
    variant = stocked_variant(on_hand=5)
    order = placed_order(items=[(variant, 2)])

    order_cancel(order_id=order.pk, actor_id=admin.pk)

    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _stock(variant) == (5, 0)
    assert models.OrderStatusChange.objects.filter(order=order).latest("id").reason == (
        "cancelled by staff"
    )


@pytest.mark.django_db
def test_another_customers_order_is_not_found_like_a_missing_one():
    variant = stocked_variant(on_hand=5)
    order = placed_order(items=[(variant, 2)])
    stranger = customer()

    with pytest.raises(OrderNotFoundError) as theirs:
        order_cancel(order_id=order.pk, actor_id=stranger.pk)
    with pytest.raises(OrderNotFoundError) as missing:
        order_cancel(order_id=order.pk + 1000, actor_id=stranger.pk)

    assert (theirs.value.code, theirs.value.message, theirs.value.field) == (
        missing.value.code,
        missing.value.message,
        missing.value.field,
    )
    assert theirs.value.code == OrderErrorCode.ORDER_NOT_FOUND
    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert _stock(variant) == (5, 2)


@pytest.mark.django_db
def test_a_paid_order_cannot_be_cancelled_and_nothing_changes():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    order = placed_order(buyer=buyer, items=[(variant, 2)])
    order_mark_paid(order_id=order.pk)
    history = _history(order)

    with pytest.raises(IllegalTransitionError) as excinfo:
        order_cancel(order_id=order.pk, actor_id=buyer.pk)

    assert excinfo.value.code == OrderErrorCode.ILLEGAL_TRANSITION
    assert excinfo.value.message == "An order that is PAID cannot become CANCELLED."
    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert _history(order) == history
    assert _stock(variant) == (3, 0)


@pytest.mark.django_db
def test_cancelling_twice_is_refused_and_releases_stock_once():
    buyer = customer()
    variant = stocked_variant(on_hand=5, reserved=1)
    order = placed_order(buyer=buyer, items=[(variant, 2)])
    order_cancel(order_id=order.pk, actor_id=buyer.pk)

    with pytest.raises(IllegalTransitionError):
        order_cancel(order_id=order.pk, actor_id=buyer.pk)

    assert _stock(variant) == (5, 1)


@pytest.mark.django_db
def test_a_cancel_retried_with_its_key_replays_instead_of_failing():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    order = placed_order(buyer=buyer, items=[(variant, 2)])
    order_cancel(order_id=order.pk, actor_id=buyer.pk, idempotency_key="c1")

    again = order_cancel(order_id=order.pk, actor_id=buyer.pk, idempotency_key="c1")

    assert again.pk == order.pk
    assert again.status == OrderStatus.CANCELLED
    assert _stock(variant) == (5, 0)
    assert len(_history(order)) == 2


@pytest.mark.django_db
def test_a_cancel_key_reused_for_another_order_is_refused():
    buyer = customer()
    first = placed_order(buyer=buyer)
    second = placed_order(buyer=buyer)
    order_cancel(order_id=first.pk, actor_id=buyer.pk, idempotency_key="c1")

    with pytest.raises(IdempotencyError) as excinfo:
        order_cancel(order_id=second.pk, actor_id=buyer.pk, idempotency_key="c1")

    assert excinfo.value.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED
    assert models.Order.objects.get(pk=second.pk).status == OrderStatus.PENDING_PAYMENT


@pytest.mark.django_db
def test_payment_turns_reserved_units_into_sold_ones():
    variant = stocked_variant(on_hand=5)
    order = placed_order(items=[(variant, 2)])

    paid = order_mark_paid(order_id=order.pk, now=LATER)

    assert paid.status == OrderStatus.PAID
    assert _stock(variant) == (3, 0)
    change = models.OrderStatusChange.objects.filter(order=order).latest("id")
    assert (change.to_status, change.actor_id, change.created_at) == (
        OrderStatus.PAID,
        None,
        LATER,
    )


@pytest.mark.django_db
def test_a_paid_order_is_fulfilled_or_refunded_once():
    fulfilled = placed_order()
    refunded = placed_order()
    for order in (fulfilled, refunded):
        order_mark_paid(order_id=order.pk)

    _fulfil(order_id=fulfilled.pk)
    order_refund(order_id=refunded.pk)

    assert _history(fulfilled)[-1] == (OrderStatus.PAID, OrderStatus.FULFILLED)
    assert _history(refunded)[-1] == (OrderStatus.PAID, OrderStatus.REFUNDED)
    with pytest.raises(IllegalTransitionError):
        order_refund(order_id=fulfilled.pk)
    with pytest.raises(IllegalTransitionError):
        _fulfil(order_id=refunded.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "service",
    [_fulfil, order_refund],
    ids=["fulfil_unpaid_case", "refund_unpaid_case"],
)
def test_an_unpaid_order_cannot_skip_payment(service):
    order = placed_order()

    with pytest.raises(IllegalTransitionError) as excinfo:
        service(order_id=order.pk)

    assert excinfo.value.code == OrderErrorCode.ILLEGAL_TRANSITION
    assert models.Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert len(_history(order)) == 1


@pytest.mark.django_db
def test_a_missing_order_is_not_found():
    with pytest.raises(OrderNotFoundError):
        order_mark_paid(order_id=424242)
