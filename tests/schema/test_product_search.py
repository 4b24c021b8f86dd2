"""Ranked full-text search (PostgreSQL) through the real /graphql/ endpoint.

The embedded SQLite default keeps substring search (tests/schema/
test_products.py covers what both share); what ranking, word forms, web
search syntax and typo correction add is PostgreSQL's, so tested there.
"""

from __future__ import annotations

import pytest

from apps.catalog.models import Product
from tests.factories.catalog import CategoryFactory, ProductFactory, VariantFactory
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.postgres

SEARCH = """
query ($search: String!, $sort: ProductSort, $first: Int = 20, $after: String) {
  products(filter: {search: $search}, sort: $sort, first: $first, after: $after) {
    totalCount
    correctedSearch
    edges { node { name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def search(client, text, **variables):
    body = gql(client, SEARCH, {"search": text, **variables})
    return body["data"]["products"]


def names(found) -> list[str]:
    return [edge["node"]["name"] for edge in found["edges"]]


@pytest.fixture
def wardrobe():
    """T-shirts saying "dress up" created before the dresses (lower ids)."""
    tees = CategoryFactory.create(name="T-shirts")
    dresses = CategoryFactory.create(name="Dresses")
    for name in ("Boxy Tee", "Crew-Neck Tee", "Slub Tee"):
        ProductFactory.create(
            name=name, category=tees, description="Easy to dress up or down."
        )
    for name in ("Linen Midi Dress", "Wrap Dress"):
        ProductFactory.create(name=name, category=dresses)
    ProductFactory.create(name="Chelsea Boots", description="Goes with any dress.")


def test_ranks_products_named_for_the_word_above_descriptions_mentioning_it(
    gql_client, wardrobe
):
    found = search(gql_client, "dress")

    assert set(names(found)[:2]) == {"Linen Midi Dress", "Wrap Dress"}
    assert found["totalCount"] == 6


def test_an_explicit_sort_replaces_relevance(gql_client, wardrobe):
    found = search(gql_client, "dress", sort="NAME_ASC")

    assert names(found)[:2] == ["Boxy Tee", "Chelsea Boots"]


def test_relevance_without_search_text_lists_by_name(gql_client):
    for name in ("Beta", "Alpha"):
        ProductFactory.create(name=name)

    body = gql(gql_client, "{ products(sort: RELEVANCE) { edges { node { name } } } }")

    assert names(body["data"]["products"]) == ["Alpha", "Beta"]


def test_word_forms_match(gql_client, wardrobe):
    assert "Wrap Dress" in names(search(gql_client, "dresses"))


def test_brand_and_category_words_match(gql_client):
    coats = CategoryFactory.create(name="Coats")
    ProductFactory.create(name="Parka", brand="Northwell", category=coats)

    assert names(search(gql_client, "northwell coats")) == ["Parka"]


def test_web_search_syntax_excludes_a_word(gql_client, wardrobe):
    assert "Linen Midi Dress" not in names(search(gql_client, "dress -linen"))


def test_web_search_syntax_allows_either_word(gql_client, wardrobe):
    found = names(search(gql_client, "boots or wrap"))

    assert sorted(found) == ["Chelsea Boots", "Wrap Dress"]


def test_corrects_a_typo_to_a_word_the_catalog_holds(gql_client, wardrobe):
    found = search(gql_client, "drses")

    assert found["correctedSearch"] == "dress"
    assert set(names(found)[:2]) == {"Linen Midi Dress", "Wrap Dress"}


def test_corrects_a_word_by_trigrams_when_no_word_is_one_edit_away(
    gql_client, wardrobe
):
    assert search(gql_client, "drresees")["correctedSearch"] == "dresses"


def test_corrects_two_swapped_letters(gql_client):
    ProductFactory.create(name="Bomber Jacket")

    found = search(gql_client, "jakcet")

    assert found["correctedSearch"] == "jacket"
    assert names(found) == ["Bomber Jacket"]


def test_a_short_unknown_word_is_not_stretched_to_a_longer_one(gql_client):
    ProductFactory.create(name="Relaxed Trousers")

    found = search(gql_client, "red")

    assert found["correctedSearch"] is None
    assert found["totalCount"] == 0


def test_variant_colours_are_searchable(gql_client, wardrobe):
    wrap = Product.objects.get(name="Wrap Dress")
    VariantFactory.create(product=wrap, colour="Red")

    found = search(gql_client, "red dress")

    assert found["correctedSearch"] is None
    assert names(found) == ["Wrap Dress"]


def test_a_known_word_is_searched_as_typed(gql_client, wardrobe):
    assert search(gql_client, "dress")["correctedSearch"] is None


def test_a_word_near_nothing_the_catalog_holds_finds_nothing(gql_client, wardrobe):
    found = search(gql_client, "qzxv")

    assert found["totalCount"] == 0
    assert found["correctedSearch"] is None


def test_relevance_pages_follow_on_without_gaps_or_repeats(gql_client, wardrobe):
    whole = names(search(gql_client, "dress"))
    paged: list[str] = []
    after = None
    while True:
        found = search(gql_client, "dress", first=2, after=after)
        paged += names(found)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]

    assert paged == whole


def test_a_relevance_cursor_is_refused_for_another_sort(gql_client, wardrobe):
    cursor = search(gql_client, "dress", first=1)["pageInfo"]["endCursor"]

    body = gql(
        gql_client,
        SEARCH,
        {"search": "dress", "sort": "PRICE_ASC", "after": cursor},
        expect_errors=True,
    )

    assert error_codes(body) == ["INVALID_PAGINATION"]


FACETS = """
query ($search: String!) {
  products(filter: {search: $search}) {
    facets { categories { name count } }
  }
}
"""


def test_facets_count_the_search_results(gql_client, wardrobe):
    body = gql(gql_client, FACETS, {"search": "linen"})

    categories = body["data"]["products"]["facets"]["categories"]
    assert categories == [{"name": "Dresses", "count": 1}]
