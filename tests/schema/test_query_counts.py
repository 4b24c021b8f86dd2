"""Every list field costs a constant number of SQL queries, whatever the page size."""

from __future__ import annotations

import pytest

from tests.factories.catalog import CategoryFactory, ProductFactory, stocked_variant
from tests.support.graphql import gql
from tests.support.queries import assert_num_queries

# Every list or connection field, and the test below that pins its cost.
COUNTED_FIELDS = {
    "Query.products",  # test_products_with_category_and_variants_cost_three_queries
    "Product.variants",  # idem
    "Query.categories",  # test_categories_with_children_and_products_cost_four_queries
    "Category.children",  # idem
    "Category.products",  # idem
    "Query.nodes",  # tests/schema/test_nodes.py::test_nodes_batch_each_type_into_one_query
    "ProductFacets.sizes",  # test_facets_cost_four_grouped_queries_at_any_page_size
    "ProductFacets.colours",  # idem
    "ProductFacets.categories",  # idem
    # Mutation errors are built in memory: tests/schema/test_accounts.py::
    # test_a_mutation_error_list_is_built_without_queries
    "AccountRegisterPayload.errors",
    "AccountVerifyEmailPayload.errors",
    "TokenCreatePayload.errors",
    "TokenRefreshPayload.errors",
    "TokenRevokePayload.errors",
}

PRODUCTS = """
query ($first: Int!) {
  products(first: $first) {
    edges { node { name category { name } variants { sku size colour available } } }
  }
}
"""

CATEGORIES = """
query ($first: Int!) {
  categories(first: $first, topLevelOnly: true) {
    edges { node { name children { name } products(first: 5) {
      edges { node { name variants { sku available stock { available } } } }
    } } }
  }
}
"""


def _catalog(products: int) -> None:
    categories = [CategoryFactory.create() for _ in range(3)]
    for n in range(products):
        product = ProductFactory.create(category=categories[n % 3])
        for size in ("S", "M", "L"):
            stocked_variant(product=product, size=size)


@pytest.mark.parametrize("first", [1, 10, 100])
def test_products_with_category_and_variants_cost_three_queries(gql_client, first):
    _catalog(products=100)

    with assert_num_queries(3):
        body = gql(gql_client, PRODUCTS, {"first": first})

    assert len(body["data"]["products"]["edges"]) == first


@pytest.mark.parametrize("first", [1, 10, 100])
def test_categories_with_children_and_products_cost_four_queries(gql_client, first):
    for _ in range(first):
        category = CategoryFactory.create()
        CategoryFactory.create(parent=category)
        for _ in range(2):
            stocked_variant(product=ProductFactory.create(category=category))

    with assert_num_queries(4):
        body = gql(gql_client, CATEGORIES, {"first": first})

    assert len(body["data"]["categories"]["edges"]) == first


FACETS = """
query ($first: Int!) {
  products(first: $first, filter: {inStock: true}) {
    totalCount
    facets { sizes { value count } colours { value count } categories { name count } price { min max } }
  }
}
"""


@pytest.mark.parametrize("first", [1, 10, 100])
def test_facets_cost_four_grouped_queries_at_any_page_size(gql_client, first):
    _catalog(products=100)

    with assert_num_queries(1 + 1 + 4):  # page, total count, four facets
        body = gql(gql_client, FACETS, {"first": first})

    assert body["data"]["products"]["totalCount"] == 100
