"""The checkout through /graphql/: a guest's whole purchase, ownership, and typed errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Stock
from apps.checkout.models import Checkout
from apps.demo.pricing import demo_pricing_seed
from apps.orders.models import Order
from apps.pricing.models import ShippingMethod
from tests.factories.accounts import UserFactory
from tests.factories.catalog import stocked_variant
from tests.factories.orders import ADDRESS_INPUT
from tests.support.graphql import gid, post, token

pytestmark = pytest.mark.django_db

TOTALS = """subtotal { amount currency } discountTotal { amount } shippingTotal { amount }
  taxTotal { amount } total { amount }"""
CHECKOUT = f"""token email promoCode {TOTALS}
  lines {{ quantity unitPrice {{ amount }} variant {{ sku }} }}
  availableShippingMethods {{ id name price {{ amount }} }}
  shippingMethod {{ name }}
  problems {{ field code message }}"""
CREATE = f"""mutation ($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT} }} errors {{ field code message }} }} }}"""
ADDRESS = f"""mutation ($token: ID!, $address: ShippingAddressInput) {{
  checkoutShippingAddressUpdate(token: $token, shippingAddress: $address) {{
    checkout {{ {CHECKOUT} }} errors {{ field code message }} }} }}"""
METHOD = f"""mutation ($token: ID!, $method: ID!) {{
  checkoutShippingMethodUpdate(token: $token, shippingMethodId: $method) {{
    checkout {{ {CHECKOUT} }} errors {{ field code message }} }} }}"""
PROMO = f"""mutation ($token: ID!, $code: String!) {{
  checkoutPromoCodeAdd(token: $token, promoCode: $code) {{
    checkout {{ {CHECKOUT} }} errors {{ field code message }} }} }}"""
LINES_UPDATE = f"""mutation ($token: ID!, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesUpdate(token: $token, lines: $lines) {{
    checkout {{ {CHECKOUT} }} errors {{ field code message }} }} }}"""
COMPLETE = f"""mutation ($token: ID!, $key: String!) {{
  checkoutComplete(token: $token, idempotencyKey: $key) {{
    order {{ number status voucherCode {TOTALS} lines {{ quantity discount {{ amount }} tax {{ amount }} }} }}
    errors {{ field code message }} }} }}"""
READ = f"""query ($token: ID!) {{ checkout(token: $token) {{ {CHECKOUT} }} }}"""


@pytest.fixture
def shop():
    """Demo shipping zones, tax rates and WELCOME10; two variants at 30 and 20."""
    demo_pricing_seed()
    dress = stocked_variant(on_hand=5, product__base_price=Decimal("30.00"))
    scarf = stocked_variant(on_hand=5, product__base_price=Decimal("20.00"))
    return dress, scarf


def _lines(*pairs):
    return [{"variantId": gid("ProductVariant", v.pk), "quantity": q} for v, q in pairs]


def _create(client, lines, bearer=None, **extra):
    body = post(client, CREATE, {"input": {"lines": lines, **extra}}, bearer=bearer)
    return body["data"]["checkoutCreate"]


def _ready(client, shop, *, code: str | None = None, bearer=None):
    """A checkout with two lines, a UK address and the cheapest method chosen."""
    dress, scarf = shop
    created = _create(
        client, _lines((dress, 1), (scarf, 2)), bearer, email="guest@example.com"
    )
    checkout_token = created["checkout"]["token"]
    with_address = post(
        client,
        ADDRESS,
        {"token": checkout_token, "address": ADDRESS_INPUT},
        bearer=bearer,
    )["data"]["checkoutShippingAddressUpdate"]["checkout"]
    method = with_address["availableShippingMethods"][0]["id"]
    post(client, METHOD, {"token": checkout_token, "method": method}, bearer=bearer)
    if code:
        post(client, PROMO, {"token": checkout_token, "code": code}, bearer=bearer)
    return checkout_token


def _amounts(node):
    return {
        name: Decimal(node[name]["amount"])
        for name in ("subtotal", "discountTotal", "shippingTotal", "taxTotal", "total")
    }


def test_a_guest_buys_with_a_promo_code_and_the_totals_add_up(gql_client, shop):
    checkout_token = _ready(gql_client, shop, code="welcome10")

    read = post(gql_client, READ, {"token": checkout_token})["data"]["checkout"]
    body = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})

    order = body["data"]["checkoutComplete"]["order"]
    assert body["data"]["checkoutComplete"]["errors"] == []
    assert read["problems"] == []
    assert read["promoCode"] == "WELCOME10"
    assert _amounts(order) == _amounts(read)
    totals = _amounts(order)
    # 70.00 of goods, 10 % off, Standard shipping to GB (4.95), 20 % VAT.
    assert totals["subtotal"] == Decimal("70.00")
    assert totals["discountTotal"] == Decimal("7.00")
    assert (
        totals["subtotal"]
        - totals["discountTotal"]
        + totals["shippingTotal"]
        + totals["taxTotal"]
        == totals["total"]
    )
    assert order["voucherCode"] == "WELCOME10"


def test_a_completed_checkout_is_gone_and_its_order_has_no_customer(gql_client, shop):
    checkout_token = _ready(gql_client, shop)

    post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})

    assert not Checkout.objects.exists()
    placed = Order.objects.get()
    assert (placed.customer_id, placed.email) == (None, "guest@example.com")
    assert post(gql_client, READ, {"token": checkout_token})["data"]["checkout"] is None


def test_completing_again_with_the_same_key_returns_the_same_order(gql_client, shop):
    checkout_token = _ready(gql_client, shop)

    first = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})
    again = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})

    assert (
        again["data"]["checkoutComplete"]["order"]["number"]
        == first["data"]["checkoutComplete"]["order"]["number"]
    )
    assert Order.objects.count() == 1


def test_a_checkout_lists_only_the_methods_serving_its_address(gql_client, shop):
    dress, _ = shop
    created = _create(gql_client, _lines((dress, 1)))
    checkout_token = created["checkout"]["token"]

    body = post(
        gql_client,
        ADDRESS,
        {"token": checkout_token, "address": {**ADDRESS_INPUT, "country": "JP"}},
    )

    checkout = body["data"]["checkoutShippingAddressUpdate"]["checkout"]
    assert checkout["availableShippingMethods"] == []
    assert "SHIPPING_METHOD_NOT_AVAILABLE" in {p["code"] for p in checkout["problems"]}


def test_a_method_of_another_zone_is_refused(gql_client, shop):
    dress, _ = shop
    checkout_token = _create(gql_client, _lines((dress, 1)))["checkout"]["token"]
    post(gql_client, ADDRESS, {"token": checkout_token, "address": ADDRESS_INPUT})
    # In Python: SQLite has no JSON `contains` lookup.
    nigerian = next(
        method
        for method in ShippingMethod.objects.select_related("zone")
        if "NG" in method.zone.countries
    )

    body = post(
        gql_client,
        METHOD,
        {"token": checkout_token, "method": gid("ShippingMethod", nigerian.pk)},
    )

    assert body["data"]["checkoutShippingMethodUpdate"]["errors"][0]["code"] == (
        "SHIPPING_METHOD_NOT_AVAILABLE"
    )


def test_quantity_zero_removes_a_line(gql_client, shop):
    dress, scarf = shop
    checkout_token = _create(gql_client, _lines((dress, 1), (scarf, 1)))["checkout"][
        "token"
    ]

    body = post(
        gql_client,
        LINES_UPDATE,
        {"token": checkout_token, "lines": _lines((scarf, 0))},
    )

    lines = body["data"]["checkoutLinesUpdate"]["checkout"]["lines"]
    assert [line["variant"]["sku"] for line in lines] == [dress.sku]


def test_a_price_change_blocks_completion_until_the_line_is_set_again(gql_client, shop):
    dress, _ = shop
    checkout_token = _ready(gql_client, shop)
    dress.product.base_price = Decimal("35.00")
    dress.product.save()

    refused = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})
    post(
        gql_client, LINES_UPDATE, {"token": checkout_token, "lines": _lines((dress, 1))}
    )
    accepted = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k2"})

    assert [e["code"] for e in refused["data"]["checkoutComplete"]["errors"]] == [
        "PRICE_CHANGED"
    ]
    assert accepted["data"]["checkoutComplete"]["errors"] == []
    assert Order.objects.count() == 1


def test_another_customers_checkout_looks_missing(gql_client, shop):
    dress, _ = shop
    owner, other = UserFactory.create(), UserFactory.create()
    checkout_token = _create(gql_client, _lines((dress, 1)), token(owner))["checkout"][
        "token"
    ]

    as_other = post(gql_client, READ, {"token": checkout_token}, bearer=token(other))
    as_guest = post(gql_client, READ, {"token": checkout_token})
    changed = post(
        gql_client,
        LINES_UPDATE,
        {"token": checkout_token, "lines": _lines((dress, 2))},
        bearer=token(other),
    )

    assert as_other["data"]["checkout"] is None
    assert as_guest["data"]["checkout"] is None
    assert changed["data"]["checkoutLinesUpdate"]["errors"][0]["code"] == (
        "CHECKOUT_NOT_FOUND"
    )


def test_a_guest_checkout_joins_the_account_that_uses_it(gql_client, shop):
    dress, _ = shop
    buyer = UserFactory.create()
    checkout_token = _create(gql_client, _lines((dress, 1)))["checkout"]["token"]

    body = post(
        gql_client,
        LINES_UPDATE,
        {"token": checkout_token, "lines": _lines((dress, 2))},
        bearer=token(buyer),
    )

    assert body["data"]["checkoutLinesUpdate"]["checkout"]["email"] == buyer.email
    assert Checkout.objects.get().customer_id == buyer.pk
    assert post(gql_client, READ, {"token": checkout_token})["data"]["checkout"] is None


def test_an_unknown_token_is_not_found(gql_client, shop):
    body = post(gql_client, PROMO, {"token": "x" * 43, "code": "WELCOME10"})

    assert body["data"]["checkoutPromoCodeAdd"]["errors"] == [
        {
            "field": "token",
            "code": "CHECKOUT_NOT_FOUND",
            "message": "No checkout has this token.",
        }
    ]


def test_an_unknown_promo_code_is_a_typed_error(gql_client, shop):
    dress, _ = shop
    checkout_token = _create(gql_client, _lines((dress, 1)))["checkout"]["token"]

    body = post(gql_client, PROMO, {"token": checkout_token, "code": "NOPE"})

    assert body["data"]["checkoutPromoCodeAdd"]["errors"][0]["code"] == (
        "VOUCHER_NOT_FOUND"
    )


def test_a_checkout_with_no_address_lists_what_blocks_it(gql_client, shop):
    dress, _ = shop
    checkout = _create(gql_client, _lines((dress, 1)))["checkout"]

    assert {p["code"] for p in checkout["problems"]} == {
        "EMAIL_REQUIRED",
        "SHIPPING_ADDRESS_REQUIRED",
    }


def test_the_guest_reads_their_order_by_token(gql_client, shop):
    checkout_token = _ready(gql_client, shop)
    number = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})["data"][
        "checkoutComplete"
    ]["order"]["number"]

    body = post(
        gql_client,
        "query ($t: ID!) { orderByToken(token: $t) { number total { amount } } }",
        {"t": checkout_token},
    )

    assert body["data"]["orderByToken"]["number"] == number


def test_idempotency_key_is_required_to_be_valid(gql_client, shop):
    checkout_token = _ready(gql_client, shop)

    body = post(gql_client, COMPLETE, {"token": checkout_token, "key": ""})

    assert body["data"]["checkoutComplete"]["errors"][0]["code"] == (
        "INVALID_IDEMPOTENCY_KEY"
    )
    assert not Order.objects.exists()


def test_a_new_checkout_gets_a_fresh_long_token(gql_client, shop):
    dress, _ = shop
    first = _create(gql_client, _lines((dress, 1)))["checkout"]["token"]
    second = _create(gql_client, _lines((dress, 1)))["checkout"]["token"]

    assert first != second
    assert len(first) >= 43  # 256 random bits, URL-safe


def _read_queries(client, size: int) -> int:
    variants = [stocked_variant(on_hand=5) for _ in range(size)]
    created = _create(
        client, _lines(*((v, 1) for v in variants)), email="a@example.com"
    )
    checkout_token = created["checkout"]["token"]
    post(client, ADDRESS, {"token": checkout_token, "address": ADDRESS_INPUT})
    with CaptureQueriesContext(connection) as captured:
        body = post(client, READ, {"token": checkout_token})
    assert len(body["data"]["checkout"]["lines"]) == size
    return len(captured)


def test_a_checkout_read_costs_the_same_queries_at_any_size(gql_client, shop):
    assert _read_queries(gql_client, 1) == _read_queries(gql_client, 20)


PAY = """mutation ($orderId: ID!, $token: ID) {
  paymentInitialize(orderId: $orderId, provider: STRIPE, token: $token) {
    payment { status amount { amount } } errors { field code } } }"""


def _guest_order(client, shop) -> tuple[str, str]:
    checkout_token = _ready(client, shop)
    post(client, COMPLETE, {"token": checkout_token, "key": "k1"})
    return checkout_token, gid("Order", Order.objects.get().pk)


def test_a_guest_pays_their_order_with_its_token(gql_client, shop):
    checkout_token, order_id = _guest_order(gql_client, shop)

    body = post(gql_client, PAY, {"orderId": order_id, "token": checkout_token})

    payment = body["data"]["paymentInitialize"]["payment"]
    assert payment["status"] == "PENDING"
    assert payment["amount"]["amount"] == str(Order.objects.get().total)


def test_a_wrong_token_cannot_pay_a_guest_order(gql_client, shop):
    _, order_id = _guest_order(gql_client, shop)

    body = post(gql_client, PAY, {"orderId": order_id, "token": "x" * 43})

    assert body["data"]["paymentInitialize"]["errors"] == [
        {"field": "orderId", "code": "ORDER_NOT_FOUND"}
    ]


def test_paying_without_a_token_or_a_sign_in_is_unauthenticated(gql_client, shop):
    _, order_id = _guest_order(gql_client, shop)

    body = post(gql_client, PAY, {"orderId": order_id})

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_stock_sold_since_the_read_refuses_completion_and_keeps_the_checkout(
    gql_client, shop
):
    dress, _ = shop
    checkout_token = _ready(gql_client, shop)
    Stock.objects.filter(variant=dress).update(quantity_reserved=5)

    body = post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"})

    errors = body["data"]["checkoutComplete"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("lines.0.quantity", "INSUFFICIENT_STOCK")
    ]
    assert not Order.objects.exists()
    assert Checkout.objects.filter(token=checkout_token).exists()


def test_a_customers_completed_checkout_is_among_their_orders(gql_client, shop):
    buyer = UserFactory.create()
    bearer = token(buyer)
    checkout_token = _ready(gql_client, shop, bearer=bearer)

    post(gql_client, COMPLETE, {"token": checkout_token, "key": "k1"}, bearer=bearer)
    mine = post(
        gql_client,
        "{ myOrders(first: 5) { edges { node { number } } } }",
        bearer=bearer,
    )

    placed = Order.objects.get()
    assert placed.customer_id == buyer.pk
    assert [e["node"]["number"] for e in mine["data"]["myOrders"]["edges"]] == [
        placed.number
    ]
    assert (
        post(
            gql_client,
            "query ($t: ID!) { orderByToken(token: $t) { number } }",
            {"t": checkout_token},
        )["data"]["orderByToken"]
        is None
    )
