"""Ten guests complete checkouts at once, each carrying a voucher with three uses.

The issue's check, over real HTTP on a two-worker server and PostgreSQL:
staff create the voucher with voucherCreate (usageLimit: 3), ten guests each
fill a checkout, ship it to the UK and apply the code, then all ten press
"complete" together. Exactly three orders are discounted; the other seven
get VOUCHER_USED_UP and leave no order and no reserved stock behind.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest

from apps.catalog.models import Stock
from apps.demo.pricing import demo_pricing_seed
from apps.orders.models import Order
from apps.pricing.models import Voucher
from tests.factories.accounts import UserFactory
from tests.factories.catalog import stocked_variant
from tests.factories.orders import ADDRESS_INPUT
from tests.support.graphql import gid, token
from tests.support.live_server import live_server

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
]

BUYERS = 10
VOUCHER = """mutation ($input: VoucherCreateInput!) {
  voucherCreate(input: $input) { voucher { code usesLeft } errors { code } } }"""
CREATE = """mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { token } errors { code } } }"""
ADDRESS = """mutation ($token: ID!, $address: ShippingAddressInput) {
  checkoutShippingAddressUpdate(token: $token, shippingAddress: $address) {
    checkout { availableShippingMethods { id } } errors { code } } }"""
METHOD = """mutation ($token: ID!, $method: ID!) {
  checkoutShippingMethodUpdate(token: $token, shippingMethodId: $method) {
    errors { code } } }"""
PROMO = """mutation ($token: ID!, $code: String!) {
  checkoutPromoCodeAdd(token: $token, promoCode: $code) {
    checkout { discountTotal { amount } } errors { code } } }"""
COMPLETE = """mutation ($token: ID!, $key: String!) {
  checkoutComplete(token: $token, idempotencyKey: $key) {
    order { discountTotal { amount } } errors { code } } }"""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live_server(env={"WEB_WORKERS": "2"}) as running:
        yield running


async def _call(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], **headers: str
) -> dict[str, Any]:
    response = await client.post(
        "/graphql/", json={"query": query, "variables": variables}, headers=headers
    )
    data: dict[str, Any] = response.json()["data"]
    return data


async def _prepared_checkout(client: httpx.AsyncClient, n: int, variant: str) -> str:
    """A guest's checkout with one line, a UK address, a method and the code."""
    created = await _call(
        client,
        CREATE,
        {
            "input": {
                "email": f"guest{n}@example.com",
                "lines": [{"variantId": variant, "quantity": 1}],
            }
        },
    )
    checkout_token: str = created["checkoutCreate"]["checkout"]["token"]
    shipped = await _call(
        client, ADDRESS, {"token": checkout_token, "address": ADDRESS_INPUT}
    )
    methods = shipped["checkoutShippingAddressUpdate"]["checkout"]
    await _call(
        client,
        METHOD,
        {
            "token": checkout_token,
            "method": methods["availableShippingMethods"][0]["id"],
        },
    )
    promo = await _call(client, PROMO, {"token": checkout_token, "code": "LAST3"})
    assert promo["checkoutPromoCodeAdd"]["errors"] == []
    return checkout_token


async def _race(url: str, staff_token: str, variant: str) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=BUYERS)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        created = await _call(
            client,
            VOUCHER,
            {
                "input": {
                    "code": "LAST3",
                    "discountType": "PERCENTAGE",
                    "value": "10",
                    "usageLimit": 3,
                }
            },
            Authorization=f"Bearer {staff_token}",
        )
        assert created["voucherCreate"]["voucher"]["usesLeft"] == 3
        tokens = [await _prepared_checkout(client, n, variant) for n in range(BUYERS)]
        completed = await asyncio.gather(
            *(
                _call(client, COMPLETE, {"token": t, "key": f"complete-{n}"})
                for n, t in enumerate(tokens)
            )
        )
    return [body["checkoutComplete"] for body in completed]


def test_ten_guests_racing_for_three_voucher_uses_get_exactly_three(
    transactional_db, server
):
    demo_pricing_seed()
    variant = stocked_variant(on_hand=100, product__base_price=Decimal("40.00"))
    staff_token = token(UserFactory.create(staff=True))

    with server.log_on_failure():
        results = asyncio.run(
            _race(server.url, staff_token, gid("ProductVariant", variant.pk))
        )

    discounted = [r for r in results if r["order"] is not None]
    refused = [r["errors"][0]["code"] for r in results if r["order"] is None]
    assert len(discounted) == 3
    assert {r["order"]["discountTotal"]["amount"] for r in discounted} == {"4.00"}
    assert refused == ["VOUCHER_USED_UP"] * 7
    assert Voucher.objects.get(code="LAST3").used == 3
    assert Order.objects.count() == 3
    assert Stock.objects.get(variant=variant).quantity_reserved == 3
