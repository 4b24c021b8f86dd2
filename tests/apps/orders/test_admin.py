"""Staff read orders in the admin and cancel unpaid ones through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.catalog.models import Stock
from apps.orders.services import order_mark_paid
from apps.orders.status import OrderStatus
from tests.factories.accounts import UserFactory
from tests.factories.catalog import stocked_variant
from tests.factories.orders import placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(staff=True, is_superuser=True))
    return client


def test_an_order_page_shows_its_lines_and_history(staff_client):
    order = placed_order()

    response = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 200
    assert order.number.encode() in response.content
    assert b"PENDING_PAYMENT" in response.content
    assert order.lines.get().variant_sku.encode() in response.content


def test_cancelling_from_the_admin_returns_the_stock_and_spares_paid_orders(
    staff_client,
):
    variant = stocked_variant(on_hand=5)
    unpaid = placed_order(items=[(variant, 2)])
    paid = placed_order()
    order_mark_paid(order_id=paid.pk)

    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel", "_selected_action": [unpaid.pk, paid.pk]},
        follow=True,
    )

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == (OrderStatus.CANCELLED, OrderStatus.PAID)
    assert Stock.objects.get(variant=variant).quantity_reserved == 0
    assert b"1 order(s) cancelled." in response.content
    assert b"cannot become CANCELLED" in response.content


def test_orders_cannot_be_added_or_deleted_in_the_admin(staff_client):
    order = placed_order()

    assert staff_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert (
        staff_client.get(
            reverse("admin:orders_order_delete", args=[order.pk])
        ).status_code
        == 403
    )


def test_the_fulfil_action_asks_for_each_orders_shipment_first(staff_client):
    paid = placed_order()
    order_mark_paid(order_id=paid.pk)

    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "fulfil", "_selected_action": [paid.pk]},
    )

    assert response.status_code == 200
    assert b"Mark orders as shipped" in response.content
    assert f'name="order-{paid.pk}-tracking_number"'.encode() in response.content
    paid.refresh_from_db()
    assert paid.status == OrderStatus.PAID


def test_fulfilling_from_the_admin_ships_paid_orders_and_spares_the_others(
    staff_client,
):
    paid = placed_order()
    order_mark_paid(order_id=paid.pk)
    unpaid = placed_order()

    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "fulfil",
            "apply": "Mark as shipped",
            "_selected_action": [paid.pk, unpaid.pk],
            f"order-{paid.pk}-carrier": "royal mail",
            f"order-{paid.pk}-tracking_number": "AB123456789GB",
            f"order-{unpaid.pk}-carrier": "UPS",
            f"order-{unpaid.pk}-tracking_number": "1Z999AA1",
        },
        follow=True,
    )

    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.status, paid.carrier, paid.tracking_number) == (
        OrderStatus.FULFILLED,
        "Royal Mail",
        "AB123456789GB",
    )
    assert unpaid.status == OrderStatus.PENDING_PAYMENT
    assert b"1 order(s) marked as shipped." in response.content
    assert b"cannot become FULFILLED" in response.content


def test_a_bad_tracking_number_in_the_admin_is_reported_and_ships_nothing(
    staff_client,
):
    paid = placed_order()
    order_mark_paid(order_id=paid.pk)

    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "fulfil",
            "apply": "Mark as shipped",
            "_selected_action": [paid.pk],
            f"order-{paid.pk}-carrier": "UPS",
            f"order-{paid.pk}-tracking_number": "<x>",
        },
        follow=True,
    )

    paid.refresh_from_db()
    assert paid.status == OrderStatus.PAID
    assert b"A tracking number is 4 to 40 letters, digits or hyphens." in (
        response.content
    )
