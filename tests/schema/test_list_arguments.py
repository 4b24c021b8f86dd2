"""Every list argument is capped at the GraphQL boundary, before anything runs.

A list longer than LIST_MAX_ITEMS is one BAD_USER_INPUT request error naming
the argument, whether it came inline or in a variable: GraphQL never coerces
its items and no SQL runs. Shorter lists meet their own rules in the resolver.
"""

from __future__ import annotations

from schema.core.input_checks import FREE_TEXT_MAX_LENGTH, LIST_MAX_ITEMS
from tests.support.graphql import error_codes, gid, post
from tests.support.queries import assert_num_queries

NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def _ids(count: int) -> list[str]:
    return [gid("Product", n + 1) for n in range(count)]


def test_a_list_variable_over_the_cap_is_refused_before_any_sql(gql_client):
    with assert_num_queries(0):
        body = post(gql_client, NODES, {"ids": _ids(LIST_MAX_ITEMS + 1)})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "ids"
    assert body["errors"][0]["message"] == f"ids: At most {LIST_MAX_ITEMS} items."
    assert "data" not in body


def test_an_inline_list_over_the_cap_is_refused_before_any_sql(gql_client):
    literal = ", ".join(f'"{value}"' for value in _ids(LIST_MAX_ITEMS + 1))

    with assert_num_queries(0):
        body = post(gql_client, f"{{ nodes(ids: [{literal}]) {{ id }} }}")

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "ids"


def test_a_list_at_the_cap_meets_its_own_rule_in_the_resolver(gql_client):
    body = post(gql_client, NODES, {"ids": _ids(LIST_MAX_ITEMS)})

    assert error_codes(body) == ["PAGE_SIZE_EXCEEDED"]  # nodes takes 100


def test_one_refusal_for_a_long_list_whatever_its_items_hold(gql_client):
    too_long = "x" * (FREE_TEXT_MAX_LENGTH + 1)
    body = post(gql_client, NODES, {"ids": [too_long] * (LIST_MAX_ITEMS + 1)})

    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["field"] == "ids"
