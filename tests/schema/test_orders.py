"""Orders through the real /graphql/ endpoint."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Stock
from apps.orders import models
from apps.orders.status import OrderStatus
from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.factories.orders import ADDRESS_INPUT, placed_order
from tests.support.graphql import error_codes, gid, post, request, token, without_cost

ORDER_FIELDS = """
id number status currency createdAt expiresAt
subtotal { amount currency } shippingTotal { amount currency }
total { amount currency }
shippingAddress { fullName line1 line2 city postalCode country phone }
lines {
  productName sku size colour quantity
  unitPrice { amount currency } lineTotal { amount currency }
  variant { id sku }
}
statusHistory { fromStatus toStatus reason createdAt }
"""
CREATE = f"""
mutation ($input: OrderCreateInput!) {{
  orderCreate(input: $input) {{
    order {{ {ORDER_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
CANCEL = """
mutation ($id: ID!, $key: String) {
  orderCancel(id: $id, idempotencyKey: $key) {
    order { id status statusHistory { fromStatus toStatus reason } }
    errors { field code message }
  }
}
"""
ORDER = f"query ($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
MY_ORDERS = """
query ($first: Int, $after: String, $status: OrderStatus) {
  myOrders(first: $first, after: $after, status: $status) {
    edges { cursor node { id number status } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""
ORDERS = """
query ($filter: OrderFilterInput, $first: Int) {
  orders(filter: $filter, first: $first) {
    edges { node { id number status } }
  }
}
"""


def create_input(*pairs, key: str | None = None, **address: str) -> dict[str, Any]:
    return {
        "lines": [
            {"variantId": gid("ProductVariant", variant.pk), "quantity": quantity}
            for variant, quantity in pairs
        ],
        "shippingAddress": {**ADDRESS_INPUT, **address},
        "idempotencyKey": uuid.uuid4().hex if key is None else key,
    }


def _stock(variant) -> Stock:
    return Stock.objects.get(variant=variant)


def test_create_read_list_and_cancel_an_order(gql_client):
    buyer = UserFactory.create()
    bearer = token(buyer)
    shirt = stocked_variant(on_hand=5, product=ProductFactory.create(name="Shirt"))
    socks = stocked_variant(on_hand=9)

    body = post(
        gql_client,
        CREATE,
        {"input": create_input((shirt, 2), (socks, 1))},
        bearer=bearer,
    )

    created = body["data"]["orderCreate"]
    assert created["errors"] == []
    order = created["order"]
    stored = models.Order.objects.get(number=order["number"])
    assert order["id"] == gid("Order", stored.pk)
    assert order["status"] == "PENDING_PAYMENT"
    assert order["total"] == {"amount": str(stored.total), "currency": "USD"}
    assert order["shippingAddress"]["city"] == "London"
    assert order["shippingAddress"]["line2"] == ""
    assert [line["sku"] for line in order["lines"]] == [shirt.sku, socks.sku]
    assert order["lines"][0]["productName"] == "Shirt"
    assert order["lines"][0]["quantity"] == 2
    assert order["lines"][0]["variant"] == {
        "id": gid("ProductVariant", shirt.pk),
        "sku": shirt.sku,
    }
    assert order["statusHistory"] == [
        {
            "fromStatus": None,
            "toStatus": "PENDING_PAYMENT",
            "reason": "placed",
            "createdAt": order["statusHistory"][0]["createdAt"],
        }
    ]
    assert _stock(shirt).quantity_reserved == 2

    read = post(gql_client, ORDER, {"id": order["id"]}, bearer=bearer)
    assert read["data"]["order"] == order

    listed = post(gql_client, MY_ORDERS, {"first": 10}, bearer=bearer)
    assert [e["node"]["id"] for e in listed["data"]["myOrders"]["edges"]] == [
        order["id"]
    ]

    cancelled = post(
        gql_client, CANCEL, {"id": order["id"], "key": "c-1"}, bearer=bearer
    )["data"]["orderCancel"]
    assert cancelled["errors"] == []
    assert cancelled["order"]["status"] == "CANCELLED"
    assert cancelled["order"]["statusHistory"][-1] == {
        "fromStatus": "PENDING_PAYMENT",
        "toStatus": "CANCELLED",
        "reason": "cancelled by customer",
    }
    assert _stock(shirt).quantity_reserved == 0
    assert _stock(socks).quantity_reserved == 0

    replayed = post(
        gql_client, CANCEL, {"id": order["id"], "key": "c-1"}, bearer=bearer
    )["data"]["orderCancel"]
    assert replayed == cancelled

    again = post(gql_client, CANCEL, {"id": order["id"]}, bearer=bearer)
    (error,) = again["data"]["orderCancel"]["errors"]
    assert error == {
        "field": None,
        "code": "ILLEGAL_TRANSITION",
        "message": "An order that is CANCELLED cannot become CANCELLED.",
    }


def test_my_orders_pages_newest_first_and_filters_by_status(gql_client):
    buyer = UserFactory.create()
    bearer = token(buyer)
    orders = [placed_order(buyer=buyer) for _ in range(3)]
    placed_order()  # someone else's
    models.Order.objects.filter(pk=orders[0].pk).update(status=OrderStatus.CANCELLED)
    newest_first = [gid("Order", o.pk) for o in reversed(orders)]

    first = post(gql_client, MY_ORDERS, {"first": 2}, bearer=bearer)["data"]["myOrders"]
    second = post(
        gql_client,
        MY_ORDERS,
        {"first": 2, "after": first["pageInfo"]["endCursor"]},
        bearer=bearer,
    )["data"]["myOrders"]
    cancelled = post(gql_client, MY_ORDERS, {"status": "CANCELLED"}, bearer=bearer)[
        "data"
    ]["myOrders"]

    assert [e["node"]["id"] for e in first["edges"]] == newest_first[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in second["edges"]] == newest_first[2:]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["id"] for e in cancelled["edges"]] == [gid("Order", orders[0].pk)]


def test_validation_errors_are_all_reported_with_graphql_field_paths(gql_client):
    bearer = token(UserFactory.create())
    scarce = stocked_variant(on_hand=2)
    fine = stocked_variant(on_hand=5)
    hidden = stocked_variant(product=ProductFactory.create(is_published=False))

    body = post(
        gql_client,
        CREATE,
        {
            "input": create_input(
                (fine, 1), (scarce, 3), (fine, 0), (hidden, 1), city=""
            )
        },
        bearer=bearer,
    )

    payload = body["data"]["orderCreate"]
    assert payload["order"] is None
    fields_codes = [(e["field"], e["code"]) for e in payload["errors"]]
    assert ("shippingAddress.city", "INVALID_ADDRESS") in fields_codes
    assert ("lines.1.quantity", "INSUFFICIENT_STOCK") in fields_codes
    assert ("lines.2.quantity", "INVALID_QUANTITY") in fields_codes
    assert ("lines.2.variantId", "DUPLICATE_LINE") in fields_codes
    assert ("lines.3.variantId", "NOT_PUBLISHED") in fields_codes
    assert len(payload["errors"]) == 5
    stock_error = next(e for e in payload["errors"] if e["field"] == "lines.1.quantity")
    assert stock_error["message"] == "Only 2 units are available."
    assert not models.Order.objects.exists()


def test_an_empty_order_and_a_bad_key_are_errors(gql_client):
    bearer = token(UserFactory.create())

    body = post(
        gql_client, CREATE, {"input": {**create_input(), "lines": []}}, bearer=bearer
    )
    bad_key = post(
        gql_client,
        CREATE,
        {"input": create_input((stocked_variant(), 1), key=" ")},
        bearer=bearer,
    )

    assert [(e["field"], e["code"]) for e in body["data"]["orderCreate"]["errors"]] == [
        ("lines", "EMPTY_ORDER")
    ]
    assert bad_key["data"]["orderCreate"]["errors"] == [
        {
            "field": "idempotencyKey",
            "code": "INVALID_IDEMPOTENCY_KEY",
            "message": "The idempotency key must be 1 to 255 characters.",
        }
    ]


def test_a_variant_id_of_another_type_is_an_invalid_id(gql_client):
    bearer = token(UserFactory.create())
    variables = create_input()
    variables["lines"] = [{"variantId": gid("Product", 1), "quantity": 1}]

    body = post(gql_client, CREATE, {"input": variables}, bearer=bearer)

    assert error_codes(body) == ["INVALID_ID"]
    assert body["errors"][0]["extensions"]["field"] == "lines.0.variantId"


def test_a_replayed_create_returns_the_same_order_once(gql_client):
    bearer = token(UserFactory.create())
    variant = stocked_variant(on_hand=1)
    variables = {"input": create_input((variant, 1), key="retry-me")}

    first = post(gql_client, CREATE, variables, bearer=bearer)["data"]["orderCreate"]
    # The last unit is now reserved: a fresh request would fail, a replay not.
    second = post(gql_client, CREATE, variables, bearer=bearer)["data"]["orderCreate"]
    other = post(
        gql_client,
        CREATE,
        {"input": create_input((variant, 1), key="retry-me", city="Paris")},
        bearer=bearer,
    )["data"]["orderCreate"]

    assert first["errors"] == []
    assert second == first
    assert models.Order.objects.count() == 1
    assert other == {
        "order": None,
        "errors": [
            {
                "field": "idempotencyKey",
                "code": "IDEMPOTENCY_KEY_REUSED",
                "message": "This idempotency key was already used for a different request.",
            }
        ],
    }


def test_a_key_reused_after_the_retention_replays_its_order_or_is_refused(
    gql_client,
):
    buyer = UserFactory.create()
    variant = stocked_variant(on_hand=5)
    variables = {"input": create_input((variant, 1), key="a-day-later")}
    first = post(gql_client, CREATE, variables, bearer=token(buyer))["data"][
        "orderCreate"
    ]

    with time_machine.travel(timedelta(hours=25)):
        bearer = token(buyer)  # the first access token has expired
        same = post(gql_client, CREATE, variables, bearer=bearer)
        other = post(
            gql_client,
            CREATE,
            {"input": create_input((variant, 2), key="a-day-later")},
            bearer=bearer,
        )

    assert first["errors"] == []
    assert same["data"]["orderCreate"]["order"]["id"] == first["order"]["id"]
    assert without_cost(other) == {
        "data": {
            "orderCreate": {
                "order": None,
                "errors": [
                    {
                        "field": "idempotencyKey",
                        "code": "IDEMPOTENCY_KEY_REUSED",
                        "message": (
                            "This idempotency key was already used for a "
                            "different request."
                        ),
                    }
                ],
            }
        }
    }
    assert models.Order.objects.count() == 1


def test_an_empty_key_is_reported_with_the_other_errors(gql_client):
    bearer = token(UserFactory.create())

    body = post(
        gql_client,
        CREATE,
        {"input": {**create_input(key="", country="UK"), "lines": []}},
        bearer=bearer,
    )

    assert [(e["field"], e["code"]) for e in body["data"]["orderCreate"]["errors"]] == [
        ("idempotencyKey", "INVALID_IDEMPOTENCY_KEY"),
        ("shippingAddress.country", "INVALID_ADDRESS"),
        ("lines", "EMPTY_ORDER"),
    ]


def test_another_customers_order_reads_as_missing(gql_client):
    stranger = token(UserFactory.create())
    theirs = placed_order()

    found = post(gql_client, ORDER, {"id": gid("Order", theirs.pk)}, bearer=stranger)
    missing = post(gql_client, ORDER, {"id": gid("Order", 999_999)}, bearer=stranger)
    node = post(
        gql_client,
        "query ($id: ID!) { node(id: $id) { id } }",
        {"id": gid("Order", theirs.pk)},
        bearer=stranger,
    )
    cancel = post(gql_client, CANCEL, {"id": gid("Order", theirs.pk)}, bearer=stranger)

    assert without_cost(found) == {"data": {"order": None}}
    assert without_cost(missing) == {"data": {"order": None}}
    assert without_cost(node) == {"data": {"node": None}}
    assert cancel["data"]["orderCancel"] == {
        "order": None,
        "errors": [
            {
                "field": "id",
                "code": "ORDER_NOT_FOUND",
                "message": "No order has this ID.",
            }
        ],
    }
    assert models.Order.objects.get(pk=theirs.pk).status == OrderStatus.PENDING_PAYMENT


def test_staff_read_and_cancel_any_order(gql_client):
    bearer = token(UserFactory.create(staff=True))
    order = placed_order()

    read = post(gql_client, ORDER, {"id": gid("Order", order.pk)}, bearer=bearer)
    cancel = post(gql_client, CANCEL, {"id": gid("Order", order.pk)}, bearer=bearer)

    assert read["data"]["order"]["number"] == order.number
    assert cancel["data"]["orderCancel"]["order"]["statusHistory"][-1]["reason"] == (
        "cancelled by staff"
    )


def test_staff_list_every_order_with_filters(gql_client):
    bearer = token(UserFactory.create(staff=True))
    buyer = UserFactory.create()
    mine = [placed_order(buyer=buyer) for _ in range(2)]
    other = placed_order()
    models.Order.objects.filter(pk=mine[0].pk).update(status=OrderStatus.CANCELLED)

    everything = post(gql_client, ORDERS, {"first": 10}, bearer=bearer)
    by_customer = post(
        gql_client,
        ORDERS,
        {"filter": {"customer": gid("User", buyer.pk)}},
        bearer=bearer,
    )
    by_status = post(
        gql_client, ORDERS, {"filter": {"status": "CANCELLED"}}, bearer=bearer
    )

    ids = [e["node"]["id"] for e in everything["data"]["orders"]["edges"]]
    assert ids == [gid("Order", o.pk) for o in (other, mine[1], mine[0])]
    assert [e["node"]["id"] for e in by_customer["data"]["orders"]["edges"]] == [
        gid("Order", mine[1].pk),
        gid("Order", mine[0].pk),
    ]
    assert [e["node"]["id"] for e in by_status["data"]["orders"]["edges"]] == [
        gid("Order", mine[0].pk)
    ]


def test_customers_may_not_list_every_order(gql_client):
    bearer = token(UserFactory.create())
    placed_order()

    body = post(gql_client, ORDERS, bearer=bearer)

    assert body["data"] == {"orders": None}
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (CREATE, {"input": create_input()}, "UNAUTHENTICATED"),
        (CANCEL, {"id": gid("Order", 1)}, "UNAUTHENTICATED"),
        (ORDER, {"id": gid("Order", 1)}, "UNAUTHENTICATED"),
        (MY_ORDERS, {}, "UNAUTHENTICATED"),
        (ORDERS, {}, "UNAUTHENTICATED"),
    ],
    ids=["create_case", "cancel_case", "order_case", "my_orders_case", "orders_case"],
)
def test_anonymous_requests_are_denied(gql_client, query, variables, code):
    body = post(gql_client, query, variables)

    assert error_codes(body) == [code]
    assert list(body["data"].values()) == [None]
    assert not models.Order.objects.exists()


def test_an_unverified_customer_is_told_to_verify_and_nothing_is_reserved(gql_client):
    bearer = token(UserFactory.create(verified=False))
    variant = stocked_variant(on_hand=5)

    body = post(
        gql_client, CREATE, {"input": create_input((variant, 1))}, bearer=bearer
    )

    assert body["data"]["orderCreate"] == {
        "order": None,
        "errors": [
            {
                "field": None,
                "code": "EMAIL_NOT_VERIFIED",
                "message": "Verify your email address before ordering: "
                "follow the link we emailed you.",
            }
        ],
    }
    assert _stock(variant).quantity_reserved == 0


def test_a_throttled_order_create_says_when_to_retry(gql_client, settings):
    settings.ORDERS_PLACE_RATE_COUNT = 1
    settings.ORDERS_PLACE_RATE_PERIOD = timedelta(minutes=10)
    bearer = token(UserFactory.create())
    post(
        gql_client,
        CREATE,
        {"input": create_input((stocked_variant(), 1))},
        bearer=bearer,
    )

    response = request(
        gql_client,
        CREATE,
        {"input": create_input((stocked_variant(), 1))},
        bearer=bearer,
    )

    [error] = response.json()["data"]["orderCreate"]["errors"]
    assert error["code"] == "THROTTLED"
    assert 590 <= int(response["Retry-After"]) <= 600
    assert error["message"] == (
        "Too many orders placed recently. "
        f"Try again in {response['Retry-After']} seconds."
    )
    assert response.status_code == 200
    assert models.Order.objects.count() == 1


def test_lines_past_the_cap_are_one_error_without_reading_the_catalog(gql_client):
    bearer = token(UserFactory.create())
    variables = create_input()
    line = {"variantId": gid("ProductVariant", 1), "quantity": 1}
    variables["lines"] = [line] * 100

    with CaptureQueriesContext(connection) as captured:
        response = request(gql_client, CREATE, {"input": variables}, bearer=bearer)

    assert response.json()["data"]["orderCreate"]["errors"] == [
        {
            "field": "lines",
            "code": "TOO_MANY_LINES",
            "message": "An order may have at most 50 lines; this one has 100.",
        }
    ]
    assert len(response.content) < 1_000
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "catalog_" not in tables
    assert "orders_" not in tables


def test_fifteen_thousand_lines_are_one_input_error_before_any_sql(gql_client):
    bearer = token(UserFactory.create())
    variables = create_input()
    line = {"variantId": gid("ProductVariant", 1), "quantity": 1}
    variables["lines"] = [line] * 15_000

    with CaptureQueriesContext(connection) as captured:
        body = post(gql_client, CREATE, {"input": variables}, bearer=bearer)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.lines"
    assert captured.captured_queries == []
