"""Who may call what: one refusal rule for every gated field.

An anonymous caller gets a top-level UNAUTHENTICATED, a signed-in caller
without the role a top-level FORBIDDEN, and the field is null; a payload's
`errors` never say "not permitted" (docs/graphql.md, "Who may call what").
"""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    get_named_type,
)
from strawberry.permission import PermissionExtension

from schema.core.permissions import IsAuthenticated, IsStaff
from tests.factories.accounts import UserFactory
from tests.support.graphql import error_codes, post, token
from tests.support.schema_walk import GRAPHQL_SCHEMA, object_fields, schema_field

pytestmark = pytest.mark.django_db

SIGNED_IN = "signed-in"
STAFF = "staff"
PUBLIC = "public"

# The policy, field by field. A new root field fails the meta-test below
# until it is placed here: nothing becomes public by omission.
POLICY = {
    "Query.node": PUBLIC,
    "Query.nodes": PUBLIC,
    "Query.product": PUBLIC,
    "Query.products": PUBLIC,
    "Query.category": PUBLIC,
    "Query.collections": PUBLIC,
    "Query.searchSuggestions": PUBLIC,
    "Query.collection": PUBLIC,
    "Query.categories": PUBLIC,
    "Query.me": PUBLIC,
    "Query.order": SIGNED_IN,
    "Query.myOrders": SIGNED_IN,
    "Query.orders": STAFF,
    "Query.salesReport": STAFF,
    "Query.salesReportSnapshot": STAFF,
    # A checkout's token is its holder's key: guests shop without an account.
    "Query.checkout": PUBLIC,
    "Query.orderByToken": PUBLIC,
    "Mutation.accountRegister": PUBLIC,
    "Mutation.accountVerifyEmail": PUBLIC,
    "Mutation.tokenCreate": PUBLIC,
    "Mutation.tokenRefresh": PUBLIC,
    "Mutation.tokenRevoke": PUBLIC,
    "Mutation.orderCreate": SIGNED_IN,
    "Mutation.orderCancel": SIGNED_IN,
    "Mutation.orderFulfil": STAFF,
    "Mutation.paymentInitialize": SIGNED_IN,
    "Mutation.reportGenerate": STAFF,
    "Mutation.requestPasswordReset": PUBLIC,
    "Mutation.setPassword": PUBLIC,
    "Mutation.passwordChange": SIGNED_IN,
    "Mutation.accountUpdate": SIGNED_IN,
    "Mutation.sendConfirmationEmail": SIGNED_IN,
    "Mutation.accountAddressCreate": SIGNED_IN,
    "Mutation.accountAddressUpdate": SIGNED_IN,
    "Mutation.accountAddressDelete": SIGNED_IN,
    "Mutation.accountSetDefaultShippingAddress": SIGNED_IN,
    "Mutation.voucherCreate": STAFF,
    "Mutation.productMediaCreate": STAFF,
    "Mutation.checkoutCreate": PUBLIC,
    "Mutation.checkoutLinesAdd": PUBLIC,
    "Mutation.checkoutLinesUpdate": PUBLIC,
    "Mutation.checkoutEmailUpdate": PUBLIC,
    "Mutation.checkoutShippingAddressUpdate": PUBLIC,
    "Mutation.checkoutShippingMethodUpdate": PUBLIC,
    "Mutation.checkoutPromoCodeAdd": PUBLIC,
    "Mutation.checkoutPromoCodeRemove": PUBLIC,
    "Mutation.checkoutComplete": PUBLIC,
}
_SAMPLES = {
    "ID": '"T3JkZXI6MQ=="',
    "GlobalID": '"T3JkZXI6MQ=="',
    "String": '"x"',
    "Int": "1",
    "Float": "1.5",
    "Boolean": "true",
    "Decimal": '"1.00"',
    "Upload": '"x"',
    "Date": '"2026-05-01"',
    "DateTime": '"2026-05-01T00:00:00+00:00"',
}


