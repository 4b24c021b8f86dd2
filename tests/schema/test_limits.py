"""Hostile documents are refused with a clear message before they cost much."""

from __future__ import annotations

import logging

import pytest
import strawberry
from django.test import override_settings

from schema.api import EXTENSIONS
from schema.core.limits import QuietSchema
from tests.support.graphql import error_codes, gql


def at_depth(depth: int) -> str:
    """A document whose deepest field is `depth` levels below its root field.

    products (0) > edges > node > category (3) > parent... > name: the limit
    counts the root field as depth 0, as graphql-depth-limit does.
    """
    inner = "name"
    for _ in range(depth - 4):
        inner = f"parent {{ name {inner} }}"
    return (
        f"{{ products(first: 1) {{ edges {{ node {{ category {{ {inner} }} }} }} }} }}"
    )


def test_accepts_a_document_at_the_depth_limit(gql_client, settings):
    body = gql(gql_client, at_depth(settings.GRAPHQL_MAX_DEPTH))

    assert body["data"] == {"products": {"edges": []}}


def test_refuses_a_document_one_level_past_the_depth_limit(gql_client, settings):
    limit = settings.GRAPHQL_MAX_DEPTH

    body = gql(gql_client, at_depth(limit + 1), expect_errors=True)

    assert {error["message"] for error in body["errors"]} == {
        f"'anonymous' exceeds maximum operation depth of {limit}"
    }
    assert body.get("data") is None


def test_refuses_more_than_thirty_aliases(gql_client):
    aliases = " ".join(f"a{n}: __typename" for n in range(31))

    body = gql(gql_client, f"{{ {aliases} }}", expect_errors=True)

    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == "31 aliases found. Allowed: 30"


def test_refuses_a_document_over_two_thousand_tokens(gql_client):
    body = gql(gql_client, "{ " + "__typename " * 2000 + "}", expect_errors=True)

    assert len(body["errors"]) == 1
    assert "2000 tokens" in body["errors"][0]["message"]


def test_returns_at_most_one_hundred_validation_errors(gql_client):
    fields = " ".join(f"missing{n}" for n in range(300))

    body = gql(gql_client, f"{{ {fields} }}", expect_errors=True)

    assert len(body["errors"]) == 100
    assert body["errors"][-1]["message"].startswith("Too many validation errors")


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_introspection_can_be_switched_off(gql_client):
    body = gql(gql_client, "{ __schema { types { name } } }", expect_errors=True)

    assert all(
        "introspection has been disabled" in e["message"] for e in body["errors"]
    )


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_field_suggestions_are_hidden_when_introspection_is_off(gql_client):
    body = gql(gql_client, "{ prodcts { totalCount } }", expect_errors=True)

    assert "Did you mean" not in body["errors"][0]["message"]


def test_field_suggestions_help_in_development(gql_client):
    body = gql(gql_client, "{ prodcts { totalCount } }", expect_errors=True)

    assert "Did you mean 'products'" in body["errors"][0]["message"]


@strawberry.type
class _Query:
    @strawberry.field
    def boom(self) -> int:
        msg = "secret database password in a bug"
        raise RuntimeError(msg)


@strawberry.type
class _Mutation:
    @strawberry.mutation
    def touch(self) -> int:
        return 1


_schema = QuietSchema(query=_Query, mutation=_Mutation, extensions=EXTENSIONS)


@pytest.mark.django_db
def test_bugs_are_masked_for_clients_and_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="fashionistar.graphql"):
        result = _schema.execute_sync("{ boom }")

    assert result.errors is not None
    assert result.errors[0].message == "Internal server error."
    assert result.errors[0].extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in str(result.errors[0].formatted)
    assert "secret database password" in caplog.text


@pytest.mark.django_db
def test_refuses_more_than_four_root_mutations():
    result = _schema.execute_sync(
        "mutation { a: touch b: touch c: touch d: touch e: touch }"
    )

    assert result.errors is not None
    assert len(result.errors) == 1
    assert result.errors[0].message == (
        "An operation may run at most 4 mutations; this one runs 5."
    )
    assert result.data is None


@pytest.mark.django_db
def test_counts_root_mutations_inside_fragments():
    result = _schema.execute_sync(
        "mutation { ...F a: touch b: touch } fragment F on _Mutation { c: touch d: touch e: touch }"
    )

    assert result.errors is not None
    assert "this one runs 5" in result.errors[0].message


@pytest.mark.django_db
def test_allows_four_root_mutations():
    result = _schema.execute_sync("mutation { a: touch b: touch c: touch d: touch }")

    assert result.errors is None


def test_a_document_of_several_operations_must_name_one(gql_client):
    body = gql(
        gql_client, "query A { __typename } query B { __typename }", expect_errors=True
    )

    assert error_codes(body) == ["OPERATION_NAME_REQUIRED"]
    assert body["errors"][0]["message"] == (
        "The document has several operations: name one in operationName."
    )
    assert "data" not in body
