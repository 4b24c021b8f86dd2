"""Hostile request bodies and query strings get a typed 400, never a 500.

The checks run while the view decodes the request (schema/views.py), so they
hold for every field alike. NUL and lone surrogates pass SQLite unharmed but
make PostgreSQL (psycopg) raise: the `postgres` tests pin that they are
refused before any query is sent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import DataError
from django.test import Client

from apps.catalog import models
from schema.http.strict_json import MAX_JSON_DEPTH
from tests.factories.catalog import ProductFactory
from tests.support.graphql import GRAPHQL_URL, error_codes, without_cost

JSON = "application/json"
UNSTORABLE_TEXT = "Text may not contain NUL (U+0000) or surrogates (U+D800 to U+DFFF)."

SEARCH = "query ($s: String) { products(filter: {search: $s}) { totalCount } }"
SLUG = "query ($s: String) { product(slug: $s) { name } }"
PRICE = "query ($p: Decimal) { products(filter: {priceMin: $p}) { totalCount } }"


def post_raw(client: Client, body: str | bytes):
    return client.post(
        GRAPHQL_URL, data=body, content_type=JSON, headers={"Accept": JSON}
    )


def assert_refused(response, message: str, pointer: str | None) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == f"{JSON}; charset=utf-8"
    body: dict[str, Any] = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1
    assert error_codes(body) == ["BAD_REQUEST"]
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"].get("pointer") == pointer


UNSTORABLE = [
    pytest.param("\x00", id="nul_case"),
    pytest.param("\ud800", id="lone_high_surrogate_case"),
    pytest.param("\udfff", id="lone_low_surrogate_case"),
]

# (request body with PLACE where the hostile value goes, its JSON Pointer)
LOCATIONS = [
    pytest.param('{"query": "{ __typename }PLACE"}', "/query", id="query_case"),
    pytest.param(
        '{"query": "query A { __typename }", "operationName": "APLACE"}',
        "/operationName",
        id="operation_name_case",
    ),
    pytest.param(
        '{"query": "{ __typename }", "variables": {"s": "PLACE"}}',
        "/variables/s",
        id="variables_case",
    ),
    pytest.param(
        '{"query": "{ __typename }", "extensions": {"a": [1, {"b": "PLACE"}]}}',
        "/extensions/a/1/b",
        id="extensions_case",
    ),
]


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize(("template", "pointer"), LOCATIONS)
def test_unstorable_character_anywhere_in_the_body_is_refused(
    gql_client, template, pointer, text
):
    escaped = json.dumps(text)[1:-1]  # \u0000, \ud800: the JSON escape
    response = post_raw(gql_client, template.replace("PLACE", escaped))

    assert_refused(response, UNSTORABLE_TEXT, pointer)


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_character_in_a_key_is_refused(gql_client, text):
    body = json.dumps({"query": "{ __typename }", "variables": {f"k{text}": 1}})

    response = post_raw(gql_client, body)

    assert_refused(response, UNSTORABLE_TEXT, f"/variables/k{text}")


def test_escaped_surrogate_pair_is_an_ordinary_character(gql_client):
    ProductFactory.create(name="Party 🎉 dress")
    # Full-text search indexes words, not emoji: the word makes it a match.
    body = json.dumps({"query": SEARCH, "variables": {"s": "🎉 dress"}})
    assert "\\ud83c\\udf89" in body  # the pair of escapes, as clients send it

    response = post_raw(gql_client, body)

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"products": {"totalCount": 1}}}


@pytest.mark.parametrize(
    "constant",
    [
        pytest.param("NaN", id="nan_case"),
        pytest.param("Infinity", id="infinity_case"),
        pytest.param("-Infinity", id="negative_infinity_case"),
    ],
)
@pytest.mark.parametrize(
    "template",
    [
        pytest.param('{"query": PLACE}', id="query_case"),
        pytest.param(
            '{"query": "{ __typename }", "operationName": PLACE}',
            id="operation_name_case",
        ),
        pytest.param(
            '{"query": "{ __typename }", "variables": {"p": PLACE}}',
            id="variables_case",
        ),
        pytest.param(
            '{"query": "{ __typename }", "extensions": {"a": [PLACE]}}',
            id="extensions_case",
        ),
    ],
)
def test_non_finite_number_anywhere_in_the_body_is_refused(
    gql_client, template, constant
):
    response = post_raw(gql_client, template.replace("PLACE", constant))

    name = constant.lstrip("-") if constant != "-Infinity" else constant
    assert_refused(
        response,
        f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity).",
        None,
    )


def test_number_overflowing_to_infinity_is_refused(gql_client):
    body = '{"query": "{ __typename }", "variables": {"p": 1e999}}'

    response = post_raw(gql_client, body)

    assert_refused(response, "Numbers must be finite.", "/variables/p")


def test_integer_too_long_to_parse_is_refused(gql_client):
    body = '{"query": "{ __typename }", "variables": {"n": %s}}' % ("9" * 5000)

    response = post_raw(gql_client, body)

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]
    assert response.json()["errors"][0]["message"].startswith("Invalid JSON: ")


def test_body_that_is_not_utf8_is_refused(gql_client):
    body = '{"query": "{ __typename }", "variables": {"s": "caf\xe9"}}'

    response = post_raw(gql_client, body.encode("latin-1"))

    assert_refused(response, "The request body is not UTF-8.", None)


# Nesting -----------------------------------------------------------------------


def test_json_nested_beyond_the_recursion_limit_is_refused(gql_client):
    response = post_raw(gql_client, "[" * 100_000)

    assert_refused(response, f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", "")


def test_json_nested_beyond_the_depth_cap_is_refused(gql_client):
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH):
        nested = [nested]
    body = json.dumps({"query": "{ __typename }", "extensions": {"deep": nested}})

    response = post_raw(gql_client, body)

    assert_refused(
        response,
        f"JSON nested deeper than {MAX_JSON_DEPTH} levels.",
        "/extensions/deep" + "/0" * (MAX_JSON_DEPTH - 2),
    )


def test_json_nested_up_to_the_depth_cap_is_accepted(gql_client):
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = [nested]
    body = json.dumps({"query": "{ __typename }", "extensions": {"deep": nested}})

    response = post_raw(gql_client, body)

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


# Variables that reach the database ---------------------------------------------

DATABASE_QUERIES = [
    pytest.param(SEARCH, id="products_search_case"),
    pytest.param(SLUG, id="product_slug_case"),
]


def refused_variable(client: Client, query: str, value: object):
    ProductFactory.create(name="Wool coat", slug="wool-coat")
    return post_raw(client, json.dumps({"query": query, "variables": {"s": value}}))


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize("query", DATABASE_QUERIES)
def test_unstorable_variable_for_a_database_filter_is_refused(gql_client, query, text):
    response = refused_variable(gql_client, query, f"wool{text}")

    assert_refused(response, UNSTORABLE_TEXT, "/variables/s")


@pytest.mark.postgres
@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize("query", DATABASE_QUERIES)
def test_unstorable_variable_never_reaches_postgresql(gql_client, query, text):
    response = refused_variable(gql_client, query, f"wool{text}")

    assert_refused(response, UNSTORABLE_TEXT, "/variables/s")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("\x00", DataError, id="nul_case"),
        pytest.param("\ud800", UnicodeEncodeError, id="lone_surrogate_case"),
    ],
)
def test_postgresql_itself_cannot_take_the_refused_text(db, text, error):
    # Why the refusal exists: psycopg raises on these, so a filter that got
    # them would turn into a 500. SQLite stores them without complaint.
    with pytest.raises(error):
        models.Product.objects.filter(name__icontains=f"wool{text}").exists()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(float("nan"), id="nan_case"),
        pytest.param(float("inf"), id="infinity_case"),
        pytest.param(float("-inf"), id="negative_infinity_case"),
    ],
)
def test_non_finite_decimal_variable_is_refused(gql_client, value):
    ProductFactory.create()
    # json.dumps writes NaN/Infinity/-Infinity, as careless clients do.
    body = json.dumps({"query": PRICE, "variables": {"p": value}})

    response = post_raw(gql_client, body)

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


# Query strings -----------------------------------------------------------------


def get(client: Client, **params: str):
    return client.get(GRAPHQL_URL, params, headers={"Accept": JSON})


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_character_in_get_variables_is_refused(gql_client, text):
    response = get(gql_client, query=SLUG, variables=json.dumps({"s": f"a{text}"}))

    assert_refused(response, UNSTORABLE_TEXT, "/variables/s")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("query", "{ __typename }\x00", id="query_case"),
        pytest.param("operationName", "A\x00", id="operation_name_case"),
    ],
)
def test_nul_in_a_get_parameter_is_refused(gql_client, name, value):
    params = {"query": "query A { __typename }", name: value}

    response = get(gql_client, **params)

    assert_refused(response, UNSTORABLE_TEXT, f"/{name}")


def test_nan_in_get_variables_is_refused(gql_client):
    response = get(gql_client, query=PRICE, variables='{"p": NaN}')

    assert_refused(
        response, "NaN is not valid JSON (RFC 8259 has no NaN or Infinity).", None
    )


def test_invalid_json_in_get_variables_is_refused(gql_client):
    response = get(gql_client, query=SLUG, variables='{"s": ')

    assert_refused(
        response,
        "Invalid JSON: Expecting value: line 1 column 7 (char 6)",
        "/variables",
    )


def test_percent_encoded_surrogate_in_a_query_string_is_a_parse_error(gql_client):
    # Django decodes invalid UTF-8 in the query string to U+FFFD, so the
    # surrogate never exists; the document just fails to parse.
    response = gql_client.get(
        f"{GRAPHQL_URL}?query=%ED%A0%80", headers={"Accept": JSON}
    )

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]
    assert body["errors"][0]["message"].startswith("Syntax Error: Unexpected")


# Strings inside the document -----------------------------------------------------
# A GraphQL string literal may spell NUL as an escape ("\u0000"), which the
# JSON check cannot see; the boundary check (schema/core/input_checks.py)
# refuses it, wherever the argument sits. tests/schema/test_string_arguments.py
# walks every root field; these cover what that walk does not reach.

NUL_LITERAL = "\\u0000"


def test_nul_in_a_nested_field_argument_behind_a_fragment_is_refused(gql_client):
    query = (
        '{ category(slug: "women") { ...Page } } '
        "fragment Page on Category { products(first: 1, after: "
        f'"a{NUL_LITERAL}") {{ pageInfo {{ hasNextPage }} }} }}'
    )

    response = post_raw(gql_client, json.dumps({"query": query}))

    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


def test_nul_in_a_variable_default_is_refused(gql_client):
    query = (
        f'query ($s: String = "wool{NUL_LITERAL}") '
        "{ products(filter: {search: $s}) { totalCount } }"
    )

    response = post_raw(gql_client, json.dumps({"query": query}))

    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "filter.search"


@pytest.mark.postgres
def test_nul_in_a_literal_never_reaches_postgresql(gql_client, caplog):
    # The audit's case: it answered INTERNAL_SERVER_ERROR with a DataError.
    query = (
        'mutation { accountRegister(input: {email: "a@example.com", '
        f'password: "correct-Horse-battery-9"}}, idempotencyKey: "k{NUL_LITERAL}") '
        "{ errors { code } } }"
    )

    response = post_raw(gql_client, json.dumps({"query": query}))

    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "idempotencyKey"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
