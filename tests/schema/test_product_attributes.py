"""Attributes (material, fit, ...): shown on products, filtered on, faceted."""

from __future__ import annotations

import pytest

from apps.catalog import models
from tests.factories.catalog import (
    AttributeFactory,
    AttributeValueFactory,
    ProductAttributeFactory,
    ProductFactory,
)
from tests.support.graphql import error_codes, gql

LIST = """
query ($filter: ProductFilterInput) {
  products(filter: $filter) {
    totalCount
    edges { node { name } }
    facets { attributes { slug name values { slug name count } } }
  }
}
"""


@pytest.fixture
def wardrobe():
    """Material (multiple) and fit (single) over four products."""
    material = AttributeFactory.create(
        slug="material", name="Material", kind="multiple", sort_order=0
    )
    fit = AttributeFactory.create(slug="fit", name="Fit", sort_order=1)
    values = {
        slug: AttributeValueFactory.create(
            attribute=attribute, slug=slug, name=slug.title(), sort_order=n
        )
        for n, (attribute, slug) in enumerate(
            [(material, "linen"), (material, "silk"), (fit, "slim"), (fit, "relaxed")]
        )
    }
    for name, held in [
        ("Linen Shirt", ["linen", "relaxed"]),
        ("Silk Blouse", ["silk", "slim"]),
        ("Blend Shirt", ["linen", "silk", "slim"]),
        ("Plain Tee", []),
    ]:
        product = ProductFactory.create(name=name)
        for slug in held:
            ProductAttributeFactory.create(product=product, value=values[slug])


def listed(client, *conditions):
    body = gql(client, LIST, {"filter": {"attributes": list(conditions)}})
    return body["data"]["products"]


def names(found) -> list[str]:
    return [edge["node"]["name"] for edge in found["edges"]]


def counts(found, attribute) -> dict[str, int]:
    for facet in found["facets"]["attributes"]:
        if facet["slug"] == attribute:
            return {value["slug"]: value["count"] for value in facet["values"]}
    return {}


def test_filters_by_one_value(gql_client, wardrobe):
    found = listed(gql_client, {"attribute": "material", "values": ["linen"]})

    assert names(found) == ["Blend Shirt", "Linen Shirt"]


def test_values_of_one_attribute_are_alternatives(gql_client, wardrobe):
    found = listed(gql_client, {"attribute": "material", "values": ["linen", "silk"]})

    assert found["totalCount"] == 3


def test_conditions_on_two_attributes_must_both_hold(gql_client, wardrobe):
    found = listed(
        gql_client,
        {"attribute": "material", "values": ["linen"]},
        {"attribute": "fit", "values": ["slim"]},
    )

    assert names(found) == ["Blend Shirt"]


def test_an_unknown_attribute_or_value_matches_nothing(gql_client, wardrobe):
    found = listed(gql_client, {"attribute": "colourway", "values": ["linen"]})

    assert found["totalCount"] == 0


def test_facets_count_products_per_value(gql_client, wardrobe):
    found = listed(gql_client)

    assert counts(found, "material") == {"linen": 2, "silk": 2}
    assert counts(found, "fit") == {"slim": 2, "relaxed": 1}


def test_an_attribute_facet_ignores_its_own_filter(gql_client, wardrobe):
    found = listed(gql_client, {"attribute": "material", "values": ["linen"]})

    assert counts(found, "material") == {"linen": 2, "silk": 2}
    assert counts(found, "fit") == {"slim": 1, "relaxed": 1}


def test_facets_list_attributes_and_values_in_staff_order(gql_client, wardrobe):
    facets = listed(gql_client)["facets"]["attributes"]

    assert [facet["name"] for facet in facets] == ["Material", "Fit"]
    assert [value["name"] for value in facets[1]["values"]] == ["Slim", "Relaxed"]


def test_an_attribute_staff_keep_unfilterable_has_no_facet(gql_client, wardrobe):
    models.Attribute.objects.filter(slug="fit").update(filterable=False)

    assert counts(listed(gql_client), "fit") == {}


PRODUCT = """
query ($slug: String!) {
  product(slug: $slug) { attributes { slug name multiple values { slug name } } }
}
"""


def test_a_product_shows_its_attributes_with_their_values(gql_client, wardrobe):
    slug = models.Product.objects.get(name="Blend Shirt").slug

    body = gql(gql_client, PRODUCT, {"slug": slug})

    assert body["data"]["product"]["attributes"] == [
        {
            "slug": "material",
            "name": "Material",
            "multiple": True,
            "values": [
                {"slug": "linen", "name": "Linen"},
                {"slug": "silk", "name": "Silk"},
            ],
        },
        {
            "slug": "fit",
            "name": "Fit",
            "multiple": False,
            "values": [{"slug": "slim", "name": "Slim"}],
        },
    ]


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        (
            [{"attribute": f"a{n}", "values": ["x"]} for n in range(11)],
            "At most 10 attributes can be filtered on.",
        ),
        (
            [
                {"attribute": "fit", "values": ["slim"]},
                {"attribute": "fit", "values": ["relaxed"]},
            ],
            "Each attribute can be given once; list its values together.",
        ),
        ([{"attribute": "fit", "values": []}], "Each attribute takes 1 to 50 values."),
    ],
    ids=["too_many_case", "repeated_case", "no_values_case"],
)
def test_refuses_an_attribute_filter_out_of_bounds(gql_client, conditions, message):
    body = gql(
        gql_client,
        LIST,
        {"filter": {"attributes": conditions}},
        expect_errors=True,
    )

    assert error_codes(body) == ["INVALID_FILTER"]
    assert body["errors"][0]["message"] == message


STOREFRONT_LISTING = """
{
  products(first: 24, filter: {search: "linen"}) {
    totalCount correctedSearch
    edges { node {
      name basePrice { amount } media { url(width: 320, format: WEBP) alt }
      attributes { name values { name } }
    } }
    facets {
      sizes { value count } colours { value count } categories { label count }
      price { min max } attributes { slug name values { slug name count } }
    }
  }
}
"""


def test_a_storefront_listing_with_attributes_and_every_facet_is_within_the_cost_limit(
    gql_client, settings
):
    body = gql(gql_client, STOREFRONT_LISTING)

    assert body["extensions"]["cost"]["requestedQueryCost"] <= (
        settings.GRAPHQL_MAX_QUERY_COST
    )
