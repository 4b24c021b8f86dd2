"""Every paginated field takes the same four arguments, checked the same way."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_named_type

from apps.catalog.models import Collection
from tests.factories.accounts import UserFactory
from tests.factories.catalog import CategoryFactory
from tests.support.graphql import error_codes, post, token
from tests.support.schema_walk import object_fields, schema_field

pytestmark = pytest.mark.django_db

RELAY_ARGUMENTS = ["first", "after", "last", "before"]
# Field path -> a document with the page arguments in $args, and who asks.
CONNECTIONS = {
    "Query.products": ("{ products(%s) { edges { cursor } } }", None),
    "Query.categories": ("{ categories(%s) { edges { cursor } } }", None),
    "Category.products": (
        "{ categories(first: 1) { edges { node { products(%s) { edges { cursor } } } } } }",
        None,
    ),
    "Query.collections": ("{ collections(%s) { edges { cursor } } }", None),
    "Collection.products": (
        "{ collections(first: 1) { edges { node { products(%s) { edges { cursor } } } } } }",
        None,
    ),
    "Query.myOrders": ("{ myOrders(%s) { edges { cursor } } }", "customer"),
    "Query.orders": ("{ orders(%s) { edges { cursor } } }", "staff"),
}


def _connection_fields() -> set[str]:
    return {
        path
        for path, field in object_fields()
        if get_named_type(field.type).name.endswith("Connection")
    }


def _ask(client, path: str, arguments: str) -> dict[str, Any]:
    document, who = CONNECTIONS[path]
    CategoryFactory.create()
    Collection.objects.get_or_create(
        slug="new-in", defaults={"name": "New in", "is_published": True}
    )
    bearer = None
    if who is not None:
        bearer = token(UserFactory.create(is_staff=who == "staff"))
    return post(client, document % arguments, bearer=bearer)


def test_the_table_lists_every_connection_field():
    assert _connection_fields() == set(CONNECTIONS)


@pytest.mark.parametrize("path", sorted(CONNECTIONS))
def test_a_connection_field_documents_its_limits_from_settings(path, settings):
    field = schema_field(path)
    cap = settings.GRAPHQL_MAX_PAGE_SIZE

    assert list(field.args)[-4:] == RELAY_ARGUMENTS
    assert field.args["first"].description == (
        f"Return at most this many items from the start (0 to {cap})."
    )
    assert field.args["last"].description == (
        f"Return at most this many items from the end (0 to {cap})."
    )
    assert (field.description or "").endswith(
        f"Page size at most {cap}, {settings.GRAPHQL_DEFAULT_PAGE_SIZE} by default."
    )


@pytest.mark.parametrize("path", sorted(CONNECTIONS))
def test_a_page_above_the_cap_is_refused(gql_client, path, settings):
    cap = settings.GRAPHQL_MAX_PAGE_SIZE

    body = _ask(gql_client, path, f"last: {cap + 1}")

    assert error_codes(body) == ["PAGE_SIZE_EXCEEDED"]
    assert body["errors"][0]["message"] == (
        f"last is {cap + 1}, above the maximum page size of {cap}."
    )


@pytest.mark.parametrize("path", sorted(CONNECTIONS))
def test_a_page_at_the_cap_is_served(gql_client, path, settings):
    body = _ask(gql_client, path, f"first: {settings.GRAPHQL_MAX_PAGE_SIZE}")

    assert "errors" not in body, body["errors"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("first: 1, last: 1", "Pass either first or last, not both."),
        ("first: -1", "first must not be negative."),
        (
            'after: "bm90IGEgY3Vyc29y"',
            "after: not a cursor of this list and sort order.",
        ),
    ],
    ids=["both_ends_case", "negative_case", "foreign_cursor_case"],
)
@pytest.mark.parametrize("path", sorted(CONNECTIONS))
def test_bad_page_arguments_are_refused_alike(gql_client, path, arguments, message):
    body = _ask(gql_client, path, arguments)

    assert error_codes(body) == ["INVALID_PAGINATION"]
    assert body["errors"][0]["message"] == message
