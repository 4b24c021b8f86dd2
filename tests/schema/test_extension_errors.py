"""A bug inside a schema extension is masked and logged like a resolver's."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError

from apps.core.logging import RequestIdFilter
from schema.core import input_checks
from tests.support.graphql import gql, request

SECRET = "secret detail of a bug in an extension"


@pytest.fixture
def extension_bug(monkeypatch):
    """Make the input checks extension fail as a bug in it would."""

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(input_checks, "operation_input_errors", broken)


@pytest.mark.usefixtures("extension_bug")
def test_an_unexpected_exception_in_an_extension_answers_a_generic_internal_error(
    gql_client,
):
    body = gql(gql_client, "{ __typename }", expect_errors=True)

    assert body["errors"] == [
        {
            "message": "Internal server error.",
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]


@pytest.mark.usefixtures("extension_bug")
def test_an_unexpected_exception_in_an_extension_is_a_500_in_graphql_response_json(
    gql_client,
):
    response = request(
        gql_client,
        "{ __typename }",
        headers={"Accept": "application/graphql-response+json"},
    )

    assert response.status_code == 500
    assert SECRET not in response.content.decode()


@pytest.mark.usefixtures("extension_bug")
def test_an_unexpected_exception_in_an_extension_is_logged_with_its_request_id(
    gql_client, caplog
):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.ERROR, logger="fashionistar.graphql"):
        gql(
            gql_client,
            "{ __typename }",
            expect_errors=True,
            headers={"X-Request-ID": "extension-bug-1"},
        )

    (record,) = [r for r in caplog.records if r.name == "fashionistar.graphql"]
    assert record.request_id == "extension-bug-1"
    assert record.exc_info is not None
    assert SECRET in caplog.text  # the traceback, for whoever fixes it


def test_a_typed_error_an_extension_raises_on_purpose_keeps_its_code(
    gql_client, monkeypatch
):
    def refusing(*args, **kwargs):
        raise GraphQLError("Refused on purpose.", extensions={"code": "BAD_USER_INPUT"})

    monkeypatch.setattr(input_checks, "operation_input_errors", refusing)

    body = gql(gql_client, "{ __typename }", expect_errors=True)

    assert body["errors"] == [
        {"message": "Refused on purpose.", "extensions": {"code": "BAD_USER_INPUT"}}
    ]
