from __future__ import annotations

from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.support.graphql import error_codes, gid, gql

CATEGORY = """
query ($id: ID, $slug: String, $first: Int, $after: String) {
  category(id: $id, slug: $slug) {
    name slug
    parent { name }
    children { name }
    products(first: $first, after: $after) {
      edges { node { name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def test_category_shows_parent_children_and_its_own_products(gql_client):
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women, slug="dresses")
    CategoryFactory.create(name="Midi", parent=dresses)
    CategoryFactory.create(name="Maxi", parent=dresses)
    ProductFactory.create(name="Wrap dress", category=dresses)
    ProductFactory.create(name="Trench coat", category=women)
    ProductFactory.create(name="Hidden", category=dresses, is_published=False)

    body = gql(gql_client, CATEGORY, {"slug": "dresses"})

    assert body["data"]["category"] == {
        "name": "Dresses",
        "slug": "dresses",
        "parent": {"name": "Women"},
        "children": [{"name": "Maxi"}, {"name": "Midi"}],
        "products": {
            "edges": [{"node": {"name": "Wrap dress"}}],
            "pageInfo": {
                "hasNextPage": False,
                "endCursor": body["data"]["category"]["products"]["pageInfo"][
                    "endCursor"
                ],
            },
        },
    }


def test_a_categorys_products_include_those_of_every_category_below_it(gql_client):
    women = CategoryFactory.create(name="Women", slug="women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    maxi = CategoryFactory.create(name="Maxi", parent=dresses)
    ProductFactory.create(name="Blazer", category=women)
    ProductFactory.create(name="Slip dress", category=dresses)
    ProductFactory.create(name="Tiered maxi", category=maxi)
    ProductFactory.create(name="Chinos", category=CategoryFactory.create(name="Men"))

    body = gql(gql_client, CATEGORY, {"slug": "women", "first": 10})

    assert [
        e["node"]["name"] for e in body["data"]["category"]["products"]["edges"]
    ] == [
        "Blazer",
        "Slip dress",
        "Tiered maxi",
    ]


TREE = """
query {
  categories(first: 10) {
    edges { node { name products(first: 2) {
      edges { node { name } }
      pageInfo { hasNextPage }
    } } }
  }
}
"""


def test_a_page_of_categories_at_several_levels_pages_each_subtree(gql_client):
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    ProductFactory.create(name="A blazer", category=women)
    ProductFactory.create(name="B dress", category=dresses)
    ProductFactory.create(name="C dress", category=dresses)

    body = gql(gql_client, TREE)

    pages = {
        edge["node"]["name"]: (
            [e["node"]["name"] for e in edge["node"]["products"]["edges"]],
            edge["node"]["products"]["pageInfo"]["hasNextPage"],
        )
        for edge in body["data"]["categories"]["edges"]
    }
    assert pages == {
        "Dresses": (["B dress", "C dress"], False),
        "Women": (["A blazer", "B dress"], True),
    }


def test_category_products_page_with_cursors(gql_client):
    category = CategoryFactory.create()
    for n in range(3):
        ProductFactory.create(name=f"P{n}", category=category)
    first = gql(gql_client, CATEGORY, {"id": gid("Category", category.pk), "first": 2})
    cursor = first["data"]["category"]["products"]["pageInfo"]["endCursor"]

    second = gql(
        gql_client,
        CATEGORY,
        {"id": gid("Category", category.pk), "first": 2, "after": cursor},
    )

    assert [
        e["node"]["name"] for e in first["data"]["category"]["products"]["edges"]
    ] == ["P0", "P1"]
    assert [
        e["node"]["name"] for e in second["data"]["category"]["products"]["edges"]
    ] == ["P2"]
    assert second["data"]["category"]["products"]["pageInfo"]["hasNextPage"] is False


def test_category_by_missing_slug_is_null(gql_client):
    body = gql(gql_client, CATEGORY, {"slug": "nope"})

    assert body["data"]["category"] is None


def test_category_rejects_a_product_id(gql_client):
    body = gql(gql_client, CATEGORY, {"id": gid("Product", 1)}, expect_errors=True)

    assert error_codes(body) == ["INVALID_ID"]
    assert (
        body["errors"][0]["message"] == "id: expected a Category ID, got a Product ID."
    )


CATEGORIES = """
query ($top: Boolean!, $first: Int, $after: String) {
  categories(topLevelOnly: $top, first: $first, after: $after) {
    totalCount
    edges { node { name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_categories_list_by_name_optionally_top_level_only(gql_client):
    men = CategoryFactory.create(name="Men")
    CategoryFactory.create(name="Accessories")
    CategoryFactory.create(name="Boots", parent=men)

    every = gql(gql_client, CATEGORIES, {"top": False})
    top = gql(gql_client, CATEGORIES, {"top": True})

    assert [e["node"]["name"] for e in every["data"]["categories"]["edges"]] == [
        "Accessories",
        "Boots",
        "Men",
    ]
    assert [e["node"]["name"] for e in top["data"]["categories"]["edges"]] == [
        "Accessories",
        "Men",
    ]
    assert top["data"]["categories"]["totalCount"] == 2
