"""Every string argument of every root field is checked before anything runs.

The schema itself (schema.api:schema) is walked: for each Query and Mutation
field, each String and ID argument or input field, at any depth and inside
lists, gets a NUL, and then a string over its limit, with minimal valid
values for the other required arguments. Each answer must be a typed request
error naming that argument, never INTERNAL_SERVER_ERROR, and no SQL runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from graphql.pyutils import Undefined

from schema.api import schema
from schema.core.input_checks import FREE_TEXT_MAX_LENGTH
from tests.support.graphql import GRAPHQL_URL, JSON
from tests.support.queries import assert_num_queries

# Values that pass validation for each scalar; the walk needs no more.
MINIMAL_SCALARS = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "Decimal": "1.00",
    "Date": "2026-01-01",
    "DateTime": "2026-01-01T00:00:00+00:00",
    # A file's place in a multipart request; as JSON, any value passes coercion.
    "Upload": "x",
}
TEXT_SCALARS = {"String", "ID"}


@dataclass(frozen=True)
class Slot:
    """One place a string goes: a root field, its argument, and a path inside."""

    operation: str  # "query" or "mutation"
    field: str
    argument: str
    path: tuple[str | int, ...]  # inside the argument's value
    limit: int

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in (self.argument, *self.path))

    def __str__(self) -> str:
        return f"{self.operation}.{self.field}({self.dotted})"


def _limit_of(definition: Any) -> int:
    backref = (definition.extensions or {}).get("strawberry-definition")
    metadata = getattr(backref, "metadata", None) or {}
    return int(metadata.get("max_length", FREE_TEXT_MAX_LENGTH))


def _unwrap(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _paths(
    type_: GraphQLInputType, limit: int, seen: frozenset[str]
) -> list[tuple[tuple[str | int, ...], int]]:
    """Every (path, limit) of a String or ID leaf inside a value of `type_`."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        return [((0, *path), lim) for path, lim in _paths(type_.of_type, limit, seen)]
    if isinstance(type_, GraphQLInputObjectType):
        if type_.name in seen:
            return []
        return [
            ((name, *path), lim)
            for name, field in type_.fields.items()
            for path, lim in _paths(field.type, _limit_of(field), seen | {type_.name})
        ]
    if isinstance(type_, GraphQLScalarType) and type_.name in TEXT_SCALARS:
        return [((), limit)]
    return []


def slots() -> list[Slot]:
    graphql_schema = schema._schema
    found = []
    for operation, root in (
        ("query", graphql_schema.query_type),
        ("mutation", graphql_schema.mutation_type),
    ):
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path, limit in _paths(arg.type, _limit_of(arg), frozenset()):
                    found.append(Slot(operation, field_name, arg_name, path, limit))
    return found


def minimal(type_: GraphQLInputType) -> Any:
    """A JSON value of `type_` that passes validation (None for optional)."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        return [minimal(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: minimal(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
            and field.default_value is Undefined
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return MINIMAL_SCALARS[type_.name]


def with_value(type_: GraphQLInputType, path: tuple[str | int, ...], text: str) -> Any:
    """A minimal value of `type_` with `text` at `path`."""
    if not path:
        return text
    type_ = _unwrap(type_)
    head, *rest = path
    if isinstance(type_, GraphQLList):
        return [with_value(type_.of_type, tuple(rest), text)]
    assert isinstance(type_, GraphQLInputObjectType)
    value = minimal(type_)
    value[head] = with_value(type_.fields[str(head)].type, tuple(rest), text)
    return value


def literal(value: Any, type_: GraphQLInputType) -> str:
    """Print a JSON value as a GraphQL literal (enum values unquoted)."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return "[" + ", ".join(literal(item, type_.of_type) for item in items) + "]"
    if isinstance(type_, GraphQLInputObjectType):
        fields = ", ".join(
            f"{name}: {literal(item, type_.fields[name].type)}"
            for name, item in value.items()
        )
        return "{" + fields + "}"
    if isinstance(type_, GraphQLEnumType):
        return str(value)
    return json.dumps(value)  # strings, numbers, booleans: JSON escapes are GraphQL's


