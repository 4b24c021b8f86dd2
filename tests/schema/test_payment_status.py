"""Order.payment and Payment by node(id:): what a storefront shows after paying."""

from __future__ import annotations

import pytest

from apps.payments.models import Payment, PaymentStatus
from tests.factories.accounts import UserFactory
from tests.schema.test_payments import initialize, placed_order
from tests.support.graphql import gid, post, token

pytestmark = pytest.mark.django_db

ORDER_PAYMENT = """
query ($id: ID!) {
  order(id: $id) { payment { id status provider amount { amount currency } } }
}
"""

PAYMENT_NODE = """
query ($id: ID!) {
  node(id: $id) { ... on Payment { id status provider reference } }
}
"""


def order_payment(client, order, viewer=None):
    body = post(
        client,
        ORDER_PAYMENT,
        {"id": gid("Order", order.pk)},
        bearer=token(viewer or order.customer),
    )
    return body["data"]["order"]["payment"]


def test_an_order_without_a_payment_has_payment_null(gql_client):
    assert order_payment(gql_client, placed_order()) is None


def test_an_order_shows_its_payment_status_provider_and_amount(gql_client):
    order = placed_order()
    started = initialize(gql_client, order)["payment"]

    payment = order_payment(gql_client, order)

    assert payment == {
        "id": started["id"],
        "status": "PENDING",
        "provider": "STRIPE",
        "amount": {"amount": str(order.total), "currency": order.currency},
    }


def test_an_order_shows_the_payment_started_last_not_the_cancelled_one(gql_client):
    order = placed_order()
    initialize(gql_client, order)
    initialize(gql_client, order, provider="PAYSTACK")

    payment = order_payment(gql_client, order)

    assert (payment["provider"], payment["status"]) == ("PAYSTACK", "PENDING")


def test_a_paid_order_shows_the_payment_that_paid_it(gql_client):
    order = placed_order()
    paid = Payment.objects.get(
        reference=initialize(gql_client, order)["payment"]["reference"]
    )
    Payment.objects.filter(pk=paid.pk).update(status=PaymentStatus.CAPTURED)
    Payment.objects.create(
        order=order,
        provider="paystack",
        reference="ps_later_failed",
        amount=order.total,
        currency=order.currency,
        status=PaymentStatus.FAILED,
    )

    payment = order_payment(gql_client, order)

    assert (payment["provider"], payment["status"]) == ("STRIPE", "CAPTURED")


def test_the_orders_customer_resolves_its_payment_by_node(gql_client):
    order = placed_order()
    started = initialize(gql_client, order)["payment"]

    body = post(
        gql_client, PAYMENT_NODE, {"id": started["id"]}, bearer=token(order.customer)
    )

    assert body["data"]["node"] == {
        "id": started["id"],
        "status": "PENDING",
        "provider": "STRIPE",
        "reference": started["reference"],
    }


def test_staff_resolve_any_payment_by_node(gql_client):
    order = placed_order()
    started = initialize(gql_client, order)["payment"]

    body = post(
        gql_client,
        PAYMENT_NODE,
        {"id": started["id"]},
        bearer=token(UserFactory.create(staff=True)),
    )

    assert body["data"]["node"]["reference"] == started["reference"]


@pytest.mark.parametrize("who", ["other_customer", "anonymous"])
def test_anyone_else_gets_null_for_a_payment_node(gql_client, who):
    order = placed_order()
    started = initialize(gql_client, order)["payment"]
    bearer = token(UserFactory.create()) if who == "other_customer" else None

    body = post(gql_client, PAYMENT_NODE, {"id": started["id"]}, bearer=bearer)

    assert body["data"]["node"] is None
    assert "errors" not in body


def test_a_payment_id_that_does_not_exist_is_null(gql_client):
    order = placed_order()

    body = post(
        gql_client,
        PAYMENT_NODE,
        {"id": gid("Payment", 999_999)},
        bearer=token(order.customer),
    )

    assert body["data"]["node"] is None
