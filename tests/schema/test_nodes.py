from __future__ import annotations

import pytest

from tests.factories.catalog import CategoryFactory, ProductFactory, stocked_variant
from tests.support.graphql import error_codes, gid, gql
from tests.support.queries import assert_num_queries

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Product { name }
    ... on ProductVariant { sku }
    ... on Category { name }
  }
}
"""

NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


@pytest.mark.parametrize("kind", ["Product", "ProductVariant", "Category"])
def test_node_fetches_each_type_by_global_id(gql_client, kind):
    variant = stocked_variant(sku="SKU-1")
    pk = {
        "Product": variant.product.pk,
        "ProductVariant": variant.pk,
        "Category": variant.product.category.pk,
    }[kind]

    body = gql(gql_client, NODE, {"id": gid(kind, pk)})

    assert body["data"]["node"]["__typename"] == kind
    assert body["data"]["node"]["id"] == gid(kind, pk)


def test_node_of_a_missing_object_is_null(gql_client):
    body = gql(gql_client, NODE, {"id": gid("Product", 424242)})

    assert body["data"]["node"] is None


def test_node_of_an_unpublished_product_is_null(gql_client):
    product = ProductFactory.create(is_published=False)

    body = gql(gql_client, NODE, {"id": gid("Product", product.pk)})

    assert body["data"]["node"] is None


@pytest.mark.parametrize(
    ("node_id", "code"),
    [
        ("garbage", "INVALID_ID"),
        (gid("Money", 1), "INVALID_ID"),
        (gid("Nope", 1), "INVALID_ID"),
    ],
    ids=["malformed_case", "type_without_ids_case", "unknown_type_case"],
)
def test_node_rejects_ids_that_name_no_node_type(gql_client, node_id, code):
    body = gql(gql_client, NODE, {"id": node_id}, expect_errors=True)

    assert len(body["errors"]) == 1
    assert error_codes(body) == [code]


def test_node_with_a_non_numeric_key_is_null(gql_client):
    body = gql(gql_client, NODE, {"id": gid("Product", "abc")})  # type: ignore[arg-type]

    assert body["data"]["node"] is None


def test_nodes_keep_the_order_asked_with_nulls_for_missing(gql_client):
    first = ProductFactory.create()
    category = CategoryFactory.create()
    ids = [
        gid("Category", category.pk),
        gid("Product", 999_999),
        gid("Product", first.pk),
    ]

    body = gql(gql_client, NODES, {"ids": ids})

    assert body["data"]["nodes"] == [
        {"__typename": "Category", "id": ids[0]},
        None,
        {"__typename": "Product", "id": ids[2]},
    ]


def test_nodes_batch_each_type_into_one_query(gql_client):
    products = [ProductFactory.create() for _ in range(5)]
    ids = [gid("Product", p.pk) for p in products] + [
        gid("Category", products[0].category.pk)
    ]

    with assert_num_queries(2):
        gql(gql_client, NODES, {"ids": ids})


def test_nodes_refuses_more_than_100_ids(gql_client):
    body = gql(
        gql_client,
        NODES,
        {"ids": [gid("Product", n) for n in range(1, 102)]},
        expect_errors=True,
    )

    assert error_codes(body) == ["PAGE_SIZE_EXCEEDED"]
    assert body["errors"][0]["message"] == "At most 100 IDs can be fetched at once."