def document(slot: Slot, text: str, *, as_variable: bool) -> dict[str, Any]:
    """A request for `slot`'s field with `text` placed at the slot."""
    graphql_schema = schema._schema
    root = (
        graphql_schema.query_type
        if slot.operation == "query"
        else graphql_schema.mutation_type
    )
    assert root is not None
    field = root.fields[slot.field]
    arguments, variables, definitions = [], {}, []
    for name, arg in field.args.items():
        if name == slot.argument:
            value = with_value(arg.type, slot.path, text)
        elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            value = minimal(arg.type)
        else:
            continue
        if as_variable and name == slot.argument:
            definitions.append(f"$v: {arg.type}")
            variables["v"] = value
            arguments.append(f"{name}: $v")
        else:
            arguments.append(f"{name}: {literal(value, arg.type)}")
    selection = (
        " { __typename }"
        if not isinstance(get_named_type(field.type), GraphQLScalarType)
        else ""
    )
    header = (
        f"{slot.operation} ({', '.join(definitions)})"
        if definitions
        else slot.operation
    )
    query = f"{header} {{ {slot.field}({', '.join(arguments)}){selection} }}"
    return {"query": query, "variables": variables}


def post(client, body: dict[str, Any]) -> dict[str, Any]:
    with assert_num_queries(0):
        response = client.post(
            GRAPHQL_URL,
            data=json.dumps(body),
            content_type=JSON,
            headers={"Accept": JSON},
        )
    result: dict[str, Any] = response.json()
    return result


SLOTS = slots()


def test_the_walk_reaches_nested_inputs_and_lists():
    found = {str(slot) for slot in SLOTS}

    assert "mutation.accountRegister(input.password)" in found
    assert "mutation.orderCreate(input.shippingAddress.line1)" in found
    assert "mutation.orderCreate(input.lines.0.variantId)" in found
    assert "query.products(filter.sizes.0)" in found
    assert "query.nodes(ids.0)" in found
    assert len(SLOTS) > 40


def assert_refused_at(body: dict[str, Any], slot: Slot) -> None:
    assert "data" not in body, body  # nothing executed
    assert body["errors"], body
    for error in body["errors"]:
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert [error["extensions"]["field"] for error in body["errors"]] == [slot.dotted]


@pytest.mark.parametrize("slot", SLOTS, ids=str)
def test_a_nul_in_a_literal_is_refused_with_its_path(gql_client, slot):
    body = post(gql_client, document(slot, "a\x00b", as_variable=False))

    assert_refused_at(body, slot)
    assert body["errors"][0]["message"] == (
        f"{slot.dotted}: Text may not contain NUL (U+0000) or surrogates "
        "(U+D800 to U+DFFF)."
    )


@pytest.mark.parametrize("slot", SLOTS, ids=str)
def test_a_nul_in_a_variable_is_refused_before_parsing(gql_client, slot):
    body = post(gql_client, document(slot, "a\x00b", as_variable=True))

    # The request body itself is refused (schema/http/strict_json.py).
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_REQUEST"]
    assert body["errors"][0]["extensions"]["pointer"].startswith("/variables/v")


@pytest.mark.parametrize("as_variable", [False, True], ids=["literal", "variable"])
@pytest.mark.parametrize("slot", SLOTS, ids=str)
def test_a_string_over_its_limit_is_refused_with_its_path(
    gql_client, slot, as_variable
):
    body = post(
        gql_client, document(slot, "x" * (slot.limit + 1), as_variable=as_variable)
    )

    assert_refused_at(body, slot)
    assert body["errors"][0]["message"] == (
        f"{slot.dotted}: At most {slot.limit} characters."
    )


def test_every_declared_limit_is_stated_in_its_description():
    graphql_schema = schema._schema
    definitions = [
        arg
        for type_ in graphql_schema.type_map.values()
        if isinstance(type_, GraphQLObjectType)
        for field in type_.fields.values()
        for arg in field.args.values()
    ] + [
        field
        for type_ in graphql_schema.type_map.values()
        if isinstance(type_, GraphQLInputObjectType)
        for field in type_.fields.values()
    ]

    declared = [d for d in definitions if _limit_of(d) != FREE_TEXT_MAX_LENGTH]

    assert len(declared) >= 4  # registration's email, names and key
    for definition in declared:
        assert definition.description.endswith(
            f"At most {_limit_of(definition)} characters."
        )
