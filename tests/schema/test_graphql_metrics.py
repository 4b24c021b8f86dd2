"""GraphQL operations and errors are counted, with labels a client cannot invent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.schema.test_trusted_documents import NAMES, NAMES_ID, write_manifest
from tests.support.graphql import gql
from tests.support.metrics import sample

pytestmark = pytest.mark.django_db
OPERATIONS = "fashionistar_graphql_operations_total"


def _operations(
    operation: str, root_field: str, outcome: str, kind: str = "query"
) -> float:
    return sample(
        OPERATIONS,
        operation=operation,
        root_field=root_field,
        type=kind,
        outcome=outcome,
    )


def test_an_operation_is_counted_by_its_root_field_type_and_outcome(gql_client):
    before = _operations("other", "__typename", "ok")

    gql(gql_client, "{ __typename }")

    assert _operations("other", "__typename", "ok") == before + 1


def test_a_client_chosen_operation_name_is_not_a_label(gql_client):
    before = _operations("other", "__typename", "ok")

    gql(gql_client, "query MadeUpName12345 { __typename }")

    assert _operations("other", "__typename", "ok") == before + 1
    assert _operations("MadeUpName12345", "__typename", "ok") == 0


def test_a_trusted_documents_name_is_its_label(gql_client, settings, tmp_path: Path):
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "allow"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = write_manifest(
        tmp_path, {NAMES_ID: NAMES}
    )
    before = _operations("Names", "products", "ok")

    gql(gql_client, NAMES, {"first": 1})

    assert _operations("Names", "products", "ok") == before + 1


def test_an_invalid_document_is_rejected_and_its_fields_are_not_labels(gql_client):
    before = _operations("other", "unknown", "rejected")
    errors = sample(
        "fashionistar_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED"
    )

    gql(gql_client, "{ noSuchField }", expect_errors=True)

    assert _operations("other", "unknown", "rejected") == before + 1
    assert _operations("other", "noSuchField", "rejected") == 0
    assert (
        sample("fashionistar_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED")
        == errors + 1
    )


def test_a_field_error_is_counted_as_an_error_outcome_with_its_code(gql_client):
    before = _operations("other", "myOrders", "error")

    body = gql(
        gql_client,
        "{ myOrders(first: 1) { edges { node { id } } } }",
        expect_errors=True,
    )

    (code,) = {error["extensions"]["code"] for error in body["errors"]}
    counted = sample("fashionistar_graphql_errors_total", code=code)
    assert _operations("other", "myOrders", "error") == before + 1
    gql(
        gql_client,
        "{ myOrders(first: 1) { edges { node { id } } } }",
        expect_errors=True,
    )
    assert sample("fashionistar_graphql_errors_total", code=code) == counted + 1
