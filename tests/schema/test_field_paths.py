"""Every error's field path is in the client's names: camelCase, indexes kept."""

from __future__ import annotations

import pytest

from apps.core.errors import DomainError
from apps.orders.errors import OrderErrorCode
from schema.core.errors import from_domain, graphql_field
from tests.support.graphql import error_codes, gql

PRODUCTS = """
query ($filter: ProductFilterInput) {
  products(filter: $filter) { edges { node { name } } }
}
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("price_min", "priceMin"),
        ("lines.2.variant_id", "lines.2.variantId"),
        ("shipping_address.postal_code", "shippingAddress.postalCode"),
        ("lines.10.quantity", "lines.10.quantity"),
        ("idempotency_key", "idempotencyKey"),
        ("email", "email"),
        (None, None),
    ],
    ids=[
        "one_segment_case",
        "list_index_case",
        "nested_case",
        "two_digit_index_case",
        "argument_case",
        "already_camel_case",
        "whole_request_case",
    ],
)
def test_each_segment_of_a_field_path_becomes_camel_case(path, expected):
    assert graphql_field(path) == expected


def test_a_renamed_argument_keeps_the_rest_of_its_path():
    renamed = {"order_id": "id", "customer_id": None}

    assert graphql_field("order_id", renamed=renamed) == "id"
    assert graphql_field("customer_id", renamed=renamed) is None
    assert graphql_field("order_lines.0.unit_price", renamed=renamed) == (
        "orderLines.0.unitPrice"
    )


def test_a_domain_error_becomes_a_graphql_error_with_a_camel_case_field():
    error = DomainError(OrderErrorCode.INVALID_ADDRESS, "Too long.", field="line_1")

    graphql_error = from_domain(error)

    assert graphql_error.extensions == {"code": "INVALID_ADDRESS", "field": "line1"}
    assert graphql_error.message == "Too long."


def test_a_domain_permission_refusal_becomes_forbidden():
    error = DomainError(OrderErrorCode.NOT_PERMITTED, "Only staff.", field="viewer")

    graphql_error = from_domain(error)

    assert graphql_error.extensions == {"code": "FORBIDDEN"}


@pytest.mark.django_db
def test_an_upside_down_price_range_names_the_price_min_field(gql_client):
    body = gql(
        gql_client,
        PRODUCTS,
        {"filter": {"priceMin": "50", "priceMax": "10"}},
        expect_errors=True,
    )

    assert error_codes(body) == ["INVALID_PRICE_RANGE"]
    assert body["errors"][0]["extensions"]["field"] == "priceMin"
    assert body["errors"][0]["message"] == "priceMin must not be greater than priceMax."
