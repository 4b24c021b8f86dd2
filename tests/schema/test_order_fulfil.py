"""orderFulfil and Order.fulfilment through the real /graphql/ endpoint."""

from __future__ import annotations

from django.core import mail

from apps.orders import models
from apps.orders.services import order_mark_paid
from apps.orders.status import OrderStatus
from tests.factories.accounts import UserFactory
from tests.factories.orders import placed_order
from tests.support.graphql import error_codes, gid, post, token

FULFIL = """
mutation ($id: ID!, $trackingNumber: String!, $carrier: String!) {
  orderFulfil(id: $id, trackingNumber: $trackingNumber, carrier: $carrier) {
    order {
      id status
      fulfilment { trackingNumber carrier fulfilledAt trackingUrl }
      statusHistory { toStatus reason }
    }
    errors { field code message }
  }
}
"""
FULFILMENT = "query ($id: ID!) { order(id: $id) { status fulfilment { carrier } } }"


def _paid_order(buyer=None) -> models.Order:
    order = placed_order(buyer=buyer)
    order_mark_paid(order_id=order.pk)
    return order


def _fulfil(client, order, *, bearer, number="1Z999AA10123456784", carrier="ups"):
    return post(
        client,
        FULFIL,
        {"id": gid("Order", order.pk), "trackingNumber": number, "carrier": carrier},
        bearer=bearer,
    )


def test_staff_fulfil_a_paid_order_and_its_customer_sees_the_shipment(
    gql_client, django_capture_on_commit_callbacks
):
    buyer = UserFactory.create()
    order = _paid_order(buyer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        body = _fulfil(gql_client, order, bearer=token(UserFactory.create(staff=True)))
    seen = post(
        gql_client, FULFILMENT, {"id": gid("Order", order.pk)}, bearer=token(buyer)
    )

    payload = body["data"]["orderFulfil"]
    assert payload["errors"] == []
    assert payload["order"]["status"] == "FULFILLED"
    fulfilment = payload["order"]["fulfilment"]
    order.refresh_from_db()
    assert order.fulfilled_at is not None
    assert fulfilment == {
        "trackingNumber": "1Z999AA10123456784",
        "carrier": "UPS",
        "fulfilledAt": order.fulfilled_at.isoformat(),
        "trackingUrl": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    }
    assert payload["order"]["statusHistory"][-1] == {
        "toStatus": "FULFILLED",
        "reason": "fulfilled",
    }
    assert seen["data"]["order"] == {
        "status": "FULFILLED",
        "fulfilment": {"carrier": "UPS"},
    }
    (message,) = mail.outbox
    assert message.to == [buyer.email]
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in message.body


def test_an_order_has_no_fulfilment_until_it_ships(gql_client):
    buyer = UserFactory.create()
    order = _paid_order(buyer)

    body = post(
        gql_client, FULFILMENT, {"id": gid("Order", order.pk)}, bearer=token(buyer)
    )

    assert body["data"]["order"] == {"status": "PAID", "fulfilment": None}


def test_a_bad_shipment_gets_typed_errors_with_graphql_field_names(gql_client):
    order = _paid_order()

    body = _fulfil(
        gql_client,
        order,
        bearer=token(UserFactory.create(staff=True)),
        number="<b>",
        carrier="<DHL>",
    )

    assert body["data"]["orderFulfil"] == {
        "order": None,
        "errors": [
            {
                "field": "trackingNumber",
                "code": "INVALID_TRACKING_NUMBER",
                "message": "A tracking number is 4 to 40 letters, digits or hyphens.",
            },
            {
                "field": "carrier",
                "code": "INVALID_CARRIER",
                "message": (
                    "A carrier is 2 to 50 letters, digits, spaces or . & ' -, "
                    "starting with a letter or digit."
                ),
            },
        ],
    }
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_an_unpaid_order_cannot_be_fulfilled(gql_client):
    order = placed_order()

    body = _fulfil(gql_client, order, bearer=token(UserFactory.create(staff=True)))

    assert body["data"]["orderFulfil"]["errors"] == [
        {
            "field": None,
            "code": "ILLEGAL_TRANSITION",
            "message": "An order that is PENDING_PAYMENT cannot become FULFILLED.",
        }
    ]


def test_a_missing_order_is_not_found(gql_client):
    body = post(
        gql_client,
        FULFIL,
        {"id": gid("Order", 424242), "trackingNumber": "1Z999AA1", "carrier": "UPS"},
        bearer=token(UserFactory.create(staff=True)),
    )

    assert body["data"]["orderFulfil"]["errors"] == [
        {"field": "id", "code": "ORDER_NOT_FOUND", "message": "No order has this ID."}
    ]


def test_customers_may_not_fulfil_even_their_own_order(gql_client):
    buyer = UserFactory.create()
    order = _paid_order(buyer)

    body = _fulfil(gql_client, order, bearer=token(buyer))

    assert body["data"] == {"orderFulfil": None}
    assert error_codes(body) == ["FORBIDDEN"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_anonymous_requests_may_not_fulfil(gql_client):
    order = _paid_order()

    body = _fulfil(gql_client, order, bearer=None)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
