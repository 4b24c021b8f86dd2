"""compareAtPrice: a variant on sale shows the price before the sale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories.catalog import stocked_variant
from tests.support.graphql import gid, gql

pytestmark = pytest.mark.django_db

VARIANT = """query ($id: ID!) { node(id: $id) { ... on ProductVariant {
  price { amount } compareAtPrice { amount currency } } } }"""
PRODUCTS = """{ products(first: 5) { edges { node { variants {
  sku price { amount } compareAtPrice { amount } } } } } }"""


def test_a_variant_on_sale_shows_its_compare_at_price(gql_client):
    variant = stocked_variant(
        product__base_price=Decimal("80.00"), compare_at_price=Decimal("100.00")
    )

    body = gql(gql_client, VARIANT, {"id": gid("ProductVariant", variant.pk)})

    assert body["data"]["node"]["compareAtPrice"] == {
        "amount": "100.00",
        "currency": variant.product.currency,
    }


def test_a_variant_not_on_sale_has_no_compare_at_price(gql_client):
    variant = stocked_variant()

    body = gql(gql_client, VARIANT, {"id": gid("ProductVariant", variant.pk)})

    assert body["data"]["node"]["compareAtPrice"] is None


def test_a_price_raised_past_the_compare_at_price_ends_the_sale(gql_client):
    variant = stocked_variant(
        product__base_price=Decimal("120.00"), compare_at_price=Decimal("100.00")
    )

    body = gql(gql_client, VARIANT, {"id": gid("ProductVariant", variant.pk)})

    assert body["data"]["node"]["compareAtPrice"] is None


def test_the_product_list_shows_sale_prices(gql_client):
    stocked_variant(
        product__base_price=Decimal("80.00"), compare_at_price=Decimal("100.00")
    )

    body = gql(gql_client, PRODUCTS)

    variants = body["data"]["products"]["edges"][0]["node"]["variants"]
    assert variants[0]["compareAtPrice"] == {"amount": "100.00"}


def test_staff_cannot_save_a_compare_at_price_at_or_below_the_price():
    variant = stocked_variant(product__base_price=Decimal("80.00"))
    variant.compare_at_price = Decimal("80.00")

    with pytest.raises(ValidationError) as raised:
        variant.full_clean()

    assert "compare_at_price" in raised.value.message_dict
