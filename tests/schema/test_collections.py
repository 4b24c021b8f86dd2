"""Collections through /graphql/: visibility, order, products with filters and facets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.catalog.models import Collection, CollectionProduct, Product
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.support.graphql import gql

pytestmark = pytest.mark.django_db

LIST = """{ collections(first: 10) { totalCount edges { node { name slug seoTitle } } } }"""
ONE = """query ($slug: String!, $filter: ProductFilterInput) {
  collection(slug: $slug) { name description
    products(first: 10, filter: $filter, sort: PRICE_ASC) {
      totalCount edges { node { name } } facets { sizes { value count } } } } }"""


def _collection(name: str, *, order: int = 0, **fields: object) -> Collection:
    fields.setdefault("is_published", True)
    return Collection.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), sort_order=order, **fields
    )


def _with(collection: Collection, *products: Product) -> None:
    for n, product in enumerate(products):
        CollectionProduct.objects.create(
            collection=collection, product=product, sort_order=n
        )


def test_collections_are_listed_in_staff_order(gql_client):
    _collection("New in", order=2)
    _collection("Summer sale", order=1, seo_title="Summer sale: up to 50 % off")

    body = gql(gql_client, LIST)

    nodes = [e["node"] for e in body["data"]["collections"]["edges"]]
    assert [n["name"] for n in nodes] == ["Summer sale", "New in"]
    assert nodes[0]["seoTitle"] == "Summer sale: up to 50 % off"
    assert nodes[1]["seoTitle"] == "New in"  # the name when none is set
    assert body["data"]["collections"]["totalCount"] == 2


def test_unpublished_and_out_of_window_collections_are_hidden(gql_client):
    now = timezone.now()
    _collection("Draft", is_published=False)
    _collection("Later", published_from=now + timedelta(days=1))
    _collection("Over", published_until=now - timedelta(minutes=1))
    _collection("Now", published_from=now - timedelta(days=1))

    body = gql(gql_client, LIST)

    assert [e["node"]["name"] for e in body["data"]["collections"]["edges"]] == ["Now"]
    assert gql(gql_client, ONE, {"slug": "draft"})["data"]["collection"] is None


def test_a_collections_products_take_filters_sorts_and_facets(gql_client):
    sale = _collection("Summer sale")
    cheap = stocked_variant(size="S", product__base_price=Decimal("20.00")).product
    dear = stocked_variant(size="M", product__base_price=Decimal("90.00")).product
    ProductFactory.create()  # not in the collection
    _with(sale, dear, cheap)

    every = gql(gql_client, ONE, {"slug": "summer-sale"})["data"]["collection"]
    small = gql(gql_client, ONE, {"slug": "summer-sale", "filter": {"sizes": ["S"]}})

    products = every["products"]
    assert [e["node"]["name"] for e in products["edges"]] == [cheap.name, dear.name]
    assert products["totalCount"] == 2
    assert {f["value"]: f["count"] for f in products["facets"]["sizes"]} == {
        "S": 1,
        "M": 1,
    }
    assert small["data"]["collection"]["products"]["totalCount"] == 1


def test_a_page_of_collections_with_their_products_costs_the_same_at_any_size(
    gql_client,
):
    query = """{ collections(first: 10) { edges { node { name
      products(first: 3) { edges { node { name category { name } } } } } } } }"""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            gql(gql_client, query)
        return len(captured)

    _with(_collection("One"), stocked_variant().product)
    one = queries()
    for n in range(3):
        _with(_collection(f"More {n}"), stocked_variant().product)

    assert queries() == one
