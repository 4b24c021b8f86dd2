from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.core.pagination import Window
from apps.orders import models, selectors
from apps.orders.errors import OrderErrorCode, OrderNotFoundError, OrderPermissionError
from apps.orders.services import order_cancel
from apps.orders.status import OrderStatus
from tests.factories.catalog import stocked_variant
from tests.factories.orders import customer, placed_order, staff


def _backdate(order, when):
    models.Order.objects.filter(pk=order.pk).update(created_at=when)


@pytest.mark.django_db
def test_a_customer_reads_their_own_order():
    buyer = customer()
    order = placed_order(buyer=buyer)

    row = selectors.order_get(viewer=buyer, order_id=order.pk)

    assert (row.id, row.number, row.status, row.total) == (
        order.pk,
        order.number,
        OrderStatus.PENDING_PAYMENT,
        order.total,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer_kind", ["stranger", "anonymous"], ids=["stranger_case", "anonymous_case"]
)
def test_someone_elses_order_reads_exactly_like_a_missing_one(viewer_kind):
    order = placed_order()
    viewer = customer() if viewer_kind == "stranger" else AnonymousUser()

    with pytest.raises(OrderNotFoundError) as theirs:
        selectors.order_get(viewer=viewer, order_id=order.pk)
    with pytest.raises(OrderNotFoundError) as missing:
        selectors.order_get(viewer=viewer, order_id=order.pk + 1000)

    assert theirs.value.code == missing.value.code == OrderErrorCode.ORDER_NOT_FOUND
    assert theirs.value.message == missing.value.message == "No order has this ID."
    assert theirs.value.field == missing.value.field


@pytest.mark.django_db
def test_staff_read_any_order():
    order = placed_order()

    assert selectors.order_get(viewer=staff(), order_id=order.pk).id == order.pk


@pytest.mark.django_db
def test_a_customers_orders_come_newest_first_in_pages():
    buyer = customer()
    base = datetime(2026, 1, 1, tzinfo=UTC)
    orders = [placed_order(buyer=buyer) for _ in range(5)]
    for age, order in enumerate(orders):
        _backdate(order, base + timedelta(days=age))
    placed_order()  # someone else's

    first = selectors.orders_for_customer(viewer=buyer, window=Window(first=3))
    second = selectors.orders_for_customer(
        viewer=buyer, window=Window(first=3, after=first.positions[-1])
    )

    assert [row.id for row in first.rows] == [o.pk for o in reversed(orders[2:])]
    assert [row.id for row in second.rows] == [o.pk for o in reversed(orders[:2])]
    assert (first.has_next, second.has_next) == (True, False)


@pytest.mark.django_db
def test_a_customers_orders_filter_by_status():
    buyer = customer()
    open_order = placed_order(buyer=buyer)
    cancelled = placed_order(buyer=buyer)
    order_cancel(order_id=cancelled.pk, actor_id=buyer.pk)

    page = selectors.orders_for_customer(
        viewer=buyer, status=OrderStatus.CANCELLED, window=Window(first=10)
    )

    assert [row.id for row in page.rows] == [cancelled.pk]
    assert open_order.pk not in [row.id for row in page.rows]


@pytest.mark.django_db
def test_an_anonymous_viewer_has_no_order_list():
    with pytest.raises(OrderPermissionError) as excinfo:
        selectors.orders_for_customer(viewer=AnonymousUser(), window=Window(first=10))

    assert excinfo.value.code == OrderErrorCode.NOT_PERMITTED


@pytest.mark.django_db
def test_staff_list_orders_by_customer_status_and_date_range():
    buyer = customer()
    inside = placed_order(buyer=buyer)
    before = placed_order(buyer=buyer)
    other = placed_order()
    _backdate(inside, datetime(2026, 2, 10, tzinfo=UTC))
    _backdate(before, datetime(2026, 1, 10, tzinfo=UTC))
    _backdate(other, datetime(2026, 2, 10, tzinfo=UTC))

    page = selectors.orders_list(
        viewer=staff(),
        window=Window(first=10),
        status=OrderStatus.PENDING_PAYMENT,
        customer_id=buyer.pk,
        created_from=datetime(2026, 2, 1, tzinfo=UTC),
        created_before=datetime(2026, 3, 1, tzinfo=UTC),
    )

    assert [row.id for row in page.rows] == [inside.pk]


@pytest.mark.django_db
def test_customers_cannot_list_all_orders():
    with pytest.raises(OrderPermissionError) as excinfo:
        selectors.orders_list(viewer=customer(), window=Window(first=10))

    assert excinfo.value.code == OrderErrorCode.NOT_PERMITTED
    assert excinfo.value.message == "Only staff may list all orders."


@pytest.mark.django_db
def test_lines_and_history_load_for_many_orders_in_one_query_each(
    django_assert_num_queries,
):
    a, b = stocked_variant(), stocked_variant()
    first = placed_order(items=[(a, 1), (b, 2)])
    second = placed_order(items=[(b, 1)])
    ids = [first.pk, second.pk, 0]

    with django_assert_num_queries(1):
        lines = selectors.lines_by_order_ids(ids)
    with django_assert_num_queries(1):
        history = selectors.status_changes_by_order_ids(ids)

    assert [(line.variant_id, line.quantity) for line in lines[first.pk]] == [
        (a.pk, 1),
        (b.pk, 2),
    ]
    assert [line.quantity for line in lines[second.pk]] == [1]
    assert lines[0] == []
    assert [c.to_status for c in history[first.pk]] == [OrderStatus.PENDING_PAYMENT]
    assert history[0] == []


@pytest.mark.django_db(transaction=True)
async def test_async_twins_read_the_same_rows():
    from asgiref.sync import sync_to_async

    buyer = await sync_to_async(customer)()
    order = await sync_to_async(placed_order)(buyer=buyer)

    row = await selectors.aorder_get(viewer=buyer, order_id=order.pk)

    assert row.id == order.pk
