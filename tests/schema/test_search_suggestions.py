"""searchSuggestions: products, categories, brands and collections as one types."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.catalog import CategoryFactory, CollectionFactory, ProductFactory
from tests.support.graphql import error_codes, gql
from tests.support.queries import assert_num_queries

SUGGEST = """
query ($query: String!, $first: Int) {
  searchSuggestions(query: $query, first: $first) {
    products { name category { name } }
    categories { name }
    brands { name productCount }
    collections { slug }
  }
}
"""


def suggest(client, query, first=None):
    variables = {"query": query} if first is None else {"query": query, "first": first}
    return gql(client, SUGGEST, variables)["data"]["searchSuggestions"]


@pytest.fixture
def shop():
    dresses = CategoryFactory.create(name="Dresses")
    coats = CategoryFactory.create(name="Coats")
    ProductFactory.create(name="Linen Midi Dress", brand="Solenne", category=dresses)
    ProductFactory.create(name="Wrap Dress", brand="Solenne", category=dresses)
    ProductFactory.create(name="Trench Coat", brand="Dressler", category=coats)
    ProductFactory.create(name="Draft Dress", is_published=False, category=dresses)
    CollectionFactory.create(slug="dress-edit", name="The Dress Edit")
    CollectionFactory.create(
        slug="dress-archive",
        name="Dress Archive",
        published_until=timezone.now() - timedelta(days=1),
        published_from=timezone.now() - timedelta(days=9),
    )


def test_suggests_published_products_whose_words_start_with_the_text(gql_client, shop):
    found = {p["name"] for p in suggest(gql_client, "dre")["products"]}

    assert {"Linen Midi Dress", "Wrap Dress"} <= found
    assert "Draft Dress" not in found


def test_every_typed_word_must_start_a_word(gql_client, shop):
    found = suggest(gql_client, "lin dre")

    assert [p["name"] for p in found["products"]] == ["Linen Midi Dress"]


def test_suggests_categories_brands_and_visible_collections(gql_client, shop):
    found = suggest(gql_client, "dre")

    assert found["categories"] == [{"name": "Dresses"}]
    assert found["brands"] == [{"name": "Dressler", "productCount": 1}]
    assert found["collections"] == [{"slug": "dress-edit"}]


def test_brands_with_more_products_come_first(gql_client, shop):
    found = suggest(gql_client, "sol")

    assert found["brands"] == [{"name": "Solenne", "productCount": 2}]


def test_first_caps_each_kind(gql_client, shop):
    assert len(suggest(gql_client, "dre", first=1)["products"]) == 1


@pytest.mark.parametrize("text", ["", "   ", "?!"], ids=["empty", "blank", "no_word"])
def test_text_without_a_word_suggests_nothing(gql_client, shop, text):
    assert suggest(gql_client, text) == {
        "products": [],
        "categories": [],
        "brands": [],
        "collections": [],
    }


@pytest.mark.parametrize("first", [0, 21], ids=["zero", "over_twenty"])
def test_refuses_first_out_of_range(gql_client, first):
    body = gql(
        gql_client, SUGGEST, {"query": "dre", "first": first}, expect_errors=True
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "first must be between 1 and 20."


def test_refuses_text_over_100_characters(gql_client):
    body = gql(gql_client, SUGGEST, {"query": "d" * 101}, expect_errors=True)

    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("size", [1, 20])
def test_suggestions_cost_the_same_queries_at_any_size(gql_client, settings, size):
    settings.GRAPHQL_PLAN_VERIFY = False  # count what production runs
    for n in range(size):
        category = CategoryFactory.create(name=f"Dresses {n}")
        ProductFactory.create(
            name=f"Dress {n}", brand=f"Dressmaker {n}", category=category
        )

    # products, categories, brands, collections, then the products' categories
    # (or, on PostgreSQL, the products as documents with their categories)
    with assert_num_queries(5):
        found = suggest(gql_client, "dress", first=20)

    assert len(found["products"]) == size
    assert len(found["brands"]) == size
