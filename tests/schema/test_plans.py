"""Compiled plans answer exactly as graphql-core does, or hand over to it.

Every GraphQL request in the suite runs with GRAPHQL_PLAN_VERIFY, so each
planned tree is also completed by graphql-core and compared (the autouse
fixture in tests/conftest.py fails on a difference). These tests cover what
ordinary tests might not reach: every field a document can hold, rows at the
edges (no stock row, no variants, a price override, quotes and emoji), and
that the check itself fails when a plan is wrong.
"""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog import json_documents
from schema.core import plans
from tests.factories.catalog import (
    CategoryFactory,
    ProductFactory,
    VariantFactory,
    stocked_variant,
)
from tests.support.graphql import gql

EVERY_FIELD = """
query ($first: Int!) {
  __typename
  products(first: $first) {
    __typename
    edges {
      cursor
      node {
        __typename id name slug brand description
        price: basePrice { __typename amount currency }
        category { __typename id name slug }
        variants {
          __typename id sku size colour available
          price { amount currency }
          stock { __typename available isSoldOut isLow }
        }
        again: name
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
def catalog():
    odd = CategoryFactory.create(name='Quotes "and" \\ backslashes', slug="odd")
    with_everything = ProductFactory.create(
        name="Party 🎉 dress", category=odd, base_price=Decimal("129.00")
    )
    stocked_variant(product=with_everything, on_hand=3, reserved=1)
    stocked_variant(product=with_everything, on_hand=0, reserved=0)
    stocked_variant(product=with_everything, on_hand=9, reserved=2)
    VariantFactory.create(  # no stock row: nothing on hand
        product=with_everything, price_override=Decimal("99.50")
    )
    ProductFactory.create(name="No variants at all")


def documents_read(monkeypatch) -> list[json_documents.Document]:
    """The documents PostgreSQL writes during the test, with a page or by id."""
    read: list[json_documents.Document] = []
    with_page, by_id = json_documents.document, json_documents.product_documents

    def from_page(row):
        read.append(found := with_page(row))
        return found

    def from_ids(ids, category_ids, shape):
        found = by_id(ids, category_ids, shape)
        read.extend(found or ())
        return found

    monkeypatch.setattr(json_documents, "document", from_page)
    monkeypatch.setattr(json_documents, "product_documents", from_ids)
    monkeypatch.setattr(json_documents, "aproduct_documents", sync_to_async(from_ids))
    return read


@pytest.mark.postgres
def test_every_document_field_is_written_by_postgresql_as_graphql_core_would(
    gql_client, catalog, monkeypatch, settings
):
    settings.GRAPHQL_PLAN_VERIFY = False  # graphql-core would read again
    read = documents_read(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        body = gql(gql_client, EVERY_FIELD, {"first": 10})

    assert len(read) == 2  # the page's two products
    assert len(queries) == 1  # the page and its documents: one statement
    node = body["data"]["products"]["edges"][0]["node"]
    assert node["name"] == "No variants at all"
    assert node["variants"] == []
    dress = body["data"]["products"]["edges"][1]["node"]
    assert dress["category"]["name"] == 'Quotes "and" \\ backslashes'
    assert [v["available"] for v in dress["variants"]] == [2, 0, 7, 0]
    assert dress["variants"][3]["price"] == {"amount": "99.50", "currency": "USD"}


def test_the_same_page_is_answered_field_by_field_without_documents(
    gql_client, catalog, monkeypatch
):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    body = gql(gql_client, EVERY_FIELD, {"first": 10})

    assert [e["node"]["name"] for e in body["data"]["products"]["edges"]] == [
        "No variants at all",
        "Party 🎉 dress",
    ]


def test_a_field_no_document_holds_keeps_the_row_by_row_plan(
    gql_client, catalog, monkeypatch
):
    read = documents_read(monkeypatch)

    body = gql(
        gql_client,
        "{ products(first: 5) { edges { node { name createdAt variants { sku } } } } }",
    )

    assert read == []
    assert len(body["data"]["products"]["edges"]) == 2


@pytest.mark.postgres
def test_a_plan_that_answers_differently_is_caught_by_the_check(
    gql_client, catalog, monkeypatch
):
    real = json_documents.document

    def wrong(row):
        found = real(row)
        text = orjson.dumps({**orjson.loads(found.text), "name": "not graphql-core's"})
        return json_documents.Document(text.decode(), found.variants)

    monkeypatch.setattr(json_documents, "document", wrong)

    gql(gql_client, EVERY_FIELD, {"first": 10})

    assert any("differs from graphql-core" in m for m in plans.MISMATCHES)
    plans.MISMATCHES.clear()  # caught: the test passes


def test_a_plan_that_fails_hands_its_tree_to_graphql_core(
    gql_client, catalog, monkeypatch
):
    def broken(plan, sources, context):
        raise RuntimeError("a plan bug")

    monkeypatch.setattr(plans, "run", broken)

    body = gql(gql_client, EVERY_FIELD, {"first": 10})

    assert "errors" not in body
    assert len(body["data"]["products"]["edges"]) == 2


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        "fragment Card on Product { name variants { sku } }"
        " { products(first: 5) { edges { node { ...Card category { name } } } } }",
        "{ products(first: 5) { edges { node { title: name"
        " ... on Product { variants { sku available } } } } } }",
        "query ($with: Boolean = true) { products(first: 5) { edges { node {"
        " name category @include(if: $with) { name } } } } }",
    ],
    ids=["fragment_case", "alias_and_inline_fragment_case", "directive_case"],
)
def test_a_page_reads_its_documents_once_whatever_the_document_looks_like(
    gql_client, catalog, monkeypatch, query
):
    read = documents_read(monkeypatch)

    body = gql(gql_client, query)

    assert len(read) == 2  # each of the page's products, once
    assert len(body["data"]["products"]["edges"]) == 2


NODES = (
    "query ($first: Int!) { products(first: $first) { edges { node {"
    " name category { name } variants { sku available price { amount } } } } } }"
)


def parsed(monkeypatch) -> list[str]:
    """The document texts read back into Python objects during the test."""
    texts: list[str] = []
    real = json_documents.parse

    def counted(text):
        texts.append(text)
        return real(text)

    monkeypatch.setattr(json_documents, "parse", counted)
    return texts


@pytest.mark.postgres
def test_a_page_of_only_nodes_is_spliced_into_the_response_unread(
    gql_client, catalog, monkeypatch, settings
):
    settings.GRAPHQL_PLAN_VERIFY = False  # the check reads them back
    texts = parsed(monkeypatch)

    body = gql(gql_client, NODES, {"first": 10})

    assert texts == []
    dress = body["data"]["products"]["edges"][1]["node"]
    assert dress["category"] == {"name": 'Quotes "and" \\ backslashes'}
    assert [v["available"] for v in dress["variants"]] == [2, 0, 7, 0]
    assert dress["variants"][3]["price"] == {"amount": "99.50"}


@pytest.mark.postgres
def test_a_spliced_page_that_answers_differently_is_caught_by_the_check(
    gql_client, catalog, monkeypatch
):
    real = json_documents.document

    def wrong(row):
        found = real(row)
        text = orjson.dumps({**orjson.loads(found.text), "name": "not graphql-core's"})
        return json_documents.Document(text.decode(), found.variants)

    monkeypatch.setattr(json_documents, "document", wrong)

    gql(gql_client, NODES, {"first": 10})

    assert any("ProductConnection differs" in m for m in plans.MISMATCHES)
    plans.MISMATCHES.clear()  # caught: the test passes


@pytest.mark.postgres
def test_a_spliced_page_costs_what_graphql_core_counts(gql_client, catalog, settings):
    spliced = gql(gql_client, NODES, {"first": 10})["extensions"]["cost"]
    settings.GRAPHQL_PLANS = False

    field_by_field = gql(gql_client, NODES, {"first": 10})["extensions"]["cost"]

    assert spliced["actualQueryCost"] == field_by_field["actualQueryCost"]
    assert spliced["actualQueryCost"] < spliced["requestedQueryCost"]


@pytest.mark.postgres
def test_a_spliced_page_gets_the_etag_of_its_data(gql_client, catalog, settings):
    def etag() -> str:
        return str(
            gql_client.get(
                "/graphql/",
                {"query": NODES, "variables": '{"first": 10}'},
                headers={"Accept": "application/json"},
            )["ETag"]
        )

    spliced = etag()
    settings.GRAPHQL_PLANS = False

    assert etag() == spliced
