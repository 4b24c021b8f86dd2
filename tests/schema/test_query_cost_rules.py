"""The pricing rules on the real schema, without running anything.

docs/graphql.md, "Query cost": objects 1, scalars 0, connections 2 plus the
page size times an edge, lists their bound, mutations 10 more.
"""

from __future__ import annotations

from typing import Any

from graphql import parse

from schema.core.cost import priced_operation
from tests.support.schema_walk import GRAPHQL_SCHEMA


def price(document: str, variables: dict[str, Any] | None = None) -> int:
    priced = priced_operation(GRAPHQL_SCHEMA, parse(document), None, variables)
    assert priced is not None
    return priced.requested_cost()


NAMES = "{ products(first: 10) { edges { node { name } } } }"  # 2 + 10 x 2


def test_scalars_cost_nothing_and_objects_one():
    assert price("{ products(first: 10) { totalCount } }") == 2
    assert price(NAMES) == 22
    assert price("{ me { email } }") == 1


def test_the_default_page_size_is_priced_when_none_is_given():
    assert price("{ products { edges { node { name } } } }") == 2 + 20 * 2


def test_a_page_size_from_a_variable_is_priced():
    document = "query ($n: Int) { products(first: $n) { edges { node { name } } } }"

    assert price(document, {"n": 3}) == 2 + 3 * 2
    assert price(document, {"n": 100.0}) == 2 + 100 * 2  # coerced to 100


def test_a_variable_left_out_takes_its_declared_default():
    document = "query ($n: Int = 7) { products(first: $n) { edges { node { name } } } }"

    assert price(document) == 2 + 7 * 2


def test_a_page_above_the_cap_is_priced_at_the_cap():
    # It is refused at execution (PAGE_SIZE_EXCEEDED): it never returns more.
    assert price("{ products(last: 1000) { edges { node { name } } } }") == 202


def test_aliases_each_cost():
    assert (
        price("{ a: products(first: 10) { edges { node { name } } } b: me { email } }")
        == 23
    )


def test_fragments_cost_what_the_same_fields_inline_cost():
    spread = """
    { products(first: 10) { ...Page } }
    fragment Page on ProductConnection { edges { node { ...Name } } }
    fragment Name on Product { name category { name } }
    """
    inline = "{ products(first: 10) { edges { node { name category { name } } } } }"

    assert price(spread) == price(inline) == 2 + 10 * 3


def test_skipped_selections_cost_nothing():
    document = """query ($no: Boolean!) {
      products(first: 10) @skip(if: $no) { edges { node { name } } }
      me @include(if: false) { email }
    }"""

    assert price(document, {"no": True}) == 0
    assert price(document, {"no": False}) == 22


def test_nested_connections_multiply():
    document = """{ categories(first: 10) { edges { node {
      products(first: 10) { edges { node { name } } } } } } }"""

    assert price(document) == 2 + 10 * (2 + (2 + 10 * 2))


def test_a_list_is_priced_at_its_bound():
    # 2 + 10 x (edge + node + 50 variants x (variant + price))
    assert price(
        "{ products(first: 10) { edges { node { variants { price { amount } } } } } }"
    ) == 2 + 10 * (2 + 50 * 2)


def test_nodes_cost_one_item_per_id_asked():
    document = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"

    assert price(document, {"ids": ["a", "b", "c"]}) == 3
    assert price(document, {"ids": "a"}) == 1  # one ID is coerced to a list


def test_an_interface_costs_its_most_expensive_type():
    document = """query ($id: ID!) { node(id: $id) {
      ... on Product { name }
      ... on Category { products(first: 10) { edges { node { name } } } }
    } }"""

    assert price(document, {"id": "x"}) == 1 + 22


def test_a_mutation_costs_ten_more_than_its_payload():
    document = 'mutation { tokenRevoke(refreshToken: "x") { errors { code } } }'

    # 10, the payload, and 50 errors at most.
    assert price(document) == 10 + 1 + 50


def test_introspection_is_free():
    assert price("{ __schema { types { name fields { name } } } __typename }") == 0