def _gate(field: GraphQLField) -> str:
    definition = field.extensions["strawberry-definition"]
    gates = {
        type(permission)
        for extension in definition.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    }
    if IsStaff in gates:
        return STAFF
    signed_in = any(issubclass(gate, IsAuthenticated) for gate in gates)
    return SIGNED_IN if signed_in else PUBLIC


def _gates() -> dict[str, str]:
    """Every field that carries a permission class, and every root field."""
    return {
        path: _gate(field)
        for path, field in object_fields()
        if _gate(field) != PUBLIC or path.split(".")[0] in {"Query", "Mutation"}
    }


def _literal(graphql_type: GraphQLInputType) -> str:
    """A valid literal of `graphql_type`: permission checks run after coercion."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _literal(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return f"[{_literal(graphql_type.of_type)}]"
    if isinstance(graphql_type, GraphQLEnumType):
        return str(next(iter(graphql_type.values)))
    if isinstance(graphql_type, GraphQLInputObjectType):
        required = [
            f"{name}: {_literal(field.type)}"
            for name, field in graphql_type.fields.items()
            if isinstance(field.type, GraphQLNonNull)
            and field.default_value is Undefined
        ]
        return "{" + ", ".join(required) + "}"
    assert isinstance(graphql_type, GraphQLScalarType)
    return _SAMPLES[graphql_type.name]


def document(path: str) -> tuple[str, str]:
    """Return a minimal valid operation calling the root field `path`."""
    type_name, name = path.split(".")
    operation = "mutation" if type_name == "Mutation" else "query"
    field = schema_field(path)
    arguments = ", ".join(
        f"{arg_name}: {_literal(arg.type)}"
        for arg_name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
    )
    call = f"{name}({arguments})" if arguments else name
    leaf = isinstance(get_named_type(field.type), GraphQLScalarType)
    return name, f"{operation} {{ {call}{'' if leaf else ' { __typename }'} }}"


def _gated(*levels: str) -> list[str]:
    return sorted(path for path, gate in POLICY.items() if gate in levels)


def test_every_field_has_a_stated_gate_and_the_schema_applies_it():
    assert _gates() == POLICY


@pytest.mark.parametrize("path", _gated(SIGNED_IN, STAFF))
def test_gated_fields_are_nullable_so_a_refusal_nulls_only_that_field(path):
    field = schema_field(path)

    assert not isinstance(field.type, GraphQLNonNull)


@pytest.mark.parametrize("path", _gated(SIGNED_IN, STAFF))
def test_anonymous_callers_are_told_to_sign_in(gql_client, path):
    name, query = document(path)

    body = post(gql_client, query)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Sign in first: send a bearer access token."
    assert body["errors"][0]["path"] == [name]
    assert body["data"] == {name: None}


@pytest.mark.parametrize("path", _gated(STAFF))
def test_customers_are_forbidden_staff_fields(gql_client, path):
    name, query = document(path)

    body = post(gql_client, query, bearer=token(UserFactory.create()))

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == "Only staff may do this."
    assert body["data"] == {name: None}


@pytest.mark.parametrize("path", _gated(SIGNED_IN))
def test_customers_pass_the_gate_of_signed_in_fields(gql_client, path):
    _, query = document(path)

    body = post(gql_client, query, bearer=token(UserFactory.create()))

    refusals = {"UNAUTHENTICATED", "FORBIDDEN"}
    assert refusals.isdisjoint(error_codes(body) if "errors" in body else [])


def test_no_payload_error_code_says_not_permitted():
    codes = {
        f"{name}.{value}"
        for name, graphql_type in GRAPHQL_SCHEMA.type_map.items()
        if isinstance(graphql_type, GraphQLEnumType) and name.endswith("ErrorCode")
        for value in graphql_type.values
        if value in {"NOT_PERMITTED", "FORBIDDEN", "UNAUTHENTICATED"}
    }

    assert codes == set()
