from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog import models
from tests.factories.catalog import CategoryFactory, ProductFactory, stocked_variant
from tests.support.graphql import error_codes, gid, gql

NAMES = """
query ($first: Int, $last: Int, $after: String, $before: String,
       $sort: ProductSort! = NAME_ASC, $filter: ProductFilterInput) {
  products(first: $first, last: $last, after: $after, before: $before,
           sort: $sort, filter: $filter) {
    totalCount
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def names(body) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]


def test_lists_only_published_products(gql_client):
    ProductFactory.create(name="Shown")
    ProductFactory.create(name="Hidden", is_published=False)

    body = gql(gql_client, NAMES)

    assert names(body) == ["Shown"]
    assert body["data"]["products"]["totalCount"] == 1


def test_sorts_by_name_with_id_as_tie_breaker(gql_client):
    first = ProductFactory.create(name="Same")
    ProductFactory.create(name="Alpha")
    second = ProductFactory.create(name="Same")

    body = gql(gql_client, "{ products { edges { node { id name } } } }")

    ids = [edge["node"]["id"] for edge in body["data"]["products"]["edges"]]
    assert ids[1:] == [gid("Product", first.pk), gid("Product", second.pk)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("PRICE_ASC", ["Cheap", "Middle", "Dear"]),
        ("PRICE_DESC", ["Dear", "Middle", "Cheap"]),
        ("NAME_DESC", ["Middle", "Dear", "Cheap"]),
    ],
    ids=["price_asc_case", "price_desc_case", "name_desc_case"],
)
def test_sorts_by_the_requested_order(gql_client, sort, expected):
    ProductFactory.create(name="Middle", base_price=Decimal("20.00"))
    ProductFactory.create(name="Cheap", base_price=Decimal("5.00"))
    ProductFactory.create(name="Dear", base_price=Decimal("99.99"))

    body = gql(gql_client, NAMES, {"sort": sort})

    assert names(body) == expected


def test_sorts_newest_first(gql_client):
    now = timezone.now()
    for name, age in (("Old", 30), ("New", 1), ("Mid", 10)):
        product = ProductFactory.create(name=name)
        models.Product.objects.filter(pk=product.pk).update(
            created_at=now - timedelta(days=age)
        )

    body = gql(gql_client, NAMES, {"sort": "NEWEST"})

    assert names(body) == ["New", "Mid", "Old"]


def test_pages_forward_with_after_cursor_until_the_end(gql_client):
    for n in range(5):
        ProductFactory.create(name=f"P{n}")

    page1 = gql(gql_client, NAMES, {"first": 2})
    after = page1["data"]["products"]["pageInfo"]["endCursor"]
    page2 = gql(gql_client, NAMES, {"first": 2, "after": after})
    after = page2["data"]["products"]["pageInfo"]["endCursor"]
    page3 = gql(gql_client, NAMES, {"first": 2, "after": after})

    assert names(page1) + names(page2) + names(page3) == ["P0", "P1", "P2", "P3", "P4"]
    assert page1["data"]["products"]["pageInfo"]["hasNextPage"] is True
    assert page1["data"]["products"]["pageInfo"]["hasPreviousPage"] is False
    assert page2["data"]["products"]["pageInfo"]["hasPreviousPage"] is True
    assert page3["data"]["products"]["pageInfo"]["hasNextPage"] is False


def test_pages_backward_with_last_and_before(gql_client):
    for n in range(5):
        ProductFactory.create(name=f"P{n}")

    tail = gql(gql_client, NAMES, {"last": 2})
    before = tail["data"]["products"]["pageInfo"]["startCursor"]
    middle = gql(gql_client, NAMES, {"last": 2, "before": before})

    assert names(tail) == ["P3", "P4"]
    assert names(middle) == ["P1", "P2"]
    assert tail["data"]["products"]["pageInfo"]["hasPreviousPage"] is True
    assert middle["data"]["products"]["pageInfo"]["hasNextPage"] is True


def test_page_is_stable_when_a_product_is_added_before_the_cursor(gql_client):
    for n in range(4):
        ProductFactory.create(name=f"P{n}")
    page1 = gql(gql_client, NAMES, {"first": 2})

    ProductFactory.create(name="P0a")
    after = page1["data"]["products"]["pageInfo"]["endCursor"]
    page2 = gql(gql_client, NAMES, {"first": 2, "after": after})

    assert names(page2) == ["P2", "P3"]


def test_empty_page_has_no_cursors(gql_client):
    body = gql(gql_client, NAMES, {"first": 0})

    assert names(body) == []
    assert body["data"]["products"]["pageInfo"]["startCursor"] is None


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        (
            {"first": 101},
            "PAGE_SIZE_EXCEEDED",
            "first is 101, above the maximum page size of 100.",
        ),
        (
            {"last": 500},
            "PAGE_SIZE_EXCEEDED",
            "last is 500, above the maximum page size of 100.",
        ),
        ({"first": -1}, "INVALID_PAGINATION", "first must not be negative."),
        (
            {"first": 1, "last": 1},
            "INVALID_PAGINATION",
            "Pass either first or last, not both.",
        ),
        (
            {"after": "not-a-cursor"},
            "INVALID_PAGINATION",
            "after: not a cursor of this list and sort order.",
        ),
    ],
    ids=[
        "first_over_cap_case",
        "last_over_cap_case",
        "negative_case",
        "both_case",
        "junk_case",
    ],
)
def test_rejects_bad_pagination_arguments(gql_client, variables, code, message):
    ProductFactory.create()

    body = gql(gql_client, NAMES, variables, expect_errors=True)

    assert len(body["errors"]) == 1
    assert error_codes(body) == [code]
    assert body["errors"][0]["message"] == message
    assert body["data"] is None


def test_rejects_a_cursor_from_another_sort_order(gql_client):
    ProductFactory.create()
    ProductFactory.create()
    by_name = gql(gql_client, NAMES, {"first": 1})
    cursor = by_name["data"]["products"]["pageInfo"]["endCursor"]

    body = gql(
        gql_client, NAMES, {"after": cursor, "sort": "PRICE_ASC"}, expect_errors=True
    )

    assert error_codes(body) == ["INVALID_PAGINATION"]


def test_rejects_an_unknown_sort_order(gql_client):
    body = gql(
        gql_client, "{ products(sort: CHEAPEST) { totalCount } }", expect_errors=True
    )

    assert len(body["errors"]) == 1
    assert "does not exist in 'ProductSort' enum" in body["errors"][0]["message"]
    assert "data" not in body or body["data"] is None


def test_filters_by_category_including_descendants(gql_client):
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    maxi = CategoryFactory.create(name="Maxi", parent=dresses)
    men = CategoryFactory.create(name="Men")
    ProductFactory.create(name="Gown", category=maxi)
    ProductFactory.create(name="Tunic", category=women)
    ProductFactory.create(name="Suit", category=men)

    body = gql(gql_client, NAMES, {"filter": {"category": gid("Category", women.pk)}})

    assert names(body) == ["Gown", "Tunic"]


@pytest.mark.parametrize(
    ("category", "code", "message"),
    [
        ("bm9wZQ==", "INVALID_ID", 'Value cannot represent a GlobalID: "bm9wZQ==".'),
        (
            gid("Product", 1),
            "INVALID_ID",
            "category: expected a Category ID, got a Product ID.",
        ),
        (gid("Category", 999_999), "CATEGORY_NOT_FOUND", "No category has this ID."),
        (gid("Category", "abc"), "INVALID_ID", "category: not a valid ID."),  # type: ignore[arg-type]
    ],
    ids=["malformed_case", "wrong_type_case", "missing_case", "non_numeric_case"],
)
def test_rejects_bad_category_ids(gql_client, category, code, message):
    body = gql(
        gql_client, NAMES, {"filter": {"category": category}}, expect_errors=True
    )

    assert len(body["errors"]) == 1
    assert error_codes(body) == [code]
    assert body["errors"][0]["message"] == message


@pytest.mark.parametrize(
    "text", ["silk", "SILK", "Maison"], ids=["name_case", "upper_case", "brand_case"]
)
def test_searches_name_brand_and_description_in_any_case(gql_client, text):
    ProductFactory.create(name="Silk scarf", brand="Other")
    ProductFactory.create(name="Scarf", brand="Maison Silk")
    ProductFactory.create(
        name="Wrap", brand="Other", description="Pure silk, hand rolled"
    )
    ProductFactory.create(name="Boots", brand="Other")

    body = gql(gql_client, NAMES, {"filter": {"search": text}})

    expected = {"silk": 3, "SILK": 3, "Maison": 1}[text]
    assert len(names(body)) == expected
    assert "Boots" not in names(body)


def test_rejects_search_text_over_100_characters(gql_client):
    body = gql(gql_client, NAMES, {"filter": {"search": "x" * 101}}, expect_errors=True)

    assert error_codes(body) == ["INVALID_FILTER"]
    assert body["errors"][0]["message"] == "Search text is limited to 100 characters."


def test_filters_by_inclusive_price_range(gql_client):
    for name, price in (
        ("Five", "5.00"),
        ("Ten", "10.00"),
        ("Twenty", "20.00"),
        ("Thirty", "30.01"),
    ):
        ProductFactory.create(name=name, base_price=Decimal(price))

    body = gql(gql_client, NAMES, {"filter": {"priceMin": "10", "priceMax": "30.00"}})

    assert names(body) == ["Ten", "Twenty"]


@pytest.mark.parametrize(
    ("price_filter", "message"),
    [
        (
            {"priceMin": "50", "priceMax": "10"},
            "priceMin must not be greater than priceMax.",
        ),
        ({"priceMin": "-1"}, "Prices must be between 0 and 9999999999.99."),
        ({"priceMax": "1e999999"}, "Prices must be between 0 and 9999999999.99."),
    ],
    ids=["upside_down_case", "negative_case", "huge_case"],
)
def test_rejects_bad_price_ranges(gql_client, price_filter, message):
    body = gql(gql_client, NAMES, {"filter": price_filter}, expect_errors=True)

    assert len(body["errors"]) == 1
    assert error_codes(body) == ["INVALID_PRICE_RANGE"]
    assert body["errors"][0]["message"] == message


def test_size_colour_and_stock_filters_hold_for_one_variant(gql_client):
    red_m = ProductFactory.create(name="Red M in stock")
    stocked_variant(product=red_m, size="M", colour="Red", on_hand=3)
    split = ProductFactory.create(name="Red S and blue M")
    stocked_variant(product=split, size="S", colour="Red")
    stocked_variant(product=split, size="M", colour="Blue")
    sold_out = ProductFactory.create(name="Red M sold out")
    stocked_variant(product=sold_out, size="M", colour="Red", on_hand=2, reserved=2)

    body = gql(
        gql_client,
        NAMES,
        {"filter": {"sizes": ["M"], "colours": ["Red"], "inStock": True}},
    )

    assert names(body) == ["Red M in stock"]


def test_in_stock_filter_alone_drops_sold_out_products(gql_client):
    stocked_variant(product=ProductFactory.create(name="Available"), on_hand=1)
    stocked_variant(product=ProductFactory.create(name="Gone"), on_hand=0)

    body = gql(gql_client, NAMES, {"filter": {"inStock": True}})

    assert names(body) == ["Available"]
    assert body["data"]["products"]["totalCount"] == 1


FACETS = """
query ($filter: ProductFilterInput) {
  products(filter: $filter, first: 1) {
    facets {
      sizes { value count }
      colours { value count }
      categories { id name count }
      price { min max count }
    }
  }
}
"""


def test_facets_count_products_per_option_ignoring_their_own_filter(gql_client):
    tops = CategoryFactory.create(name="Tops")
    a = ProductFactory.create(category=tops, base_price=Decimal("10.00"))
    stocked_variant(product=a, size="S", colour="Red")
    stocked_variant(product=a, size="M", colour="Red")
    b = ProductFactory.create(category=tops, base_price=Decimal("30.00"))
    stocked_variant(product=b, size="M", colour="Blue")
    c = ProductFactory.create(base_price=Decimal("50.00"))
    stocked_variant(product=c, size="L", colour="Red")

    body = gql(gql_client, FACETS, {"filter": {"sizes": ["M"]}})

    facets = body["data"]["products"]["facets"]
    assert facets["sizes"] == [
        {"value": "M", "count": 2},
        {"value": "L", "count": 1},
        {"value": "S", "count": 1},
    ]
    assert facets["colours"] == [
        {"value": "Blue", "count": 1},
        {"value": "Red", "count": 1},
    ]
    assert facets["categories"] == [
        {"id": gid("Category", tops.pk), "name": "Tops", "count": 2}
    ]
    assert facets["price"] == {"min": "10.00", "max": "30.00", "count": 2}


CATEGORY_FACETS = """
query ($filter: ProductFilterInput) {
  products(filter: $filter, first: 1) {
    totalCount
    facets { categories { id name label parentId count } }
  }
}
"""


def test_category_facets_count_subtrees_and_are_told_apart_by_their_parents(
    gql_client,
):
    women = CategoryFactory.create(name="Women")
    men = CategoryFactory.create(name="Men")
    women_dresses = CategoryFactory.create(name="Dresses", parent=women)
    men_dresses = CategoryFactory.create(name="Dresses", parent=men)
    for category in (women_dresses, women_dresses, men_dresses, women):
        ProductFactory.create(category=category)

    body = gql(gql_client, CATEGORY_FACETS)

    assert body["data"]["products"]["facets"]["categories"] == [
        {
            "id": gid("Category", women.pk),
            "name": "Women",
            "label": "Women",
            "parentId": None,
            "count": 3,
        },
        {
            "id": gid("Category", women_dresses.pk),
            "name": "Dresses",
            "label": "Women \u203a Dresses",
            "parentId": gid("Category", women.pk),
            "count": 2,
        },
        {
            "id": gid("Category", men.pk),
            "name": "Men",
            "label": "Men",
            "parentId": None,
            "count": 1,
        },
        {
            "id": gid("Category", men_dresses.pk),
            "name": "Dresses",
            "label": "Men \u203a Dresses",
            "parentId": gid("Category", men.pk),
            "count": 1,
        },
    ]


def test_a_category_facets_count_is_what_filtering_by_it_returns(gql_client):
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    maxi = CategoryFactory.create(name="Maxi", parent=dresses)
    for category in (women, dresses, maxi, maxi):
        ProductFactory.create(category=category)
    facets = gql(gql_client, CATEGORY_FACETS)["data"]["products"]["facets"]

    for facet in facets["categories"]:
        filtered = gql(
            gql_client, CATEGORY_FACETS, {"filter": {"category": facet["id"]}}
        )

        assert filtered["data"]["products"]["totalCount"] == facet["count"]


def test_facets_of_an_empty_result_have_no_price_bounds(gql_client):
    body = gql(gql_client, FACETS, {"filter": {"search": "nothing matches"}})

    facets = body["data"]["products"]["facets"]
    assert facets["sizes"] == []
    assert facets["price"] == {"min": None, "max": None, "count": 0}


PRODUCT = """
query ($id: ID, $slug: String) {
  product(id: $id, slug: $slug) {
    id name slug brand
    basePrice { amount currency }
    category { name parent { name } }
    variants { sku size colour available price { amount currency } stock { available isSoldOut isLow } }
  }
}
"""


def test_product_by_id_shows_variants_with_prices_and_stock(gql_client):
    product = ProductFactory.create(base_price=Decimal("40.00"), currency="EUR")
    stocked_variant(
        product=product, sku="A-1", size="S", colour="Ecru", on_hand=10, reserved=7
    )
    stocked_variant(
        product=product,
        sku="A-2",
        size="M",
        colour="Ecru",
        on_hand=0,
        price_override=Decimal("35.50"),
    )

    body = gql(gql_client, PRODUCT, {"id": gid("Product", product.pk)})

    data = body["data"]["product"]
    assert data["basePrice"] == {"amount": "40.00", "currency": "EUR"}
    assert data["variants"] == [
        {
            "sku": "A-1",
            "size": "S",
            "colour": "Ecru",
            "available": 3,
            "price": {"amount": "40.00", "currency": "EUR"},
            "stock": {"available": 3, "isSoldOut": False, "isLow": True},
        },
        {
            "sku": "A-2",
            "size": "M",
            "colour": "Ecru",
            "available": 0,
            "price": {"amount": "35.50", "currency": "EUR"},
            "stock": {"available": 0, "isSoldOut": True, "isLow": False},
        },
    ]


def test_product_by_slug(gql_client):
    product = ProductFactory.create(slug="linen-shirt")

    body = gql(gql_client, PRODUCT, {"slug": "linen-shirt"})

    assert body["data"]["product"]["name"] == product.name


def test_unpublished_product_is_not_found(gql_client):
    product = ProductFactory.create(is_published=False)

    body = gql(gql_client, PRODUCT, {"id": gid("Product", product.pk)})

    assert body["data"]["product"] is None


@pytest.mark.parametrize(
    "variables",
    [{}, {"id": gid("Product", 1), "slug": "x"}, {"id": None, "slug": None}],
    ids=["neither_case", "both_case", "explicit_null_case"],
)
def test_product_needs_exactly_one_of_id_and_slug(gql_client, variables):
    body = gql(gql_client, PRODUCT, variables, expect_errors=True)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "Pass exactly one of id or slug."


@pytest.mark.parametrize("sort", ["PRICE_ASC", "NEWEST"])
def test_rejects_a_forged_cursor_whose_value_does_not_fit_the_sort(gql_client, sort):
    from apps.core.pagination import Position
    from schema.core.pagination import encode_cursor

    forged = encode_cursor(
        Position(value="not-a-value", id=1), scope=f"products:{sort}"
    )

    body = gql(gql_client, NAMES, {"after": forged, "sort": sort}, expect_errors=True)

    assert error_codes(body) == ["INVALID_CURSOR"]
    assert (
        body["errors"][0]["message"] == "The cursor does not belong to this ordering."
    )


def test_a_category_facet_shows_its_path_from_the_top(gql_client):
    women = CategoryFactory.create(name="Women")
    shoes = CategoryFactory.create(name="Shoes", parent=women)
    sneakers = CategoryFactory.create(name="Sneakers", parent=shoes)
    ProductFactory.create(category=sneakers)

    body = gql(
        gql_client,
        "{ products(first: 1) { facets { categories { name label path } } } }",
    )

    deepest = body["data"]["products"]["facets"]["categories"][-1]
    assert deepest == {
        "name": "Sneakers",
        "label": "Women \u203a Shoes \u203a Sneakers",
        "path": ["Women", "Shoes", "Sneakers"],
    }
